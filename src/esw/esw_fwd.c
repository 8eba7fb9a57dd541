/*
 * Forwarding: one frame in, a set of destinations out. The steps:
 * parse the MAC header -> the source's checks (link, port VLAN, spoof) ->
 * the frame's VLAN and the edits -> unicast by the FDB or flood -> count.
 */
#include "esw/esw_priv.h"

#include <string.h>

#define ESW_PASS	ESW_DROP_COUNT	/* no drop */

const char *const esw_vlan_op_names[] = {
	[ESW_VLAN_KEEP] = "keep", [ESW_VLAN_PUSH] = "push",
	[ESW_VLAN_POP] = "pop",
};
static_assert(ARRAY_SIZE(esw_vlan_op_names) == ESW_VLAN_OP_COUNT,
    "vlan op names");

static enum esw_drop
esw_parse(const struct pkt *pkt, struct net_eth *eth)
{
	if (net_eth_parse(pkt->data, pkt->len, eth) == NET_E_TRUNCATED)
		return ESW_DROP_MALFORMED;
	/* a third tag is fine here: only the outer one matters */
	if (eth->n_tags && eth->tags[0].tpid == ETH_P_8021AD)
		return ESW_DROP_STAG;
	if (net_eth_is_multicast(eth->src))
		return ESW_DROP_SRC_GROUP;
	return ESW_PASS;
}

static enum esw_drop
esw_ingress_vport(const struct esw *esw, const struct esw_vport *vp,
    const struct net_eth *eth, uint16_t *vlan)
{
	if (!esw_vport_up(esw, vp))
		return ESW_DROP_LINK_DOWN;
	if (vp->pvid && eth->n_tags)
		return ESW_DROP_PVID_TAGGED;
	*vlan = vp->pvid ? vp->vlan : eth->n_tags ? eth->tags[0].vid : 0;
	if (!vp->spoofchk || vp->trust)
		return ESW_PASS;
	if (esw_mac_is_zero(vp->mac) || memcmp(eth->src, vp->mac, ETH_ALEN))
		return ESW_DROP_MAC_SPOOF;
	if (!esw_vport_in_vlan(vp, *vlan))
		return ESW_DROP_VLAN_SPOOF;
	return ESW_PASS;
}

/*
 * From a port-VLAN vport (untagged in): push toward tagged destinations.
 * Else the frame is as its VLAN wants it toward tagged destinations, and
 * loses its tag toward port-VLAN ones.
 */
static void
esw_set_edits(struct esw_fwd *out, const struct esw_vport *src_pvid,
    const struct net_eth *eth)
{
	struct esw_vlan_edit *un = &out->edit[ESW_EGRESS_UNTAGGED];
	struct esw_vlan_edit *tg = &out->edit[ESW_EGRESS_TAGGED];

	if (src_pvid) {
		un->op = ESW_VLAN_KEEP;
		tg->op = ESW_VLAN_PUSH;
		tg->tci = (uint16_t)(src_pvid->qos << 13 | src_pvid->vlan);
		return;
	}
	un->op = eth->n_tags ? ESW_VLAN_POP : ESW_VLAN_KEEP;
	tg->op = ESW_VLAN_KEEP;
}

static inline void
esw_fwd_set(struct esw_fwd *fwd, unsigned vport)
{
	fwd->vports[vport / 64] |= 1ULL << (vport % 64);
}

/* Every other vport of the VLAN with its link up. */
static unsigned
esw_flood(const struct esw *esw, unsigned src, struct esw_fwd *out)
{
	unsigned n = 0;

	for (unsigned v = 0; v < esw->nvports; v++) {
		const struct esw_vport *vp = &esw->vports[v];

		if (v == src || !vp->exists || !esw_vport_up(esw, vp) ||
		    !esw_vport_in_vlan(vp, out->vlan))
			continue;
		esw_fwd_set(out, v);
		n++;
	}
	return n;
}

/* The vport that owns dst in out->vlan, ESW_FDB_EMPTY if none. */
static unsigned
esw_owner(const struct esw *esw, const uint8_t *dst, uint16_t vlan)
{
	unsigned owner = esw_fdb_lookup(esw, dst);

	if (owner == ESW_FDB_EMPTY ||
	    !esw_vport_in_vlan(&esw->vports[owner], vlan))
		return ESW_FDB_EMPTY;
	return owner;
}

static enum esw_drop
esw_unicast(const struct esw *esw, unsigned src, const uint8_t *dst,
    struct esw_fwd *out)
{
	unsigned owner = esw_owner(esw, dst, out->vlan);

	if (owner == ESW_FDB_EMPTY) {
		if (src == ESW_FDB_EMPTY)
			return ESW_DROP_UNKNOWN;
		out->uplink = true;
		return ESW_PASS;
	}
	if (owner == src)
		return ESW_DROP_LOOP;
	if (!esw_vport_up(esw, &esw->vports[owner]))
		return ESW_DROP_DEST_DOWN;
	esw_fwd_set(out, owner);
	return ESW_PASS;
}

static int
esw_edit_delta(const struct esw_vlan_edit *e)
{
	return e->op == ESW_VLAN_PUSH ? NET_VLAN_HLEN :
	    e->op == ESW_VLAN_POP ? -NET_VLAN_HLEN : 0;
}

/* Count the decision at each destination; returns their number. */
static unsigned
esw_count_dests(struct esw *esw, const struct esw_fwd *fwd, uint32_t len)
{
	unsigned v, n = 0;

	ESW_FWD_FOREACH_VPORT(fwd, v) {
		struct esw_counters *c = &esw->vports[v].cnt;

		c->rx_packets++;
		c->rx_bytes += len + esw_edit_delta(esw_fwd_edit(esw, fwd, v));
		n++;
	}
	if (fwd->uplink) {
		esw->uplink.tx_packets++;
		esw->uplink.tx_bytes += len +
		    esw_edit_delta(&fwd->edit[ESW_EGRESS_TAGGED]);
		n++;
	}
	return n;
}

static unsigned
esw_drop(struct esw_counters *cnt, struct esw_fwd *out, enum esw_drop why)
{
	memset(out->vports, 0, sizeof(out->vports));
	out->uplink = false;
	out->drop = why;
	cnt->drops[why]++;
	return 0;
}

static void
esw_fwd_init(struct esw_fwd *out)
{
	memset(out, 0, sizeof(*out));
	out->drop = ESW_PASS;
}

unsigned
esw_from_vport(struct esw *esw, unsigned vport, const struct pkt *pkt,
    struct esw_fwd *out)
{
	struct esw_vport *vp;
	struct net_eth eth;
	enum esw_drop why;

	esw_fwd_init(out);
	if (!esw_vport_exists(esw, vport))
		return esw_drop(&esw->uplink, out, ESW_DROP_NO_VPORT);
	vp = &esw->vports[vport];
	why = esw_parse(pkt, &eth);
	if (why == ESW_PASS)
		why = esw_ingress_vport(esw, vp, &eth, &out->vlan);
	if (why != ESW_PASS)
		return esw_drop(&vp->cnt, out, why);
	esw_set_edits(out, vp->pvid ? vp : NULL, &eth);
	if (net_eth_is_multicast(eth.dst)) {
		out->uplink = true;
		esw_flood(esw, vport, out);
	} else if ((why = esw_unicast(esw, vport, eth.dst, out)) != ESW_PASS) {
		return esw_drop(&vp->cnt, out, why);
	}
	vp->cnt.tx_packets++;
	vp->cnt.tx_bytes += pkt->len;
	return esw_count_dests(esw, out, pkt->len);
}

/* Our own frame back from the switch (a flood over another member). */
static bool
esw_src_is_local(const struct esw *esw, const struct net_eth *eth)
{
	return esw_fdb_lookup(esw, eth->src) != ESW_FDB_EMPTY;
}

unsigned
esw_from_uplink(struct esw *esw, const struct pkt *pkt, struct esw_fwd *out)
{
	struct net_eth eth;
	enum esw_drop why;

	esw_fwd_init(out);
	why = esw_parse(pkt, &eth);
	if (why == ESW_PASS && esw_src_is_local(esw, &eth))
		why = ESW_DROP_SRC_LOCAL;
	if (why != ESW_PASS)
		return esw_drop(&esw->uplink, out, why);
	out->vlan = eth.n_tags ? eth.tags[0].vid : 0;
	esw_set_edits(out, NULL, &eth);
	if (net_eth_is_multicast(eth.dst))
		why = esw_flood(esw, ESW_FDB_EMPTY, out) ? ESW_PASS :
		    ESW_DROP_NO_DEST;
	else
		why = esw_unicast(esw, ESW_FDB_EMPTY, eth.dst, out);
	if (why != ESW_PASS)
		return esw_drop(&esw->uplink, out, why);
	esw->uplink.rx_packets++;
	esw->uplink.rx_bytes += pkt->len;
	return esw_count_dests(esw, out, pkt->len);
}

const struct esw_vlan_edit *
esw_fwd_edit(const struct esw *esw, const struct esw_fwd *fwd,
    unsigned vport)
{
	bool untagged = vport < esw->nvports && esw->vports[vport].pvid;

	return &fwd->edit[untagged ? ESW_EGRESS_UNTAGGED : ESW_EGRESS_TAGGED];
}
