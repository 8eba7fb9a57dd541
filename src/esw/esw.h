/*
 * The eSwitch: a virtual Ethernet bridge (VEB) between the NIC's functions
 * and the uplink (the LAG). Pure: no sockets, no clock, no allocation on
 * the datapath.
 *
 * Vports: vport 0 is the PF, vport 1 + n is VF n (VFs are numbered from 0
 * as in `ip link set DEV vf N`), up to the max_vfs given at creation (the
 * capability profile's). The uplink is not a vport; it is a flag in a
 * forwarding decision.
 *
 * Per VF, with the meaning of `ip link set DEV vf N ...`:
 *   mac       its address; unique across vports (-EEXIST otherwise).
 *             Zero: none assigned (no FDB entry; with spoofchk on and not
 *             trusted it can send nothing). The daemon should assign one.
 *   vlan qos  port VLAN ("VST"): when vlan or qos is not zero the VF sends
 *             and receives untagged; the eSwitch pushes the tag
 *             (qos << 13 | vlan) toward the uplink and toward vports
 *             without a port VLAN, and pops it toward the VF. A tagged
 *             frame from such a VF is dropped, trusted or not (as Linux
 *             drivers do in VST: the guest is confined to its VLAN).
 *             vlan 0..4095, qos 0..7 (-EINVAL), as the kernel checks.
 *   spoofchk  on by default. With it on and trust off, a frame whose source
 *             MAC is not the VF's, or whose VLAN the VF is not in, is
 *             dropped and counted. Off: neither is checked.
 *   trust     a trusted VF may send with any source MAC and in any VLAN,
 *             and without a port VLAN receives in every VLAN.
 *   link      auto (follows the uplink's carrier, esw_uplink_set()),
 *             enable, disable. A VF whose link is down neither sends nor
 *             receives; with enable it keeps switching locally while the
 *             uplink is down.
 *
 * VLAN membership of a vport (where it receives, and for spoofchk where it
 * may send): with a port VLAN exactly that VLAN; else untagged (VLAN 0)
 * plus its trunk (esw_vport_trunk_set, the VLANs the admin lets it use
 * tagged: for the PF, the host's VLAN devices; for a VF, VGT); a trusted VF
 * without a port VLAN is in every VLAN. The PF has no spoof check (it may
 * send anything), no port VLAN, receives untagged plus its trunk, and its
 * link follows the uplink. The uplink starts down: call esw_uplink_set()
 * with the LAG's carrier.
 *
 * Forwarding (esw_from_vport / esw_from_uplink): the frame's VLAN is the
 * source's port VLAN, else the VID of its outer 802.1Q tag, else 0. A
 * unicast destination MAC that belongs to a vport in that VLAN goes to that
 * vport only (static entries from the configured MACs: nothing is learned
 * from the wire); else from a vport it goes up, from the uplink it is
 * dropped. A group destination (broadcast, multicast) is replicated to
 * every other vport of the VLAN whose link is up, plus up if it came from a
 * vport. Nothing that came from the uplink goes back up. An outer 802.1ad
 * S-tag is not supported (dropped, counted).
 *
 * Counters: per vport, from the function's side as in `ip -s link`: tx is
 * what the function sent into the eSwitch and it accepted, rx is what the
 * eSwitch forwarded to the function (counted at the decision: a delivery
 * the daemon then fails is its own counter). drops[] count the frames this
 * vport sent that the eSwitch dropped, by reason. For the uplink, rx is
 * what came from the wire and was forwarded, tx what was sent up, drops[]
 * the wire's frames dropped and NO_VPORT (a frame from no vport).
 *
 * Configuration calls are all or nothing: on an error nothing changed.
 * They are not thread safe against the datapath; the daemon runs both on
 * its one thread.
 *
 * How the daemon uses it:
 *
 *	struct esw_fwd fwd;
 *	unsigned v;
 *
 *	// frame from VF n's TAP (vport esw_vf_vport(n)) or from the PF TAP:
 *	if (!esw_from_vport(esw, vport, pkt, &fwd)) { pkt_free(pkt); ... }
 *	ESW_FWD_FOREACH_VPORT(&fwd, v) {
 *		copy = (last destination) ? pkt : pkt_clone(pkt, pool);
 *		esw_vlan_apply(copy, esw_fwd_edit(esw, &fwd, v));
 *		... to vport v's TAP
 *	}
 *	if (fwd.uplink) {
 *		esw_vlan_apply(copy, esw_fwd_uplink_edit(&fwd));
 *		... to the sender's TX queue (src/txs) -> LAG
 *	}
 *
 * Clone before editing: each copy takes its own edit. The RX side does
 * not care which member a frame came in on: after a failover the new
 * port's traffic reaches the same vports (control frames stay with the
 * LAG, which consumes them before the eSwitch).
 *	// frame from a member after lag_rx() said PASS:
 *	esw_from_uplink(esw, pkt, &fwd);   (same replication, no uplink)
 */
#ifndef LAGNIC_ESW_ESW_H
#define LAGNIC_ESW_ESW_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/pkt.h"
#include "net/eth.h"

#define ESW_VPORT_PF		0
#define ESW_VFS_MAX		255	/* vports 1..255 */
#define ESW_VPORTS_MAX		(ESW_VFS_MAX + 1)
#define ESW_VPORT_WORDS		(ESW_VPORTS_MAX / 64)
#define ESW_VLAN_WORDS		((NET_VLAN_VID_MAX + 1) / 64)

static inline unsigned
esw_vf_vport(unsigned vf)
{
	return vf + 1;
}

static inline unsigned
esw_vport_vf(unsigned vport)
{
	return vport - 1;
}

/* Why the eSwitch dropped a frame. NAME (ESW_DROP_NAME), description. */
#define ESW_DROPS(_)							\
	_(MALFORMED,   "shorter than a MAC header, or a tag cut short")	\
	_(STAG,        "outer tag is an 802.1ad S-tag (not supported)")	\
	_(SRC_GROUP,   "source MAC is a group address")			\
	_(LINK_DOWN,   "source vport's link is down")			\
	_(NO_VPORT,    "source vport does not exist")			\
	_(MAC_SPOOF,   "source MAC is not the VF's (spoofchk, not trusted)") \
	_(VLAN_SPOOF,  "VLAN the VF is not in (spoofchk, not trusted)")	\
	_(PVID_TAGGED, "tagged frame from a VF with a port VLAN")	\
	_(LOOP,        "unicast to the sender's own MAC")			\
	_(DEST_DOWN,   "destination vport's link is down")		\
	_(SRC_LOCAL,   "from the uplink with a local function's source MAC") \
	_(UNKNOWN,     "from the uplink to a MAC no vport has in that VLAN") \
	_(NO_DEST,     "group frame with no vport to go to")

enum esw_drop {
#define ESW_DROP_ENUM(name, desc) ESW_DROP_##name,
	ESW_DROPS(ESW_DROP_ENUM)
#undef ESW_DROP_ENUM
	ESW_DROP_COUNT
};
extern const char *const esw_drop_names[];	/* "MALFORMED", ... */
extern const char *const esw_drop_descs[];

/* `ip link set DEV vf N state ...` */
enum esw_link_state {
	ESW_LINK_AUTO,
	ESW_LINK_ENABLE,
	ESW_LINK_DISABLE,
	ESW_LINK_COUNT
};
extern const char *const esw_link_state_names[];	/* "auto", ... */

/* A VF's configuration, defaults beside each field (esw_vf_config_default). */
struct esw_vf_config {
	uint8_t mac[ETH_ALEN];		/* zero: none */
	uint16_t vlan;			/* 0: no port VLAN; 0..4095 */
	uint8_t qos;			/* 0; 0..7 */
	bool spoofchk;			/* on */
	bool trust;			/* off */
	enum esw_link_state link_state;	/* auto */
};

void esw_vf_config_default(struct esw_vf_config *cfg);

struct esw_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t drops[ESW_DROP_COUNT];
};

/* What to do to a frame's VLAN tag on its way to one destination. */
enum esw_vlan_op {
	ESW_VLAN_KEEP,
	ESW_VLAN_PUSH,		/* insert an 802.1Q tag with tci */
	ESW_VLAN_POP,		/* remove the outer tag */
	ESW_VLAN_OP_COUNT
};
extern const char *const esw_vlan_op_names[];

struct esw_vlan_edit {
	enum esw_vlan_op op;
	uint16_t tci;		/* PUSH */
};

/* Destinations by how they take the frame's VLAN. */
enum esw_egress {
	ESW_EGRESS_UNTAGGED,	/* vports with a port VLAN */
	ESW_EGRESS_TAGGED,	/* other vports and the uplink */
	ESW_EGRESS_COUNT
};

/*
 * A forwarding decision: a bitmap of vports, the uplink flag, and the edit
 * per kind of destination. Plain data; replicate without allocating.
 */
struct esw_fwd {
	uint64_t vports[ESW_VPORT_WORDS];
	bool uplink;
	uint16_t vlan;			/* the frame's VLAN in the eSwitch */
	enum esw_drop drop;		/* when no destination */
	struct esw_vlan_edit edit[ESW_EGRESS_COUNT];
};

struct esw;

/* max_vfs 0..ESW_VFS_MAX (-ERANGE); -ENOMEM. The PF exists, MAC zero. */
int esw_create(struct esw **out, unsigned max_vfs);
void esw_destroy(struct esw *esw);
unsigned esw_max_vfs(const struct esw *esw);

/* -EEXIST if another vport has mac; -EINVAL for a group address. */
int esw_pf_mac_set(struct esw *esw, const uint8_t mac[ETH_ALEN]);

/*
 * VFs. add: -ERANGE for vf >= max_vfs, -EEXIST if it exists (or its MAC
 * is another vport's), -EINVAL for a bad value. set replaces the whole
 * config (get, edit a field, set): -ENOENT if the VF does not exist.
 * del: -ENOENT.
 */
int esw_vf_add(struct esw *esw, unsigned vf, const struct esw_vf_config *cfg);
int esw_vf_set(struct esw *esw, unsigned vf, const struct esw_vf_config *cfg);
int esw_vf_get(const struct esw *esw, unsigned vf, struct esw_vf_config *cfg);
int esw_vf_del(struct esw *esw, unsigned vf);

/*
 * Let a vport use VIDs lo..hi tagged (on) or no more (off): its trunk. Has
 * no effect while a VF has a port VLAN, but is kept. -ENOENT, -ERANGE for
 * a VID over 4095, -EINVAL for lo > hi or lo == 0.
 */
int esw_vport_trunk_set(struct esw *esw, unsigned vport, uint16_t lo,
    uint16_t hi, bool on);

/* The uplink's (the LAG's) carrier: VFs with link auto follow it. */
void esw_uplink_set(struct esw *esw, bool up);

/* Whether the vport's link is up now (for its TAP's carrier). */
bool esw_vport_link_up(const struct esw *esw, unsigned vport);
bool esw_vport_exists(const struct esw *esw, unsigned vport);
/* NULL if the vport does not exist. */
const struct esw_counters *esw_vport_counters(const struct esw *esw,
    unsigned vport);
const struct esw_counters *esw_uplink_counters(const struct esw *esw);

/*
 * Forward a frame a function sent (vport) or that came from the uplink.
 * Fills out and returns the number of destinations (vports plus the
 * uplink); 0 means dropped, out->drop says why, and it was counted. The
 * frame is not changed; apply the edits per copy with esw_vlan_apply().
 */
unsigned esw_from_vport(struct esw *esw, unsigned vport,
    const struct pkt *pkt, struct esw_fwd *out);
unsigned esw_from_uplink(struct esw *esw, const struct pkt *pkt,
    struct esw_fwd *out);

/* The edit for one destination vport of a decision. */
const struct esw_vlan_edit *esw_fwd_edit(const struct esw *esw,
    const struct esw_fwd *fwd, unsigned vport);

static inline const struct esw_vlan_edit *
esw_fwd_uplink_edit(const struct esw_fwd *fwd)
{
	return &fwd->edit[ESW_EGRESS_TAGGED];
}

static inline bool
esw_fwd_has(const struct esw_fwd *fwd, unsigned vport)
{
	return fwd->vports[vport / 64] >> (vport % 64) & 1;
}

/* Next destination vport >= from, or ESW_VPORTS_MAX. */
static inline unsigned
esw_fwd_next(const struct esw_fwd *fwd, unsigned from)
{
	unsigned w = from / 64;
	uint64_t bits;

	if (from >= ESW_VPORTS_MAX)
		return ESW_VPORTS_MAX;
	bits = fwd->vports[w] & (~0ULL << (from % 64));
	while (!bits) {
		if (++w == ESW_VPORT_WORDS)
			return ESW_VPORTS_MAX;
		bits = fwd->vports[w];
	}
	return w * 64 + (unsigned)__builtin_ctzll(bits);
}

#define ESW_FWD_FOREACH_VPORT(fwd, v)					\
	for ((v) = esw_fwd_next((fwd), 0); (v) < ESW_VPORTS_MAX;	\
	    (v) = esw_fwd_next((fwd), (v) + 1))

/*
 * Apply an edit to a frame in place. PUSH needs 4 bytes of headroom
 * (PKT_HEADROOM has them): -ENOSPC; POP of an untagged frame, or of one
 * shorter than a tagged header: -EINVAL. KEEP: 0.
 */
int esw_vlan_apply(struct pkt *pkt, const struct esw_vlan_edit *edit);

#endif
