/*
 * The TX scheduler under random operations (seeded; the seed is printed,
 * LAGNIC_SEED=n reruns one): enqueue, dequeue, node and queue moves, rate
 * changes, queues destroyed and created, time moving on. After each step:
 * a frame comes out of the node its queue is under, in its queue's order,
 * and no frame is lost or made up.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/rng.h"
#include "txs/txs.h"

#define NODES	3
#define QUEUES	12
#define STEPS	20000

struct model {
	struct vclock clock;
	struct pkt_pool pool;
	struct rng rng;
	struct txs *txs;
	struct txs_node *node[NODES];
	struct txs_queue *q[QUEUES];
	uint32_t next_seq[QUEUES];	/* stamped in pkt->in_port */
	uint32_t want_seq[QUEUES];	/* next one out */
	uint64_t in, out;		/* frames queued, dequeued */
};

static void
model_queue_new(struct model *m, unsigned i)
{
	assert_int_equal(txs_queue_create(m->node[rng_below(&m->rng, NODES)],
	    1 + (uint32_t)rng_below(&m->rng, 16), &m->q[i]), 0);
	m->next_seq[i] = m->want_seq[i] = 0;
}

static void
step_enqueue(struct model *m)
{
	unsigned i = (unsigned)rng_below(&m->rng, QUEUES);
	unsigned n = 1 + (unsigned)rng_below(&m->rng, 8), took;
	struct pkt *in[8];

	for (unsigned k = 0; k < n; k++) {
		in[k] = pkt_alloc(&m->pool);
		assert_non_null(in[k]);
		in[k]->len = 60 + (uint32_t)rng_below(&m->rng, 1455);
		in[k]->hash = i;
		in[k]->in_port = m->next_seq[i] + k;
	}
	took = txs_enqueue(m->q[i], in, n);
	m->next_seq[i] += took;
	m->in += took;
}

static void
step_dequeue(struct model *m)
{
	struct txs_node *n = m->node[rng_below(&m->rng, NODES)];
	struct pkt *out[PKT_BURST_MAX];
	unsigned k, max = 1 + (unsigned)rng_below(&m->rng, PKT_BURST_MAX);
	uint64_t next;

	k = txs_dequeue(n, m->clock.now, out, max, &next);
	assert_true(k <= max);
	assert_true(next == UINT64_MAX || next > m->clock.now);
	for (unsigned j = 0; j < k; j++) {
		unsigned i = out[j]->hash;

		assert_ptr_equal(txs_queue_node(m->q[i]), n);
		assert_int_equal(out[j]->in_port, m->want_seq[i]);
		m->want_seq[i]++;
	}
	m->out += k;
	pkt_free_bulk(out, k);
}

static void
step_rate(struct model *m)
{
	struct txs_rate r = { 0 };
	unsigned i = (unsigned)rng_below(&m->rng, QUEUES);

	if (rng_chance(&m->rng, 70))
		r.max_tx_rate = 1 + (uint32_t)rng_below(&m->rng, 1000);
	if (rng_chance(&m->rng, 40))
		r.min_tx_rate = (uint32_t)rng_below(&m->rng, 1000);
	if (rng_chance(&m->rng, 20))
		r.burst_bytes = 64 + (uint32_t)rng_below(&m->rng, 3000);
	if (r.max_tx_rate && r.min_tx_rate > r.max_tx_rate)
		assert_int_equal(txs_queue_rate_set(m->q[i], &r), -EINVAL);
	else
		assert_int_equal(txs_queue_rate_set(m->q[i], &r), 0);
}

static void
step_recreate(struct model *m)
{
	unsigned i = (unsigned)rng_below(&m->rng, QUEUES);
	uint32_t queued = txs_queue_len(m->q[i]);

	assert_int_equal(txs_queue_destroy(m->q[i]), queued);
	m->in -= queued;	/* flushed: counted as never in */
	model_queue_new(m, i);
}

static void
step(struct model *m)
{
	unsigned a = (unsigned)rng_below(&m->rng, NODES);
	unsigned b = (unsigned)rng_below(&m->rng, NODES);
	uint64_t r = rng_below(&m->rng, 100);

	if (r < 35)
		step_enqueue(m);
	else if (r < 70)
		step_dequeue(m);
	else if (r < 85)
		vclock_advance(&m->clock, rng_below(&m->rng, 200000));
	else if (r < 89)
		assert_int_equal(txs_node_move(m->node[a], m->node[b]),
		    a == b ? -EINVAL : 0);
	else if (r < 94)
		assert_int_equal(txs_queue_move(m->q[rng_below(&m->rng,
		    QUEUES)], m->node[b]), 0);
	else if (r < 98)
		step_rate(m);
	else
		step_recreate(m);
}

static uint64_t
queued_total(const struct model *m)
{
	uint64_t sum = 0;
	unsigned nq = 0;

	for (unsigned i = 0; i < QUEUES; i++)
		sum += txs_queue_len(m->q[i]);
	for (unsigned i = 0; i < NODES; i++)
		nq += txs_node_queues(m->node[i]);
	assert_int_equal(nq, QUEUES);
	return sum;
}

/* Run the clock until every node has handed out everything. */
static void
drain(struct model *m)
{
	uint64_t next;

	for (unsigned rounds = 0; queued_total(m); rounds++) {
		assert_true(rounds < 1000000);
		for (unsigned i = 0; i < NODES; i++)
			step_dequeue(m);
		next = txs_next_deadline(m->txs);
		if (next != UINT64_MAX && next > m->clock.now)
			vclock_set(&m->clock, next);
	}
}

static void
run_seed(uint64_t seed)
{
	struct model *m = calloc(1, sizeof(*m));

	print_message("txs random: seed %" PRIu64 "\n", seed);
	rng_seed(&m->rng, seed);
	vclock_init(&m->clock, NSEC_PER_SEC);
	assert_int_equal(pkt_pool_init(&m->pool, QUEUES * 16 + 64, 256), 0);
	assert_int_equal(txs_create(&m->txs, &m->clock.base, NODES, QUEUES),
	    0);
	for (unsigned i = 0; i < NODES; i++)
		assert_int_equal(txs_node_create(m->txs, &m->node[i]), 0);
	for (unsigned i = 0; i < QUEUES; i++)
		model_queue_new(m, i);
	for (unsigned s = 0; s < STEPS; s++) {
		step(m);
		assert_int_equal(m->in, m->out + queued_total(m));
	}
	drain(m);
	assert_int_equal(m->in, m->out);
	txs_destroy(m->txs);
	assert_int_equal(m->pool.nfree, m->pool.count);
	pkt_pool_fini(&m->pool);
	free(m);
}

static void
test_random_ops(void **state)
{
	const char *env = getenv("LAGNIC_SEED");

	if (env) {
		run_seed(strtoull(env, NULL, 0));
		return;
	}
	for (uint64_t seed = 1; seed <= 20; seed++)
		run_seed(seed * 0x9e3779b97f4a7c15ULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
