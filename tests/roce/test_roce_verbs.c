/* The engine's objects and the QP state machine (ibv_modify_qp rules). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "roce_fixture.h"

static uint64_t seed;

#define M(x)	ROCE_QP_##x
#define RC_INIT	(M(STATE) | M(PKEY_INDEX) | M(PORT) | M(ACCESS_FLAGS))
#define UD_INIT	(M(STATE) | M(PKEY_INDEX) | M(PORT) | M(QKEY))
#define RC_RTR	(M(STATE) | M(AV) | M(PATH_MTU) | M(DEST_QPN) | M(RQ_PSN) | \
	M(MAX_DEST_RD_ATOMIC) | M(MIN_RNR_TIMER))
#define RC_RTS	(M(STATE) | M(SQ_PSN) | M(TIMEOUT) | M(RETRY_CNT) |	\
	M(RNR_RETRY) | M(MAX_QP_RD_ATOMIC))

/* Attributes that are all valid, for any transition. */
static void
good_attr(struct rf_host *h, struct roce_qp_attr *a, enum roce_qp_state s)
{
	memset(a, 0, sizeof(*a));
	a->qp_state = s;
	a->port_num = 1;
	a->qkey = 0x11111111;
	a->qp_access_flags = ROCE_ACCESS_REMOTE_WRITE;
	a->path_mtu = ROCE_MTU_1024;
	a->dest_qp_num = 0x20;
	a->rq_psn = 1;
	a->sq_psn = 2;
	a->timeout = 14;
	a->retry_cnt = 7;
	a->rnr_retry = 7;
	a->min_rnr_timer = 12;
	a->max_rd_atomic = 4;
	a->max_dest_rd_atomic = 4;
	rf_av(h, false, &a->ah_attr);
}

/* Walk qp up the usual path to state s. */
static void
bring_to(struct rf_host *h, struct roce_qp *qp, enum roce_qp_type t,
    enum roce_qp_state s)
{
	static const enum roce_qp_state path[] = { ROCE_QPS_INIT,
		ROCE_QPS_RTR, ROCE_QPS_RTS, ROCE_QPS_SQD };
	const int rc_masks[] = { RC_INIT, RC_RTR, RC_RTS, M(STATE) };
	const int ud_masks[] = { UD_INIT, M(STATE), M(STATE) | M(SQ_PSN),
		M(STATE) };
	struct roce_qp_attr a;

	for (unsigned i = 0; i < ARRAY_SIZE(path) && s != ROCE_QPS_RESET; i++) {
		good_attr(h, &a, path[i]);
		assert_int_equal(roce_modify_qp(qp, &a, t == ROCE_QPT_RC ?
		    rc_masks[i] : ud_masks[i]), 0);
		if (path[i] == s)
			return;
	}
	if (s == ROCE_QPS_ERR) {
		good_attr(h, &a, ROCE_QPS_ERR);
		assert_int_equal(roce_modify_qp(qp, &a, M(STATE)), 0);
	}
}

struct transition_case {
	enum roce_qp_type type;
	enum roce_qp_state from, to;
	int mask;
	int expect;
};

static const struct transition_case cases[] = {
	/* RESET -> INIT: RC needs access flags, UD a Q_Key */
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT, 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT & ~M(ACCESS_FLAGS),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT & ~M(PORT),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT | M(QKEY),
	    -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_RESET, ROCE_QPS_INIT, UD_INIT, 0 },
	{ ROCE_QPT_UD, ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT, -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_RTR, RC_RTR, -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_RESET, M(STATE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RESET, ROCE_QPS_ERR, M(STATE), 0 },
	/* INIT -> INIT, INIT -> RTR */
	{ ROCE_QPT_RC, ROCE_QPS_INIT, ROCE_QPS_INIT, M(STATE) |
	    M(ACCESS_FLAGS), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_INIT, ROCE_QPS_RTR, RC_RTR, 0 },
	{ ROCE_QPT_RC, ROCE_QPS_INIT, ROCE_QPS_RTR, RC_RTR | M(ACCESS_FLAGS),
	    0 },
	{ ROCE_QPT_RC, ROCE_QPS_INIT, ROCE_QPS_RTR, RC_RTR | M(SQ_PSN),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_INIT, ROCE_QPS_RTS, RC_RTS, -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_INIT, ROCE_QPS_RTR, M(STATE), 0 },
	{ ROCE_QPT_UD, ROCE_QPS_INIT, ROCE_QPS_RTR, M(STATE) | M(AV),
	    -EINVAL },
	/* RTR -> RTS */
	{ ROCE_QPT_RC, ROCE_QPS_RTR, ROCE_QPS_RTS, RC_RTS, 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTR, ROCE_QPS_RTS, RC_RTS | M(MIN_RNR_TIMER),
	    0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTR, ROCE_QPS_RTS, RC_RTS | M(DEST_QPN),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RTR, ROCE_QPS_RTR, M(STATE), -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_RTR, ROCE_QPS_RTS, M(STATE) | M(SQ_PSN), 0 },
	{ ROCE_QPT_UD, ROCE_QPS_RTR, ROCE_QPS_RTS, M(STATE), -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_RTR, ROCE_QPS_RTS, M(STATE) | M(SQ_PSN) |
	    M(TIMEOUT), -EINVAL },
	/* RTS <-> SQD, RTS -> RTS */
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_RTS, M(STATE) | M(MIN_RNR_TIMER),
	    0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_RTS, M(MIN_RNR_TIMER), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_RTS, M(STATE) | M(PATH_MTU),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_RTS, M(LANE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_SQD, M(STATE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_RTR, M(STATE), -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_RTS, ROCE_QPS_INIT, M(STATE), -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_SQD, ROCE_QPS_RTS, M(STATE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_SQD, ROCE_QPS_SQD, M(STATE) | M(TIMEOUT), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_SQD, ROCE_QPS_SQD, M(STATE) | M(PORT) |
	    M(AV) | M(MAX_DEST_RD_ATOMIC), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_SQD, ROCE_QPS_SQD, M(STATE) | M(SQ_PSN),
	    -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_SQD, ROCE_QPS_SQD, M(STATE) | M(TIMEOUT),
	    -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_SQD, ROCE_QPS_SQE, M(STATE), -EINVAL },
	{ ROCE_QPT_UD, ROCE_QPS_SQD, ROCE_QPS_RTS, M(STATE) | M(QKEY), 0 },
	/* ERR only to RESET (or ERR) */
	{ ROCE_QPT_RC, ROCE_QPS_ERR, ROCE_QPS_RESET, M(STATE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_ERR, ROCE_QPS_ERR, M(STATE), 0 },
	{ ROCE_QPT_RC, ROCE_QPS_ERR, ROCE_QPS_RTS, M(STATE), -EINVAL },
	{ ROCE_QPT_RC, ROCE_QPS_ERR, ROCE_QPS_INIT, RC_INIT, -EINVAL },
};

static void
test_transition_table(void **state)
{
	struct rf *rf = rf_new(1, seed);
	struct rf_host *h = &rf->h[0];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct transition_case *c = &cases[i];
		struct roce_qp *qp = rf_qp(h, c->type);
		struct roce_qp_attr a, q;
		int err;

		bring_to(h, qp, c->type, c->from);
		assert_int_equal(roce_qp_state(qp), c->from);
		good_attr(h, &a, c->to);
		err = roce_modify_qp(qp, &a, c->mask);
		if (err != c->expect)
			fail_msg("case %zu: %s -> %s mask %#x: %d, want %d", i,
			    roce_qp_state_name(c->from),
			    roce_qp_state_name(c->to), c->mask, err, c->expect);
		roce_query_qp(qp, &q, NULL);
		assert_int_equal(q.qp_state, err ? c->from :
		    (c->mask & M(STATE)) ? c->to : c->from);
		assert_int_equal(roce_destroy_qp(qp), 0);
	}
	rf_free(rf);
}

/* Each required attribute of INIT->RTR and RTR->RTS, left out alone. */
static void
test_every_required_attribute(void **state)
{
	struct rf *rf = rf_new(1, seed);
	struct rf_host *h = &rf->h[0];
	const struct { enum roce_qp_state from, to; int mask; } steps[] = {
		{ ROCE_QPS_RESET, ROCE_QPS_INIT, RC_INIT },
		{ ROCE_QPS_INIT, ROCE_QPS_RTR, RC_RTR },
		{ ROCE_QPS_RTR, ROCE_QPS_RTS, RC_RTS },
	};

	for (size_t s = 0; s < ARRAY_SIZE(steps); s++) {
		for (int bit = 1; bit < 31; bit++) {
			struct roce_qp *qp;
			struct roce_qp_attr a;

			if (!(steps[s].mask & (1 << bit)))
				continue;
			qp = rf_qp(h, ROCE_QPT_RC);
			bring_to(h, qp, ROCE_QPT_RC, steps[s].from);
			good_attr(h, &a, steps[s].to);
			assert_int_equal(roce_modify_qp(qp, &a,
			    steps[s].mask & ~(1 << bit)), -EINVAL);
			assert_int_equal(roce_qp_state(qp), steps[s].from);
			assert_int_equal(roce_modify_qp(qp, &a, steps[s].mask),
			    0);
			roce_destroy_qp(qp);
		}
	}
	rf_free(rf);
}

/* Values out of range are refused and change nothing. */
static void
test_bad_values(void **state)
{
	struct rf *rf = rf_new(1, seed);
	struct rf_host *h = &rf->h[0];
	struct roce_qp *qp = rf_qp(h, ROCE_QPT_RC);
	struct roce_qp_attr a, q;

	bring_to(h, qp, ROCE_QPT_RC, ROCE_QPS_INIT);
#define BAD(field, val) do {						\
	good_attr(h, &a, ROCE_QPS_RTR);					\
	a.field = val;							\
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTR), -EINVAL);	\
	assert_int_equal(roce_qp_state(qp), ROCE_QPS_INIT);		\
} while (0)
	BAD(path_mtu, 6);
	BAD(path_mtu, 0);
	BAD(path_mtu, ROCE_MTU_2048);	/* larger than the links carry */
	BAD(dest_qp_num, 1u << 24);
	BAD(rq_psn, 1u << 24);
	BAD(max_dest_rd_atomic, 17);
	BAD(min_rnr_timer, 32);
	BAD(ah_attr.grh.sgid_index, 9);
	BAD(ah_attr.port_num, 2);
	memset(&a.ah_attr.grh.dgid, 0, 16);
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTR), -EINVAL);
	good_attr(h, &a, ROCE_QPS_RTR);
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTR), 0);
#undef BAD
#define BAD(field, val) do {						\
	good_attr(h, &a, ROCE_QPS_RTS);					\
	a.field = val;							\
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTS), -EINVAL);	\
	assert_int_equal(roce_qp_state(qp), ROCE_QPS_RTR);		\
} while (0)
	BAD(timeout, 32);
	BAD(retry_cnt, 8);
	BAD(rnr_retry, 8);
	BAD(max_rd_atomic, 17);
	BAD(sq_psn, 1u << 24);
#undef BAD
	/* a wrong current state named */
	good_attr(h, &a, ROCE_QPS_RTS);
	a.cur_qp_state = ROCE_QPS_INIT;
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTS | M(CUR_STATE)),
	    -EINVAL);
	a.cur_qp_state = ROCE_QPS_RTR;
	assert_int_equal(roce_modify_qp(qp, &a, RC_RTS | M(CUR_STATE)), 0);
	roce_query_qp(qp, &q, NULL);
	assert_int_equal(q.timeout, 14);
	assert_int_equal(q.path_mtu, ROCE_MTU_1024);
	assert_int_equal(q.dest_qp_num, 0x20);
	/* the lane: 0..255 or auto */
	a.lane = 256;
	assert_int_equal(roce_modify_qp(qp, &a, M(LANE)), -EINVAL);
	a.lane = 77;
	assert_int_equal(roce_modify_qp(qp, &a, M(LANE)), 0);
	assert_int_equal(roce_qp_lane(qp), 77);
	rf_free(rf);
}

static void
test_post_by_state(void **state)
{
	struct rf *rf = rf_new(1, seed);
	struct rf_host *h = &rf->h[0];
	struct roce_qp *qp = rf_qp(h, ROCE_QPT_RC);
	struct roce_send_wr wr = { .wr_id = 1, .opcode = ROCE_WR_SEND,
	    .send_flags = ROCE_SEND_SIGNALED }, *bad = NULL;
	struct roce_recv_wr rwr = { .wr_id = 2 }, *rbad = NULL;
	struct roce_wc wc[4];

	assert_int_equal(roce_post_send(qp, &wr, &bad), -EINVAL);
	assert_ptr_equal(bad, &wr);
	assert_int_equal(roce_post_recv(qp, &rwr, &rbad), -EINVAL);
	bring_to(h, qp, ROCE_QPT_RC, ROCE_QPS_INIT);
	assert_int_equal(roce_post_recv(qp, &rwr, &rbad), 0);
	assert_int_equal(roce_post_send(qp, &wr, &bad), -EINVAL);
	/* to ERR: the receive is flushed; a send posted now is flushed too */
	bring_to(h, qp, ROCE_QPT_RC, ROCE_QPS_ERR);
	assert_int_equal(roce_post_send(qp, &wr, &bad), 0);
	assert_int_equal(roce_poll_cq(h->cq, 4, wc), 2);
	assert_int_equal(wc[0].wr_id, 2);
	assert_int_equal(wc[0].status, ROCE_WC_WR_FLUSH_ERR);
	assert_int_equal(wc[0].opcode, ROCE_WC_RECV);
	assert_int_equal(wc[1].wr_id, 1);
	assert_int_equal(wc[1].status, ROCE_WC_WR_FLUSH_ERR);
	/* UD refuses RDMA opcodes */
	{
		struct roce_qp *ud = rf_qp(h, ROCE_QPT_UD);

		bring_to(h, ud, ROCE_QPT_UD, ROCE_QPS_RTS);
		wr.opcode = ROCE_WR_RDMA_WRITE;
		assert_int_equal(roce_post_send(ud, &wr, &bad), -EINVAL);
	}
	rf_free(rf);
}

static void
count_qp(struct roce_qp *qp, void *arg)
{
	(*(unsigned *)arg)++;
}

static void
test_objects(void **state)
{
	struct rf *rf = rf_new(1, seed);
	struct rf_host *h = &rf->h[0];
	static uint8_t buf[4096];
	struct roce_port_attr pa;
	struct roce_device_attr da;
	struct roce_mr *mr;
	union roce_gid g;
	uint8_t out[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	assert_int_equal(roce_query_port(h->e, 1, &pa), 0);
	assert_int_equal(pa.active_mtu, ROCE_MTU_1024);
	assert_int_equal(pa.link_layer, 2);
	assert_int_equal(roce_query_port(h->e, 2, &pa), -EINVAL);
	roce_query_device(h->e, &da);
	assert_int_equal(da.phys_port_cnt, 1);
	assert_int_equal(da.max_qp_rd_atom, ROCE_MAX_RD_ATOMIC);
	/* the GID of 10.0.0.1: ::ffff:10.0.0.1 */
	assert_int_equal(roce_query_gid(h->e, (unsigned)h->gid4, &g), 0);
	assert_int_equal(g.raw[10], 0xff);
	assert_int_equal(g.raw[15], 1);
	assert_int_equal(roce_gid_add_ipv4(h->e, h->ipv4), -EEXIST);
	/* MRs: verbs' flag rules, the one access function */
	assert_int_equal(roce_reg_mr(h->pd, buf, sizeof(buf),
	    ROCE_ACCESS_REMOTE_WRITE, &mr), -EINVAL);
	assert_int_equal(roce_reg_mr(h->pd, buf, 0, 0, &mr), -EINVAL);
	assert_int_equal(roce_reg_mr(h->pd, buf, sizeof(buf),
	    ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_READ, &mr), 0);
	assert_int_equal(roce_mr_check(mr, (uintptr_t)buf + 10, 100,
	    ROCE_ACCESS_REMOTE_READ), 0);
	assert_int_equal(roce_mr_copy(mr, (uintptr_t)buf + 10, out, 4, true),
	    0);
	assert_memory_equal(buf + 10, out, 4);
	assert_int_equal(roce_mr_check(mr, (uintptr_t)buf + 4000, 100,
	    ROCE_ACCESS_REMOTE_READ), -EFAULT);
	assert_int_equal(roce_mr_check(mr, (uintptr_t)buf - 1, 2,
	    ROCE_ACCESS_REMOTE_READ), -EFAULT);
	assert_int_equal(roce_mr_check(mr, (uintptr_t)buf, 1,
	    ROCE_ACCESS_REMOTE_WRITE), -EACCES);
	assert_ptr_equal(roce_mr_find(h->e, roce_mr_rkey(mr), h->pd), mr);
	assert_null(roce_mr_find(h->e, roce_mr_rkey(mr) ^ 1, h->pd));
	/* an MR named by other VAs (an application's): iova -> here */
	{
		struct roce_mr *m2;
		const uint64_t iova = 0x7f0000001000ull;

		assert_int_equal(roce_reg_mr_iova(h->pd, buf, sizeof(buf),
		    iova, ROCE_ACCESS_LOCAL_WRITE, &m2), 0);
		assert_int_equal(roce_mr_check(m2, iova + 16, 8,
		    ROCE_ACCESS_LOCAL_WRITE), 0);
		assert_int_equal(roce_mr_copy(m2, iova + 16, out, 8, false),
		    0);
		assert_memory_equal(out, buf + 16, 8);
		assert_int_equal(roce_mr_check(m2, (uintptr_t)buf, 8, 0),
		    -EFAULT);		/* our address means nothing */
		assert_int_equal(roce_mr_check(m2, iova + sizeof(buf) - 4, 8,
		    0), -EFAULT);
		assert_int_equal(roce_reg_mr_iova(h->pd, buf, sizeof(buf),
		    UINT64_MAX - 10, 0, &m2), -EINVAL);	/* wraps */
		assert_int_equal(roce_dereg_mr(m2), 0);
	}
	/* QPs by number */
	{
		struct roce_qp *q1 = rf_qp(h, ROCE_QPT_RC);
		struct roce_qp *q2 = rf_qp(h, ROCE_QPT_UD);
		unsigned n = 0;

		assert_ptr_equal(roce_engine_find_qp(h->e, roce_qp_num(q2)),
		    q2);
		assert_null(roce_engine_find_qp(h->e, 0));
		assert_null(roce_engine_find_qp(h->e, 0xffffff));
		roce_engine_foreach_qp(h->e, count_qp, &n);
		assert_int_equal(n, 2);
		roce_destroy_qp(q1);
		roce_destroy_qp(q2);
	}
	/* in use: refused */
	assert_int_equal(roce_dealloc_pd(h->pd), -EBUSY);
	assert_int_equal(roce_destroy_cq(h->cq), 0);
	assert_int_equal(roce_create_cq(h->e, 0, NULL, &h->cq), -EINVAL);
	assert_int_equal(roce_create_cq(h->e, 16, NULL, &h->cq), 0);
	rf_qp(h, ROCE_QPT_RC);
	assert_int_equal(roce_destroy_cq(h->cq), -EBUSY);
	assert_int_equal(roce_dereg_mr(mr), 0);
	rf_free(rf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_every_required_attribute),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_post_by_state),
		cmocka_unit_test(test_objects),
	};

	seed = rf_seed(0x5eed0001);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
