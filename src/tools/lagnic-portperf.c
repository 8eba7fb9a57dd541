/*
 * lagnic-portperf: test traffic over lagnic's port layer.
 *
 *   lagnic-portperf tx|rx|info --backend afxdp|afpacket --if IF [options]
 *
 * tx sends test frames (perf.h) in bursts as fast as the port takes them,
 * or paced by --rate, then end markers; rx counts them, finds loss,
 * duplicates and reordering from the sequence numbers, and stops after
 * --duration, --count, or the end marker plus a quiet period. When rx has
 * nothing to read it sleeps in poll() on the port's fd. info opens the port
 * and prints what the backend found (MAC, MTU, carrier).
 *
 * Gbit/s counts L2 frame bytes, without preamble, IFG and FCS (perf.h).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "tools/portperf.h"

/* After the last data frame: how long to keep offering it, end markers. */
#define PORTPERF_FLUSH_NS	(100 * NSEC_PER_MSEC)
#define PORTPERF_END_GAP_NS	(1 * NSEC_PER_MSEC)
/* Before closing: let the medium drain what the port took. */
#define PORTPERF_LINGER_NS	(20 * NSEC_PER_MSEC)

static_assert((int)PERF_XDP_AUTO == (int)PORT_XDP_AUTO &&
    (int)PERF_XDP_NATIVE == (int)PORT_XDP_NATIVE &&
    (int)PERF_XDP_GENERIC == (int)PORT_XDP_GENERIC, "xdp modes agree");

static const struct perf_tool portperf_tool = {
	.name = "lagnic-portperf",
	.has_info = true,
};

static const struct clock *const clk = &clock_monotonic;

/* Buffers for the largest frame the link may carry, a power of two. */
static uint32_t
pool_buf_size(const struct perf_opts *o)
{
	uint32_t need = PKT_HEADROOM + MAX(o->size, 1518u), size = 2048;

	while (size < need)
		size <<= 1;
	return size;
}

static int
portperf_open(const struct perf_opts *o, struct pkt_pool *pool,
    struct port **port)
{
	struct port_config cfg = {
		.ifname = o->ifname,
		.rx_ring_size = o->ring,
		.tx_ring_size = o->ring,
		.queue_id = o->queue,
		.xdp_mode = (enum port_xdp_mode)o->xdp_mode,
		.clock = clk,
	};
	uint32_t count = o->mode == PERF_M_INFO ? 256 :
	    2 * o->ring + 4 * PKT_BURST_MAX;
	int err;

	err = pkt_pool_init(pool, count, pool_buf_size(o));
	if (err) {
		fprintf(stderr, "lagnic-portperf: no memory for %u buffers\n",
		    count);
		return err;
	}
	err = port_open(port, o->backend, &cfg, pool, 0);
	if (err) {
		fprintf(stderr, "lagnic-portperf: cannot open %s with backend "
		    "%s: %s\n", o->ifname, o->backend, strerror(-err));
		pkt_pool_fini(pool);
	}
	return err;
}

/* --size against the link: frame = MTU + Ethernet header at most. */
static int
portperf_check_size(const struct perf_opts *o, const struct port *port)
{
	if (o->mode != PERF_M_TX || o->size <= port->mtu + 14)
		return 0;
	fprintf(stderr, "lagnic-portperf: --size %u: %s has MTU %u, so frames "
	    "of at most %u B\n", o->size, port->name, port->mtu,
	    port->mtu + 14);
	return -EMSGSIZE;
}

/* Offer what is still pending for a while, then give it up. */
static void
portperf_tx_flush(struct portperf *pp)
{
	uint64_t deadline = clock_now(clk) + PORTPERF_FLUSH_NS, now;

	while (pp->npending && (now = clock_now(clk)) < deadline)
		portperf_tx_step(pp, now);
	portperf_tx_abandon(pp);
}

static int
run_tx(const struct perf_opts *o, struct port *port)
{
	struct perf_counters pc = { 0 };
	struct portperf pp;
	uint64_t now, wait;
	int err;

	if (!port->carrier)
		fprintf(stderr, "lagnic-portperf: %s has no carrier\n",
		    port->name);
	err = portperf_tx_init(&pp, port, port->pool, o, clock_now(clk));
	if (err)
		return err;
	while (!perf_stop && !perf_tx_done(&pp.tx, now = clock_now(clk))) {
		if (portperf_tx_step(&pp, now))
			continue;
		wait = perf_tx_wait_ns(&pp.tx, now);
		if (wait > 20 * NSEC_PER_USEC)
			perf_sleep_ns(MIN(wait, 10 * NSEC_PER_MSEC));
	}
	portperf_tx_flush(&pp);
	for (unsigned r = 0; r < PERF_END_ROUNDS; r++) {
		perf_sleep_ns(PORTPERF_END_GAP_NS);
		portperf_tx_end(&pp);
	}
	perf_sleep_ns(PORTPERF_LINGER_NS);
	portperf_counters(port, &pc);
	err = perf_report_tx(stdout, &portperf_tool, o, &pp.tx,
	    portperf_tx_loss(&pp), &pc);
	portperf_tx_fini(&pp);
	return err;
}

static int
run_rx(const struct perf_opts *o, struct port *port)
{
	struct perf_counters pc = { 0 };
	struct portperf pp;
	unsigned idle = 0;
	uint64_t now;
	int err;

	portperf_rx_init(&pp, port, o, clock_now(clk));
	fprintf(stderr, "lagnic-portperf: rx ready on %s (%s)\n", port->name,
	    o->backend);
	while (!perf_stop && !perf_rx_done(&pp.rx, now = clock_now(clk))) {
		if (portperf_rx_step(&pp, now)) {
			idle = 0;
			continue;
		}
		if (++idle >= PERF_IDLE_SPINS)
			perf_wait_readable(port_fd(port),
			    perf_rx_wait_ns(&pp.rx, now));
	}
	portperf_counters(port, &pc);
	err = perf_report_rx(stdout, &portperf_tool, o, &pp.rx, &pc);
	portperf_rx_fini(&pp);
	return err;
}

static int
run_info(const struct perf_opts *o, const struct port *port)
{
	const uint8_t *m = port->mac;
	char mac[18];
	json_t *obj;
	int err = 0;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
	if (!o->json) {
		printf("%s: %s port, ifindex %d, mac %s, mtu %u, carrier %s\n",
		    port->name, o->backend, port->ifindex, mac, port->mtu,
		    port->carrier ? "up" : "down");
		return 0;
	}
	obj = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:I, s:b}",
	    "tool", portperf_tool.name, "mode", "info",
	    "backend", o->backend, "if", port->name,
	    "ifindex", port->ifindex, "mac", mac,
	    "mtu", (json_int_t)port->mtu, "carrier", port->carrier);
	if (!obj || json_dumpf(obj, stdout, JSON_COMPACT))
		err = obj ? -EIO : -ENOMEM;
	else
		putchar('\n');
	json_decref(obj);
	return err;
}

static int
run(const struct perf_opts *o, struct port *port)
{
	switch (o->mode) {
	case PERF_M_TX:
		return run_tx(o, port);
	case PERF_M_RX:
		return run_rx(o, port);
	default:
		return run_info(o, port);
	}
}

int
main(int argc, char **argv)
{
	struct pkt_pool pool;
	struct perf_opts o;
	struct port *port;
	int err;

	err = perf_opts_parse(&o, &portperf_tool, argc, argv);
	if (err)
		return err > 0 ? 0 : 2;
	if (perf_signals_install() || portperf_open(&o, &pool, &port))
		return 1;
	err = portperf_check_size(&o, port);
	if (!err) {
		err = run(&o, port);
		if (err)
			fprintf(stderr, "lagnic-portperf: %s\n",
			    strerror(-err));
	}
	port_close(port);
	pkt_pool_fini(&pool);
	if (err == -EMSGSIZE)
		return 2;
	return err ? 1 : 0;
}
