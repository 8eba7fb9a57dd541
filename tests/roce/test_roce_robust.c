/*
 * Bad input from the wire: seeded storms of made-up packets (any opcode,
 * PSNs around the expected one, rkeys right and wrong, addresses around
 * the MR's edges, odd lengths) into an engine. Nothing crashes (run it
 * under ASan), nothing is written outside the registered window, and a
 * fresh QP pair still works afterwards.
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

#define A(t)	(&(t)->rf->h[0])
#define B(t)	(&(t)->rf->h[1])
#define GUARD	4096u
#define WIN	65536u

static const uint8_t storm_ops[] = {
	ROCE_OP_RC_SEND_FIRST, ROCE_OP_RC_SEND_MIDDLE, ROCE_OP_RC_SEND_LAST,
	ROCE_OP_RC_SEND_ONLY, ROCE_OP_RC_SEND_ONLY_WITH_IMMEDIATE,
	ROCE_OP_RC_RDMA_WRITE_FIRST, ROCE_OP_RC_RDMA_WRITE_MIDDLE,
	ROCE_OP_RC_RDMA_WRITE_LAST, ROCE_OP_RC_RDMA_WRITE_ONLY,
	ROCE_OP_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,
	ROCE_OP_RC_RDMA_READ_REQUEST, ROCE_OP_RC_RDMA_READ_RESPONSE_FIRST,
	ROCE_OP_RC_RDMA_READ_RESPONSE_MIDDLE, ROCE_OP_RC_RDMA_READ_RESPONSE_LAST,
	ROCE_OP_RC_RDMA_READ_RESPONSE_ONLY, ROCE_OP_RC_ACKNOWLEDGE,
	ROCE_OP_RC_ATOMIC_ACKNOWLEDGE, ROCE_OP_RC_COMPARE_SWAP,
	ROCE_OP_RC_FETCH_ADD, ROCE_OP_RC_SEND_ONLY_WITH_INVALIDATE,
	ROCE_OP_UC_SEND_ONLY, ROCE_OP_UD_SEND_ONLY,
};

struct storm {
	struct rt *t;
	struct rng rng;
	struct roce_mr *win;		/* B's window, guards around it */
	uint32_t qpn, rq_psn, sq_psn;
};

static uint64_t
pick_va(struct storm *s)
{
	uint64_t base = rt_va(s->t->b + GUARD);

	switch (rng_below(&s->rng, 4)) {
	case 0:
		return base + rng_below(&s->rng, WIN);
	case 1:
		return base - rng_below(&s->rng, 64);
	case 2:
		return base + WIN - rng_below(&s->rng, 2048);
	default:
		return rng_next(&s->rng);
	}
}

static uint32_t
pick_key(struct storm *s)
{
	uint32_t k = roce_mr_rkey(s->win);

	switch (rng_below(&s->rng, 4)) {
	case 0:
		return roce_mr_rkey(s->t->mb);	/* the big MR: not the window */
	case 1:
		return (uint32_t)rng_next(&s->rng);
	default:
		return k;
	}
}

static void
random_pkt(struct storm *s, struct roce_pkt *p, uint32_t *len)
{
	const struct roce_opinfo *op;

	memset(p, 0, sizeof(*p));
	p->opcode = storm_ops[rng_below(&s->rng, ARRAY_SIZE(storm_ops))];
	op = roce_opinfo(p->opcode);
	p->pkey = ROCE_PKEY_DEFAULT;
	p->dest_qpn = rng_below(&s->rng, 8) ? s->qpn : (uint32_t)rng_below(
	    &s->rng, 64);
	p->psn = roce_psn_add(op->flags & ROCE_F_REQ ? s->rq_psn : s->sq_psn,
	    (uint32_t)rng_below(&s->rng, 16) - 8);
	p->ackreq = rng_below(&s->rng, 2);
	p->reth = (struct roce_reth){ .va = pick_va(s), .rkey = pick_key(s),
	    .dma_len = (uint32_t)(rng_below(&s->rng, 3) ?
	    rng_below(&s->rng, 4000) : rng_next(&s->rng)) };
	p->atomiceth = (struct roce_atomiceth){ .va = pick_va(s),
	    .rkey = pick_key(s), .swap_add = 1, .compare = 0 };
	p->aeth.syndrome = (uint8_t)rng_below(&s->rng, 128);
	p->aeth.msn = (uint32_t)rng_below(&s->rng, 1 << 24);
	p->deth = (struct roce_deth){ .qkey = 1, .src_qpn = 5 };
	*len = op->flags & ROCE_F_PAYLOAD ? (uint32_t)rng_below(&s->rng,
	    1100) : 0;
}

static void
storm_send(struct storm *s, struct rf_host *to, const struct roce_l2l3 *l)
{
	static uint8_t payload[2048];
	struct roce_pkt p;
	struct pkt *pkt;
	uint32_t len;

	random_pkt(s, &p, &len);
	pkt = pkt_alloc(&to->pool);
	assert_non_null(pkt);
	if (roce_pkt_build_pkt(pkt, l, &p, payload, len)) {
		pkt_free(pkt);
		return;
	}
	roce_engine_rx(to->e, &pkt, 1);
	if (rng_below(&s->rng, 64) == 0)
		rf_run_for(s->t->rf, rng_below(&s->rng, 200) * NSEC_PER_USEC);
}

static void
storm_addr(struct rt *t, struct roce_l2l3 *l)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->src_mac, A(t)->lag->mac, 6);
	memcpy(l->dst_mac, B(t)->lag->mac, 6);
	l->saddr4 = A(t)->ipv4;
	l->daddr4 = B(t)->ipv4;
	l->ttl = 64;
	l->udp_sport = 0xc002;
}

static void
test_storm(void **state)
{
	struct rt t;
	struct storm s = { .t = &t };
	struct roce_l2l3 l;
	struct roce_qp_attr qa;
	uint8_t *snap = malloc(RT_BUF);
	struct roce_wc wc[64];

	rt_init(&t, 2, seed, NULL);
	rng_seed(&s.rng, seed);
	rt_fill(t.b, RT_BUF, 3);
	assert_int_equal(roce_reg_mr(B(&t)->pd, t.b + GUARD, WIN,
	    ROCE_ACCESS_ALL, &s.win), 0);
	assert_int_equal(roce_dereg_mr(t.mb), 0);	/* only the window */
	t.mb = s.win;
	memcpy(snap, t.b, RT_BUF);
	storm_addr(&t, &l);
	for (int round = 0; round < 40; round++) {
		/* a fresh QP pair now and then: the storm sends them to ERR */
		struct roce_qp *qb = rf_qp(B(&t), ROCE_QPT_RC);

		rf_connect(t.rf, rf_qp(A(&t), ROCE_QPT_RC), qb, &(struct
		    rf_rc_params){ .mtu = ROCE_MTU_1024, .timeout = 10,
		    .retry_cnt = 2, .rnr_retry = 1, .max_rd_atomic = 4,
		    .access = ROCE_ACCESS_REMOTE_WRITE |
		    ROCE_ACCESS_REMOTE_READ | ROCE_ACCESS_REMOTE_ATOMIC });
		for (int i = 0; i < 8; i++)
			rt_post_recv(qb, (uint64_t)i, t.mb, t.b + GUARD + 1024 *
			    (uint32_t)i, 1024);
		roce_query_qp(qb, &qa, NULL);
		s.qpn = roce_qp_num(qb);
		s.rq_psn = qa.rq_psn;
		s.sq_psn = qa.sq_psn;
		for (int i = 0; i < 500; i++)
			storm_send(&s, B(&t), &l);
		while (roce_poll_cq(B(&t)->cq, 64, wc) > 0)
			;
		while (roce_poll_cq(A(&t)->cq, 64, wc) > 0)
			;
	}
	rf_run_for(t.rf, 100 * NSEC_PER_MSEC);
	/* nothing outside the window changed */
	assert_memory_equal(t.b, snap, GUARD);
	assert_memory_equal(t.b + GUARD + WIN, snap + GUARD + WIN,
	    RT_BUF - GUARD - WIN);
	printf("# storm: %llu packets taken, %llu NAKs sent (access %llu, "
	    "invalid %llu, seq %llu)\n",
	    (unsigned long long)roce_engine_counters(B(&t)->e)->rx_pkts,
	    (unsigned long long)(roce_engine_counters(B(&t)->e)->naks_sent[0] +
	    roce_engine_counters(B(&t)->e)->naks_sent[1] +
	    roce_engine_counters(B(&t)->e)->naks_sent[2] +
	    roce_engine_counters(B(&t)->e)->naks_sent[3]),
	    (unsigned long long)roce_engine_counters(B(&t)->e)->
	    naks_sent[ROCE_NAK_REMOTE_ACCESS_ERROR],
	    (unsigned long long)roce_engine_counters(B(&t)->e)->
	    naks_sent[ROCE_NAK_INVALID_REQUEST],
	    (unsigned long long)roce_engine_counters(B(&t)->e)->
	    naks_sent[ROCE_NAK_PSN_SEQUENCE_ERROR]);
	/* and the engine still works */
	{
		struct roce_qp *qa2 = rf_qp(A(&t), ROCE_QPT_RC);
		struct roce_qp *qb2 = rf_qp(B(&t), ROCE_QPT_RC);
		struct rf_rc_params p;

		rf_rc_params_default(&p);
		rf_connect(t.rf, qa2, qb2, &p);
		rt_fill(t.a, 5000, 9);
		assert_int_equal(rt_post(qa2, ROCE_WR_RDMA_WRITE, 77, t.ma, t.a,
		    5000, rt_va(t.b + GUARD), roce_mr_rkey(t.mb),
		    ROCE_SEND_SIGNALED), 0);
		rt_expect(&t, A(&t), 77, ROCE_WC_SUCCESS, NULL);
		assert_memory_equal(t.b + GUARD, t.a, 5000);
	}
	free(snap);
	rt_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storm),
	};

	seed = rf_seed(0x5eed0006);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
