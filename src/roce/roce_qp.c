/*
 * Queue pairs: creation, the lane, and the state machine of IBA 10.3.1
 * (figure 124) as ibv_modify_qp() drives it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roce/roce_int.h"

static const char *const qp_state_names[] = {
#define ROCE_QPS_NAME(n) [ROCE_QPS_##n] = #n,
	ROCE_QP_STATES(ROCE_QPS_NAME)
#undef ROCE_QPS_NAME
};
static_assert(ARRAY_SIZE(qp_state_names) == ROCE_QPS_COUNT, "QP states");

const char *
roce_qp_state_name(enum roce_qp_state s)
{
	return (unsigned)s < ROCE_QPS_COUNT ? qp_state_names[s] : "?";
}

/* ---- the transition table ---- */

/*
 * Attributes required and allowed per transition, for RC ([0]) and UD
 * ([1]): IBA 11.2.4.2 (Modify Queue Pair), as the kernel's
 * qp_state_table spells it for verbs. Alternate paths and path
 * migration are accepted and ignored (no APM on one port).
 */
#define A(x)		ROCE_QP_##x
#define RC_INIT		(A(PKEY_INDEX) | A(PORT) | A(ACCESS_FLAGS))
#define UD_INIT		(A(PKEY_INDEX) | A(PORT) | A(QKEY))
#define RC_RTR_REQ	(A(AV) | A(PATH_MTU) | A(DEST_QPN) | A(RQ_PSN) |	\
	A(MAX_DEST_RD_ATOMIC) | A(MIN_RNR_TIMER))
#define RC_RTS_REQ	(A(TIMEOUT) | A(RETRY_CNT) | A(RNR_RETRY) |	\
	A(SQ_PSN) | A(MAX_QP_RD_ATOMIC))
#define RC_RTS_OPT	(A(CUR_STATE) | A(ALT_PATH) | A(ACCESS_FLAGS) |	\
	A(MIN_RNR_TIMER) | A(PATH_MIG_STATE))
#define UD_RTS_OPT	(A(CUR_STATE) | A(QKEY))
#define RC_SQD_OPT	(A(PORT) | A(AV) | A(ALT_PATH) | A(ACCESS_FLAGS) |	\
	A(PKEY_INDEX) | A(MIN_RNR_TIMER) | A(PATH_MIG_STATE) |		\
	A(TIMEOUT) | A(RETRY_CNT) | A(RNR_RETRY) | A(MAX_QP_RD_ATOMIC) |	\
	A(MAX_DEST_RD_ATOMIC))

struct qp_transition {
	bool valid;
	int req[2], opt[2];		/* [0] RC, [1] UD */
};

#define T(rq_rc, rq_ud, op_rc, op_ud) { .valid = true,			\
	.req = { rq_rc, rq_ud }, .opt = { op_rc, op_ud } }
#define NONE		T(0, 0, 0, 0)
#define ANY_TO_RESET_ERR [ROCE_QPS_RESET] = NONE, [ROCE_QPS_ERR] = NONE

static const struct qp_transition
qp_transitions[ROCE_QPS_COUNT][ROCE_QPS_COUNT] = {
	[ROCE_QPS_RESET] = { ANY_TO_RESET_ERR,
		[ROCE_QPS_INIT] = T(RC_INIT, UD_INIT, 0, 0) },
	[ROCE_QPS_INIT] = { ANY_TO_RESET_ERR,
		[ROCE_QPS_INIT] = T(0, 0, RC_INIT, UD_INIT),
		[ROCE_QPS_RTR] = T(RC_RTR_REQ, 0,
		    A(ALT_PATH) | A(ACCESS_FLAGS) | A(PKEY_INDEX),
		    A(PKEY_INDEX) | A(QKEY)) },
	[ROCE_QPS_RTR] = { ANY_TO_RESET_ERR,
		[ROCE_QPS_RTS] = T(RC_RTS_REQ, A(SQ_PSN), RC_RTS_OPT,
		    UD_RTS_OPT) },
	[ROCE_QPS_RTS] = { ANY_TO_RESET_ERR,
		[ROCE_QPS_RTS] = T(0, 0, RC_RTS_OPT, UD_RTS_OPT),
		[ROCE_QPS_SQD] = T(0, 0, A(EN_SQD_ASYNC_NOTIFY),
		    A(EN_SQD_ASYNC_NOTIFY)) },
	[ROCE_QPS_SQD] = { ANY_TO_RESET_ERR,
		[ROCE_QPS_RTS] = T(0, 0, RC_RTS_OPT, UD_RTS_OPT),
		[ROCE_QPS_SQD] = T(0, 0, RC_SQD_OPT, A(PKEY_INDEX) | A(QKEY)) },
	[ROCE_QPS_SQE] = { ANY_TO_RESET_ERR,
		/* SQE is UD's: an RC send queue error takes the QP to ERR */
		[ROCE_QPS_RTS] = { .valid = true, .req = { -1, 0 },
		    .opt = { 0, UD_RTS_OPT } } },
	[ROCE_QPS_ERR] = { ANY_TO_RESET_ERR },
};

/* Whether mask is right for cur -> next on a QP of type t. */
static bool
transition_ok(enum roce_qp_type t, enum roce_qp_state cur,
    enum roce_qp_state next, int mask)
{
	const struct qp_transition *tr = &qp_transitions[cur][next];
	int ud = t == ROCE_QPT_UD;
	int req, opt;

	if (!tr->valid || tr->req[ud] < 0)
		return false;
	req = tr->req[ud];
	opt = tr->opt[ud] | ROCE_QP_STATE | ROCE_QP_LANE;
	mask &= ~ROCE_QP_STATE;
	return (mask & req) == req && !(mask & ~(req | opt));
}

/* Values of the attributes named by mask. */
static int
attr_values_ok(const struct roce_qp *qp, const struct roce_qp_attr *a,
    int mask)
{
	if ((mask & A(CUR_STATE)) && a->cur_qp_state != qp->attr.qp_state)
		return -EINVAL;
	if ((mask & A(ACCESS_FLAGS)) && (a->qp_access_flags & ~ROCE_ACCESS_ALL))
		return -EINVAL;
	if ((mask & A(PKEY_INDEX)) && a->pkey_index != 0)
		return -EINVAL;
	if ((mask & A(PORT)) && a->port_num != 1)
		return -EINVAL;
	if ((mask & A(AV)) && roce_ah_attr_check(qp->e, &a->ah_attr))
		return -EINVAL;
	if ((mask & A(PATH_MTU)) && (a->path_mtu < ROCE_MTU_256 ||
	    a->path_mtu > qp->e->active_mtu))
		return -EINVAL;
	if (((mask & A(TIMEOUT)) && a->timeout > 31) ||
	    ((mask & A(RETRY_CNT)) && a->retry_cnt > 7) ||
	    ((mask & A(RNR_RETRY)) && a->rnr_retry > 7) ||
	    ((mask & A(MIN_RNR_TIMER)) && a->min_rnr_timer > 31))
		return -EINVAL;
	if (((mask & A(RQ_PSN)) && a->rq_psn > ROCE_PSN_MASK) ||
	    ((mask & A(SQ_PSN)) && a->sq_psn > ROCE_PSN_MASK) ||
	    ((mask & A(DEST_QPN)) && a->dest_qp_num > ROCE_QPN_MASK))
		return -EINVAL;
	if (((mask & A(MAX_QP_RD_ATOMIC)) &&
	    a->max_rd_atomic > ROCE_MAX_RD_ATOMIC) ||
	    ((mask & A(MAX_DEST_RD_ATOMIC)) &&
	    a->max_dest_rd_atomic > ROCE_MAX_RD_ATOMIC))
		return -EINVAL;
	if ((mask & A(LANE)) && a->lane != ROCE_LANE_AUTO &&
	    a->lane >= ROCE_LANES)
		return -EINVAL;
	return 0;
}

#define COPY_IF(bit, field) do {					\
	if (mask & A(bit))						\
		qp->attr.field = a->field;				\
} while (0)

static void
attr_commit(struct roce_qp *qp, const struct roce_qp_attr *a, int mask)
{
	COPY_IF(ACCESS_FLAGS, qp_access_flags);
	COPY_IF(PKEY_INDEX, pkey_index);
	COPY_IF(PORT, port_num);
	COPY_IF(QKEY, qkey);
	COPY_IF(AV, ah_attr);
	COPY_IF(PATH_MTU, path_mtu);
	COPY_IF(TIMEOUT, timeout);
	COPY_IF(RETRY_CNT, retry_cnt);
	COPY_IF(RNR_RETRY, rnr_retry);
	COPY_IF(RQ_PSN, rq_psn);
	COPY_IF(SQ_PSN, sq_psn);
	COPY_IF(MIN_RNR_TIMER, min_rnr_timer);
	COPY_IF(MAX_QP_RD_ATOMIC, max_rd_atomic);
	COPY_IF(MAX_DEST_RD_ATOMIC, max_dest_rd_atomic);
	COPY_IF(DEST_QPN, dest_qp_num);
	COPY_IF(EN_SQD_ASYNC_NOTIFY, en_sqd_async_notify);
	if (mask & A(LANE))
		roce_qp_set_lane(qp, a->lane);
}

/* ---- lanes ---- */

static uint32_t
qpn_hash(uint32_t qpn)
{
	return (qpn * 0x9e3779b1u) >> 16;
}

void
roce_qp_set_lane(struct roce_qp *qp, uint32_t lane)
{
	qp->lane_explicit = lane != ROCE_LANE_AUTO;
	if (!qp->lane_explicit)
		lane = qpn_hash(qp->qpn) % ROCE_LANES;
	qp->lane = lane;
	qp->attr.lane = lane;
	if (roce_list_linked(&qp->lane_node))
		roce_list_del(&qp->lane_node);
	roce_list_add_tail(&qp->e->lanes[lane], &qp->lane_node);
}

uint32_t
roce_qp_lane(const struct roce_qp *qp)
{
	return qp->lane;
}

/* UDP source port: entropy for ECMP, fixed per QP pair (A17.3.2). */
static void
qp_set_sport(struct roce_qp *qp)
{
	uint32_t h = qpn_hash(qp->qpn ^ qp->attr.dest_qp_num << 7);

	qp->udp_sport = (uint16_t)(ROCE_UDP_SPORT_BASE | (h & 0x3fff));
}

/* ---- state entry actions ---- */

static void
qp_reset(struct roce_qp *qp)
{
	roce_comp_stop(qp);
	roce_req_reset(qp);
	roce_resp_reset(qp);
	qp->sq.head = qp->sq.tail = 0;
	qp->rq.head = qp->rq.tail = 0;
	memset(&qp->attr.ah_attr, 0, sizeof(qp->attr.ah_attr));
}

void
roce_qp_to_err(struct roce_qp *qp)
{
	if (qp->attr.qp_state == ROCE_QPS_ERR)
		return;
	qp->attr.qp_state = ROCE_QPS_ERR;
	roce_comp_stop(qp);
	roce_read_stop(qp);
	roce_flush_sq(qp);
	roce_flush_rq(qp);
}

static void
qp_enter(struct roce_qp *qp, enum roce_qp_state from, enum roce_qp_state to,
    int mask)
{
	if (to == ROCE_QPS_ERR) {
		roce_qp_to_err(qp);
		return;
	}
	qp->attr.qp_state = to;
	if (to == ROCE_QPS_RESET)
		qp_reset(qp);
	if (to == ROCE_QPS_RTR && from == ROCE_QPS_INIT) {
		qp->resp.psn = qp->attr.rq_psn;
		qp_set_sport(qp);
	}
	if (to == ROCE_QPS_RTS && from == ROCE_QPS_RTR) {
		qp->req.psn = qp->req.max_psn = qp->attr.sq_psn;
		roce_comp_init(qp);
	}
	if (to == ROCE_QPS_SQD) {
		qp->attr.sq_draining = 1;
		roce_comp_sqd_check(qp);
	}
	if (to == ROCE_QPS_RTS)
		roce_req_run(qp);
}

int
roce_modify_qp(struct roce_qp *qp, const struct roce_qp_attr *attr, int mask)
{
	enum roce_qp_state cur = qp->attr.qp_state;
	enum roce_qp_state next = cur;
	int err;

	if (mask & ROCE_QP_STATE) {
		if ((unsigned)attr->qp_state >= ROCE_QPS_COUNT)
			return -EINVAL;
		next = attr->qp_state;
	}
	if (!transition_ok(qp->type, cur, next, mask))
		return -EINVAL;
	err = attr_values_ok(qp, attr, mask);
	if (err)
		return err;
	/* commit: nothing below may fail */
	attr_commit(qp, attr, mask);
	if (next != cur || next == ROCE_QPS_RESET)
		qp_enter(qp, cur, next, mask);
	else if (next == ROCE_QPS_RTS)
		roce_req_run(qp);
	return 0;
}

int
roce_query_qp(const struct roce_qp *qp, struct roce_qp_attr *attr,
    struct roce_qp_init_attr *init)
{
	if (attr) {
		*attr = qp->attr;
		attr->cur_qp_state = qp->attr.qp_state;
	}
	if (init) {
		*init = (struct roce_qp_init_attr){
			.qp_context = qp->qp_context, .send_cq = qp->send_cq,
			.recv_cq = qp->recv_cq, .srq = qp->srq,
			.cap = qp->attr.cap, .qp_type = qp->type,
			.sq_sig_all = qp->sq_sig_all,
			.lane = qp->lane_explicit ? qp->lane : ROCE_LANE_AUTO,
		};
	}
	return 0;
}

/* ---- create and destroy ---- */

static int
init_attr_check(const struct roce_engine *e,
    const struct roce_qp_init_attr *in)
{
	const struct roce_qp_cap *c = &in->cap;

	if (in->qp_type != ROCE_QPT_RC && in->qp_type != ROCE_QPT_UD)
		return -EINVAL;
	if (!in->send_cq || !in->recv_cq)
		return -EINVAL;
	if (c->max_send_wr > ROCE_MAX_WR || c->max_recv_wr > ROCE_MAX_WR ||
	    c->max_send_sge > ROCE_MAX_SGE || c->max_recv_sge > ROCE_MAX_SGE ||
	    c->max_inline_data > ROCE_MAX_INLINE)
		return -EINVAL;
	if (in->srq && c->max_recv_wr)
		return -EINVAL;
	if (in->lane != ROCE_LANE_AUTO && in->lane >= ROCE_LANES)
		return -EINVAL;
	return 0;
}

static int
qpn_slot(struct roce_engine *e, uint32_t *slot)
{
	for (uint32_t n = 0; n < e->cfg.max_qp; n++) {
		uint32_t i = (e->qp_cursor + n) % e->cfg.max_qp;

		if (!e->qps[i]) {
			*slot = i;
			e->qp_cursor = i + 1;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
qp_alloc_queues(struct roce_qp *qp, const struct roce_qp_init_attr *in)
{
	int err;

	qp->sq.max_wr = in->cap.max_send_wr;
	qp->sq.size = round_up_pow2(MAX(in->cap.max_send_wr, 1));
	qp->sq.ring = calloc(qp->sq.size, sizeof(*qp->sq.ring));
	if (!qp->sq.ring)
		return -ENOMEM;
	err = -ENOMEM;
	qp->sq.inline_buf = calloc(qp->sq.size, MAX(in->cap.max_inline_data,
	    1));
	if (!qp->sq.inline_buf)
		goto fail_ring;
	err = roce_rq_init(&qp->rq, in->cap.max_recv_wr, in->cap.max_recv_sge);
	if (err)
		goto fail_inline;
	return 0;
fail_inline:
	free(qp->sq.inline_buf);
fail_ring:
	free(qp->sq.ring);
	return err;
}

static void
qp_init_fields(struct roce_qp *qp, struct roce_pd *pd,
    const struct roce_qp_init_attr *in, uint32_t slot)
{
	struct roce_engine *e = pd->e;

	qp->e = e;
	qp->qpn = ROCE_QPN_BASE + slot;
	qp->type = in->qp_type;
	qp->pd = pd;
	qp->send_cq = in->send_cq;
	qp->recv_cq = in->recv_cq;
	qp->srq = in->srq;
	qp->qp_context = in->qp_context;
	qp->sq_sig_all = in->sq_sig_all;
	qp->attr.qp_state = ROCE_QPS_RESET;
	qp->attr.cap = in->cap;
	qp->attr.port_num = 1;
	qp->attr.path_mtu = e->active_mtu;
	roce_list_init(&qp->lane_node);
	roce_list_init(&qp->resp.ack_node);
	roce_list_init(&qp->resp.read_node);
	roce_timer_init(&qp->comp.rto, NULL);
	roce_timer_init(&qp->comp.rnr, NULL);
	roce_comp_init(qp);
	qp_set_sport(qp);
}

int
roce_create_qp(struct roce_pd *pd, const struct roce_qp_init_attr *in,
    struct roce_qp **out)
{
	struct roce_engine *e = pd->e;
	struct roce_qp *qp;
	uint32_t slot;
	int err;

	err = init_attr_check(e, in);
	if (err)
		return err;
	err = qpn_slot(e, &slot);
	if (err)
		return err;
	/* two timers per QP (ACK timeout, RNR): arming never allocates */
	err = roce_timers_reserve(&e->timers, 2 * (e->nqp + 1));
	if (err)
		return err;
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return -ENOMEM;
	err = qp_alloc_queues(qp, in);
	if (err) {
		free(qp);
		return err;
	}
	/* commit: nothing below may fail */
	qp_init_fields(qp, pd, in, slot);
	roce_qp_set_lane(qp, in->lane);
	pd->refs++;
	in->send_cq->refs++;
	in->recv_cq->refs++;
	if (in->srq)
		in->srq->refs++;
	e->qps[slot] = qp;
	e->nqp++;
	*out = qp;
	return 0;
}

int
roce_destroy_qp(struct roce_qp *qp)
{
	struct roce_engine *e = qp->e;

	roce_comp_stop(qp);
	roce_read_stop(qp);
	if (roce_list_linked(&qp->resp.ack_node))
		roce_list_del(&qp->resp.ack_node);
	roce_list_del(&qp->lane_node);
	e->qps[qp->qpn - ROCE_QPN_BASE] = NULL;
	e->nqp--;
	qp->pd->refs--;
	qp->send_cq->refs--;
	qp->recv_cq->refs--;
	if (qp->srq)
		qp->srq->refs--;
	roce_rq_fini(&qp->rq);
	free(qp->sq.inline_buf);
	free(qp->sq.ring);
	free(qp);
	return 0;
}

uint32_t
roce_qp_num(const struct roce_qp *qp)
{
	return qp->qpn;
}

enum roce_qp_state
roce_qp_state(const struct roce_qp *qp)
{
	return qp->attr.qp_state;
}

const struct roce_counters *
roce_qp_counters(const struct roce_qp *qp)
{
	return &qp->cnt;
}
