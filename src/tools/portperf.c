/* portperf: test traffic through a lagnic port, one burst per step. */
#include "tools/portperf.h"

#include <string.h>

/* Times an end marker burst is offered before it is given up. */
#define PORTPERF_END_TRIES 4096

int
portperf_tx_init(struct portperf *pp, struct port *port,
    struct pkt_pool *pool, const struct perf_opts *o, uint64_t now)
{
	memset(pp, 0, sizeof(*pp));
	pp->port = port;
	pp->pool = pool;
	pp->opts = o;
	return perf_tx_init(&pp->tx, o, port->mac, now);
}

void
portperf_tx_fini(struct portperf *pp)
{
	portperf_tx_abandon(pp);
	perf_tx_fini(&pp->tx);
}

/* n fresh data frames into pending; false if the pool is short. */
static bool
portperf_build(struct portperf *pp, unsigned n)
{
	if (pkt_alloc_bulk(pp->pool, pp->pending, n) != n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct pkt *p = pp->pending[i];

		pp->pending_flow[i] = perf_tx_build(&pp->tx,
		    pkt_put(p, pp->opts->size));
	}
	pp->npending = n;
	return true;
}

unsigned
portperf_tx_step(struct portperf *pp, uint64_t now)
{
	unsigned n, taken;

	if (pp->npending == 0) {
		n = perf_tx_budget(&pp->tx, now, pp->opts->burst);
		if (n == 0 || !portperf_build(pp, n))
			return 0;
	}
	taken = port_tx_burst(pp->port, pp->pending, pp->npending);
	pp->npending -= taken;
	memmove(pp->pending, pp->pending + taken,
	    pp->npending * sizeof(pp->pending[0]));
	memmove(pp->pending_flow, pp->pending_flow + taken,
	    pp->npending * sizeof(pp->pending_flow[0]));
	perf_tx_sent(&pp->tx, taken, now);
	return taken;
}

void
portperf_tx_abandon(struct portperf *pp)
{
	while (pp->npending) {
		pp->npending--;
		perf_tx_unbuild(&pp->tx, pp->pending_flow[pp->npending]);
		pkt_free(pp->pending[pp->npending]);
	}
}

/* Offer pkts[0..n) until taken or out of tries; free the rest. */
static unsigned
portperf_tx_all(struct port *port, struct pkt **pkts, unsigned n)
{
	unsigned off = 0;

	for (unsigned t = 0; off < n && t < PORTPERF_END_TRIES; t++)
		off += port_tx_burst(port, pkts + off, n - off);
	pkt_free_bulk(pkts + off, n - off);
	return off;
}

unsigned
portperf_tx_end(struct portperf *pp)
{
	struct pkt *pkts[PERF_BURST_MAX];
	uint32_t flows = pp->opts->flows, taken = 0;

	for (uint32_t f = 0; f < flows; f += PERF_BURST_MAX) {
		unsigned n = MIN(PERF_BURST_MAX, flows - f);

		if (pkt_alloc_bulk(pp->pool, pkts, n) != n)
			break;
		for (unsigned i = 0; i < n; i++)
			perf_tx_build_end(&pp->tx, f + i,
			    pkt_put(pkts[i], pp->opts->size));
		taken += portperf_tx_all(pp->port, pkts, n);
	}
	pp->tx.end_markers += taken;
	return taken;
}

uint64_t
portperf_tx_loss(const struct portperf *pp)
{
	return pp->port->cnt.tx_dropped + pp->port->cnt.tx_errors;
}

void
portperf_rx_init(struct portperf *pp, struct port *port,
    const struct perf_opts *o, uint64_t now)
{
	memset(pp, 0, sizeof(*pp));
	pp->port = port;
	pp->pool = port->pool;
	pp->opts = o;
	perf_rx_init(&pp->rx, o, now);
}

void
portperf_rx_fini(struct portperf *pp)
{
	perf_rx_fini(&pp->rx);
}

unsigned
portperf_rx_step(struct portperf *pp, uint64_t now)
{
	struct pkt *pkts[PERF_BURST_MAX];
	unsigned n = port_rx_burst(pp->port, pkts, pp->opts->burst);

	for (unsigned i = 0; i < n; i++)
		perf_rx_frame(&pp->rx, pkts[i]->data, pkts[i]->len, now);
	pkt_free_bulk(pkts, n);
	return n;
}

void
portperf_counters(const struct port *port, struct perf_counters *pc)
{
#define PORTPERF_COUNTER(name, desc) perf_counters_add(pc, #name, port->cnt.name);
	PORT_COUNTERS(PORTPERF_COUNTER)
#undef PORTPERF_COUNTER
}
