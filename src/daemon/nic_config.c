/* Defaults, the capability profile and the whole-config check. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/nic.h"
#include "lag/runner.h"
#include "txs/txs.h"

int
nic_err_set(struct nic_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void
nic_config_default(struct nic_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->name, "lag0");
	strcpy(cfg->backend, "afxdp");
	cfg->xdp_mode = PORT_XDP_AUTO;
	cfg->pf = true;
	cfg->mtu = 1500;
	lag_options_default(&cfg->lag);
	cfg->notify.num_grat_arp = 1;
	cfg->notify.num_unsol_na = 1;
}

void
nic_caps_default(struct nic_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->max_lags = 1;
	caps->max_ports_per_lag = LAG_MEMBERS_MAX;
	for (int m = 0; m < LAG_MODE_COUNT; m++)
		if (lag_runner_find(m))
			caps->modes |= 1u << m;
	caps->hash_policies = (1u << LAG_HASH_COUNT) - 1;
	caps->max_vfs = NIC_VFS_MAX;
}

void
nic_vf_config_default(struct nic_vf_config *vc, uint32_t vf)
{
	memset(vc, 0, sizeof(*vc));
	vc->vf = vf;
	snprintf(vc->ifname, sizeof(vc->ifname), NIC_VF_IFNAME_FMT, vf);
	esw_vf_config_default(&vc->esw);
}

static bool
mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return memcmp(mac, zero, ETH_ALEN) == 0;
}

/* One VF's own values, as `ip link set DEV vf N` checks them. */
static int
check_vf_values(const struct nic_vf_config *vc, unsigned max_vfs,
    struct nic_err *err)
{
	const struct esw_vf_config *e = &vc->esw;

	if (vc->vf >= max_vfs && max_vfs == 0)
		return nic_err_set(err, -ERANGE, "vf %u: beyond the limit "
		    "max_vfs=0 (this device has no VFs)", vc->vf);
	if (vc->vf >= max_vfs)
		return nic_err_set(err, -ERANGE, "vf %u: beyond the limit "
		    "max_vfs=%u (VFs 0..%u)", vc->vf, max_vfs, max_vfs - 1);
	if (!vc->ifname[0])
		return nic_err_set(err, -EINVAL, "vf %u: no interface name",
		    vc->vf);
	if (e->mac[0] & 1)
		return nic_err_set(err, -EINVAL,
		    "vf %u: mac: a group address cannot be a VF's", vc->vf);
	if (e->vlan > NET_VLAN_VID_MAX || e->qos > 7)
		return nic_err_set(err, -EINVAL, "vf %u: vlan 0..%u, qos 0..7",
		    vc->vf, NET_VLAN_VID_MAX);
	if (e->link_state >= ESW_LINK_COUNT)
		return nic_err_set(err, -EINVAL, "vf %u: bad state", vc->vf);
	if (vc->max_tx_rate > TXS_RATE_MAX || vc->min_tx_rate > TXS_RATE_MAX)
		return nic_err_set(err, -ERANGE, "vf %u: rates go up to %u "
		    "Mbit/s", vc->vf, TXS_RATE_MAX);
	if (vc->max_tx_rate && vc->min_tx_rate > vc->max_tx_rate)
		return nic_err_set(err, -EINVAL, "vf %u: min_tx_rate %u "
		    "exceeds max_tx_rate %u", vc->vf, vc->min_tx_rate,
		    vc->max_tx_rate);
	return 0;
}

/* VF i against the LAG, the ports and the VFs before it. */
static int
check_vf_unique(const struct nic_config *cfg, unsigned i, struct nic_err *err)
{
	const struct nic_vf_config *vc = &cfg->vfs[i];

	if (strcmp(vc->ifname, cfg->name) == 0)
		return nic_err_set(err, -EINVAL, "vf %u: %s is the LAG's own "
		    "interface", vc->vf, vc->ifname);
	for (unsigned j = 0; j < cfg->nports; j++)
		if (strcmp(cfg->ports[j].ifname, vc->ifname) == 0)
			return nic_err_set(err, -EBUSY, "vf %u: %s is a member "
			    "port", vc->vf, vc->ifname);
	for (unsigned j = 0; j < i; j++) {
		const struct nic_vf_config *o = &cfg->vfs[j];

		if (o->vf == vc->vf)
			return nic_err_set(err, -EEXIST, "vf %u: exists",
			    vc->vf);
		if (strcmp(o->ifname, vc->ifname) == 0)
			return nic_err_set(err, -EEXIST, "vf %u: interface %s "
			    "is vf %u's", vc->vf, vc->ifname, o->vf);
		if (!mac_is_zero(vc->esw.mac) &&
		    memcmp(o->esw.mac, vc->esw.mac, ETH_ALEN) == 0)
			return nic_err_set(err, -EEXIST, "vf %u: mac is vf "
			    "%u's already", vc->vf, o->vf);
	}
	return 0;
}

static int
check_vfs(const struct nic_config *cfg, const struct nic_caps *caps,
    struct nic_err *err)
{
	unsigned max_vfs = MIN(caps->max_vfs, NIC_VFS_MAX);
	int e;

	if (cfg->nvfs > max_vfs)
		return nic_err_set(err, -ERANGE,
		    "%u VFs exceed the limit max_vfs=%u", cfg->nvfs, max_vfs);
	for (unsigned i = 0; i < cfg->nvfs; i++) {
		e = check_vf_values(&cfg->vfs[i], max_vfs, err);
		if (!e)
			e = check_vf_unique(cfg, i, err);
		if (e)
			return e;
	}
	return 0;
}

static int
check_port(const struct nic_config *cfg, unsigned i, struct nic_err *err)
{
	const struct nic_port_config *pc = &cfg->ports[i];
	const char *backend = pc->backend[0] ? pc->backend : cfg->backend;

	if (!pc->ifname[0])
		return nic_err_set(err, -EINVAL, "port %u: no interface name", i);
	if (!port_backend_find(backend) || strcmp(backend, "tap") == 0)
		return nic_err_set(err, -EINVAL,
		    "port %s: unknown backend '%s' (afxdp, afpacket, sim)",
		    pc->ifname, backend);
	if (strcmp(pc->ifname, cfg->name) == 0)
		return nic_err_set(err, -EINVAL,
		    "port %s: is the LAG's own interface", pc->ifname);
	for (unsigned j = 0; j < i; j++)
		if (strcmp(cfg->ports[j].ifname, pc->ifname) == 0)
			return nic_err_set(err, -EBUSY,
			    "port %s: listed twice", pc->ifname);
	return 0;
}

int
nic_config_check(const struct nic_config *cfg, const struct nic_caps *caps,
    struct nic_err *err)
{
	int e;

	if (!cfg->name[0])
		return nic_err_set(err, -EINVAL, "the LAG needs a name");
	if (!(caps->modes & (1u << cfg->lag.mode)))
		return nic_err_set(err, -EOPNOTSUPP,
		    "mode %s: not supported by this device's profile",
		    lag_mode_names[cfg->lag.mode]);
	if (!(caps->hash_policies & (1u << cfg->lag.xmit_hash_policy)))
		return nic_err_set(err, -EOPNOTSUPP,
		    "xmit_hash_policy %s: not supported by this device's profile",
		    lag_hash_policy_names[cfg->lag.xmit_hash_policy]);
	if (cfg->nports > caps->max_ports_per_lag)
		return nic_err_set(err, -ENOSPC,
		    "%u ports exceed the limit max_ports_per_lag=%u",
		    cfg->nports, caps->max_ports_per_lag);
	if (cfg->lag.min_links > caps->max_ports_per_lag)
		return nic_err_set(err, -EINVAL,
		    "min_links %u exceeds max_ports_per_lag=%u",
		    cfg->lag.min_links, caps->max_ports_per_lag);
	if (cfg->mtu < 68 || cfg->mtu > NIC_MTU_MAX)
		return nic_err_set(err, -EINVAL, "mtu %u: allowed 68..%u",
		    cfg->mtu, NIC_MTU_MAX);
	for (unsigned i = 0; i < cfg->nports; i++) {
		e = check_port(cfg, i, err);
		if (e)
			return e;
	}
	return check_vfs(cfg, caps, err);
}
