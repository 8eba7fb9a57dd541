/* The eSwitch's insides, shared by its files. */
#ifndef LAGNIC_ESW_ESW_PRIV_H
#define LAGNIC_ESW_ESW_PRIV_H

#include <string.h>

#include "esw/esw.h"

#define ESW_FDB_SIZE	512	/* power of two, >= 2 * ESW_VPORTS_MAX */
#define ESW_FDB_EMPTY	0xffff

struct esw_vport {
	bool exists;
	uint8_t mac[ETH_ALEN];
	uint16_t vlan;			/* port VLAN when pvid */
	uint8_t qos;
	bool pvid;			/* vlan || qos */
	bool spoofchk;
	bool trust;
	enum esw_link_state link_state;
	uint64_t trunk[ESW_VLAN_WORDS];	/* VIDs it may use tagged */
	struct esw_counters cnt;
};

/* Static MAC -> vport entries, rebuilt on every MAC change. */
struct esw_fdb_entry {
	uint8_t mac[ETH_ALEN];
	uint16_t vport;			/* ESW_FDB_EMPTY: free slot */
};

struct esw {
	unsigned max_vfs;
	unsigned nvports;		/* max_vfs + 1 */
	bool uplink_up;
	struct esw_counters uplink;
	struct esw_fdb_entry fdb[ESW_FDB_SIZE];
	struct esw_vport vports[];	/* nvports */
};

static inline bool
esw_mac_is_zero(const uint8_t mac[ETH_ALEN])
{
	static const uint8_t zero[ETH_ALEN];

	return memcmp(mac, zero, ETH_ALEN) == 0;
}

void esw_fdb_rebuild(struct esw *esw);
/* The vport that owns mac, or ESW_FDB_EMPTY. */
unsigned esw_fdb_lookup(const struct esw *esw, const uint8_t mac[ETH_ALEN]);

bool esw_vport_in_vlan(const struct esw_vport *vp, uint16_t vlan);
bool esw_vport_up(const struct esw *esw, const struct esw_vport *vp);

#endif
