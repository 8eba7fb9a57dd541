/*
 * The link aggregation group: members (ports), their link state with
 * updelay/downdelay, the runner of the configured mode, and the lanes.
 *
 * Lanes: functions never name a port. A frame, a VF or a QP transmits on a
 * lane (LAG_LANES of them, picked by flow hash or assigned); the lane table
 * maps each lane to a member. A failover rewrites the table, so its cost
 * does not grow with the number of flows, VFs or QPs. The table is only
 * changed by lag_lanes_update(), which moves as few lanes as it can: lanes
 * of a member that stays keep it.
 *
 * Pure core: no sockets, no wall clock. Time comes from lag->clock; the
 * owner calls lag_tick() by lag_next_deadline(), carrier changes arrive
 * through the ports' carrier callbacks.
 */
#ifndef LAGNIC_LAG_LAG_H
#define LAGNIC_LAG_LAG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/compiler.h"
#include "lib/pkt.h"
#include "port/port.h"

#define LAG_MEMBERS_MAX	16
#define LAG_LANES	256
#define LAG_NO_MEMBER	0xff

/* Numbered as Linux bonding's "mode" option. */
enum lag_mode {
	LAG_MODE_BALANCE_RR,
	LAG_MODE_ACTIVE_BACKUP,
	LAG_MODE_BALANCE_XOR,
	LAG_MODE_BROADCAST,
	LAG_MODE_8023AD,
	/* lagnic's (Open vSwitch's balance-slb): switch independent; not
	 * bonding's 5 (balance-tlb), so taken by name only */
	LAG_MODE_BALANCE_SLB,
	LAG_MODE_COUNT
};
/* bonding numbers the modes up to here; later ones have names only */
#define LAG_MODE_BONDING_COUNT	LAG_MODE_BALANCE_SLB
extern const char *const lag_mode_names[];

/* Numbered as bonding's xmit_hash_policy. */
enum lag_hash_policy {
	LAG_HASH_LAYER2,
	LAG_HASH_LAYER34,
	LAG_HASH_LAYER23,
	LAG_HASH_ENCAP23,
	LAG_HASH_ENCAP34,
	LAG_HASH_VLAN_SRCMAC,		/* VLAN and source MAC only */
	LAG_HASH_COUNT
};
extern const char *const lag_hash_policy_names[];

enum lag_primary_reselect {
	LAG_RESELECT_ALWAYS,
	LAG_RESELECT_BETTER,
	LAG_RESELECT_FAILURE,
	LAG_RESELECT_COUNT
};
extern const char *const lag_primary_reselect_names[];

enum lag_fail_over_mac {
	LAG_FOM_NONE,
	LAG_FOM_ACTIVE,
	LAG_FOM_FOLLOW,
	LAG_FOM_COUNT
};
extern const char *const lag_fail_over_mac_names[];

/* The member's link as the LAG sees it (bonding's BOND_LINK_*). */
enum lag_link_state {
	LAG_LINK_S_DOWN,
	LAG_LINK_S_BACK,	/* carrier back, waiting updelay */
	LAG_LINK_S_UP,
	LAG_LINK_S_FAIL,	/* carrier lost, waiting downdelay */
	LAG_LINK_S_COUNT
};
extern const char *const lag_link_state_names[];

/* 802.3ad: bonding's lacp_rate, the timeout we ask the partner to use. */
enum lag_lacp_rate {
	LAG_LACP_RATE_SLOW,		/* partner sends every 30 s */
	LAG_LACP_RATE_FAST,		/* every 1 s */
	LAG_LACP_RATE_COUNT
};
extern const char *const lag_lacp_rate_names[];

/* 802.3ad: bonding's ad_select, numbered as there. */
enum lag_ad_select {
	LAG_AD_SELECT_STABLE,
	LAG_AD_SELECT_BANDWIDTH,
	LAG_AD_SELECT_PORTS,		/* "count" */
	LAG_AD_SELECT_COUNT
};
extern const char *const lag_ad_select_names[];

/* ARP/NS link probes: bonding's arp_validate, numbered as there. */
enum lag_arp_validate {
	LAG_ARP_VALIDATE_NONE,
	LAG_ARP_VALIDATE_ACTIVE,	/* validate the active member's */
	LAG_ARP_VALIDATE_BACKUP,	/* validate the backups' */
	LAG_ARP_VALIDATE_ALL,
	LAG_ARP_VALIDATE_FILTER,	/* only ARP/ND frames count */
	LAG_ARP_VALIDATE_FILTER_ACTIVE,
	LAG_ARP_VALIDATE_FILTER_BACKUP,
	LAG_ARP_VALIDATE_COUNT
};
extern const char *const lag_arp_validate_names[];

/* bonding's arp_all_targets: a validating member is up when any (all)
 * of the targets answered in time. */
enum lag_arp_all_targets {
	LAG_ARP_ALL_TARGETS_ANY,
	LAG_ARP_ALL_TARGETS_ALL,
	LAG_ARP_ALL_TARGETS_COUNT
};
extern const char *const lag_arp_all_targets_names[];

#define LAG_PROBE_TARGETS_MAX	16	/* bonding's, for each family */

struct lag_ipv4_targets {
	uint32_t addr[LAG_PROBE_TARGETS_MAX];	/* host order */
	uint32_t n;
};

struct lag_ipv6_targets {
	uint8_t addr[LAG_PROBE_TARGETS_MAX][16];
	uint32_t n;
};

/* 802.3ad, one member (teamd's per-port lacp_prio and lacp_key). */
struct lag_lacp_port_options {
	char port[IF_NAMESIZE];		/* member's name */
	uint16_t port_priority;		/* 255 */
	bool has_key;			/* else the LAG's ad_user_port_key */
	uint16_t user_port_key;		/* 0..1023 */
};

/* 802.3ad options, bonding's names and defaults. */
struct lag_lacp_options {
	bool lacp_active;			/* on */
	enum lag_lacp_rate lacp_rate;		/* slow */
	enum lag_ad_select ad_select;		/* stable */
	uint16_t ad_actor_sys_prio;		/* 65535; 1..65535 */
	uint16_t ad_user_port_key;		/* 0; 0..1023 */
	uint8_t ad_actor_system[ETH_ALEN_];	/* zero: the LAG's MAC */
	bool coupled_control;			/* on */
	bool lacp_strict;			/* off: an individual port
						 * carries traffic when there
						 * is no LACP partner */
	/* members not listed: port_priority 255, the LAG's key */
	struct lag_lacp_port_options ports[LAG_MEMBERS_MAX];
	unsigned nports;
};

/* Options with bonding's names and defaults. */
struct lag_options {
	enum lag_mode mode;			/* balance-rr */
	enum lag_hash_policy xmit_hash_policy;	/* layer2 */
	uint32_t miimon;			/* ms; 0: carrier events only */
	uint32_t updelay;			/* ms */
	uint32_t downdelay;			/* ms */
	char primary[IF_NAMESIZE];		/* "" : none */
	enum lag_primary_reselect primary_reselect;	/* always */
	enum lag_fail_over_mac fail_over_mac;	/* none */
	uint32_t packets_per_slave;		/* 1; 0: random member */
	uint32_t min_links;			/* 0 */
	/* balance-slb (lagnic's, as Open vSwitch's bond-rebalance-interval):
	 * ms between load rebalancing; 0: none */
	uint32_t rebalance_interval;		/* 10000 */
	struct lag_lacp_options lacp;		/* 802.3ad */
	/* ARP/NS link probes (probe.h); not in 802.3ad, as in bonding */
	uint32_t arp_interval;			/* ms; 0: off */
	struct lag_ipv4_targets arp_ip_target;
	struct lag_ipv6_targets ns_ip6_target;
	enum lag_arp_validate arp_validate;	/* none */
	enum lag_arp_all_targets arp_all_targets;	/* any */
	uint32_t arp_missed_max;		/* 2; 1..255 */
};

void lag_options_default(struct lag_options *opt);

struct lag;
struct lag_member;

enum lag_event_type {
	LAG_EV_LINK,		/* a member's link state changed */
	LAG_EV_ACTIVE,		/* active member changed (active-backup) */
	LAG_EV_CARRIER,		/* the LAG itself went up or down */
	LAG_EV_LANES,		/* lanes were remapped (failover, rebalance) */
	LAG_EV_LACP,		/* a member's LACP state changed (802.3ad) */
	LAG_EV_COUNT
};
extern const char *const lag_event_type_names[];

struct lag_event {
	enum lag_event_type type;
	uint64_t ts_ns;
	const struct lag_member *member;	/* LINK, ACTIVE (new; may be NULL) */
	const struct lag_member *old;		/* ACTIVE: previous, may be NULL */
	bool up;				/* LINK, CARRIER */
	struct {				/* LACP (member) */
		uint8_t actor_old, actor_new;	/* Actor_Oper_Port_State */
		uint8_t partner_old, partner_new; /* Partner_Oper_Port_State */
		const char *mux;		/* mux state, new */
		const char *rx;			/* receive state, new */
		bool actor_churn, partner_churn;
	} lacp;
};

typedef void lag_event_fn(struct lag *lag, const struct lag_event *ev,
    void *arg);

/* Frames that reach lag_rx: what becomes of them. */
#define LAG_RX_DROPS(_)							\
	_(NOT_COLLECTING, "member is not collecting (inactive or down)")	\
	_(SLOW_PROTO,     "slow-protocol frame the runner does not handle") \
	_(NOT_ACTIVE_MULTICAST,						\
	    "balance-slb: broadcast or multicast on a member other than the "\
	    "one that takes them (the switch floods them to every member)")

enum lag_rx_drop {
#define LAG_RX_DROP_ENUM(n, d) LAG_RX_DROP_##n,
	LAG_RX_DROPS(LAG_RX_DROP_ENUM)
#undef LAG_RX_DROP_ENUM
	LAG_RX_DROP_COUNT
};
extern const char *const lag_rx_drop_names[];

enum lag_rx_verdict {
	LAG_RX_PASS,		/* deliver to the functions */
	LAG_RX_CONSUMED,	/* control frame, taken (and freed) by the LAG */
	LAG_RX_DROP,		/* caller frees it; counted */
};

struct lag_member_counters {
	uint64_t rx_drops[LAG_RX_DROP_COUNT];
	uint64_t tx_packets;
	uint64_t tx_dropped;	/* port refused or no pool for a copy */
	uint64_t link_failures;
	uint64_t probes_tx;	/* ARP requests and NSs sent as probes */
	uint64_t probes_tx_failed;	/* no buffer, or the port refused */
	uint64_t probe_replies;	/* validated ARP/ND frames from targets */
};

/* A member's view of the ARP/NS probes (probe.c). Times 0: never. */
struct lag_member_probe {
	uint64_t last_rx;	/* a frame that counts (arp_validate) */
	uint64_t target_rx[2 * LAG_PROBE_TARGETS_MAX];	/* IPv4 then IPv6 */
	bool alive;		/* answered within the window */
};

struct lag_member {
	struct lag *lag;
	struct port *port;
	unsigned index;			/* in lag->members[] */
	enum lag_link_state link;
	uint64_t link_deadline;		/* end of updelay/downdelay */
	bool carrier;			/* last carrier seen from the port */
	bool collecting;		/* rx accepted (set by the runner) */
	bool distributing;		/* tx eligible (set by the runner) */
	uint32_t nlanes;		/* lanes mapped to it */
	struct lag_member_probe probe;
	struct lag_member_counters cnt;
	void *runner_priv;
};

struct lag_runner {
	const char *name;		/* bonding mode name */
	enum lag_mode mode;
	size_t priv_size;
	size_t member_priv_size;
	int (*init)(struct lag *lag);
	void (*fini)(struct lag *lag);
	int (*member_add)(struct lag *lag, struct lag_member *m);
	void (*member_del)(struct lag *lag, struct lag_member *m);
	/* m->link changed between UP and not UP. */
	void (*link_changed)(struct lag *lag, struct lag_member *m);
	void (*tick)(struct lag *lag, uint64_t now);
	uint64_t (*next_deadline)(struct lag *lag);	/* UINT64_MAX: none */
	/* A slow-protocol frame (LACP, marker); true if consumed. */
	bool (*rx_control)(struct lag *lag, struct lag_member *m,
	    struct pkt *pkt);
	/* lag->opt was changed (same mode): re-evaluate. */
	void (*options_changed)(struct lag *lag);
	/* Pick the member for one frame (balance-rr); NULL: use lanes. */
	struct lag_member *(*tx_pick)(struct lag *lag, struct pkt *pkt);
	/* A frame on a collecting member: false drops it (balance-slb). */
	bool (*rx_accept)(struct lag *lag, struct lag_member *m,
	    const struct pkt *pkt);
	bool tx_broadcast;		/* every distributing member gets a copy */
	/* with tx_hash_fixed, lanes by tx_hash whatever xmit_hash_policy */
	enum lag_hash_policy tx_hash;
	bool tx_hash_fixed;
	/* Place the lanes itself (lag_lanes_update calls it); NULL: spread
	 * them evenly over the distributing members. */
	void (*lanes_update)(struct lag *lag);
};

struct lag_counters {
	uint64_t tx_no_member;		/* frames with no member to go to */
	uint64_t failovers;		/* lane remaps after a loss */
};

struct lag {
	char name[IF_NAMESIZE];
	const struct clock *clock;
	struct lag_options opt;
	const struct lag_runner *runner;
	void *runner_priv;
	struct pkt_pool *ctl_pool;	/* control frames the LAG sends */
	struct lag_member *members[LAG_MEMBERS_MAX];
	unsigned nmembers;
	uint8_t lanes[LAG_LANES];	/* member index or LAG_NO_MEMBER */
	uint64_t lanes_gen;		/* bumped by every remap */
	uint64_t lane_tx_bytes[LAG_LANES];	/* since the last rebalance */
	struct lag_member *active;	/* active-backup's active member */
	uint8_t mac[ETH_ALEN_];
	bool carrier;
	uint64_t next_miimon;
	uint64_t next_probe;		/* arp_interval */
	unsigned probe_rr;		/* active-backup without an active */
	uint32_t probe_src4;		/* the PF's address, host order; 0 */
	uint8_t probe_src6[16];		/* the PF's address; :: */
	lag_event_fn *event_cb;
	void *event_arg;
	struct lag_counters cnt;
};

const struct lag_runner *lag_runner_find(enum lag_mode mode);

/*
 * -EINVAL for an option out of range, -ENOMEM. The LAG's MAC is the first
 * member's until set with lag_mac_set().
 */
int lag_create(struct lag **out, const char *name,
    const struct lag_options *opt, const struct clock *clock,
    struct pkt_pool *ctl_pool);
void lag_destroy(struct lag *lag);
/*
 * Change options at run time. -EINVAL for a value out of range, -EBUSY for
 * a mode change: the runner is chosen at creation, so a new mode means a
 * new LAG (which bonding, too, allows only while there are no members).
 */
int lag_options_set(struct lag *lag, const struct lag_options *opt);
void lag_set_event_cb(struct lag *lag, lag_event_fn *fn, void *arg);
/* The PF's addresses, the source of ARP/NS probes (0 / NULL: none). */
void lag_probe_set_source(struct lag *lag, uint32_t ipv4,
    const uint8_t *ipv6);

/* -EBUSY: port already a member; -ENOSPC: LAG_MEMBERS_MAX reached. */
int lag_member_add(struct lag *lag, struct port *port);
/* -ENOENT if not a member. */
int lag_member_del(struct lag *lag, struct port *port);
struct lag_member *lag_member_find(struct lag *lag, const char *name);
struct lag_member *lag_member_of_port(struct lag *lag,
    const struct port *port);

/* Run timers due by now; call again at lag_next_deadline(). */
void lag_tick(struct lag *lag);
uint64_t lag_next_deadline(struct lag *lag);

/* Every frame received on a member goes through here first. */
enum lag_rx_verdict lag_rx(struct lag *lag, struct lag_member *m,
    struct pkt *pkt);

/*
 * Transmit a burst on the LAG: member by runner (lanes from the flow
 * hash, round robin, or broadcast). Takes all pkts; drops are counted.
 */
void lag_xmit(struct lag *lag, struct pkt **pkts, unsigned n);

/* The member that carries a lane now; NULL if none distributes. */
static inline struct lag_member *
lag_lane_member(const struct lag *lag, uint32_t lane)
{
	uint8_t i = lag->lanes[lane % LAG_LANES];

	return i == LAG_NO_MEMBER ? NULL : lag->members[i];
}

/*
 * A lane whose member now pleases want (e.g. a port on the caller's NUMA
 * node): the salt-th of them, modulo their number, so that successive
 * salts spread over them; LAG_LANES if no lane's member does.
 */
uint32_t lag_lane_pick(const struct lag *lag,
    bool (*want)(const struct lag_member *m, void *arg), void *arg,
    uint32_t salt);

/* For runners and monitors. */
void lag_lanes_update(struct lag *lag);
/* Runners that place lanes themselves: install next (a member index or
 * LAG_NO_MEMBER per lane); failover says lanes left a dead member. */
void lag_lanes_commit(struct lag *lag, const uint8_t *next, bool failover);
void lag_emit(struct lag *lag, const struct lag_event *ev);
void lag_set_active(struct lag *lag, struct lag_member *m);
unsigned lag_count_distributing(const struct lag *lag);
void lag_carrier_update(struct lag *lag);

#endif
