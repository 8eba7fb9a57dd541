/*
 * portperf: the perf rules (perf.h) run over a lagnic port, one step at a
 * time with the time passed in. lagnic-portperf drives it with the
 * monotonic clock and poll(); a test drives it over a sim wire under a
 * virtual clock.
 *
 * Ownership follows port.h: frames the port takes are its own; frames it
 * leaves stay pending and are offered again on the next step, so the
 * sequence numbers go out in order.
 */
#ifndef LAGNIC_TOOLS_PORTPERF_H
#define LAGNIC_TOOLS_PORTPERF_H

#include "port/port.h"
#include "tools/perf.h"

static_assert(PERF_BURST_MAX <= PKT_BURST_MAX, "a perf burst fits a pkt burst");

struct portperf {
	struct port *port;
	struct pkt_pool *pool;		/* where tx frames come from */
	const struct perf_opts *opts;
	struct perf_tx tx;
	struct perf_rx rx;
	struct pkt *pending[PERF_BURST_MAX];	/* built, not taken yet */
	uint32_t pending_flow[PERF_BURST_MAX];
	unsigned npending;
};

int portperf_tx_init(struct portperf *pp, struct port *port,
    struct pkt_pool *pool, const struct perf_opts *o, uint64_t now);
void portperf_tx_fini(struct portperf *pp);
/* Build a burst if none is pending and offer it; frames taken. */
unsigned portperf_tx_step(struct portperf *pp, uint64_t now);
/* Free what the port never took and take back its sequence numbers. */
void portperf_tx_abandon(struct portperf *pp);
/* One end marker per flow; number the port took. */
unsigned portperf_tx_end(struct portperf *pp);
/* Frames the port took and then dropped or refused. */
uint64_t portperf_tx_loss(const struct portperf *pp);

void portperf_rx_init(struct portperf *pp, struct port *port,
    const struct perf_opts *o, uint64_t now);
void portperf_rx_fini(struct portperf *pp);
/* One rx burst accounted; frames received. */
unsigned portperf_rx_step(struct portperf *pp, uint64_t now);

/* The port's counters, for the report. */
void portperf_counters(const struct port *port, struct perf_counters *pc);

#endif
