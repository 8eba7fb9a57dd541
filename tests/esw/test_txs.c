/*
 * The TX scheduler under a virtual clock: rates held, fair shares, min
 * rate guarantees, the next-eligible time, and node moves whose cost does
 * not grow with the number of queues. A "port" here drains what
 * txs_dequeue hands out at a fixed line rate; time only moves when told.
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

#include "txs/txs.h"

#define T0	NSEC_PER_SEC	/* the virtual clock starts here */

struct fixture {
	struct vclock clock;
	struct pkt_pool pool;
	struct txs *txs;
	struct txs_node *a, *b;
};

static int
setup_n(void **state, unsigned max_queues, unsigned pool)
{
	struct fixture *f = calloc(1, sizeof(*f));

	vclock_init(&f->clock, T0);
	assert_int_equal(pkt_pool_init(&f->pool, pool, 256), 0);
	assert_int_equal(txs_create(&f->txs, &f->clock.base, 4, max_queues),
	    0);
	assert_int_equal(txs_node_create(f->txs, &f->a), 0);
	assert_int_equal(txs_node_create(f->txs, &f->b), 0);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_n(state, 64, 4096);
}

static int
setup_big(void **state)
{
	return setup_n(state, 10010, 20100);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	txs_destroy(f->txs);
	assert_int_equal(f->pool.nfree, f->pool.count);	/* nothing leaked */
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

/* The scheduler never looks inside a frame: only its length matters. */
static struct pkt *
mk(struct fixture *f, uint32_t len)
{
	struct pkt *p = pkt_alloc(&f->pool);

	assert_non_null(p);
	p->len = len;
	return p;
}

static void
fill(struct fixture *f, struct txs_queue *q, uint32_t len, uint32_t upto)
{
	while (txs_queue_len(q) < upto) {
		struct pkt *p = mk(f, len);

		assert_int_equal(txs_enqueue(q, &p, 1), 1);
	}
}

static struct txs_queue *
queue(struct fixture *f, struct txs_node *n, uint32_t max_rate,
    uint32_t min_rate)
{
	struct txs_queue *q;

	assert_int_equal(txs_queue_create(n, 64, &q), 0);
	assert_int_equal(txs_queue_rate_set(q, &(struct txs_rate){
	    .max_tx_rate = max_rate, .min_tx_rate = min_rate }), 0);
	return q;
}

/*
 * Run node's port at line_mbps for dur_ns with every queue kept full of
 * len-byte frames. Returns the calls to txs_dequeue that sent nothing.
 */
static unsigned
run_port(struct fixture *f, struct txs_node *n, struct txs_queue **qs,
    unsigned nq, const uint32_t *lens, uint32_t line_mbps, uint64_t dur_ns)
{
	uint64_t end = f->clock.now + dur_ns, next;
	struct pkt *burst[PKT_BURST_MAX];
	unsigned idle = 0;

	while (f->clock.now < end) {
		uint64_t bytes = 0;
		unsigned k;

		for (unsigned i = 0; i < nq; i++)
			fill(f, qs[i], lens[i], 48);
		k = txs_dequeue(n, f->clock.now, burst, 16, &next);
		for (unsigned i = 0; i < k; i++)
			bytes += burst[i]->len;
		pkt_free_bulk(burst, k);
		if (k) {
			/* the wire is busy for bytes * 8 / line ns */
			vclock_advance(&f->clock, (bytes * 8000 + line_mbps - 1) /
			    line_mbps);
			continue;
		}
		idle++;
		assert_true(next > f->clock.now && next != UINT64_MAX);
		vclock_set(&f->clock, next);
	}
	return idle;
}

static double
mbps(const struct txs_queue *q, uint64_t dur_ns)
{
	return (double)txs_queue_counters(q)->tx_bytes * 8000.0 /
	    (double)dur_ns;
}

static void
test_rate_limit_within_1pct(void **state)
{
	static const uint32_t rates[] = { 10, 100, 1000, 4000 };
	static const uint32_t lens[] = { 1500 };
	struct fixture *f = *state;

	for (unsigned i = 0; i < ARRAY_SIZE(rates); i++) {
		struct txs_queue *q = queue(f, f->a, rates[i], 0);
		unsigned idle;
		double got;

		idle = run_port(f, f->a, &q, 1, lens, 10000,
		    5 * NSEC_PER_SEC);
		got = mbps(q, 5 * NSEC_PER_SEC);
		print_message("max_tx_rate %u: %.3f Mbit/s, %u waits\n",
		    rates[i], got, idle);
		assert_true(got <= rates[i] * 1.01 && got >= rates[i] * 0.99);
		assert_true(txs_queue_counters(q)->throttled > 0);
		txs_queue_destroy(q);
	}
}

static void
test_unlimited_queues_share_fairly(void **state)
{
	static const uint32_t lens[] = { 64, 512, 1500 };
	struct fixture *f = *state;
	struct txs_queue *q[3];
	uint64_t dur = NSEC_PER_SEC / 2;
	double share[3];

	for (unsigned i = 0; i < 3; i++)
		q[i] = queue(f, f->a, 0, 0);
	run_port(f, f->a, q, 3, lens, 1000, dur);
	for (unsigned i = 0; i < 3; i++) {
		share[i] = mbps(q[i], dur);
		print_message("queue %u (%u B frames): %.2f Mbit/s\n", i,
		    lens[i], share[i]);
		assert_true(share[i] > 1000.0 / 3 * 0.99 &&
		    share[i] < 1000.0 / 3 * 1.01);
	}
}

static void
test_limited_and_unlimited_share_the_rest(void **state)
{
	static const uint32_t lens[] = { 1500, 1500, 300 };
	struct fixture *f = *state;
	struct txs_queue *q[3];
	uint64_t dur = NSEC_PER_SEC;

	q[0] = queue(f, f->a, 100, 0);
	q[1] = queue(f, f->a, 0, 0);
	q[2] = queue(f, f->a, 0, 0);
	run_port(f, f->a, q, 3, lens, 1000, dur);
	assert_true(mbps(q[0], dur) > 99 && mbps(q[0], dur) < 101);
	assert_true(mbps(q[1], dur) > 445 && mbps(q[1], dur) < 455);
	assert_true(mbps(q[2], dur) > 445 && mbps(q[2], dur) < 455);
}

static void
test_min_rate_guaranteed(void **state)
{
	static const uint32_t lens[] = { 1500, 1500, 1500, 1500 };
	struct fixture *f = *state;
	struct txs_queue *q[4];
	uint64_t dur = NSEC_PER_SEC;

	q[0] = queue(f, f->a, 0, 600);
	for (unsigned i = 1; i < 4; i++)
		q[i] = queue(f, f->a, 0, 0);
	run_port(f, f->a, q, 4, lens, 1000, dur);
	/* 600 first, then a quarter of the other 400 */
	print_message("min 600: %.1f, others %.1f %.1f %.1f Mbit/s\n",
	    mbps(q[0], dur), mbps(q[1], dur), mbps(q[2], dur),
	    mbps(q[3], dur));
	assert_true(mbps(q[0], dur) >= 600 * 0.99);
	assert_true(mbps(q[0], dur) <= 700 * 1.01);
	assert_true(txs_queue_counters(q[0])->tx_guaranteed > 0);
	for (unsigned i = 1; i < 4; i++)
		assert_true(mbps(q[i], dur) > 95 && mbps(q[i], dur) < 140);
}

static void
test_next_eligible_time(void **state)
{
	struct fixture *f = *state;
	struct txs_queue *q;
	struct pkt *burst[4], *in[3];
	uint64_t next;

	/* 8 Mbit/s: one byte per us; the bucket holds one frame */
	assert_int_equal(txs_queue_create(f->a, 8, &q), 0);
	assert_int_equal(txs_queue_rate_set(q, &(struct txs_rate){
	    .max_tx_rate = 8, .burst_bytes = 1000 }), 0);
	assert_int_equal(txs_dequeue(f->a, T0, burst, 4, &next), 0);
	assert_int_equal(next, UINT64_MAX);
	for (unsigned i = 0; i < 3; i++)
		in[i] = mk(f, 1000);
	assert_int_equal(txs_enqueue(q, in, 3), 3);
	assert_int_equal(txs_dequeue(f->a, T0, burst, 4, &next), 1);
	pkt_free(burst[0]);
	assert_int_equal(next, T0 + 1000 * NSEC_PER_USEC);
	assert_int_equal(txs_next_deadline(f->txs), next);
	/* a hair early: nothing, same deadline */
	assert_int_equal(txs_dequeue(f->a, next - 1, burst, 4, &next), 0);
	assert_int_equal(next, T0 + 1000 * NSEC_PER_USEC);
	assert_int_equal(txs_dequeue(f->a, next, burst, 4, &next), 1);
	pkt_free(burst[0]);
	assert_int_equal(next, T0 + 2000 * NSEC_PER_USEC);
	/* late by 300 us: the bucket counts from then, not from next */
	assert_int_equal(txs_dequeue(f->a, next + 300 * NSEC_PER_USEC, burst,
	    4, &next), 1);
	pkt_free(burst[0]);
	assert_int_equal(next, UINT64_MAX);	/* empty: no one waits */
	/* another node's dequeue releases and reports the same heap */
	in[0] = mk(f, 1000);
	assert_int_equal(txs_enqueue(q, in, 1), 1);
	assert_int_equal(txs_dequeue(f->a, T0 + 2400 * NSEC_PER_USEC, burst, 4,
	    &next), 0);
	assert_int_equal(next, T0 + 3300 * NSEC_PER_USEC);
	assert_int_equal(txs_dequeue(f->b, T0 + 2500 * NSEC_PER_USEC, burst, 4,
	    &next), 0);
	assert_int_equal(next, T0 + 3300 * NSEC_PER_USEC);
	assert_int_equal(txs_queue_counters(q)->throttled, 3);
}

/*
 * n queues under a, two 100-byte frames each, every 4th limited to
 * 1 Mbit/s with a one-frame bucket. One burst goes out of a first (the
 * limited queues in it are left waiting for tokens), then a moves to b.
 * Returns the link operations of that move; *wait_until: the first wait.
 */
static uint64_t
move_cost(struct fixture *f, unsigned n, struct txs_queue **qs,
    uint64_t *wait_until)
{
	struct pkt *burst[PKT_BURST_MAX], *p[2];
	uint64_t before;
	unsigned k;

	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(txs_queue_create(f->a, 4, &qs[i]), 0);
		if (i % 4 == 3)
			assert_int_equal(txs_queue_rate_set(qs[i],
			    &(struct txs_rate){ .max_tx_rate = 1,
			    .burst_bytes = 100 }), 0);
		p[0] = mk(f, 100);
		p[1] = mk(f, 100);
		assert_int_equal(txs_enqueue(qs[i], p, 2), 2);
	}
	k = txs_dequeue(f->a, f->clock.now, burst, MIN(n, PKT_BURST_MAX),
	    wait_until);
	assert_int_equal(k, MIN(n, PKT_BURST_MAX));
	pkt_free_bulk(burst, k);
	before = txs_stats(f->txs)->link_ops;
	assert_int_equal(txs_node_move(f->a, f->b), 0);
	return txs_stats(f->txs)->link_ops - before;
}

/* Everything b has, running the clock through the waits. */
static unsigned
drain(struct fixture *f, struct txs_node *n)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned got = 0, k;
	uint64_t next;

	for (;;) {
		k = txs_dequeue(n, f->clock.now, burst, PKT_BURST_MAX, &next);
		got += k;
		pkt_free_bulk(burst, k);
		if (k)
			continue;
		if (next == UINT64_MAX)
			return got;
		vclock_set(&f->clock, next);
	}
}

static void
test_node_move_one_step(void **state)
{
	struct fixture *f = *state;
	static struct txs_queue *qs[10000];
	struct pkt *burst[PKT_BURST_MAX];
	uint64_t one, many, next, wait_until;

	one = move_cost(f, 1, qs, &wait_until);
	assert_int_equal(txs_queue_destroy(qs[0]), 1);
	many = move_cost(f, 10000, qs, &wait_until);
	print_message("link ops of a node move: 1 queue %lu, 10000 queues "
	    "%lu\n", (unsigned long)one, (unsigned long)many);
	assert_int_equal(one, many);
	assert_int_equal(txs_stats(f->txs)->node_moves, 2);
	assert_int_equal(txs_node_queues(f->a), 0);
	assert_int_equal(txs_node_queues(f->b), 10000);
	assert_ptr_equal(txs_queue_node(qs[9999]), f->b);
	/* nothing left under a */
	assert_int_equal(txs_dequeue(f->a, f->clock.now, burst, PKT_BURST_MAX,
	    &next), 0);
	/* the limited queues that spent their bucket before the move still
	 * wait, until the same time: 100 B at 1 Mbit/s */
	assert_int_equal(wait_until, f->clock.now + 800 * NSEC_PER_USEC);
	assert_int_equal(next, wait_until);
	/* every frame queued before the move goes out of b */
	assert_int_equal(drain(f, f->b), 2 * 10000 - PKT_BURST_MAX);
	for (unsigned i = 0; i < 10000; i++)
		assert_int_equal(txs_queue_counters(qs[i])->tx_packets, 2);
}

static void
test_queue_move_and_back(void **state)
{
	struct fixture *f = *state;
	struct txs_queue *q1, *q2, *q3;
	struct pkt *burst[8], *p;
	uint64_t ops = 0;

	assert_int_equal(txs_queue_create(f->a, 8, &q1), 0);
	assert_int_equal(txs_queue_create(f->a, 8, &q2), 0);
	assert_int_equal(txs_node_move(f->a, f->b), 0);
	/* a keeps taking new queues; one comes back for rebalancing */
	assert_int_equal(txs_queue_create(f->a, 8, &q3), 0);
	assert_ptr_equal(txs_queue_node(q3), f->a);
	p = mk(f, 100);
	txs_enqueue(q1, &p, 1);
	assert_int_equal(txs_queue_move(q1, f->a), 0);
	assert_int_equal(txs_queue_move(q1, f->a), 0);
	assert_int_equal(txs_node_queues(f->a), 2);
	assert_int_equal(txs_node_queues(f->b), 1);
	assert_int_equal(txs_dequeue(f->b, T0, burst, 8, NULL), 0);
	assert_int_equal(txs_dequeue(f->a, T0, burst, 8, NULL), 1);
	pkt_free(burst[0]);
	/* flap: the cost of a move stays flat, the group pool never runs dry */
	for (unsigned i = 0; i < 1000; i++) {
		uint64_t before = txs_stats(f->txs)->link_ops;

		assert_int_equal(txs_node_move(f->a, f->b), 0);
		assert_int_equal(txs_node_move(f->b, f->a), 0);
		if (i == 10)
			ops = txs_stats(f->txs)->link_ops - before;
		if (i > 10)
			assert_int_equal(txs_stats(f->txs)->link_ops - before,
			    ops);
	}
	assert_int_equal(txs_node_queues(f->a), 3);
	assert_int_equal(txs_node_move(f->a, f->a), -EINVAL);
	assert_int_equal(txs_node_destroy(f->a), -EBUSY);
	txs_queue_destroy(q1);
	txs_queue_destroy(q2);
	txs_queue_destroy(q3);
	assert_int_equal(txs_node_destroy(f->a), 0);
	assert_int_equal(txs_node_create(f->txs, &f->a), 0);
}

static void
test_full_queue_drops_counted(void **state)
{
	struct fixture *f = *state;
	struct txs_queue *q;
	struct pkt *in[6];

	assert_int_equal(txs_queue_create(f->a, 3, &q), 0);	/* 4 slots */
	for (unsigned i = 0; i < 6; i++)
		in[i] = mk(f, 60);
	assert_int_equal(txs_enqueue(q, in, 6), 4);
	assert_int_equal(txs_queue_counters(q)->drops[TXS_DROP_FULL], 2);
	assert_int_equal(txs_queue_counters(q)->enq_packets, 4);
	assert_int_equal(f->pool.nfree, f->pool.count - 4);
	assert_int_equal(txs_queue_destroy(q), 4);
	assert_int_equal(f->pool.nfree, f->pool.count);
}

static void
test_config_errors(void **state)
{
	struct fixture *f = *state;
	struct txs_rate r = { .max_tx_rate = 100, .min_tx_rate = 10 }, got;
	struct txs_queue *q, *qs[64];
	struct txs_node *n;
	struct txs *t;
	unsigned i;

	assert_int_equal(txs_queue_create(f->a, 0, &q), -EINVAL);
	assert_int_equal(txs_queue_create(f->a, TXS_QUEUE_SIZE_MAX + 1, &q),
	    -EINVAL);
	assert_int_equal(txs_queue_create(f->a, 16, &q), 0);
	assert_int_equal(txs_queue_rate_set(q, &r), 0);
	assert_int_equal(txs_queue_rate_set(q, &(struct txs_rate){
	    .max_tx_rate = 10, .min_tx_rate = 20 }), -EINVAL);
	assert_int_equal(txs_queue_rate_set(q, &(struct txs_rate){
	    .max_tx_rate = TXS_RATE_MAX + 1 }), -ERANGE);
	assert_int_equal(txs_queue_rate_set(q, &(struct txs_rate){
	    .max_tx_rate = 10, .burst_bytes = 10 }), -EINVAL);
	txs_queue_rate_get(q, &got);
	assert_int_equal(got.max_tx_rate, 100);
	assert_int_equal(got.min_tx_rate, 10);
	assert_int_equal(got.burst_bytes, 0);
	for (i = 0; i < 63; i++)
		assert_int_equal(txs_queue_create(f->b, 1, &qs[i]), 0);
	assert_int_equal(txs_queue_create(f->b, 1, &qs[i]), -ENOSPC);
	assert_int_equal(txs_node_create(f->txs, &n), 0);
	assert_int_equal(txs_node_create(f->txs, &n), 0);
	assert_int_equal(txs_node_create(f->txs, &n), -ENOSPC);
	assert_int_equal(txs_create(&t, &f->clock.base, 0, 1), -EINVAL);
	assert_int_equal(txs_create(&t, &f->clock.base, 1, 0), -EINVAL);
	assert_string_equal(txs_drop_names[TXS_DROP_FULL], "FULL");
	assert_non_null(txs_drop_descs[TXS_DROP_FLUSH]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rate_limit_within_1pct),
		T(test_unlimited_queues_share_fairly),
		T(test_limited_and_unlimited_share_the_rest),
		T(test_min_rate_guaranteed),
		T(test_next_eligible_time),
		cmocka_unit_test_setup_teardown(test_node_move_one_step,
		    setup_big, teardown),
		T(test_queue_move_and_back),
		T(test_full_queue_drops_counted),
		T(test_config_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
