/*
 * IEEE 802.1AX-2008 (formerly 802.3ad) Link Aggregation Control Protocol,
 * clause 5.4, as a pure protocol core: no sockets, no clock of its own.
 * Time is the `now` (ns) every entry point takes; frames leave through
 * struct lacp_ops; the owner (src/lag/runner_lacp.c) reads which ports
 * collect and distribute after each call.
 *
 * One file per machine, as 5.4 draws them:
 *   lacp_rx.c      Receive machine (5.4.12)
 *   lacp_ptx.c     Periodic Transmission machine (5.4.13)
 *   lacp_select.c  Selection Logic (5.4.14), with bonding's ad_select
 *   lacp_mux.c     Mux machine (5.4.15), coupled or independent control
 *   lacp_tx.c      Transmit machine (5.4.16)
 *   lacp_churn.c   Churn Detection machines (5.4.17)
 *   lacp_marker.c  Marker responder (5.5)
 *   lacp_pdu.c     LACPDUs in and out, drop counters
 *   lacp.c         the system, its ports, the run loop
 *
 * Variables carry the spec's names (Actor_Oper_Port_State is
 * actor_oper_port_state, Partner_Oper_Key is partner_oper.key). Timers
 * are deadlines on the owner's clock, LACP_TIMER_OFF when not running.
 */
#ifndef LAGNIC_LACP_LACP_H
#define LAGNIC_LACP_LACP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/slow.h"

#define LACP_PORTS_MAX		16

/* 5.4.4 Constants, in ns */
#define LACP_FAST_PERIODIC_TIME		(1 * NSEC_PER_SEC)
#define LACP_SLOW_PERIODIC_TIME		(30 * NSEC_PER_SEC)
#define LACP_SHORT_TIMEOUT_TIME		(3 * NSEC_PER_SEC)
#define LACP_LONG_TIMEOUT_TIME		(90 * NSEC_PER_SEC)
#define LACP_CHURN_DETECTION_TIME	(60 * NSEC_PER_SEC)
#define LACP_AGGREGATE_WAIT_TIME	(2 * NSEC_PER_SEC)
/* 5.4.16: at most this many LACPDUs in any Fast_Periodic_Time */
#define LACP_TX_PER_FAST_PERIOD		3

#define LACP_TIMER_OFF		UINT64_MAX

/* Actor_State / Partner_State bits (5.4.2.2) */
#define LACP_STATE_ACTIVITY	NET_LACP_STATE_ACTIVITY
#define LACP_STATE_TIMEOUT	NET_LACP_STATE_TIMEOUT	/* short */
#define LACP_STATE_AGGREGATION	NET_LACP_STATE_AGGREGATION
#define LACP_STATE_SYNC		NET_LACP_STATE_SYNCHRONIZATION
#define LACP_STATE_COLLECTING	NET_LACP_STATE_COLLECTING
#define LACP_STATE_DISTRIBUTING	NET_LACP_STATE_DISTRIBUTING
#define LACP_STATE_DEFAULTED	NET_LACP_STATE_DEFAULTED
#define LACP_STATE_EXPIRED	NET_LACP_STATE_EXPIRED

/* Selected (5.4.8) */
enum lacp_selected {
	LACP_UNSELECTED,
	LACP_SELECTED,
	LACP_STANDBY,
	LACP_SELECTED_COUNT
};
extern const char *const lacp_selected_names[];

enum lacp_rx_state {
	LACP_RX_S_INITIALIZE,
	LACP_RX_S_PORT_DISABLED,
	LACP_RX_S_EXPIRED,
	LACP_RX_S_LACP_DISABLED,
	LACP_RX_S_DEFAULTED,
	LACP_RX_S_CURRENT,
	LACP_RX_S_COUNT
};
extern const char *const lacp_rx_state_names[];

enum lacp_ptx_state {
	LACP_PTX_S_NO_PERIODIC,
	LACP_PTX_S_FAST_PERIODIC,
	LACP_PTX_S_SLOW_PERIODIC,
	LACP_PTX_S_PERIODIC_TX,
	LACP_PTX_S_COUNT
};
extern const char *const lacp_ptx_state_names[];

/*
 * COLL_DIST is the coupled control's COLLECTING_DISTRIBUTING (5.4.15,
 * Figure 5-16); COLLECTING and DISTRIBUTING are independent control's
 * (Figure 5-15). A port uses one set or the other (coupled_control).
 */
enum lacp_mux_state {
	LACP_MUX_S_DETACHED,
	LACP_MUX_S_WAITING,
	LACP_MUX_S_ATTACHED,
	LACP_MUX_S_COLLECTING,
	LACP_MUX_S_DISTRIBUTING,
	LACP_MUX_S_COLL_DIST,
	LACP_MUX_S_COUNT
};
extern const char *const lacp_mux_state_names[];

enum lacp_tx_state {
	LACP_TX_S_OFF,		/* NO_PERIODIC or port/LACP disabled */
	LACP_TX_S_IDLE,		/* nothing to transmit */
	LACP_TX_S_HOLD,		/* NTT, but the rate limit is reached */
	LACP_TX_S_TRANSMIT,
	LACP_TX_S_COUNT
};
extern const char *const lacp_tx_state_names[];

/* One enum for both churn machines: MONITOR is ACTOR_CHURN_MONITOR or
 * PARTNER_CHURN_MONITOR, and so on. */
enum lacp_churn_state {
	LACP_CHURN_S_MONITOR,
	LACP_CHURN_S_NO_CHURN,
	LACP_CHURN_S_CHURN,
	LACP_CHURN_S_COUNT
};
extern const char *const lacp_actor_churn_state_names[];
extern const char *const lacp_partner_churn_state_names[];

/* Bonding's ad_select, numbered as there. */
enum lacp_ad_select {
	LACP_AD_SELECT_STABLE,
	LACP_AD_SELECT_BANDWIDTH,
	LACP_AD_SELECT_PORTS,		/* "count" */
	LACP_AD_SELECT_COUNT
};

/* Why a received slow-protocol frame was dropped. NAME, description. */
#define LACP_DROPS(_)							\
	_(SHORT,         "frame shorter than its PDU")			\
	_(BAD_SUBTYPE,   "slow protocol subtype neither LACP nor marker") \
	_(BAD_VERSION,   "version number 0")				\
	_(BAD_TLV,       "TLV type or length not valid")		\
	_(LOOPBACK,      "our own LACPDU came back (actor system is ours)") \
	_(NOT_LISTENING, "LACPDU while the port or LACP is disabled")	\
	_(MARKER_RESPONSE, "marker response: we send no marker requests") \
	_(MARKER_RATE,   "marker not answered: over 5 responses a second")

enum lacp_drop {
#define LACP_DROP_ENUM(n, d) LACP_DROP_##n,
	LACP_DROPS(LACP_DROP_ENUM)
#undef LACP_DROP_ENUM
	LACP_DROP_COUNT
};
extern const char *const lacp_drop_names[];
extern const char *const lacp_drop_descs[];

struct lacp_port_stats {
	uint64_t lacpdu_rx;		/* accepted by the receive machine */
	uint64_t lacpdu_tx;
	uint64_t marker_rx;		/* marker information PDUs */
	uint64_t marker_response_tx;
	uint64_t tx_failed;		/* the owner could not send a PDU */
	uint64_t partner_timeouts;	/* CURRENT -> EXPIRED: the partner's
					 * LACPDUs stopped for a timeout */
	uint64_t actor_churn;		/* times ACTOR_CHURN was entered */
	uint64_t partner_churn;
	uint64_t drops[LACP_DROP_COUNT];
};

/* Administrative parameters of the system (bonding's options). */
struct lacp_params {
	uint16_t system_priority;	/* Actor_System_Priority */
	uint8_t system[ETH_ALEN];	/* Actor_System */
	bool active;			/* LACP_Activity: active */
	bool short_timeout;		/* LACP_Timeout asked: fast rate */
	enum lacp_ad_select ad_select;
	unsigned min_links;
	bool coupled_control;		/* mux: COLLECTING_DISTRIBUTING */
	bool strict;			/* no individual port fallback */
};

/*
 * An aggregator: the ports of one Link Aggregation Group attach to it.
 * There are as many as ports (5.4.14.1); a free one has no port.
 */
struct lacp_aggregator {
	uint16_t aggregator_identifier;		/* 1.. */
	bool individual;
	uint16_t actor_oper_aggregator_key;
	uint16_t partner_system_priority;
	uint8_t partner_system[ETH_ALEN];
	uint16_t partner_oper_aggregator_key;
};

struct lacp_port;
struct lacp_system;

/* How the core acts on the world. 0 or -errno. */
struct lacp_ops {
	int (*tx_lacpdu)(struct lacp_system *sys, struct lacp_port *p,
	    const struct net_lacpdu_info *pdu);
	int (*tx_marker)(struct lacp_system *sys, struct lacp_port *p,
	    const struct net_marker_info *info);
};

struct lacp_port {
	struct lacp_system *sys;	/* NULL when not in a system */
	void *owner;			/* the runner's member */
	const char *name;		/* for the log; the owner's */

	/* Actor information (5.4.7) */
	uint16_t actor_port_number;
	uint16_t actor_port_priority;
	uint16_t actor_admin_port_key;
	uint16_t actor_oper_port_key;
	uint8_t actor_admin_port_state;
	uint8_t actor_oper_port_state;

	/* Partner information (5.4.7): system, key, port, state */
	struct net_lacp_info partner_admin;
	struct net_lacp_info partner_oper;

	/* State machine variables (5.4.8) */
	bool port_enabled;
	bool lacp_enabled;
	bool port_moved;
	bool ntt;
	bool ready_n;
	bool matched;			/* 802.3ad-2000 choose_Matched */
	enum lacp_selected selected;
	struct lacp_aggregator *aggregator;	/* chosen by Selection */
	bool attached;			/* Attach_Mux_To_Aggregator */
	bool actor_churn;
	bool partner_churn;

	/* Timers (5.4.10) */
	uint64_t current_while_timer;
	uint64_t periodic_timer;
	uint64_t wait_while_timer;
	uint64_t actor_churn_timer;
	uint64_t partner_churn_timer;
	uint64_t tx_log[LACP_TX_PER_FAST_PERIOD];	/* last sends */
	unsigned tx_slot;		/* oldest entry of tx_log */

	enum lacp_rx_state rx_state;
	enum lacp_ptx_state ptx_state;
	enum lacp_mux_state mux_state;
	enum lacp_tx_state tx_state;
	enum lacp_churn_state actor_churn_state;
	enum lacp_churn_state partner_churn_state;

	/* "LACPDU Received": set while the receive machine runs on it */
	const struct net_lacpdu_info *pdu;

	/* Marker responses in the current one-second window (rate limit) */
	uint64_t marker_window;
	unsigned marker_responses;

	struct lacp_port_stats stats;
};

struct lacp_system {
	struct lacp_params params;
	const struct lacp_ops *ops;
	void *arg;			/* the owner's, for ops */
	struct lacp_port *ports[LACP_PORTS_MAX];
	unsigned nports;
	struct lacp_aggregator aggs[LACP_PORTS_MAX];
	struct lacp_aggregator *active_agg;	/* NULL: none enabled */
	unsigned run_overflows;		/* run loops cut short (a bug) */
};

void lacp_system_init(struct lacp_system *sys, const struct lacp_params *p,
    const struct lacp_ops *ops, void *arg);
/*
 * New parameters. A new system ID unselects every port (its aggregations
 * are no longer the same); a new activity or timeout is sent at once.
 */
void lacp_system_set_params(struct lacp_system *sys,
    const struct lacp_params *p);

/* Bonding's port key: ad_user_port_key in bits 15..6, speed bits 5..1
 * (unknown here: 0), duplex bit 0 (full). */
uint16_t lacp_port_key(uint16_t user_port_key);

/*
 * A port, numbered 1..; enters at BEGIN with its port disabled. -ENOSPC:
 * the system is full; -EEXIST: the number is taken.
 */
int lacp_port_add(struct lacp_system *sys, struct lacp_port *p,
    uint16_t port_number, uint16_t port_priority, uint16_t key);
void lacp_port_del(struct lacp_port *p);
/* Port_enabled (MAC_Operational). Takes effect at the next lacp_run(). */
void lacp_port_set_enabled(struct lacp_port *p, bool enabled);
/* Port priority and key. A new key unselects the port. */
void lacp_port_set_admin(struct lacp_port *p, uint16_t port_priority,
    uint16_t key);

/*
 * A slow-protocol PDU (what follows the ethertype) arrived on p: LACPDUs
 * go to the receive machine, marker information gets its response, bad
 * ones are counted in p->stats.drops. Runs the machines.
 */
void lacp_input(struct lacp_port *p, const uint8_t *pdu, size_t len,
    uint64_t now);

/* Run every machine of every port until none can move, then transmit. */
void lacp_run(struct lacp_system *sys, uint64_t now);
/* The earliest running timer; LACP_TIMER_OFF (UINT64_MAX) if none. */
uint64_t lacp_next_deadline(const struct lacp_system *sys);

/* What the owner applies after a run. */
bool lacp_port_collecting(const struct lacp_port *p);
bool lacp_port_distributing(const struct lacp_port *p);
bool lacp_agg_has_partner(const struct lacp_aggregator *agg);
/* Ports selected for agg whose port is enabled. */
unsigned lacp_agg_active_ports(const struct lacp_system *sys,
    const struct lacp_aggregator *agg);

/* The LACPDU the port would send now (5.4.2.2). */
void lacp_pdu_fill(const struct lacp_port *p, struct net_lacpdu_info *pdu);

#endif
