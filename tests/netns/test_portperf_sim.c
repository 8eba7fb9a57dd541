/*
 * lagnic-portperf's engine without root: the perf rules on their own, and
 * tx -> rx over a sim wire under a virtual clock, with the wire's faults
 * checked against what rx reports. (Lives beside the netns test of the
 * tool; it runs in the unit suite.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "port/sim.h"
#include "tools/portperf.h"

#define SEED 0x9e7f

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };

static struct perf_opts
opts_count(uint64_t count, uint32_t flows)
{
	struct perf_opts o = {
		.mode = PERF_M_TX, .backend = "sim", .ifname = "a0",
		.size = 64, .count = count, .flows = flows, .burst = 32,
		.ring = 8192, .quiet_ns = 300 * NSEC_PER_MSEC,
	};

	memset(o.dst, 0xff, sizeof(o.dst));
	return o;
}

static void
test_frame_roundtrip(void **state)
{
	uint8_t buf[128];
	uint64_t seq;
	uint16_t stream;
	uint32_t sum = 0;

	perf_frame_template(buf, 100, (uint8_t[6]){ 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff }, mac_a, 7);
	perf_frame_stamp(buf, PERF_T_END, 7, 0x0102030405060708ULL);
	assert_int_equal(perf_frame_parse(buf, 100, &stream, &seq), PERF_T_END);
	assert_int_equal(stream, 7);
	assert_true(seq == 0x0102030405060708ULL);
	/* IPv4 total length, UDP source port of flow 7, header checksum */
	assert_int_equal(buf[16] << 8 | buf[17], 100 - 14);
	assert_int_equal(buf[34] << 8 | buf[35], PERF_UDP_SPORT_BASE + 7);
	for (unsigned i = 14; i < 34; i += 2)
		sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
	/* not ours: too short, another ethertype, another magic */
	assert_int_equal(perf_frame_parse(buf, 57, &stream, &seq), -1);
	buf[PERF_HDR_OFF] ^= 1;
	assert_int_equal(perf_frame_parse(buf, 100, &stream, &seq), -1);
	buf[PERF_HDR_OFF] ^= 1;
	buf[12] = 0x86;
	assert_int_equal(perf_frame_parse(buf, 100, &stream, &seq), -1);
}

static void
test_stream_loss_dup_reorder(void **state)
{
	static const uint64_t seqs[] = { 0, 1, 2, 4, 5, 3, 3, 5, 9,
	    9 + PERF_WIN_BITS + 1, 8 };
	struct perf_stream *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	for (unsigned i = 0; i < ARRAY_SIZE(seqs); i++)
		perf_stream_account(s, seqs[i]);
	/* 0 1 2 4 5 3(late) 3(dup) 5(dup) 9, jump, 8 (too far behind) */
	assert_int_equal(s->unique, 8);
	assert_int_equal(s->dups, 2);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(s->stale, 1);
	assert_int_equal(s->top, 9 + PERF_WIN_BITS + 2);
	/* the jump wiped the window: 9 + W shares 9's bit, yet is new */
	assert_true(perf_stream_account(s, 9 + PERF_WIN_BITS));
	assert_false(perf_stream_account(s, 9 + PERF_WIN_BITS));
	free(s);
}

static void
test_tx_pacing_and_stop(void **state)
{
	struct perf_opts o = opts_count(0, 1);
	struct perf_tx tx;
	uint64_t t0 = 1000 * NSEC_PER_SEC;

	o.rate_pps = 1000000;			/* one frame per us */
	o.duration_ns = 10 * NSEC_PER_USEC;
	assert_int_equal(perf_tx_init(&tx, &o, mac_a, t0), 0);
	assert_int_equal(perf_tx_budget(&tx, t0, 32), 1);
	assert_int_equal(perf_tx_budget(&tx, t0 + 5500, 32), 6);
	assert_int_equal(perf_tx_budget(&tx, t0 + 5500, 4), 4);
	for (int i = 0; i < 6; i++)
		perf_tx_build(&tx, tx.tmpl);
	assert_int_equal(perf_tx_budget(&tx, t0 + 5500, 32), 0);
	assert_int_equal(perf_tx_wait_ns(&tx, t0 + 5500), 500);
	assert_false(perf_tx_done(&tx, t0 + 9999));
	assert_true(perf_tx_done(&tx, t0 + 10000));
	assert_int_equal(perf_tx_budget(&tx, t0 + 10000, 32), 0);
	perf_tx_fini(&tx);
}

static void
test_rx_stops_after_end_and_quiet(void **state)
{
	struct perf_opts o = opts_count(0, 1);
	struct perf_tx tx;
	struct perf_rx rx;
	uint8_t buf[64];

	o.mode = PERF_M_RX;
	assert_int_equal(perf_tx_init(&tx, &o, mac_a, 0), 0);
	perf_rx_init(&rx, &o, 0);
	assert_false(perf_rx_done(&rx, 3600 * NSEC_PER_SEC));
	assert_true(perf_rx_wait_ns(&rx, 0) == UINT64_MAX);
	perf_tx_build(&tx, buf);
	perf_rx_frame(&rx, buf, 64, 10);
	perf_tx_build_end(&tx, 0, buf);
	perf_rx_frame(&rx, buf, 64, 20);
	assert_true(perf_rx_wait_ns(&rx, 20) == o.quiet_ns);
	assert_false(perf_rx_done(&rx, 20 + o.quiet_ns - 1));
	assert_true(perf_rx_done(&rx, 20 + o.quiet_ns));
	perf_rx_fini(&rx);
	perf_tx_fini(&tx);
}

struct fixture {
	struct sim sim;
	struct pkt_pool pool_a, pool_b;
	struct sim_wire *wire;
	struct port *a, *b;
	struct portperf tx, rx;
	struct perf_opts o, orx;	/* rx: no count, stops on the end marker */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct port_config ca = { .ifname = "a0", .rx_ring_size = 8192 };
	struct port_config cb = { .ifname = "b0", .rx_ring_size = 8192 };

	assert_non_null(f);
	assert_int_equal(sim_init(&f->sim, SEED), 0);
	assert_int_equal(pkt_pool_init(&f->pool_a, 4096, 2048), 0);
	assert_int_equal(pkt_pool_init(&f->pool_b, 16384, 2048), 0);
	f->wire = sim_wire_add(&f->sim, "a0", "b0");
	assert_non_null(f->wire);
	ca.sim = cb.sim = &f->sim;
	assert_int_equal(port_open(&f->a, "sim", &ca, &f->pool_a, 1), 0);
	assert_int_equal(port_open(&f->b, "sim", &cb, &f->pool_b, 2), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	portperf_rx_fini(&f->rx);
	portperf_tx_fini(&f->tx);
	port_close(f->a);
	port_close(f->b);
	sim_fini(&f->sim);
	assert_int_equal(f->pool_a.nfree, f->pool_a.count);
	assert_int_equal(f->pool_b.nfree, f->pool_b.count);
	pkt_pool_fini(&f->pool_a);
	pkt_pool_fini(&f->pool_b);
	free(f);
	return 0;
}

static uint64_t
now_of(struct fixture *f)
{
	return clock_now(sim_clock(&f->sim));
}

static void
drain_rx(struct fixture *f)
{
	while (portperf_rx_step(&f->rx, now_of(f)))
		;
}

/* tx until its count, end markers, then rx until it stops by itself. */
static void
run_count(struct fixture *f, uint64_t count, uint32_t flows)
{
	f->o = opts_count(count, flows);
	f->orx = opts_count(0, 1);
	f->orx.mode = PERF_M_RX;
	assert_int_equal(portperf_tx_init(&f->tx, f->a, &f->pool_a, &f->o,
	    now_of(f)), 0);
	portperf_rx_init(&f->rx, f->b, &f->orx, now_of(f));
	while (!perf_tx_done(&f->tx.tx, now_of(f)) || f->tx.npending) {
		portperf_tx_step(&f->tx, now_of(f));
		sim_run_for(&f->sim, NSEC_PER_USEC);
		drain_rx(f);
	}
	for (unsigned r = 0; r < PERF_END_ROUNDS; r++) {
		assert_int_equal(portperf_tx_end(&f->tx), flows);
		sim_run_for(&f->sim, NSEC_PER_MSEC);
		drain_rx(f);
	}
	assert_false(perf_rx_done(&f->rx.rx, now_of(f)));
	sim_run_for(&f->sim, f->orx.quiet_ns);
	assert_true(perf_rx_done(&f->rx.rx, now_of(f)));
}

static void
test_clean_wire_delivers_every_frame(void **state)
{
	struct fixture *f = *state;
	struct perf_rx_sum s;

	run_count(f, 10000, 3);
	perf_rx_sum(&f->rx.rx, &s);
	assert_int_equal(f->tx.tx.frames, 10000);
	assert_int_equal(f->rx.rx.frames, 10000);
	assert_int_equal(f->rx.rx.bytes, 10000 * 64);
	assert_int_equal(s.streams, 3);
	assert_int_equal(s.expected, 10000);
	assert_int_equal(s.unique, 10000);
	assert_int_equal(s.lost + s.dups + s.reordered + s.stale, 0);
	assert_true(s.end_seen_all);
	assert_int_equal(f->rx.rx.end_markers, 3 * PERF_END_ROUNDS);
	assert_int_equal(f->rx.rx.streams[1]->end_count, 3333);
	assert_int_equal(portperf_tx_loss(&f->tx), 0);
}

static void
test_drops_are_loss(void **state)
{
	struct fixture *f = *state;
	struct perf_rx_sum s;
	uint64_t dropped;

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){ .drop_pct = 2 });
	run_count(f, 20000, 1);
	perf_rx_sum(&f->rx.rx, &s);
	dropped = f->wire->cnt[SIM_A_TO_B].dropped;
	/* an end marker may be dropped too; the others still arrive */
	assert_true(dropped > 0);
	assert_true(s.end_seen_all);
	assert_int_equal(s.expected, 20000);
	assert_int_equal(s.lost + (3 - f->rx.rx.end_markers), dropped);
	assert_int_equal(s.unique, f->rx.rx.frames);
}

static void
test_duplicates_and_reordering_are_not_loss(void **state)
{
	struct fixture *f = *state;
	struct perf_rx_sum s;

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){
	    .dup_pct = 3, .reorder_pct = 3,
	    .reorder_window_ns = 20 * NSEC_PER_USEC });
	run_count(f, 20000, 2);
	perf_rx_sum(&f->rx.rx, &s);
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.unique, 20000);
	assert_int_equal(s.dups, f->wire->cnt[SIM_A_TO_B].duplicated -
	    (f->rx.rx.end_markers - 2 * PERF_END_ROUNDS));
	assert_true(s.reordered > 0);
	assert_true(s.reordered <= f->wire->cnt[SIM_A_TO_B].reordered +
	    f->wire->cnt[SIM_A_TO_B].duplicated);
}

/*
 * A port that takes at most 5 frames and nothing every third call: the
 * frames it leaves must be offered again in order, and what is never
 * taken must not be announced by the end marker.
 */
struct stingy {
	unsigned calls;
	struct perf_rx *rx;
};

static unsigned
stingy_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	struct stingy *st = port->priv;
	unsigned take = ++st->calls % 3 == 0 ? 0 : MIN(n, 5u);

	for (unsigned i = 0; i < take; i++) {
		perf_rx_frame(st->rx, pkts[i]->data, pkts[i]->len, 0);
		pkt_free(pkts[i]);
	}
	return take;
}

static void
test_frames_left_by_the_port_go_out_in_order(void **state)
{
	static const struct port_ops stingy_ops = {
		.name = "stingy", .tx_burst = stingy_tx_burst,
	};
	struct perf_opts o = opts_count(1000, 2);
	struct pkt_pool pool;
	struct perf_rx_sum s;
	struct portperf pp;
	struct perf_rx rx;
	struct stingy st = { .rx = &rx };
	struct port port = { .ops = &stingy_ops, .priv = &st };

	assert_int_equal(pkt_pool_init(&pool, 256, 2048), 0);
	perf_rx_init(&rx, &o, 0);
	assert_int_equal(portperf_tx_init(&pp, &port, &pool, &o, 0), 0);
	while (!perf_tx_done(&pp.tx, 0))
		portperf_tx_step(&pp, 0);
	assert_true(pp.npending > 0);
	portperf_tx_abandon(&pp);
	assert_int_equal(portperf_tx_end(&pp), 2);
	perf_rx_sum(&rx, &s);
	assert_int_equal(s.unique, pp.tx.frames);
	assert_int_equal(s.expected, pp.tx.frames);
	assert_int_equal(s.lost + s.dups + s.reordered, 0);
	portperf_tx_fini(&pp);
	perf_rx_fini(&rx);
	assert_int_equal(pool.nfree, pool.count);
	pkt_pool_fini(&pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_roundtrip),
		cmocka_unit_test(test_stream_loss_dup_reorder),
		cmocka_unit_test(test_tx_pacing_and_stop),
		cmocka_unit_test(test_rx_stops_after_end_and_quiet),
		cmocka_unit_test_setup_teardown(
		    test_clean_wire_delivers_every_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops_are_loss,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicates_and_reordering_are_not_loss, setup,
		    teardown),
		cmocka_unit_test(test_frames_left_by_the_port_go_out_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
