/*
 * LAGs on both ends of sim wires, for LACP conformance tests. Side A's
 * port i and side B's port i are the two ends of wire i. A LAG takes a
 * set of ports of one side (lx_lag); a port in no LAG is a plain port the
 * test reads and writes itself (a partner that sends no LACP). Each LAG
 * runs as a sim node: it takes its ports' frames through lag_rx (data
 * frames that pass are counted per port) and runs its timers.
 */
#ifndef LAGNIC_TESTS_LACP_FIXTURE_H
#define LAGNIC_TESTS_LACP_FIXTURE_H

#include "lacp/lacp_lag.h"
#include "port/sim.h"

#define LX_WIRES_MAX	4
#define LX_LAGS_MAX	4
#define LX_EVENTS_MAX	1024

enum lx_side { LX_A, LX_B, LX_SIDES };

struct lacp_fixture;

struct lx_lag {
	struct lacp_fixture *lx;
	enum lx_side side;
	unsigned mask;			/* bit i: port i of the side */
	struct lag *lag;
	struct lag_event ev[LX_EVENTS_MAX];
	unsigned nev;
	uint64_t rx_data[LX_WIRES_MAX];	/* frames lag_rx passed */
	uint64_t rx_dropped[LX_WIRES_MAX];	/* frames lag_rx dropped */
};

struct lacp_fixture {
	struct sim sim;
	struct pkt_pool pool[LX_SIDES];
	unsigned nwires;
	struct sim_wire *wire[LX_WIRES_MAX];
	struct port *port[LX_SIDES][LX_WIRES_MAX];
	struct lx_lag lags[LX_LAGS_MAX];
	unsigned nlags;
	struct lx_lag *lag_of[LX_SIDES][LX_WIRES_MAX];
	/* last time a frame was delivered, per wire and direction */
	uint64_t delivered_at[LX_WIRES_MAX][SIM_DIR_COUNT];
	uint64_t delivered_seen[LX_WIRES_MAX][SIM_DIR_COUNT];
};

/* The seed: $LAGNIC_SEED if set, else dflt; printed either way. */
uint64_t lx_seed(uint64_t dflt);

struct lacp_fixture *lx_new(unsigned nwires, uint64_t seed);
void lx_free(struct lacp_fixture *lx);

/* Options in 802.3ad mode with the defaults, or fast rate. */
struct lag_options lx_opts(bool fast);

/*
 * A LAG on side s over the ports in mask, added in port order at the
 * current time. Returns it (asserts on error).
 */
struct lx_lag *lx_lag(struct lacp_fixture *lx, enum lx_side s, unsigned mask,
    const struct lag_options *opt);

struct lag_member *lx_member(struct lacp_fixture *lx, enum lx_side s,
    unsigned i);
struct lacp_port *lx_port(struct lacp_fixture *lx, enum lx_side s,
    unsigned i);

void lx_run(struct lacp_fixture *lx, uint64_t ns);
void lx_run_until(struct lacp_fixture *lx, uint64_t t);
uint64_t lx_now(struct lacp_fixture *lx);

/*
 * Run in 1 ms steps until a frame crosses wire i in direction d (at most
 * max_ns); returns the time it was delivered.
 */
uint64_t lx_run_until_delivery(struct lacp_fixture *lx, unsigned i,
    enum sim_dir d, uint64_t max_ns);

/* Send n data frames with flow hashes from base through l's LAG. */
void lx_send(struct lx_lag *l, unsigned n, uint32_t base);
/* Data frames l passed up on port i since the last call. */
uint64_t lx_take_rx(struct lx_lag *l, unsigned i);

/* A raw frame out of port i of side s (test-made PDUs). */
void lx_inject(struct lacp_fixture *lx, enum lx_side s, unsigned i,
    const void *frame, size_t len);

unsigned lx_count_events(const struct lx_lag *l, enum lag_event_type t);

/* The port is in COLLECTING_DISTRIBUTING (or DISTRIBUTING) with its
 * member collecting and distributing. */
bool lx_port_in_service(struct lacp_fixture *lx, enum lx_side s, unsigned i);
/* Every LACP port of every LAG is in service. */
bool lx_all_in_service(struct lacp_fixture *lx);
/* Field by field (the struct has padding). */
bool lx_info_eq(const struct net_lacp_info *a, const struct net_lacp_info *b);
/* Every port's states, for a failing test. */
void lx_dump(struct lacp_fixture *lx);

#endif
