/*
 * RC under faults: a seeded stream of SEND, WRITE, READ and FETCH_ADD with
 * 1% loss, duplication and reordering on every wire, each WR checked at
 * its completion; and a lane remap (a link cut) in the middle of a stream
 * of writes and reads: no WR fails, the data is intact, and the lost
 * packets go again at once instead of at the ACK timeout.
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

#include "lib/rng.h"
#include "roce_test_util.h"

static uint64_t seed;

#define MIB		(1u << 20)
#define SLOT		(16u * 1024)
#define SLOTS		64u
#define WINDOW		32u

enum kind { K_WRITE, K_READ, K_SEND, K_FADD, K_COUNT };

struct op {
	enum kind kind;
	uint32_t off, len;
	uint64_t fadd_seq;		/* FETCH_ADD: how many before it */
};

/* The stream: regions of 1 MiB in each buffer.
 *   A[0]   source of writes and sends   B[0]   target of writes
 *   A[2]   target of reads              B[1]   source of reads
 *   A[3]   FETCH_ADD results            B[3]   receive buffers
 * A write copies A[0]+off to B[0]+off: every write of a range writes the
 * same bytes, so a range can be checked whenever its WR completes. */
struct stream {
	struct rt *t;
	struct rng rng;
	unsigned kinds;			/* bit per enum kind */
	uint32_t max_len;
	struct op ops[WINDOW * 2];	/* by wr_id % (2 * WINDOW) */
	uint64_t posted, done, recvs_done, fadds, sends;
	uint64_t *counter;		/* B's FETCH_ADD target */
	uint64_t last_done_ns;
	uint64_t max_gap_ns;		/* longest wait between completions */
};

static void
stream_init(struct stream *s, struct rt *t, uint64_t rseed, unsigned kinds,
    uint32_t max_len)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	rng_seed(&s->rng, rseed);
	s->kinds = kinds;
	s->max_len = max_len;
	rt_fill(t->a, MIB, 11);
	rt_fill(t->b + MIB, MIB, 12);
	s->counter = (uint64_t *)(void *)(t->b + 4 * MIB - 8);
	*s->counter = 0;
	s->last_done_ns = rf_now(t->rf);
}

static enum kind
pick_kind(struct stream *s)
{
	enum kind k;

	do
		k = (enum kind)rng_below(&s->rng, K_COUNT);
	while (!(s->kinds & (1u << k)));
	return k;
}

static void
stream_post(struct stream *s)
{
	struct rt *t = s->t;
	uint64_t id = s->posted;
	struct op *o = &s->ops[id % (2 * WINDOW)];
	uint32_t slot = (uint32_t)(id % SLOTS);
	int err;

	o->kind = pick_kind(s);
	o->len = (uint32_t)rng_below(&s->rng, s->max_len + 1);
	o->off = slot * SLOT + (uint32_t)rng_below(&s->rng, SLOT - s->max_len +
	    1);
	switch (o->kind) {
	case K_WRITE:
		err = rt_post(t->qa, ROCE_WR_RDMA_WRITE, id, t->ma,
		    t->a + o->off, o->len, rt_va(t->b + o->off),
		    roce_mr_rkey(t->mb), ROCE_SEND_SIGNALED);
		break;
	case K_READ:
		err = rt_post(t->qa, ROCE_WR_RDMA_READ, id, t->ma,
		    t->a + 2 * MIB + o->off, o->len,
		    rt_va(t->b + MIB + o->off), roce_mr_rkey(t->mb),
		    ROCE_SEND_SIGNALED);
		break;
	case K_SEND:
		s->sends++;
		assert_int_equal(rt_post_recv(t->qb, id, t->mb,
		    t->b + 3 * MIB + slot * SLOT, SLOT), 0);
		err = rt_post(t->qa, ROCE_WR_SEND, id, t->ma, t->a + o->off,
		    o->len, 0, 0, ROCE_SEND_SIGNALED);
		break;
	default:
		o->fadd_seq = s->fadds++;
		err = rt_post_atomic(t->qa, ROCE_WR_ATOMIC_FETCH_AND_ADD, id,
		    t->ma, t->a + 3 * MIB + slot * 8, rt_va(s->counter),
		    roce_mr_rkey(t->mb), 1, 0);
		break;
	}
	assert_int_equal(err, 0);
	s->posted++;
}

static void
check_requester(struct stream *s, const struct roce_wc *wc)
{
	struct rt *t = s->t;
	const struct op *o = &s->ops[wc->wr_id % (2 * WINDOW)];
	uint32_t slot = (uint32_t)(wc->wr_id % SLOTS);

	if (wc->wr_id != s->done || wc->status != ROCE_WC_SUCCESS)
		fail_msg("wr %llu: %s, expected wr %llu SUCCESS (seed 0x%llx)",
		    (unsigned long long)wc->wr_id,
		    roce_wc_status_str(wc->status),
		    (unsigned long long)s->done,
		    (unsigned long long)t->rf->seed);
	if (o->kind == K_WRITE)
		assert_memory_equal(t->b + o->off, t->a + o->off, o->len);
	else if (o->kind == K_READ)
		assert_memory_equal(t->a + 2 * MIB + o->off,
		    t->b + MIB + o->off, o->len);
	else if (o->kind == K_FADD)	/* executed once each, in order */
		assert_int_equal(*(uint64_t *)(void *)(t->a + 3 * MIB +
		    slot * 8), o->fadd_seq);
	s->done++;
}

static void
check_receiver(struct stream *s, const struct roce_wc *wc)
{
	struct rt *t = s->t;
	const struct op *o = &s->ops[wc->wr_id % (2 * WINDOW)];
	uint32_t slot = (uint32_t)(wc->wr_id % SLOTS);

	assert_int_equal(wc->status, ROCE_WC_SUCCESS);
	assert_int_equal(o->kind, K_SEND);
	assert_int_equal(wc->byte_len, o->len);
	assert_memory_equal(t->b + 3 * MIB + slot * SLOT, t->a + o->off,
	    o->len);
	s->recvs_done++;
}

/* Poll both CQs; run the sim a step when nothing came. */
static void
stream_progress(struct stream *s)
{
	struct rt *t = s->t;
	struct roce_wc wc[16];
	uint64_t now;
	int n, m;

	n = roce_poll_cq(t->rf->h[1].cq, 16, wc);
	for (int i = 0; i < n; i++)
		check_receiver(s, &wc[i]);
	m = roce_poll_cq(t->rf->h[0].cq, 16, wc);
	for (int i = 0; i < m; i++)
		check_requester(s, &wc[i]);
	now = rf_now(t->rf);
	if (m > 0) {
		s->max_gap_ns = MAX(s->max_gap_ns, now - s->last_done_ns);
		s->last_done_ns = now;
	}
	if (n <= 0 && m <= 0)
		rf_run_for(t->rf, NSEC_PER_USEC);
	if (now - s->last_done_ns > 20 * NSEC_PER_SEC)
		fail_msg("stream stuck at wr %llu (seed 0x%llx)",
		    (unsigned long long)s->done,
		    (unsigned long long)t->rf->seed);
}

/* Run until total WRs completed; call at(stream) once after at_done. */
static void
stream_run(struct stream *s, uint64_t total, uint64_t at_done,
    void (*at)(struct stream *))
{
	bool fired = false;

	while (s->done < total) {
		while (s->posted < total && s->posted - s->done < WINDOW)
			stream_post(s);
		if (at && !fired && s->done >= at_done) {
			fired = true;
			at(s);	/* with a full window in flight */
		}
		stream_progress(s);
	}
}

static void
print_counters(const char *who, const struct roce_counters *c)
{
	printf("# %s:", who);
	for (unsigned i = 0; i < ROCE_COUNTERS_SCALAR; i++) {
		uint64_t v = ((const uint64_t *)c)[i];

		if (v)
			printf(" %s=%llu", roce_counter_names[i],
			    (unsigned long long)v);
	}
	printf(" naks_sent[seq]=%llu\n",
	    (unsigned long long)c->naks_sent[ROCE_NAK_PSN_SEQUENCE_ERROR]);
}

static void
test_loss_dup_reorder(void **state)
{
	for (uint64_t k = 0; k < 3; k++) {
		uint64_t s0 = seed + k;
		struct sim_fault f = {
			.drop_pct = 1, .dup_pct = 1, .reorder_pct = 1,
			.reorder_window_ns = 30 * NSEC_PER_USEC,
			.delay_ns = 2 * NSEC_PER_USEC,
		};
		struct stream s;
		struct rt t;
		const struct roce_counters *ca, *cb;

		printf("# run with seed 0x%llx\n", (unsigned long long)s0);
		rt_init(&t, 2, s0, NULL);
		rf_faults(t.rf, &f);
		stream_init(&s, &t, s0, 0xf, 12000);
		stream_run(&s, 1500, 0, NULL);
		/* the receives all came */
		while (s.recvs_done < s.sends)
			stream_progress(&s);
		assert_int_equal(*s.counter, s.fadds);
		ca = roce_qp_counters(t.qa);
		cb = roce_qp_counters(t.qb);
		print_counters("A", ca);
		print_counters("B", cb);
		assert_true(ca->retransmits > 0);
		assert_true(cb->dup_requests + cb->dup_reads + cb->dup_atomics >
		    0);
		assert_int_equal(roce_qp_state(t.qa), ROCE_QPS_RTS);
		assert_int_equal(roce_qp_state(t.qb), ROCE_QPS_RTS);
		rt_fini(&t);
	}
}

/* The first lane of h's LAG that goes out on port i. */
static uint32_t
lane_on_port(struct rf_host *h, unsigned i)
{
	for (uint32_t l = 0; l < LAG_LANES; l++) {
		struct lag_member *m = lag_lane_member(h->lag, l);

		if (m && m->port == h->ports[i])
			return l;
	}
	fail_msg("no lane on port %u", i);
	return 0;
}

static uint64_t cut_ns;

static void
cut_wire0(struct stream *s)
{
	cut_ns = rf_now(s->t->rf);
	sim_carrier_set(s->t->rf->wire[0], false);
}

static void
test_lane_remap_mid_stream(void **state)
{
	struct rf_rc_params p;
	struct roce_qp_attr a = { 0 };
	struct stream s;
	struct rt t;
	struct sim_fault f = { .delay_ns = 20 * NSEC_PER_USEC };
	uint64_t rto;

	rf_rc_params_default(&p);
	p.timeout = 18;			/* 1.07 s */
	rto = roce_ack_timeout_ns(p.timeout);
	rt_init(&t, 2, seed, &p);
	rf_faults(t.rf, &f);
	/* both QPs on lanes of wire 0 */
	a.lane = lane_on_port(&t.rf->h[0], 0);
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_LANE), 0);
	a.lane = lane_on_port(&t.rf->h[1], 0);
	assert_int_equal(roce_modify_qp(t.qb, &a, ROCE_QP_LANE), 0);
	stream_init(&s, &t, seed, 1u << K_WRITE | 1u << K_READ, 8192);
	stream_run(&s, 2000, 500, cut_wire0);
	print_counters("A", roce_qp_counters(t.qa));
	printf("# cut at %llu ns, longest wait between completions %llu ns "
	    "(ACK timeout %llu ns)\n", (unsigned long long)cut_ns,
	    (unsigned long long)s.max_gap_ns, (unsigned long long)rto);
	/* the lanes moved: both sides told their engines */
	assert_true(t.rf->h[0].lane_events >= 1);
	assert_true(t.rf->h[1].lane_events >= 1);
	assert_ptr_equal(lag_lane_member(t.rf->h[0].lag, roce_qp_lane(t.qa))->
	    port, t.rf->h[0].ports[1]);
	/* lost packets went again at once, not after the timeout */
	assert_true(roce_qp_counters(t.qa)->lane_rewinds >= 1);
	assert_int_equal(roce_qp_counters(t.qa)->timeouts, 0);
	assert_true(s.max_gap_ns < rto / 100);
	assert_true(t.rf->wire[0]->cnt[SIM_A_TO_B].no_carrier +
	    t.rf->wire[0]->cnt[SIM_B_TO_A].no_carrier > 0);
	rt_fini(&t);
}

/* Many QP pairs on lanes spread over both wires, each streaming writes;
 * a wire is cut. Every WR succeeds, the QPs whose lanes moved went back
 * at once, the others did not go back at all. */
#define MANY	64
#define PER_QP	8

static void
test_lane_remap_many_qps(void **state)
{
	struct rf_rc_params p;
	struct rt t;
	struct roce_qp *qa[MANY], *qb[MANY];
	bool moved[MANY];
	struct roce_wc wc;
	struct sim_fault f = { .delay_ns = 20 * NSEC_PER_USEC };
	unsigned done = 0, nmoved = 0;

	rf_rc_params_default(&p);
	p.timeout = 18;
	rt_init(&t, 2, seed, &p);
	rf_faults(t.rf, &f);
	rt_fill(t.a, MANY * PER_QP * 8192, 21);
	for (int q = 0; q < MANY; q++) {
		qa[q] = rf_qp(&t.rf->h[0], ROCE_QPT_RC);
		qb[q] = rf_qp(&t.rf->h[1], ROCE_QPT_RC);
		rf_connect(t.rf, qa[q], qb[q], &p);
		moved[q] = lag_lane_member(t.rf->h[0].lag,
		    roce_qp_lane(qa[q]))->port == t.rf->h[0].ports[0];
		nmoved += moved[q];
	}
	assert_true(nmoved > 0 && nmoved < MANY);
	for (int i = 0; i < PER_QP; i++)
		for (int q = 0; q < MANY; q++) {
			uint32_t o = (uint32_t)(q * PER_QP + i) * 8192;

			assert_int_equal(rt_post(qa[q], ROCE_WR_RDMA_WRITE,
			    (uint64_t)q << 8 | (uint64_t)i, t.ma, t.a + o, 8192,
			    rt_va(t.b + o), roce_mr_rkey(t.mb),
			    ROCE_SEND_SIGNALED), 0);
		}
	rf_run_for(t.rf, 30 * NSEC_PER_USEC);
	sim_carrier_set(t.rf->wire[0], false);
	while (done < MANY * PER_QP) {
		if (rf_wait_cq(t.rf, t.rf->h[0].cq, 1, &wc,
		    10 * NSEC_PER_MSEC) != 1)
			fail_msg("stuck after %u completions (seed 0x%llx)",
			    done, (unsigned long long)seed);
		assert_int_equal(wc.status, ROCE_WC_SUCCESS);
		done++;
	}
	assert_memory_equal(t.a, t.b, MANY * PER_QP * 8192);
	for (int q = 0; q < MANY; q++) {
		const struct roce_counters *c = roce_qp_counters(qa[q]);

		assert_int_equal(c->timeouts, 0);
		if (!moved[q])
			assert_int_equal(c->lane_rewinds, 0);
	}
	assert_int_equal(roce_engine_counters(t.rf->h[0].e)->lane_rewinds,
	    nmoved);
	rt_fini(&t);
}

/* Lanes that did not move leave their QPs alone. */
static void
test_lane_change_touches_only_moved(void **state)
{
	struct rt t;
	struct roce_qp_attr a = { 0 };
	struct roce_lane_mask m = { 0 };

	rt_init(&t, 2, seed, NULL);
	a.lane = 5;
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_LANE), 0);
	rt_fill(t.a, 65536, 1);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 65536,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	roce_lane_mask_set(&m, 6);
	roce_engine_lanes_changed(t.rf->h[0].e, &m);
	assert_int_equal(roce_qp_counters(t.qa)->lane_rewinds, 0);
	roce_lane_mask_set(&m, 5);
	roce_engine_lanes_changed(t.rf->h[0].e, &m);
	assert_int_equal(roce_qp_counters(t.qa)->lane_rewinds, 1);
	rt_expect(&t, &t.rf->h[0], 1, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 65536);
	rt_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_dup_reorder),
		cmocka_unit_test(test_lane_remap_mid_stream),
		cmocka_unit_test(test_lane_remap_many_qps),
		cmocka_unit_test(test_lane_change_touches_only_moved),
	};

	seed = rf_seed(0x5eed0004);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
