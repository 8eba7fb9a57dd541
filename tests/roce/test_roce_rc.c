/* Every RC operation end to end between two engines, payload checked. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "roce_test_util.h"
#include "roce/roce_int.h"

static uint64_t seed;
static const uint32_t sizes[] = { 0, 1, 7, 1023, 1024, 1025, 4096, 5000,
	65536, 200003 };

#define A(t)	(&(t)->rf->h[0])
#define B(t)	(&(t)->rf->h[1])

static void
test_send(void **state)
{
	struct rt t;
	struct roce_wc wc;

	rt_init(&t, 2, seed, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t n = sizes[i];

		rt_fill(t.a, n, (uint32_t)i);
		memset(t.b, 0, n + 16);
		assert_int_equal(rt_post_recv(t.qb, 100 + i, t.mb, t.b, RT_BUF),
		    0);
		assert_int_equal(rt_post(t.qa, i % 2 ? ROCE_WR_SEND_WITH_IMM :
		    ROCE_WR_SEND, i, t.ma, t.a, n, 0, 0, ROCE_SEND_SIGNALED),
		    0);
		rt_expect(&t, A(&t), i, ROCE_WC_SUCCESS, &wc);
		assert_int_equal(wc.opcode, ROCE_WC_SEND);
		rt_expect(&t, B(&t), 100 + i, ROCE_WC_SUCCESS, &wc);
		assert_int_equal(wc.opcode, ROCE_WC_RECV);
		assert_int_equal(wc.byte_len, n);
		assert_int_equal(wc.qp_num, roce_qp_num(t.qb));
		assert_int_equal(!!(wc.wc_flags & ROCE_WC_WITH_IMM), i % 2);
		if (i % 2)
			assert_int_equal(wc.imm_data, 0xabc00000u | i);
		assert_memory_equal(t.a, t.b, n);
		assert_int_equal(t.b[n], 0);
	}
	assert_int_equal(roce_qp_counters(t.qa)->retransmits, 0);
	rt_fini(&t);
}

/* A gather list on the sender, a scatter list on the receiver, inline
 * data, unsignaled WRs (only the signaled one completes). */
static void
test_send_sgl_inline_unsignaled(void **state)
{
	struct rt t;
	struct roce_wc wc;
	struct roce_sge s[3], r[3];
	struct roce_send_wr wr = { .wr_id = 1, .sg_list = s, .num_sge = 3,
	    .opcode = ROCE_WR_SEND, .send_flags = ROCE_SEND_SIGNALED }, *bad;
	struct roce_recv_wr rwr = { .wr_id = 2, .sg_list = r, .num_sge = 3 },
	    *rbad;
	uint8_t expect[3000];

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 8192, 5);
	s[0] = (struct roce_sge){ rt_va(t.a), 1000, roce_mr_lkey(t.ma) };
	s[1] = (struct roce_sge){ rt_va(t.a + 5000), 1500, roce_mr_lkey(t.ma) };
	s[2] = (struct roce_sge){ rt_va(t.a + 100), 500, roce_mr_lkey(t.ma) };
	memcpy(expect, t.a, 1000);
	memcpy(expect + 1000, t.a + 5000, 1500);
	memcpy(expect + 2500, t.a + 100, 500);
	r[0] = (struct roce_sge){ rt_va(t.b), 10, roce_mr_lkey(t.mb) };
	r[1] = (struct roce_sge){ rt_va(t.b + 10000), 2000, roce_mr_lkey(t.mb) };
	r[2] = (struct roce_sge){ rt_va(t.b + 20000), 4000, roce_mr_lkey(t.mb) };
	assert_int_equal(roce_post_recv(t.qb, &rwr, &rbad), 0);
	assert_int_equal(roce_post_send(t.qa, &wr, &bad), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, B(&t), 2, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(wc.byte_len, 3000);
	assert_memory_equal(t.b, expect, 10);
	assert_memory_equal(t.b + 10000, expect + 10, 2000);
	assert_memory_equal(t.b + 20000, expect + 2010, 990);

	/* inline: the buffer may change right after post */
	for (int i = 0; i < 4; i++)
		assert_int_equal(rt_post_recv(t.qb, 10 + i, t.mb,
		    t.b + 4096 * i, 4096), 0);
	memcpy(expect, t.a, 100);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 20, t.ma, t.a, 100, 0, 0,
	    ROCE_SEND_INLINE), 0);
	memset(t.a, 0xee, 100);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 21, t.ma, t.a, 10, 0, 0,
	    0), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 22, t.ma, t.a, 10, 0, 0,
	    0), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 23, t.ma, t.a, 10, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 23, ROCE_WC_SUCCESS, NULL);
	for (int i = 0; i < 4; i++)
		rt_expect(&t, B(&t), 10 + i, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.b, expect, 100);
	assert_int_equal(roce_poll_cq(A(&t)->cq, 1, &wc), 0);
	/* inline data longer than the QP's cap */
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 24, t.ma, t.a, 129, 0, 0,
	    ROCE_SEND_INLINE), -EINVAL);
	rt_fini(&t);
}

static void
test_write(void **state)
{
	struct rt t;
	struct roce_wc wc;

	rt_init(&t, 2, seed, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t n = sizes[i], off = 333 * (uint32_t)i;
		bool imm = i % 3 == 0;

		rt_fill(t.a, n, 100 + (uint32_t)i);
		memset(t.b, 0, RT_BUF);
		if (imm)
			assert_int_equal(rt_post_recv(t.qb, 100 + i, t.mb,
			    t.b, 1), 0);
		assert_int_equal(rt_post(t.qa, imm ?
		    ROCE_WR_RDMA_WRITE_WITH_IMM : ROCE_WR_RDMA_WRITE, i, t.ma,
		    t.a, n, rt_va(t.b + 4096 + off), roce_mr_rkey(t.mb),
		    ROCE_SEND_SIGNALED), 0);
		rt_expect(&t, A(&t), i, ROCE_WC_SUCCESS, &wc);
		assert_int_equal(wc.opcode, ROCE_WC_RDMA_WRITE);
		if (imm) {
			rt_expect(&t, B(&t), 100 + i, ROCE_WC_SUCCESS, &wc);
			assert_int_equal(wc.opcode,
			    ROCE_WC_RECV_RDMA_WITH_IMM);
			assert_int_equal(wc.imm_data, 0xabc00000u | i);
			assert_int_equal(wc.byte_len, n);
		}
		assert_memory_equal(t.b + 4096 + off, t.a, n);
		assert_int_equal(t.b[4096 + off + n], 0);
		assert_int_equal(t.b[4095 + off], 0);
	}
	assert_int_equal(roce_poll_cq(B(&t)->cq, 1, &wc), 0);
	rt_fini(&t);
}

static void
test_read(void **state)
{
	struct rt t;
	struct roce_wc wc;

	rt_init(&t, 2, seed, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t n = sizes[i];

		rt_fill(t.b + 1000, n, 200 + (uint32_t)i);
		memset(t.a, 0, RT_BUF);
		assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_READ, i, t.ma,
		    t.a + 8, n, rt_va(t.b + 1000), roce_mr_rkey(t.mb),
		    ROCE_SEND_SIGNALED), 0);
		rt_expect(&t, A(&t), i, ROCE_WC_SUCCESS, &wc);
		assert_int_equal(wc.opcode, ROCE_WC_RDMA_READ);
		assert_int_equal(wc.byte_len, n);
		assert_memory_equal(t.a + 8, t.b + 1000, n);
		assert_int_equal(t.a[8 + n], 0);
	}
	assert_int_equal(roce_poll_cq(B(&t)->cq, 1, &wc), 0);
	rt_fini(&t);
}

static void
test_atomics(void **state)
{
	struct rt t;
	uint64_t *remote, *local;

	rt_init(&t, 2, seed, NULL);
	remote = (uint64_t *)(void *)(t.b + 64);
	local = (uint64_t *)(void *)(t.a + 128);
	*remote = 100;
	assert_int_equal(rt_post_atomic(t.qa, ROCE_WR_ATOMIC_FETCH_AND_ADD, 1,
	    t.ma, local, rt_va(remote), roce_mr_rkey(t.mb), 5, 0), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_int_equal(*local, 100);
	assert_int_equal(*remote, 105);
	/* compare fails: memory unchanged, the original comes back */
	assert_int_equal(rt_post_atomic(t.qa, ROCE_WR_ATOMIC_CMP_AND_SWP, 2,
	    t.ma, local, rt_va(remote), roce_mr_rkey(t.mb), 7, 999), 0);
	rt_expect(&t, A(&t), 2, ROCE_WC_SUCCESS, NULL);
	assert_int_equal(*local, 105);
	assert_int_equal(*remote, 105);
	assert_int_equal(rt_post_atomic(t.qa, ROCE_WR_ATOMIC_CMP_AND_SWP, 3,
	    t.ma, local, rt_va(remote), roce_mr_rkey(t.mb), 105, 999), 0);
	rt_expect(&t, A(&t), 3, ROCE_WC_SUCCESS, NULL);
	assert_int_equal(*local, 105);
	assert_int_equal(*remote, 999);
	/* misaligned: refused at post */
	assert_int_equal(rt_post_atomic(t.qa, ROCE_WR_ATOMIC_FETCH_AND_ADD, 4,
	    t.ma, local, rt_va(remote) + 4, roce_mr_rkey(t.mb), 1, 0),
	    -EINVAL);
	rt_fini(&t);
}

/* Many WRs of every kind in flight at once, with a fence: a SEND fenced
 * behind a READ sees the READ's data already there. */
static void
test_mixed_pipeline(void **state)
{
	struct rt t;
	uint64_t *ctr;
	int k = 0;

	rt_init(&t, 2, seed, NULL);
	ctr = (uint64_t *)(void *)(t.b + RT_BUF - 64);
	*ctr = 0;
	rt_fill(t.a, 64 * 4096, 9);
	rt_fill(t.b, 64 * 4096, 10);
	for (int i = 0; i < 16; i++)
		assert_int_equal(rt_post_recv(t.qb, 1000 + i, t.mb,
		    t.b + (512 + i) * 4096, 4096), 0);
	for (int i = 0; i < 16; i++) {
		uint32_t o = (uint32_t)i * 4096;

		assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, k++, t.ma,
		    t.a + o, 3000, rt_va(t.b + 256 * 4096 + o),
		    roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
		assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_READ, k++, t.ma,
		    t.a + 128 * 4096 + o, 2500, rt_va(t.b + o),
		    roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
		assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, k++, t.ma,
		    t.a + 128 * 4096 + o, 2500, 0, 0,
		    ROCE_SEND_SIGNALED | ROCE_SEND_FENCE), 0);
		assert_int_equal(rt_post_atomic(t.qa,
		    ROCE_WR_ATOMIC_FETCH_AND_ADD, k++, t.ma,
		    t.a + 200 * 4096 + 8 * i, rt_va(ctr), roce_mr_rkey(t.mb),
		    1, 0), 0);
	}
	for (int i = 0; i < k; i++)
		rt_expect(&t, A(&t), (uint64_t)i, ROCE_WC_SUCCESS, NULL);
	for (int i = 0; i < 16; i++) {
		uint32_t o = (uint32_t)i * 4096;

		rt_expect(&t, B(&t), 1000 + (uint64_t)i, ROCE_WC_SUCCESS, NULL);
		assert_memory_equal(t.b + 256 * 4096 + o, t.a + o, 3000);
		assert_memory_equal(t.a + 128 * 4096 + o, t.b + o, 2500);
		assert_memory_equal(t.b + (512 + i) * 4096, t.b + o, 2500);
		assert_int_equal(*(uint64_t *)(void *)(t.a + 200 * 4096 +
		    8 * i), i);
	}
	assert_int_equal(*ctr, 16);
	rt_fini(&t);
}

/* Both directions at once on the same QP pair. */
static void
test_bidirectional(void **state)
{
	struct rt t;

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 65536, 1);
	rt_fill(t.b + 65536, 65536, 2);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, i, t.ma,
		    t.a + i * 8192, 8192, rt_va(t.b + i * 8192),
		    roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
		assert_int_equal(rt_post(t.qb, ROCE_WR_RDMA_WRITE, i, t.mb,
		    t.b + 65536 + i * 8192, 8192,
		    rt_va(t.a + 65536 + i * 8192), roce_mr_rkey(t.ma),
		    ROCE_SEND_SIGNALED), 0);
	}
	for (int i = 0; i < 8; i++) {
		rt_expect(&t, A(&t), (uint64_t)i, ROCE_WC_SUCCESS, NULL);
		rt_expect(&t, B(&t), (uint64_t)i, ROCE_WC_SUCCESS, NULL);
	}
	assert_memory_equal(t.a, t.b, 65536);
	assert_memory_equal(t.a + 65536, t.b + 65536, 65536);
	rt_fini(&t);
}

/* A CQ that overflows: CQ_ERR, the QP's QP_FATAL (it cannot report its
 * work), then -EIO once drained. */
static void
test_cq_overflow(void **state)
{
	struct rt t;
	struct roce_cq *small;
	struct roce_qp *qa;
	struct roce_wc wc[4];
	struct roce_qp_init_attr in = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = 8, .max_send_sge = 1 },
	};
	struct rf_rc_params p;

	rt_init(&t, 1, seed, NULL);
	assert_int_equal(roce_create_cq(A(&t)->e, 2, NULL, &small), 0);
	in.send_cq = in.recv_cq = small;
	assert_int_equal(roce_create_qp(A(&t)->pd, &in, &qa), 0);
	rf_rc_params_default(&p);
	rf_connect(t.rf, qa, rf_qp(B(&t), ROCE_QPT_RC), &p);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rt_post(qa, ROCE_WR_RDMA_WRITE, i, t.ma, t.a,
		    8, rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rf_run_for(t.rf, 10 * NSEC_PER_MSEC);
	assert_int_equal(A(&t)->async_events, 2);
	assert_int_equal(A(&t)->last_async, ROCE_EVENT_QP_FATAL);
	assert_int_equal(roce_qp_state(qa), ROCE_QPS_ERR);
	assert_int_equal(roce_poll_cq(small, 4, wc), 2);
	assert_int_equal(roce_poll_cq(small, 4, wc), -EIO);
	rt_fini(&t);
}

/* Every frame the engine sends parses, ICRC included. */
static void
test_frames_parse(void **state)
{
	struct rt t;
	struct roce_pkt p;
	unsigned seen[256] = { 0 };

	rt_init(&t, 2, seed, NULL);
	A(&t)->spy = B(&t)->spy = true;
	rt_post_recv(t.qb, 1, t.mb, t.b, 8192);
	rt_post(t.qa, ROCE_WR_SEND_WITH_IMM, 1, t.ma, t.a, 3000, 0, 0,
	    ROCE_SEND_SIGNALED);
	rt_post(t.qa, ROCE_WR_RDMA_WRITE, 2, t.ma, t.a, 3000, rt_va(t.b),
	    roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED);
	rt_post(t.qa, ROCE_WR_RDMA_READ, 3, t.ma, t.a, 3000, rt_va(t.b),
	    roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED);
	rt_post_atomic(t.qa, ROCE_WR_ATOMIC_CMP_AND_SWP, 4, t.ma, t.a,
	    rt_va(t.b), roce_mr_rkey(t.mb), 0, 1);
	for (int i = 1; i <= 4; i++)
		rt_expect(&t, A(&t), (uint64_t)i, ROCE_WC_SUCCESS, NULL);
	for (int k = 0; k < 2; k++) {
		struct rf_host *h = &t.rf->h[k];

		assert_true(h->nspied > 0);
		for (unsigned i = 0; i < h->nspied; i++) {
			assert_int_equal(roce_pkt_parse(h->spied[i]->data,
			    h->spied[i]->len, &p, NULL), ROCE_OK);
			seen[p.opcode]++;
		}
	}
	assert_true(seen[ROCE_OP_RC_SEND_FIRST] && seen[ROCE_OP_RC_SEND_MIDDLE]);
	assert_true(seen[ROCE_OP_RC_SEND_LAST_WITH_IMMEDIATE]);
	assert_true(seen[ROCE_OP_RC_RDMA_WRITE_FIRST] &&
	    seen[ROCE_OP_RC_RDMA_WRITE_LAST]);
	assert_true(seen[ROCE_OP_RC_RDMA_READ_REQUEST] &&
	    seen[ROCE_OP_RC_RDMA_READ_RESPONSE_FIRST] &&
	    seen[ROCE_OP_RC_RDMA_READ_RESPONSE_MIDDLE] &&
	    seen[ROCE_OP_RC_RDMA_READ_RESPONSE_LAST]);
	assert_true(seen[ROCE_OP_RC_COMPARE_SWAP] &&
	    seen[ROCE_OP_RC_ATOMIC_ACKNOWLEDGE] && seen[ROCE_OP_RC_ACKNOWLEDGE]);
	rt_fini(&t);
}

/* IPv6 GIDs end to end. */
static void
test_ipv6_path(void **state)
{
	struct rt t;
	struct rf_rc_params p;

	rf_rc_params_default(&p);
	p.ipv6 = true;
	rt_init(&t, 2, seed, &p);
	rt_fill(t.a, 10000, 3);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 10000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 10000);
	rt_fini(&t);
}

/* SQD: the WQE in progress finishes (SQ_DRAINED), the next waits for
 * RTS. */
static void
test_sqd_drain(void **state)
{
	struct rt t;
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_SQD,
	    .en_sqd_async_notify = 1 };
	struct roce_wc wc;

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 65536, 8);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 65536,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_STATE |
	    ROCE_QP_EN_SQD_ASYNC_NOTIFY), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 2, t.ma, t.a, 8,
	    rt_va(t.b + 65536), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 65536);
	assert_int_equal(A(&t)->last_async, ROCE_EVENT_SQ_DRAINED);
	rf_run_for(t.rf, 10 * NSEC_PER_MSEC);
	assert_int_equal(roce_poll_cq(A(&t)->cq, 1, &wc), 0);
	a.qp_state = ROCE_QPS_RTS;
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_STATE), 0);
	rt_expect(&t, A(&t), 2, ROCE_WC_SUCCESS, NULL);
	rt_fini(&t);
}

/* A QP pair taken to ERR, RESET and connected again carries traffic:
 * nothing of the old connection is left behind. */
static void
test_reset_and_reconnect(void **state)
{
	struct rt t;
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_ERR };
	struct rf_rc_params p;

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 20000, 4);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 20000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 2, t.ma, t.a, 20000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_STATE), 0);
	assert_int_equal(roce_modify_qp(t.qb, &a, ROCE_QP_STATE), 0);
	rt_expect(&t, A(&t), 2, ROCE_WC_WR_FLUSH_ERR, NULL);
	a.qp_state = ROCE_QPS_RESET;
	assert_int_equal(roce_modify_qp(t.qa, &a, ROCE_QP_STATE), 0);
	assert_int_equal(roce_modify_qp(t.qb, &a, ROCE_QP_STATE), 0);
	rf_run_for(t.rf, 5 * NSEC_PER_MSEC);	/* stale frames die */
	rf_rc_params_default(&p);
	rf_connect(t.rf, t.qa, t.qb, &p);
	memset(t.b, 0, 20000);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_READ, 3, t.ma, t.a + 65536,
	    20000, rt_va(t.b + 100000), roce_mr_rkey(t.mb),
	    ROCE_SEND_SIGNALED), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 4, t.ma, t.a, 20000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 3, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, A(&t), 4, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 20000);
	assert_memory_equal(t.a + 65536, t.b + 100000, 20000);
	rt_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_send_sgl_inline_unsignaled),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_atomics),
		cmocka_unit_test(test_mixed_pipeline),
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_cq_overflow),
		cmocka_unit_test(test_frames_parse),
		cmocka_unit_test(test_ipv6_path),
		cmocka_unit_test(test_sqd_drain),
		cmocka_unit_test(test_reset_and_reconnect),
	};

	seed = rf_seed(0x5eed0002);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
