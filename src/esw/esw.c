/*
 * The eSwitch's configuration: vports, their VF settings, the static FDB.
 * Every call validates first, then commits; nothing below a commit fails.
 */
#include "esw/esw_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const esw_drop_names[] = {
#define ESW_DROP_NAME(name, desc) [ESW_DROP_##name] = #name,
	ESW_DROPS(ESW_DROP_NAME)
#undef ESW_DROP_NAME
};
static_assert(ARRAY_SIZE(esw_drop_names) == ESW_DROP_COUNT, "drop names");

const char *const esw_drop_descs[] = {
#define ESW_DROP_DESC(name, desc) [ESW_DROP_##name] = desc,
	ESW_DROPS(ESW_DROP_DESC)
#undef ESW_DROP_DESC
};
static_assert(ARRAY_SIZE(esw_drop_descs) == ESW_DROP_COUNT, "drop descs");

const char *const esw_link_state_names[] = {
	[ESW_LINK_AUTO] = "auto", [ESW_LINK_ENABLE] = "enable",
	[ESW_LINK_DISABLE] = "disable",
};
static_assert(ARRAY_SIZE(esw_link_state_names) == ESW_LINK_COUNT,
    "link state names");

void
esw_vf_config_default(struct esw_vf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->spoofchk = true;
	cfg->link_state = ESW_LINK_AUTO;
}

int
esw_create(struct esw **out, unsigned max_vfs)
{
	struct esw *esw;

	if (max_vfs > ESW_VFS_MAX)
		return -ERANGE;
	esw = calloc(1, sizeof(*esw) + (max_vfs + 1) * sizeof(esw->vports[0]));
	if (!esw)
		return -ENOMEM;
	esw->max_vfs = max_vfs;
	esw->nvports = max_vfs + 1;
	esw->vports[ESW_VPORT_PF].exists = true;
	esw->vports[ESW_VPORT_PF].spoofchk = false;
	esw->vports[ESW_VPORT_PF].link_state = ESW_LINK_AUTO;
	esw_fdb_rebuild(esw);
	*out = esw;
	return 0;
}

void
esw_destroy(struct esw *esw)
{
	free(esw);
}

unsigned
esw_max_vfs(const struct esw *esw)
{
	return esw->max_vfs;
}

/* -EEXIST if a vport other than self has mac. */
static int
esw_mac_check_unique(const struct esw *esw, unsigned self,
    const uint8_t mac[ETH_ALEN])
{
	if (esw_mac_is_zero(mac))
		return 0;
	for (unsigned v = 0; v < esw->nvports; v++) {
		const struct esw_vport *vp = &esw->vports[v];

		if (v != self && vp->exists && memcmp(vp->mac, mac,
		    ETH_ALEN) == 0)
			return -EEXIST;
	}
	return 0;
}

int
esw_pf_mac_set(struct esw *esw, const uint8_t mac[ETH_ALEN])
{
	int err;

	if (net_eth_is_multicast(mac))
		return -EINVAL;
	err = esw_mac_check_unique(esw, ESW_VPORT_PF, mac);
	if (err)
		return err;
	/* commit: nothing below may fail */
	memcpy(esw->vports[ESW_VPORT_PF].mac, mac, ETH_ALEN);
	esw_fdb_rebuild(esw);
	return 0;
}

static int
esw_vf_config_check(const struct esw *esw, unsigned vport,
    const struct esw_vf_config *cfg)
{
	if (!cfg || net_eth_is_multicast(cfg->mac))
		return -EINVAL;
	if (cfg->vlan > NET_VLAN_VID_MAX || cfg->qos > NET_VLAN_PCP_MAX)
		return -EINVAL;
	if ((unsigned)cfg->link_state >= ESW_LINK_COUNT)
		return -EINVAL;
	return esw_mac_check_unique(esw, vport, cfg->mac);
}

static void
esw_vf_apply(struct esw *esw, struct esw_vport *vp,
    const struct esw_vf_config *cfg)
{
	memcpy(vp->mac, cfg->mac, ETH_ALEN);
	vp->vlan = cfg->vlan;
	vp->qos = cfg->qos;
	vp->pvid = cfg->vlan || cfg->qos;
	vp->spoofchk = cfg->spoofchk;
	vp->trust = cfg->trust;
	vp->link_state = cfg->link_state;
	esw_fdb_rebuild(esw);
}

/* The VF's vport, or -ERANGE / -ENOENT (exists must match). */
static int
esw_vf_lookup(const struct esw *esw, unsigned vf, bool exists)
{
	if (vf >= esw->max_vfs)
		return -ERANGE;
	if (esw->vports[esw_vf_vport(vf)].exists != exists)
		return exists ? -ENOENT : -EEXIST;
	return (int)esw_vf_vport(vf);
}

int
esw_vf_add(struct esw *esw, unsigned vf, const struct esw_vf_config *cfg)
{
	struct esw_vport *vp;
	int vport, err;

	vport = esw_vf_lookup(esw, vf, false);
	if (vport < 0)
		return vport;
	err = esw_vf_config_check(esw, (unsigned)vport, cfg);
	if (err)
		return err;
	/* commit: nothing below may fail */
	vp = &esw->vports[vport];
	memset(vp, 0, sizeof(*vp));
	vp->exists = true;
	esw_vf_apply(esw, vp, cfg);
	return 0;
}

int
esw_vf_set(struct esw *esw, unsigned vf, const struct esw_vf_config *cfg)
{
	int vport, err;

	vport = esw_vf_lookup(esw, vf, true);
	if (vport < 0)
		return vport;
	err = esw_vf_config_check(esw, (unsigned)vport, cfg);
	if (err)
		return err;
	/* commit: nothing below may fail */
	esw_vf_apply(esw, &esw->vports[vport], cfg);
	return 0;
}

int
esw_vf_get(const struct esw *esw, unsigned vf, struct esw_vf_config *cfg)
{
	const struct esw_vport *vp;
	int vport;

	vport = esw_vf_lookup(esw, vf, true);
	if (vport < 0)
		return vport;
	vp = &esw->vports[vport];
	memcpy(cfg->mac, vp->mac, ETH_ALEN);
	cfg->vlan = vp->vlan;
	cfg->qos = vp->qos;
	cfg->spoofchk = vp->spoofchk;
	cfg->trust = vp->trust;
	cfg->link_state = vp->link_state;
	return 0;
}

int
esw_vf_del(struct esw *esw, unsigned vf)
{
	int vport;

	vport = esw_vf_lookup(esw, vf, true);
	if (vport < 0)
		return vport;
	/* commit: nothing below may fail */
	memset(&esw->vports[vport], 0, sizeof(esw->vports[vport]));
	esw_fdb_rebuild(esw);
	return 0;
}

int
esw_vport_trunk_set(struct esw *esw, unsigned vport, uint16_t lo,
    uint16_t hi, bool on)
{
	struct esw_vport *vp;

	if (!esw_vport_exists(esw, vport))
		return -ENOENT;
	if (lo > NET_VLAN_VID_MAX || hi > NET_VLAN_VID_MAX)
		return -ERANGE;
	if (lo == 0 || lo > hi)
		return -EINVAL;
	/* commit: nothing below may fail */
	vp = &esw->vports[vport];
	for (unsigned vid = lo; vid <= hi; vid++) {
		if (on)
			vp->trunk[vid / 64] |= 1ULL << (vid % 64);
		else
			vp->trunk[vid / 64] &= ~(1ULL << (vid % 64));
	}
	return 0;
}

void
esw_uplink_set(struct esw *esw, bool up)
{
	esw->uplink_up = up;
}

bool
esw_vport_exists(const struct esw *esw, unsigned vport)
{
	return vport < esw->nvports && esw->vports[vport].exists;
}

bool
esw_vport_link_up(const struct esw *esw, unsigned vport)
{
	return esw_vport_exists(esw, vport) &&
	    esw_vport_up(esw, &esw->vports[vport]);
}

const struct esw_counters *
esw_vport_counters(const struct esw *esw, unsigned vport)
{
	return esw_vport_exists(esw, vport) ? &esw->vports[vport].cnt : NULL;
}

const struct esw_counters *
esw_uplink_counters(const struct esw *esw)
{
	return &esw->uplink;
}
