/* Posting work requests, writing their completions, flushing. */
#include <errno.h>
#include <string.h>

#include "roce/roce_int.h"

static const char *const wr_opcode_names[] = {
#define ROCE_WR_NAME(n, v) [v] = #n,
	ROCE_WR_OPCODES(ROCE_WR_NAME)
#undef ROCE_WR_NAME
};
static_assert(ARRAY_SIZE(wr_opcode_names) == ROCE_WR_COUNT, "WR names");

const char *
roce_wr_opcode_name(enum roce_wr_opcode op)
{
	return (unsigned)op < ROCE_WR_COUNT ? wr_opcode_names[op] : "?";
}

static const char *const wc_status_names[] = {
#define ROCE_WC_NAME(n) [ROCE_WC_##n] = #n,
	ROCE_WC_STATUSES(ROCE_WC_NAME)
#undef ROCE_WC_NAME
};
static_assert(ARRAY_SIZE(wc_status_names) == ROCE_WC_STATUS_COUNT,
    "WC status names");

const char *
roce_wc_status_str(enum roce_wc_status s)
{
	return (unsigned)s < ROCE_WC_STATUS_COUNT ? wc_status_names[s] : "?";
}

static const enum roce_wc_opcode wc_opcode_of[ROCE_WR_COUNT] = {
	[ROCE_WR_RDMA_WRITE] = ROCE_WC_RDMA_WRITE,
	[ROCE_WR_RDMA_WRITE_WITH_IMM] = ROCE_WC_RDMA_WRITE,
	[ROCE_WR_SEND] = ROCE_WC_SEND,
	[ROCE_WR_SEND_WITH_IMM] = ROCE_WC_SEND,
	[ROCE_WR_RDMA_READ] = ROCE_WC_RDMA_READ,
	[ROCE_WR_ATOMIC_CMP_AND_SWP] = ROCE_WC_COMP_SWAP,
	[ROCE_WR_ATOMIC_FETCH_AND_ADD] = ROCE_WC_FETCH_ADD,
};

/* ---- completions ---- */

/*
 * A completion the CQ had no room for: the QP cannot report its work any
 * more, a local catastrophic error (IBA 11.6.3.1): QP_FATAL after the
 * CQ's CQ_ERR, and ERR.
 */
static void
cq_lost(struct roce_qp *qp)
{
	roce_cnt_inc(qp, cq_overflows);
	if (qp->attr.qp_state == ROCE_QPS_ERR)
		return;
	roce_event(qp->e, &(struct roce_event){
	    .type = ROCE_EVENT_QP_FATAL, .qp = qp });
	roce_qp_to_err(qp);
}

void
roce_sq_complete(struct roce_qp *qp, struct roce_swqe *wqe,
    enum roce_wc_status status)
{
	bool signaled = qp->sq_sig_all ||
	    (wqe->wr.send_flags & ROCE_SEND_SIGNALED);
	struct roce_wc wc = {
		.wr_id = wqe->wr.wr_id, .status = status,
		.opcode = wc_opcode_of[wqe->wr.opcode],
		.byte_len = wqe->length, .qp_num = qp->qpn,
	};

	assert(wqe == roce_sq_at(&qp->sq, qp->sq.head));
	wqe->state = ROCE_SWQE_DONE;
	qp->sq.head++;
	if (!signaled && status == ROCE_WC_SUCCESS)
		return;
	roce_cnt_inc(qp, completions);
	if (status != ROCE_WC_SUCCESS)
		roce_cnt_inc(qp, wc_errors);
	if (!roce_cq_post(qp->send_cq, &wc, false))
		cq_lost(qp);
}

void
roce_recv_complete(struct roce_qp *qp, const struct roce_rwqe *r,
    const struct roce_wc *wc, bool solicited)
{
	struct roce_wc c = *wc;

	c.wr_id = r->wr_id;
	c.qp_num = qp->qpn;
	roce_cnt_inc(qp, completions);
	if (c.status != ROCE_WC_SUCCESS)
		roce_cnt_inc(qp, wc_errors);
	if (!roce_cq_post(qp->recv_cq, &c, solicited))
		cq_lost(qp);
}

/* 10.3.1 (Error state): outstanding and new WRs complete in error. */
void
roce_flush_sq(struct roce_qp *qp)
{
	while (qp->sq.head != qp->sq.tail)
		roce_sq_complete(qp, roce_sq_at(&qp->sq, qp->sq.head),
		    ROCE_WC_WR_FLUSH_ERR);
	qp->req.wqe = qp->sq.tail;
	qp->req.offset = 0;
}

void
roce_flush_rq(struct roce_qp *qp)
{
	struct roce_rwqe r;

	if (qp->resp.has_recv) {
		qp->resp.has_recv = false;
		roce_recv_complete(qp, &qp->resp.recv, &(struct roce_wc){
		    .status = ROCE_WC_WR_FLUSH_ERR, .opcode = ROCE_WC_RECV },
		    false);
	}
	if (qp->srq) {
		roce_event(qp->e, &(struct roce_event){
		    .type = ROCE_EVENT_QP_LAST_WQE_REACHED, .qp = qp });
		return;
	}
	while (qp->rq.head != qp->rq.tail) {
		r = qp->rq.ring[qp->rq.head++ & (qp->rq.size - 1)];
		roce_recv_complete(qp, &r, &(struct roce_wc){
		    .status = ROCE_WC_WR_FLUSH_ERR, .opcode = ROCE_WC_RECV },
		    false);
	}
}

/* ---- post_send ---- */

static bool
opcode_ok(const struct roce_qp *qp, enum roce_wr_opcode op)
{
	if ((unsigned)op >= ROCE_WR_COUNT)
		return false;
	if (qp->type == ROCE_QPT_UD)
		return op == ROCE_WR_SEND || op == ROCE_WR_SEND_WITH_IMM;
	return true;
}

static bool
is_atomic(enum roce_wr_opcode op)
{
	return op == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    op == ROCE_WR_ATOMIC_FETCH_AND_ADD;
}

static int
send_wr_check(const struct roce_qp *qp, const struct roce_send_wr *wr)
{
	uint64_t len;

	if (!opcode_ok(qp, wr->opcode) || wr->num_sge < 0 ||
	    (uint32_t)wr->num_sge > qp->attr.cap.max_send_sge)
		return -EINVAL;
	len = roce_sgl_len(wr->sg_list, (uint32_t)wr->num_sge);
	if (len > ROCE_MAX_MSG)
		return -EINVAL;
	if ((wr->send_flags & ROCE_SEND_INLINE) &&
	    (len > qp->attr.cap.max_inline_data || wr->opcode ==
	    ROCE_WR_RDMA_READ || is_atomic(wr->opcode)))
		return -EINVAL;
	if (is_atomic(wr->opcode) && (wr->num_sge != 1 || len != 8 ||
	    wr->wr.atomic.remote_addr % 8))
		return -EINVAL;
	if (qp->type == ROCE_QPT_UD && (!wr->wr.ud.ah ||
	    wr->wr.ud.ah->pd != qp->pd || len > roce_qp_mtu(qp) ||
	    wr->wr.ud.remote_qpn > ROCE_QPN_MASK))
		return -EINVAL;
	if (qp->sq.tail - qp->sq.head >= qp->sq.max_wr)
		return -ENOMEM;
	return 0;
}

/* Inline data is read from the WR's addresses now (no lkey, verbs). */
static void
copy_inline(struct roce_swqe *wqe)
{
	uint32_t off = 0;

	for (int i = 0; i < wqe->wr.num_sge; i++) {
		memcpy(wqe->inline_data + off,
		    (const void *)(uintptr_t)wqe->sge[i].addr,
		    wqe->sge[i].length);
		off += wqe->sge[i].length;
	}
	wqe->is_inline = true;
}

static void
sq_push(struct roce_qp *qp, const struct roce_send_wr *wr)
{
	struct roce_swqe *wqe = roce_sq_at(&qp->sq, qp->sq.tail);

	wqe->wr = *wr;
	wqe->wr.next = NULL;
	wqe->wr.sg_list = wqe->sge;
	if (wr->num_sge)
		memcpy(wqe->sge, wr->sg_list, wr->num_sge * sizeof(*wqe->sge));
	wqe->length = (uint32_t)roce_sgl_len(wr->sg_list,
	    (uint32_t)wr->num_sge);
	wqe->state = ROCE_SWQE_POSTED;
	wqe->is_inline = false;
	wqe->inline_data = qp->sq.inline_buf + (size_t)(qp->sq.tail &
	    (qp->sq.size - 1)) * qp->attr.cap.max_inline_data;
	wqe->local_err = false;
	wqe->first_psn = wqe->last_psn = 0;
	if (wr->send_flags & ROCE_SEND_INLINE)
		copy_inline(wqe);
	qp->sq.tail++;
}

static bool
can_post_send(enum roce_qp_state s)
{
	return s == ROCE_QPS_RTS || s == ROCE_QPS_SQD || s == ROCE_QPS_SQE ||
	    s == ROCE_QPS_ERR;
}

int
roce_post_send(struct roce_qp *qp, struct roce_send_wr *wr,
    struct roce_send_wr **bad_wr)
{
	int err = 0;

	if (!can_post_send(qp->attr.qp_state)) {
		err = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		err = send_wr_check(qp, wr);
		if (err)
			break;
		sq_push(qp, wr);
	}
	if (qp->attr.qp_state == ROCE_QPS_ERR ||
	    qp->attr.qp_state == ROCE_QPS_SQE)
		roce_flush_sq(qp);
	else
		roce_req_run(qp);
out:
	if (err && bad_wr)
		*bad_wr = wr;
	return err;
}

int
roce_post_recv(struct roce_qp *qp, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr)
{
	int err = 0;

	if (qp->attr.qp_state == ROCE_QPS_RESET || qp->srq)
		err = -EINVAL;
	for (; wr && !err; wr = wr->next) {
		err = roce_rq_post(&qp->rq, wr);
		if (err)
			break;
	}
	if (err && bad_wr)
		*bad_wr = wr;
	if (qp->attr.qp_state == ROCE_QPS_ERR)
		roce_flush_rq(qp);
	return err;
}
