/* Defaults, the capability profile and the whole-config check. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/nic.h"
#include "lag/runner.h"

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
	return 0;
}
