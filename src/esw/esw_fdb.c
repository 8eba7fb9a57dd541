/*
 * The static FDB (MAC -> vport, from the configured MACs; nothing is
 * learned) and VLAN membership. The table is rebuilt whole on every MAC
 * change: configuration is rare, lookups are on every frame.
 */
#include "esw/esw_priv.h"

#include <string.h>

static unsigned
esw_fdb_hash(const uint8_t mac[ETH_ALEN])
{
	uint32_t h = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
	    (uint32_t)mac[4] << 8 | mac[5];

	h ^= (uint32_t)mac[0] << 8 | mac[1];
	return (h * 0x9e3779b1u) >> (32 - 9);
}
static_assert(ESW_FDB_SIZE == 1 << 9, "hash width");
static_assert(ESW_FDB_SIZE >= 2 * ESW_VPORTS_MAX, "fdb load");

static void
esw_fdb_insert(struct esw *esw, const uint8_t mac[ETH_ALEN], unsigned vport)
{
	unsigned i = esw_fdb_hash(mac);

	while (esw->fdb[i].vport != ESW_FDB_EMPTY)
		i = (i + 1) & (ESW_FDB_SIZE - 1);
	memcpy(esw->fdb[i].mac, mac, ETH_ALEN);
	esw->fdb[i].vport = (uint16_t)vport;
}

void
esw_fdb_rebuild(struct esw *esw)
{
	for (unsigned i = 0; i < ESW_FDB_SIZE; i++)
		esw->fdb[i].vport = ESW_FDB_EMPTY;
	for (unsigned v = 0; v < esw->nvports; v++) {
		const struct esw_vport *vp = &esw->vports[v];

		if (vp->exists && !esw_mac_is_zero(vp->mac))
			esw_fdb_insert(esw, vp->mac, v);
	}
}

unsigned
esw_fdb_lookup(const struct esw *esw, const uint8_t mac[ETH_ALEN])
{
	unsigned i = esw_fdb_hash(mac);

	while (esw->fdb[i].vport != ESW_FDB_EMPTY) {
		if (memcmp(esw->fdb[i].mac, mac, ETH_ALEN) == 0)
			return esw->fdb[i].vport;
		i = (i + 1) & (ESW_FDB_SIZE - 1);
	}
	return ESW_FDB_EMPTY;
}

/*
 * With a port VLAN: that one. Else untagged plus the trunk; a trusted VF
 * is in every VLAN (the PF is not marked trusted: it has no spoof check,
 * but receives only untagged and its trunk).
 */
bool
esw_vport_in_vlan(const struct esw_vport *vp, uint16_t vlan)
{
	if (vp->pvid)
		return vlan == vp->vlan;
	if (vlan == 0 || vp->trust)
		return true;
	return vp->trunk[vlan / 64] >> (vlan % 64) & 1;
}

bool
esw_vport_up(const struct esw *esw, const struct esw_vport *vp)
{
	switch (vp->link_state) {
	case ESW_LINK_ENABLE:
		return true;
	case ESW_LINK_DISABLE:
		return false;
	default:
		return esw->uplink_up;
	}
}
