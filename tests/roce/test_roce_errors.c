/*
 * RC error paths end to end: remote access errors (NAK, status, no memory
 * touched), RNR NAKs with a receiver that posts late, retries exhausted,
 * and UD with its GRH, SRQ.
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

#include "roce_test_util.h"

static uint64_t seed;

#define A(t)	(&(t)->rf->h[0])
#define B(t)	(&(t)->rf->h[1])

/* A fresh QP pair in t's world (the last ones may be in ERR). */
static void
new_pair(struct rt *t, unsigned access)
{
	struct rf_rc_params p;

	rf_rc_params_default(&p);
	p.access = access;
	t->qa = rf_qp(A(t), ROCE_QPT_RC);
	t->qb = rf_qp(B(t), ROCE_QPT_RC);
	rf_connect(t->rf, t->qa, t->qb, &p);
}

struct access_case {
	const char *what;
	enum roce_wr_opcode op;
	unsigned mr_access;		/* of B's target MR */
	unsigned qp_access;		/* of B's QP */
	int64_t va_off;			/* from the MR's start */
	uint32_t len;
	bool bad_rkey;
	enum roce_wc_status status;
	enum roce_nak_code nak;
};

#define RW	(ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE)
#define ALLQ	(ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_READ |	\
	ROCE_ACCESS_REMOTE_ATOMIC)

static const struct access_case access_cases[] = {
	{ "write, wrong rkey", ROCE_WR_RDMA_WRITE, ROCE_ACCESS_ALL, ALLQ, 0,
	    100, true, ROCE_WC_REM_ACCESS_ERR, ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "write past the end", ROCE_WR_RDMA_WRITE, ROCE_ACCESS_ALL, ALLQ,
	    4096 - 50, 100, false, ROCE_WC_REM_ACCESS_ERR,
	    ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "write before the start", ROCE_WR_RDMA_WRITE, ROCE_ACCESS_ALL, ALLQ,
	    -8, 100, false, ROCE_WC_REM_ACCESS_ERR,
	    ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "multi-packet write past the end", ROCE_WR_RDMA_WRITE,
	    ROCE_ACCESS_ALL, ALLQ, 0, 5000, false, ROCE_WC_REM_ACCESS_ERR,
	    ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "write, MR without remote write", ROCE_WR_RDMA_WRITE,
	    ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_READ, ALLQ, 0, 100,
	    false, ROCE_WC_REM_ACCESS_ERR, ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "read, MR without remote read", ROCE_WR_RDMA_READ, RW, ALLQ, 0, 100,
	    false, ROCE_WC_REM_ACCESS_ERR, ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "read past the end", ROCE_WR_RDMA_READ, ROCE_ACCESS_ALL, ALLQ, 4000,
	    200, false, ROCE_WC_REM_ACCESS_ERR, ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "atomic, MR without remote atomic", ROCE_WR_ATOMIC_FETCH_AND_ADD,
	    RW | ROCE_ACCESS_REMOTE_READ, ALLQ, 0, 8, false,
	    ROCE_WC_REM_ACCESS_ERR, ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "atomic, wrong rkey", ROCE_WR_ATOMIC_CMP_AND_SWP, ROCE_ACCESS_ALL,
	    ALLQ, 0, 8, true, ROCE_WC_REM_ACCESS_ERR,
	    ROCE_NAK_REMOTE_ACCESS_ERROR },
	{ "write, QP without remote write", ROCE_WR_RDMA_WRITE,
	    ROCE_ACCESS_ALL, ROCE_ACCESS_REMOTE_READ, 0, 100, false,
	    ROCE_WC_REM_INV_REQ_ERR, ROCE_NAK_INVALID_REQUEST },
};

static int
post_case(struct rt *t, const struct access_case *c, uint8_t *target,
    uint32_t rkey)
{
	uint64_t va = rt_va(target) + (uint64_t)c->va_off;

	if (c->op == ROCE_WR_ATOMIC_FETCH_AND_ADD ||
	    c->op == ROCE_WR_ATOMIC_CMP_AND_SWP)
		return rt_post_atomic(t->qa, c->op, 1, t->ma, t->a, va, rkey,
		    1, 2);
	return rt_post(t->qa, c->op, 1, t->ma, t->a, c->len, va, rkey,
	    ROCE_SEND_SIGNALED);
}

static void
test_remote_access_errors(void **state)
{
	struct rt t;
	uint8_t *snap = malloc(RT_BUF);

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 8192, 1);
	rt_fill(t.b, RT_BUF, 2);
	memcpy(snap, t.b, RT_BUF);
	for (size_t i = 0; i < ARRAY_SIZE(access_cases); i++) {
		const struct access_case *c = &access_cases[i];
		uint8_t *target = t.b + 65536;
		struct roce_mr *mr;
		uint64_t naks;

		printf("# %s\n", c->what);
		new_pair(&t, c->qp_access);
		assert_int_equal(roce_reg_mr(B(&t)->pd, target, 4096,
		    c->mr_access, &mr), 0);
		naks = roce_engine_counters(A(&t)->e)->naks_rcvd[c->nak];
		assert_int_equal(post_case(&t, c, target, c->bad_rkey ?
		    roce_mr_rkey(mr) + 1 : roce_mr_rkey(mr)), 0);
		/* a second WR behind it is flushed */
		assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 2, t.ma, t.a, 10,
		    0, 0, ROCE_SEND_SIGNALED), 0);
		rt_expect(&t, A(&t), 1, c->status, NULL);
		rt_expect(&t, A(&t), 2, ROCE_WC_WR_FLUSH_ERR, NULL);
		assert_int_equal(roce_qp_state(t.qa), ROCE_QPS_ERR);
		assert_int_equal(roce_qp_state(t.qb), ROCE_QPS_ERR);
		assert_int_equal(roce_engine_counters(A(&t)->e)->
		    naks_rcvd[c->nak], naks + 1);
		assert_int_equal(roce_qp_counters(t.qb)->naks_sent[c->nak], 1);
		assert_memory_equal(t.b, snap, RT_BUF);
		assert_int_equal(roce_dereg_mr(mr), 0);
	}
	free(snap);
	rt_fini(&t);
}

/* The receive cannot take a SEND: too small (LOC_LEN_ERR there,
 * REM_INV_REQ_ERR here), or an SGE with a bad lkey (LOC_PROT_ERR there,
 * REM_OP_ERR here). */
static void
test_receive_errors(void **state)
{
	struct rt t;
	struct roce_wc wc;
	struct roce_sge sge;
	struct roce_recv_wr rwr = { .wr_id = 2, .sg_list = &sge, .num_sge = 1 },
	    *bad;

	rt_init(&t, 2, seed, NULL);
	assert_int_equal(rt_post_recv(t.qb, 1, t.mb, t.b, 2000), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 1, t.ma, t.a, 3000, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_REM_INV_REQ_ERR, NULL);
	rt_expect(&t, B(&t), 1, ROCE_WC_LOC_LEN_ERR, &wc);
	assert_int_equal(roce_qp_state(t.qb), ROCE_QPS_ERR);

	new_pair(&t, ALLQ);
	sge = (struct roce_sge){ rt_va(t.b), 4096, roce_mr_lkey(t.mb) ^ 0x10 };
	assert_int_equal(roce_post_recv(t.qb, &rwr, &bad), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 3, t.ma, t.a, 100, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 3, ROCE_WC_REM_OP_ERR, NULL);
	rt_expect(&t, B(&t), 2, ROCE_WC_LOC_PROT_ERR, NULL);
	rt_fini(&t);
}

/* No receive posted: RNR NAKs until the receiver posts, then success. */
static void
test_rnr_then_late_recv(void **state)
{
	struct rt t;
	struct rf_rc_params p;
	struct roce_wc wc;

	rf_rc_params_default(&p);
	p.min_rnr_timer = 14;		/* 1.28 ms */
	p.rnr_retry = 7;		/* for ever */
	rt_init(&t, 2, seed, &p);
	rt_fill(t.a, 5000, 4);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 1, t.ma, t.a, 5000, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	rf_run_for(t.rf, 10 * NSEC_PER_MSEC);
	assert_int_equal(roce_poll_cq(A(&t)->cq, 1, &wc), 0);
	assert_true(roce_qp_counters(t.qb)->rnr_naks_sent >= 7);
	assert_true(roce_qp_counters(t.qa)->rnr_naks_rcvd >= 7);
	/* at most one RNR NAK per timer period (+1 for the first) */
	assert_true(roce_qp_counters(t.qa)->rnr_naks_rcvd <= 9);
	assert_int_equal(rt_post_recv(t.qb, 2, t.mb, t.b, 8192), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, B(&t), 2, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(wc.byte_len, 5000);
	assert_memory_equal(t.a, t.b, 5000);
	/* WRITE WITH IMM needs a receive too */
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE_WITH_IMM, 3, t.ma,
	    t.a, 3000, rt_va(t.b + 10000), roce_mr_rkey(t.mb),
	    ROCE_SEND_SIGNALED), 0);
	rf_run_for(t.rf, 3 * NSEC_PER_MSEC);
	assert_int_equal(rt_post_recv(t.qb, 4, t.mb, t.b, 8), 0);
	rt_expect(&t, A(&t), 3, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, B(&t), 4, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(wc.opcode, ROCE_WC_RECV_RDMA_WITH_IMM);
	assert_memory_equal(t.a, t.b + 10000, 3000);
	rt_fini(&t);
}

static void
test_rnr_retry_exceeded(void **state)
{
	struct rt t;
	struct rf_rc_params p;

	rf_rc_params_default(&p);
	p.min_rnr_timer = 1;		/* 10 us */
	p.rnr_retry = 2;
	rt_init(&t, 1, seed, &p);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 1, t.ma, t.a, 10, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 2, t.ma, t.a, 10, 0, 0,
	    0), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_RNR_RETRY_EXC_ERR, NULL);
	rt_expect(&t, A(&t), 2, ROCE_WC_WR_FLUSH_ERR, NULL);
	assert_int_equal(roce_qp_counters(t.qa)->rnr_naks_rcvd, 3);
	rt_fini(&t);
}

/* The peer's QP is gone: timeouts, retry_cnt retries, RETRY_EXC_ERR. */
static void
test_retry_exceeded_peer_gone(void **state)
{
	struct rt t;
	struct rf_rc_params p;
	uint64_t t0, dt, rto = roce_ack_timeout_ns(12);

	rf_rc_params_default(&p);
	p.timeout = 12;			/* 16.8 ms */
	p.retry_cnt = 3;
	rt_init(&t, 2, seed, &p);
	assert_int_equal(roce_destroy_qp(t.qb), 0);
	t0 = rf_now(t.rf);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 3000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_READ, 2, t.ma, t.a, 3000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_RETRY_EXC_ERR, NULL);
	dt = rf_now(t.rf) - t0;
	/* one try and retry_cnt retries, each waited out */
	assert_true(dt >= 4 * rto && dt < 5 * rto);
	rt_expect(&t, A(&t), 2, ROCE_WC_WR_FLUSH_ERR, NULL);
	assert_int_equal(roce_qp_counters(t.qa)->timeouts, 4);
	assert_true(roce_engine_counters(B(&t)->e)->
	    rx_drops[ROCE_RX_DROP_NO_QP] > 0);
	assert_int_equal(roce_qp_state(t.qa), ROCE_QPS_ERR);
	rt_fini(&t);
}

/* UD: DETH, Q_Key, the 40-byte GRH at the start of the receive. */
static void
ud_case(bool ipv6)
{
	struct rf *rf = rf_new(2, seed);
	struct rf_host *a = &rf->h[0], *b = &rf->h[1];
	struct roce_qp *ua = rf_qp(a, ROCE_QPT_UD), *ub = rf_qp(b, ROCE_QPT_UD);
	static uint8_t sbuf[2048], rbuf[4096];
	struct roce_mr *ms, *mr;
	struct roce_ah_attr av;
	struct roce_ah *ah;
	struct roce_wc wc;
	struct roce_sge sge;
	struct roce_send_wr wr, *bad;

	rf_ud_up(ua, 0x1111);
	rf_ud_up(ub, 0x2222);
	assert_int_equal(roce_reg_mr(a->pd, sbuf, sizeof(sbuf), 0, &ms), 0);
	assert_int_equal(roce_reg_mr(b->pd, rbuf, sizeof(rbuf),
	    ROCE_ACCESS_LOCAL_WRITE, &mr), 0);
	rf_av(a, ipv6, &av);
	assert_int_equal(roce_create_ah(a->pd, &av, &ah), 0);
	rt_fill(sbuf, 1000, 7);
	sge = (struct roce_sge){ rt_va(sbuf), 1000, roce_mr_lkey(ms) };
	wr = (struct roce_send_wr){ .wr_id = 1, .sg_list = &sge, .num_sge = 1,
	    .opcode = ROCE_WR_SEND_WITH_IMM, .send_flags = ROCE_SEND_SIGNALED,
	    .imm_data = 77, .wr.ud = { .ah = ah, .remote_qpn = roce_qp_num(ub),
	    .remote_qkey = 0x2222 } };
	/* a wrong Q_Key first: dropped, counted */
	wr.wr.ud.remote_qkey = 0x3333;
	assert_int_equal(rt_post_recv(ub, 9, mr, rbuf, sizeof(rbuf)), 0);
	assert_int_equal(roce_post_send(ua, &wr, &bad), 0);
	assert_int_equal(rf_wait_cq(rf, a->cq, 1, &wc, NSEC_PER_MSEC), 1);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	rf_run_for(rf, NSEC_PER_MSEC);
	assert_int_equal(roce_poll_cq(b->cq, 1, &wc), 0);
	assert_int_equal(roce_qp_counters(ub)->rx_drops[ROCE_RX_DROP_BAD_QKEY],
	    1);
	wr.wr.ud.remote_qkey = 0x2222;
	assert_int_equal(roce_post_send(ua, &wr, &bad), 0);
	assert_int_equal(rf_wait_cq(rf, b->cq, 1, &wc, NSEC_PER_MSEC), 1);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.wr_id, 9);
	assert_int_equal(wc.byte_len, 40 + 1000);
	assert_int_equal(wc.src_qp, roce_qp_num(ua));
	assert_int_equal(wc.wc_flags, ROCE_WC_GRH | ROCE_WC_WITH_IMM);
	assert_int_equal(wc.imm_data, 77);
	assert_memory_equal(rbuf + 40, sbuf, 1000);
	if (ipv6) {
		assert_int_equal(rbuf[0] >> 4, 6);
		assert_memory_equal(rbuf + 8, a->ipv6, 16);	/* source */
		assert_memory_equal(rbuf + 24, b->ipv6, 16);
	} else {
		static const uint8_t zero[20];

		assert_memory_equal(rbuf, zero, 20);
		assert_int_equal(rbuf[20], 0x45);
		assert_int_equal(rbuf[20 + 12], 10);		/* 10.0.0.1 */
		assert_int_equal(rbuf[20 + 15], 1);
		assert_int_equal(rbuf[20 + 19], 2);		/* 10.0.0.2 */
	}
	/* larger than the path MTU: refused at post */
	sge.length = 1025;
	assert_int_equal(roce_post_send(ua, &wr, &bad), -EINVAL);
	rf_free(rf);
}

static void
test_ud_grh_ipv4(void **state)
{
	ud_case(false);
}

static void
test_ud_grh_ipv6(void **state)
{
	ud_case(true);
}

/* Two RC QPs share one SRQ on the receiving side. */
static void
test_srq(void **state)
{
	struct rt t;
	struct roce_srq *srq;
	struct roce_qp *qa2, *qb2;
	struct roce_qp_init_attr in = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = 16, .max_send_sge = 1 },
	};
	struct roce_srq_attr sa = { .max_wr = 64, .max_sge = 1 };
	struct rf_rc_params p;
	struct roce_wc wc;
	struct roce_sge sge;
	struct roce_recv_wr rwr = { .sg_list = &sge, .num_sge = 1 }, *bad;

	rt_init(&t, 2, seed, NULL);
	assert_int_equal(roce_create_srq(B(&t)->pd, &sa, &srq), 0);
	in.send_cq = in.recv_cq = B(&t)->cq;
	in.srq = srq;
	assert_int_equal(roce_create_qp(B(&t)->pd, &in, &qb2), 0);
	qa2 = rf_qp(A(&t), ROCE_QPT_RC);
	rf_rc_params_default(&p);
	rf_connect(t.rf, qa2, qb2, &p);
	for (int i = 0; i < 4; i++) {
		sge = (struct roce_sge){ rt_va(t.b + i * 4096), 4096,
		    roce_mr_lkey(t.mb) };
		rwr.wr_id = 50 + (uint64_t)i;
		assert_int_equal(roce_post_srq_recv(srq, &rwr, &bad), 0);
	}
	assert_int_equal(roce_post_recv(qb2, &rwr, NULL), -EINVAL);
	rt_fill(t.a, 4096, 3);
	assert_int_equal(rt_post(qa2, ROCE_WR_SEND, 1, t.ma, t.a, 2000, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, B(&t), 50, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(wc.qp_num, roce_qp_num(qb2));
	assert_memory_equal(t.b, t.a, 2000);
	assert_int_equal(roce_destroy_srq(srq), -EBUSY);
	rt_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_access_errors),
		cmocka_unit_test(test_receive_errors),
		cmocka_unit_test(test_rnr_then_late_recv),
		cmocka_unit_test(test_rnr_retry_exceeded),
		cmocka_unit_test(test_retry_exceeded_peer_gone),
		cmocka_unit_test(test_ud_grh_ipv4),
		cmocka_unit_test(test_ud_grh_ipv6),
		cmocka_unit_test(test_srq),
	};

	seed = rf_seed(0x5eed0003);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
