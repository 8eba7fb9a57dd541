/* The sim wire: delivery timing, every fault, carrier, determinism. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "port/sim.h"

#define SEED 0x5eed

struct fixture {
	struct sim sim;
	struct pkt_pool pool_a, pool_b;
	struct sim_wire *wire;
	struct port *a, *b;
};

static struct fixture *
fixture_new(uint64_t seed)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct port_config ca = { .ifname = "a0" }, cb = { .ifname = "b0" };

	assert_non_null(f);
	assert_int_equal(sim_init(&f->sim, seed), 0);
	assert_int_equal(pkt_pool_init(&f->pool_a, 8192, 2048), 0);
	assert_int_equal(pkt_pool_init(&f->pool_b, 8192, 2048), 0);
	f->wire = sim_wire_add(&f->sim, "a0", "b0");
	assert_non_null(f->wire);
	ca.sim = cb.sim = &f->sim;
	ca.rx_ring_size = cb.rx_ring_size = 8192;
	assert_int_equal(port_open(&f->a, "sim", &ca, &f->pool_a, 1), 0);
	assert_int_equal(port_open(&f->b, "sim", &cb, &f->pool_b, 2), 0);
	return f;
}

static int
setup(void **state)
{
	*state = fixture_new(SEED);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

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

/* Send n frames from port a, each carrying its sequence number. */
static void
send_seq(struct fixture *f, uint32_t first, uint32_t n, uint32_t len)
{
	uint8_t frame[2048];

	assert_true(len >= 4 && len <= sizeof(frame));
	memset(frame, 0xab, len);
	for (uint32_t i = 0; i < n; i++) {
		struct pkt *p = pkt_alloc(&f->pool_a);
		uint32_t seq = first + i;

		assert_non_null(p);
		memcpy(frame, &seq, 4);
		assert_int_equal(pkt_set(p, frame, len), 0);
		assert_int_equal(port_tx_burst(f->a, &p, 1), 1);
	}
}

/* Receive everything at b; store sequence numbers, return the count. */
static unsigned
recv_seq(struct fixture *f, uint32_t *seqs, unsigned max)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n, total = 0;

	while ((n = port_rx_burst(f->b, burst, PKT_BURST_MAX)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(burst[i]->in_port, 2);
			if (total < max)
				memcpy(&seqs[total], burst[i]->data, 4);
			total++;
		}
		pkt_free_bulk(burst, n);
	}
	return total;
}

static void
test_delivers_after_delay_in_order(void **state)
{
	struct fixture *f = *state;
	uint32_t seqs[100];

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){
	    .delay_ns = 10 * NSEC_PER_USEC });
	send_seq(f, 0, 100, 64);
	sim_run_for(&f->sim, 10 * NSEC_PER_USEC - 1);
	assert_int_equal(recv_seq(f, seqs, 100), 0);
	sim_run_for(&f->sim, 1);
	assert_int_equal(recv_seq(f, seqs, 100), 100);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(seqs[i], i);
	assert_int_equal(f->b->cnt.rx_packets, 100);
	assert_int_equal(f->b->cnt.rx_bytes, 6400);
	assert_int_equal(f->a->cnt.tx_packets, 100);
	assert_int_equal(f->wire->cnt[SIM_A_TO_B].delivered, 100);
}

static void
test_drop_all_and_some(void **state)
{
	struct fixture *f = *state;
	uint32_t seqs[1];
	unsigned got;

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){ .drop_pct = 100 });
	send_seq(f, 0, 50, 64);
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	assert_int_equal(recv_seq(f, seqs, 0), 0);
	assert_int_equal(f->wire->cnt[SIM_A_TO_B].dropped, 50);

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){ .drop_pct = 30 });
	send_seq(f, 0, 4000, 64);
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	got = recv_seq(f, seqs, 0);
	/* seeded: 30% +- 3% of 4000 */
	assert_in_range(got, 2680, 2920);
	assert_int_equal(got + f->wire->cnt[SIM_A_TO_B].dropped, 4050);
}

static void
test_duplicate(void **state)
{
	struct fixture *f = *state;
	uint32_t seqs[200];

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){ .dup_pct = 100 });
	send_seq(f, 0, 100, 64);
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	assert_int_equal(recv_seq(f, seqs, 200), 200);
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(seqs[2 * i], i);
		assert_int_equal(seqs[2 * i + 1], i);
	}
	assert_int_equal(f->wire->cnt[SIM_A_TO_B].duplicated, 100);
}

static void
test_reorder_within_window_loses_nothing(void **state)
{
	struct fixture *f = *state;
	uint32_t seqs[1000];
	unsigned out_of_order = 0;
	uint8_t seen[1000] = { 0 };

	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){
	    .reorder_pct = 20, .reorder_window_ns = 50 * NSEC_PER_USEC });
	for (int i = 0; i < 1000; i++) {
		send_seq(f, (uint32_t)i, 1, 64);
		sim_run_for(&f->sim, NSEC_PER_USEC);	/* 1 frame per us */
	}
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	assert_int_equal(recv_seq(f, seqs, 1000), 1000);
	for (int i = 0; i < 1000; i++) {
		assert_true(seqs[i] < 1000);
		seen[seqs[i]]++;
		if (i > 0 && seqs[i] < seqs[i - 1])
			out_of_order++;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(seen[i], 1);
	assert_true(out_of_order > 50);
	assert_in_range(f->wire->cnt[SIM_A_TO_B].reordered, 150, 250);
}

static int
bits_differing(const uint8_t *a, const uint8_t *b, size_t n)
{
	int bits = 0;

	for (size_t i = 0; i < n; i++)
		bits += __builtin_popcount(a[i] ^ b[i]);
	return bits;
}

static void
test_corrupt_flips_exactly_one_bit(void **state)
{
	struct fixture *f = *state;
	struct pkt *burst[PKT_BURST_MAX];
	uint8_t ref[256];
	unsigned n;

	memset(ref, 0x5a, sizeof(ref));
	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){ .corrupt_pct = 100 });
	for (int i = 0; i < 32; i++) {
		struct pkt *p = pkt_alloc(&f->pool_a);

		pkt_set(p, ref, sizeof(ref));
		port_tx_burst(f->a, &p, 1);
	}
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	n = port_rx_burst(f->b, burst, PKT_BURST_MAX);
	assert_int_equal(n, 32);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(burst[i]->len, sizeof(ref));
		assert_int_equal(bits_differing(burst[i]->data, ref, sizeof(ref)), 1);
	}
	pkt_free_bulk(burst, n);
	assert_int_equal(f->wire->cnt[SIM_A_TO_B].corrupted, 32);
}

struct carrier_log {
	int events;
	bool last_up;
};

static void
on_carrier(struct port *port, bool up, void *arg)
{
	struct carrier_log *log = arg;

	log->events++;
	log->last_up = up;
}

static void
test_carrier_cut_drops_in_flight_and_notifies(void **state)
{
	struct fixture *f = *state;
	struct carrier_log la = { 0 }, lb = { 0 };
	uint32_t seqs[10];

	port_set_carrier_cb(f->a, on_carrier, &la);
	port_set_carrier_cb(f->b, on_carrier, &lb);
	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){
	    .delay_ns = NSEC_PER_MSEC });
	send_seq(f, 0, 10, 64);
	sim_run_for(&f->sim, NSEC_PER_MSEC / 2);
	sim_carrier_set(f->wire, false);
	assert_int_equal(la.events, 1);
	assert_false(la.last_up);
	assert_int_equal(lb.events, 1);
	assert_false(f->b->carrier);
	send_seq(f, 10, 5, 64);		/* refused by the port: no carrier */
	sim_run_for(&f->sim, 2 * NSEC_PER_MSEC);
	assert_int_equal(recv_seq(f, seqs, 10), 0);
	assert_int_equal(f->wire->cnt[SIM_A_TO_B].no_carrier, 10);
	assert_int_equal(f->a->cnt.tx_dropped, 5);

	sim_carrier_set(f->wire, true);
	assert_int_equal(la.events, 2);
	assert_true(la.last_up);
	assert_int_equal(f->a->cnt.carrier_changes, 2);
	send_seq(f, 20, 3, 64);
	sim_run_for(&f->sim, 2 * NSEC_PER_MSEC);
	assert_int_equal(recv_seq(f, seqs, 10), 3);
	assert_int_equal(seqs[0], 20);
}

static void
test_rx_ring_overflow_counts(void **state)
{
	struct fixture *f = *state;
	struct port *small;
	struct pkt_pool pool;
	struct sim_wire *w = sim_wire_add(&f->sim, "c0", "d0");
	struct port_config cfg = { .ifname = "d0", .sim = &f->sim,
	    .rx_ring_size = 16 };
	struct port_config cfg_c = { .ifname = "c0", .sim = &f->sim };
	struct port *c;
	struct pkt *burst[PKT_BURST_MAX];

	assert_non_null(w);
	assert_int_equal(pkt_pool_init(&pool, 64, 2048), 0);
	assert_int_equal(port_open(&small, "sim", &cfg, &pool, 3), 0);
	assert_int_equal(port_open(&c, "sim", &cfg_c, &f->pool_a, 4), 0);
	for (int i = 0; i < 20; i++) {
		struct pkt *p = pkt_alloc(&f->pool_a);

		pkt_put(p, 60);
		port_tx_burst(c, &p, 1);
	}
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	assert_int_equal(port_rx_burst(small, burst, PKT_BURST_MAX), 16);
	assert_int_equal(small->cnt.rx_dropped, 4);
	pkt_free_bulk(burst, 16);
	port_close(small);
	port_close(c);
	pkt_pool_fini(&pool);
}

static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct port *p;
	struct port_config cfg = { .ifname = "nope", .sim = &f->sim };

	assert_int_equal(port_open(&p, "sim", &cfg, &f->pool_a, 9), -ENODEV);
	cfg.ifname = "a0";
	assert_int_equal(port_open(&p, "sim", &cfg, &f->pool_a, 9), -EBUSY);
	assert_int_equal(port_open(&p, "nosuch", &cfg, &f->pool_a, 9), -ENOENT);
	assert_null(sim_wire_add(&f->sim, "a0", "x0"));
	assert_null(sim_wire_add(&f->sim, "x0", "x0"));
}

static void
test_oversize_frame_refused(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = pkt_alloc(&f->pool_a);

	pkt_put(p, port_max_frame(f->a) + 1);
	port_tx_burst(f->a, &p, 1);
	assert_int_equal(f->a->cnt.tx_errors, 1);
	assert_int_equal(f->a->cnt.tx_packets, 0);
}

/* Same seed, same faults: the same frames arrive in the same order. */
static uint64_t
run_lossy_trace(uint64_t seed)
{
	struct fixture *f;
	uint32_t seqs[2000];
	uint64_t h = 1469598103934665603ULL;
	unsigned n;

	f = fixture_new(seed);
	sim_fault_set(f->wire, SIM_A_TO_B, &(struct sim_fault){
	    .drop_pct = 5, .dup_pct = 5, .reorder_pct = 5,
	    .reorder_window_ns = 20 * NSEC_PER_USEC, .corrupt_pct = 5 });
	for (uint32_t i = 0; i < 1000; i++) {
		send_seq(f, i, 1, 64);
		sim_run_for(&f->sim, NSEC_PER_USEC);
	}
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	n = recv_seq(f, seqs, 2000);
	for (unsigned i = 0; i < n; i++)
		h = (h ^ seqs[i]) * 1099511628211ULL;
	teardown((void **)&f);
	return h ^ n;
}

static void
test_seed_reproduces_run(void **state)
{
	assert_int_equal(run_lossy_trace(7), run_lossy_trace(7));
	assert_int_not_equal(run_lossy_trace(7), run_lossy_trace(8));
}

struct ticker {
	uint64_t period, next;
	unsigned polls_at_deadline;
};

static void
ticker_poll(void *arg, uint64_t now)
{
	struct ticker *t = arg;

	if (now >= t->next) {
		assert_int_equal(now, t->next);	/* never late in virtual time */
		t->polls_at_deadline++;
		t->next += t->period;
	}
}

static uint64_t
ticker_deadline(void *arg)
{
	return ((struct ticker *)arg)->next;
}

static void
test_nodes_run_at_their_deadlines(void **state)
{
	struct fixture *f = *state;
	struct ticker t = { .period = 30 * NSEC_PER_SEC, .next = 30 * NSEC_PER_SEC };

	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = ticker_poll, .next_deadline = ticker_deadline, .arg = &t }), 0);
	sim_run_for(&f->sim, 90 * NSEC_PER_SEC);
	assert_int_equal(t.polls_at_deadline, 3);
	assert_int_equal(clock_now(sim_clock(&f->sim)), 90 * NSEC_PER_SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivers_after_delay_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_all_and_some, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder_within_window_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_flips_exactly_one_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carrier_cut_drops_in_flight_and_notifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_ring_overflow_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize_frame_refused, setup, teardown),
		cmocka_unit_test(test_seed_reproduces_run),
		cmocka_unit_test_setup_teardown(test_nodes_run_at_their_deadlines, setup, teardown),
	};

	printf("# sim seed %#x\n", SEED);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
