/*
 * Two hosts, A and B, each a LAG (balance-xor) over the same n sim
 * wires, each with an RDMA engine on top: the engine's tx() maps the
 * lane to a member with lag_lane_member(); frames received on any member
 * go through lag_rx() to roce_engine_rx(); a LAG_EV_LANES event calls
 * roce_engine_lanes_changed() with the lanes that moved. Everything runs
 * in the sim's virtual time.
 *
 * The seed comes from $LAGNIC_SEED, else the test's default; rf_new()
 * prints it.
 */
#ifndef LAGNIC_TESTS_ROCE_FIXTURE_H
#define LAGNIC_TESTS_ROCE_FIXTURE_H

#include "lag/lag.h"
#include "port/sim.h"
#include "roce/roce_engine.h"

#define RF_WIRES_MAX	4
#define RF_SPY_MAX	4096

struct rf;

struct rf_host {
	struct rf *rf;
	unsigned idx;			/* 0: A, 1: B */
	struct pkt_pool pool;
	struct port *ports[RF_WIRES_MAX];
	struct lag *lag;
	uint8_t lanes[LAG_LANES];	/* the table before the last event */
	struct roce_engine *e;
	struct roce_pd *pd;
	struct roce_cq *cq;		/* send and receive CQ of rf_qp() */
	uint32_t ipv4;			/* host order */
	uint8_t ipv6[16];
	int gid4, gid6;			/* GID indices */
	unsigned lane_events;
	unsigned cq_events, async_events;
	enum roce_event_type last_async;
	/* if set, every event is passed on (an RDMA service's) */
	void (*event_fn)(void *arg, const struct roce_event *ev);
	void *event_arg;
	uint64_t tx_refused;		/* no member for the lane */
	/* a copy of every frame sent, if spy is set */
	bool spy;
	struct pkt *spied[RF_SPY_MAX];
	unsigned nspied;
};

struct rf {
	struct sim sim;
	uint64_t seed;
	unsigned nwires;
	struct sim_wire *wire[RF_WIRES_MAX];
	struct rf_host h[2];
};

/* The seed: $LAGNIC_SEED if set, else def. Printed. */
uint64_t rf_seed(uint64_t def);
struct rf *rf_new(unsigned nwires, uint64_t seed);
void rf_free(struct rf *rf);

/* Faults on every wire, both directions. */
void rf_faults(struct rf *rf, const struct sim_fault *f);

/* The path to the other host: its GID (IPv4, or IPv6), its MAC. */
void rf_av(const struct rf_host *from, bool ipv6, struct roce_ah_attr *av);

/* An RC or UD QP on h with h->cq; cap: 256 WRs, 4 SGEs, 128 inline. */
struct roce_qp *rf_qp(struct rf_host *h, enum roce_qp_type t);
/* The usual RC connection parameters. */
struct rf_rc_params {
	enum roce_mtu mtu;
	uint8_t timeout, retry_cnt, rnr_retry, min_rnr_timer;
	uint8_t max_rd_atomic;
	unsigned access;
	bool ipv6;
};
void rf_rc_params_default(struct rf_rc_params *p);
/* a on host A and b on host B to RTS, connected to each other. */
void rf_connect(struct rf *rf, struct roce_qp *a, struct roce_qp *b,
    const struct rf_rc_params *p);
/* A UD QP to RTS with qkey. */
void rf_ud_up(struct roce_qp *qp, uint32_t qkey);

/* Run until n completions are polled from cq (into wc) or timeout_ns of
 * virtual time passed; returns how many. */
int rf_wait_cq(struct rf *rf, struct roce_cq *cq, int n, struct roce_wc *wc,
    uint64_t timeout_ns);
void rf_run_for(struct rf *rf, uint64_t ns);
uint64_t rf_now(struct rf *rf);

/* Free the spied frames. */
void rf_spy_clear(struct rf_host *h);

#endif
