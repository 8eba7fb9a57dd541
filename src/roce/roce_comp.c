/*
 * The completer (IBA vol. 1, 9.7, reliable service): reads what the
 * responder sends back
 * -- ACK, NAK, RNR NAK, READ responses, atomic ACKs -- and completes send
 * WQEs in order; runs the Local ACK Timeout and the RNR timer; decides
 * when to go back N (roce_req_rewind) and when the QP fails.
 *
 * Each received response goes through: check (state, PSN window) ->
 * implicit acknowledgement of everything before it -> its own action.
 */
#include <errno.h>

#include "roce/roce_int.h"

static uint32_t
psn_prev(uint32_t psn)
{
	return (psn - 1) & ROCE_PSN_MASK;
}

static bool
is_read(const struct roce_swqe *wqe)
{
	return wqe->wr.opcode == ROCE_WR_RDMA_READ;
}

static bool
is_atomic(const struct roce_swqe *wqe)
{
	return wqe->wr.opcode == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    wqe->wr.opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD;
}

static struct roce_swqe *
head_wqe(struct roce_qp *qp)
{
	if (qp->sq.head == qp->sq.tail)
		return NULL;
	return roce_sq_at(&qp->sq, qp->sq.head);
}

static bool
outstanding(const struct roce_qp *qp)
{
	return qp->comp.psn != qp->req.psn || qp->req.psn != qp->req.max_psn;
}

/* ---- timers ---- */

void
roce_comp_stop(struct roce_qp *qp)
{
	roce_timer_cancel(&qp->e->timers, &qp->comp.rto);
	roce_timer_cancel(&qp->e->timers, &qp->comp.rnr);
}

static void
rto_restart(struct roce_qp *qp)
{
	uint64_t t = roce_ack_timeout_ns(qp->attr.timeout);

	if (t == UINT64_MAX)
		return;
	roce_timer_arm(&qp->e->timers, &qp->comp.rto, roce_now(qp->e) + t);
}

void
roce_comp_timer_update(struct roce_qp *qp)
{
	bool run = (qp->attr.qp_state == ROCE_QPS_RTS ||
	    qp->attr.qp_state == ROCE_QPS_SQD) && !qp->req.rnr_wait &&
	    outstanding(qp);

	if (!run)
		roce_timer_cancel(&qp->e->timers, &qp->comp.rto);
	else if (!roce_timer_armed(&qp->comp.rto))
		rto_restart(qp);
}

/* The oldest WQE fails with status; the QP goes to ERR (10.3.1). */
static void
fail_head(struct roce_qp *qp, enum roce_wc_status status)
{
	struct roce_swqe *wqe = head_wqe(qp);

	if (wqe)
		roce_sq_complete(qp, wqe, status);
	roce_qp_to_err(qp);
}

/* SQD: the last started WQE is acknowledged; tell the owner once. */
void
roce_comp_sqd_check(struct roce_qp *qp)
{
	struct roce_swqe *wqe = head_wqe(qp);

	if (qp->attr.qp_state != ROCE_QPS_SQD || !qp->attr.sq_draining)
		return;
	if (wqe && wqe->state != ROCE_SWQE_POSTED)
		return;
	qp->attr.sq_draining = 0;
	if (qp->attr.en_sqd_async_notify)
		roce_event(qp->e, &(struct roce_event){
		    .type = ROCE_EVENT_SQ_DRAINED, .qp = qp });
}

void
roce_comp_local_error(struct roce_qp *qp)
{
	struct roce_swqe *wqe = head_wqe(qp);

	if (wqe && wqe->local_err)
		fail_head(qp, ROCE_WC_LOC_PROT_ERR);
}

/* Go back N from comp.psn, once per PSN until progress is made; a NAK
 * or a gap costs a retry as a timeout does (as Soft-RoCE counts them). */
static void
retry(struct roce_qp *qp, bool timeout)
{
	if (!timeout && qp->comp.rewound && qp->req.psn != qp->comp.psn)
		return;
	if (qp->comp.retry_left == 0) {
		fail_head(qp, ROCE_WC_RETRY_EXC_ERR);
		return;
	}
	qp->comp.retry_left--;
	if (!timeout)
		roce_cnt_inc(qp, seq_rewinds);
	roce_req_rewind(qp);
	rto_restart(qp);
	roce_req_run(qp);
}

/* No response within the Local ACK Timeout. */
static void
rto_fired(struct roce_timer *t, uint64_t now)
{
	struct roce_qp *qp = container_of(t, struct roce_qp, comp.rto);

	if (!outstanding(qp) || qp->req.rnr_wait)
		return;
	roce_cnt_inc(qp, timeouts);
	retry(qp, true);
}

/* The RNR NAK's wait is over: send again from its PSN. */
static void
rnr_fired(struct roce_timer *t, uint64_t now)
{
	struct roce_qp *qp = container_of(t, struct roce_qp, comp.rnr);

	qp->req.rnr_wait = false;
	roce_req_rewind(qp);
	roce_req_run(qp);
}

void
roce_comp_init(struct roce_qp *qp)
{
	roce_comp_stop(qp);
	qp->comp.rto.fn = rto_fired;
	qp->comp.rnr.fn = rnr_fired;
	qp->comp.psn = qp->attr.sq_psn;
	qp->comp.retry_left = qp->attr.retry_cnt;
	qp->comp.rnr_left = qp->attr.rnr_retry;
	qp->comp.rewound = false;
}

/* ---- acknowledgement ---- */

/* comp.psn moved: the peer is alive. */
static void
progress(struct roce_qp *qp)
{
	qp->comp.retry_left = qp->attr.retry_cnt;
	qp->comp.rewound = false;
	if (outstanding(qp))
		rto_restart(qp);
	roce_comp_local_error(qp);
	roce_comp_sqd_check(qp);
	if (qp->attr.qp_state == ROCE_QPS_ERR)
		return;
	/* a late ACK may pass a requester that went back */
	if ((int32_t)(qp->req.wqe - qp->sq.head) < 0 ||
	    roce_psn_cmp(qp->req.psn, qp->comp.psn) < 0)
		roce_req_rewind(qp);
}

enum ack_result { ACK_OK, ACK_GAP };

/*
 * Everything up to psn is acknowledged (an ACK acknowledges the packets
 * before it too: ACKs are coalesced). A READ or atomic that ends before psn and
 * was not answered lost its response: ACK_GAP (an implicit NAK).
 */
static enum ack_result
ack_through(struct roce_qp *qp, uint32_t psn)
{
	uint32_t start = qp->comp.psn;
	struct roce_swqe *wqe;
	enum ack_result r = ACK_OK;

	while ((wqe = head_wqe(qp)) && !wqe->local_err &&
	    wqe->state != ROCE_SWQE_POSTED) {
		if (roce_psn_cmp(wqe->last_psn, psn) > 0) {
			if (!is_read(wqe) && !is_atomic(wqe) &&
			    roce_psn_cmp(psn, qp->comp.psn) >= 0)
				qp->comp.psn = roce_psn_add(psn, 1);
			break;
		}
		if (is_read(wqe) || is_atomic(wqe)) {
			roce_cnt_inc(qp, implicit_naks);
			r = ACK_GAP;
			break;
		}
		qp->comp.psn = roce_psn_add(wqe->last_psn, 1);
		roce_sq_complete(qp, wqe, ROCE_WC_SUCCESS);
	}
	if (qp->comp.psn != start)
		progress(qp);
	return r;
}

static void
rx_ack(struct roce_qp *qp, const struct roce_pkt *p)
{
	roce_cnt_inc(qp, acks_rcvd);
	if (ack_through(qp, p->psn) == ACK_GAP)
		retry(qp, false);
}

static const enum roce_wc_status nak_status[ROCE_NAK_CODE_COUNT] = {
	[ROCE_NAK_INVALID_REQUEST] = ROCE_WC_REM_INV_REQ_ERR,
	[ROCE_NAK_REMOTE_ACCESS_ERROR] = ROCE_WC_REM_ACCESS_ERR,
	[ROCE_NAK_REMOTE_OPERATIONAL_ERROR] = ROCE_WC_REM_OP_ERR,
	[ROCE_NAK_INVALID_RD_REQUEST] = ROCE_WC_REM_INV_RD_REQ_ERR,
};

/* A NAK acknowledges the PSNs before its own; its code (table 44) says
 * whether to go back (PSN sequence error) or fail the WQE. */
static void
rx_nak(struct roce_qp *qp, const struct roce_pkt *p)
{
	uint8_t code = roce_aeth_value(p->aeth.syndrome);

	if (code >= ROCE_NAK_CODE_COUNT) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_RESP]);
		return;
	}
	roce_cnt_inc(qp, naks_rcvd[code]);
	if (ack_through(qp, psn_prev(p->psn)) == ACK_GAP) {
		retry(qp, false);
		return;
	}
	if (code != ROCE_NAK_PSN_SEQUENCE_ERROR) {
		fail_head(qp, nak_status[code]);
		return;
	}
	if (!qp->req.rnr_wait)
		retry(qp, false);
}

/* RNR NAK: wait the time it names (table 45), then send again from its
 * PSN; rnr_retry 7 means for ever (ibv_modify_qp(3)). */
static void
rx_rnr_nak(struct roce_qp *qp, const struct roce_pkt *p)
{
	uint64_t wait = roce_rnr_timer_ns(roce_aeth_value(p->aeth.syndrome));

	roce_cnt_inc(qp, rnr_naks_rcvd);
	if (qp->req.rnr_wait && p->psn == qp->comp.psn)
		return;		/* a copy of the one we are waiting out */
	if (ack_through(qp, psn_prev(p->psn)) == ACK_GAP) {
		retry(qp, false);
		return;
	}
	if (qp->comp.rnr_left == 0) {
		fail_head(qp, ROCE_WC_RNR_RETRY_EXC_ERR);
		return;
	}
	if (qp->attr.rnr_retry != 7)
		qp->comp.rnr_left--;
	qp->req.rnr_wait = true;
	roce_req_rewind(qp);
	roce_timer_cancel(&qp->e->timers, &qp->comp.rto);
	roce_timer_arm(&qp->e->timers, &qp->comp.rnr, roce_now(qp->e) + wait);
}

/* The READ response with the next expected PSN: data to the SGEs. */
static void
read_data(struct roce_qp *qp, struct roce_swqe *wqe, const struct roce_pkt *p)
{
	uint32_t mtu = roce_qp_mtu(qp);
	uint32_t off = ((p->psn - wqe->first_psn) & ROCE_PSN_MASK) * mtu;
	uint32_t rest = wqe->length - MIN(off, wqe->length);
	bool end = p->op->flags & ROCE_F_END;

	if (off > wqe->length || (end && p->payload_len != rest) ||
	    (!end && (p->payload_len != mtu || rest <= mtu))) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_RESP]);
		return;
	}
	if (roce_sgl_copy(qp, wqe->sge, (uint32_t)wqe->wr.num_sge, off,
	    (void *)p->payload, p->payload_len, true)) {
		fail_head(qp, ROCE_WC_LOC_PROT_ERR);
		return;
	}
	qp->comp.psn = roce_psn_add(p->psn, 1);
	if (end)
		roce_sq_complete(qp, wqe, ROCE_WC_SUCCESS);
	progress(qp);
}

static void
rx_read_resp(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_swqe *wqe;

	if (ack_through(qp, psn_prev(p->psn)) == ACK_GAP) {
		retry(qp, false);
		return;
	}
	wqe = head_wqe(qp);
	if (!wqe || !is_read(wqe) || wqe->state == ROCE_SWQE_POSTED ||
	    roce_psn_cmp(p->psn, wqe->first_psn) < 0 ||
	    roce_psn_cmp(p->psn, wqe->last_psn) > 0) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_RESP]);
		return;
	}
	if (p->psn != qp->comp.psn) {	/* responses lost before it */
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_OUT_OF_SEQ]);
		retry(qp, false);
		return;
	}
	read_data(qp, wqe, p);
}

/* The original value goes to the local buffer, in host order. */
static void
rx_atomic_ack(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_swqe *wqe;
	uint64_t orig = p->atomicack_orig;

	if (ack_through(qp, psn_prev(p->psn)) == ACK_GAP) {
		retry(qp, false);
		return;
	}
	wqe = head_wqe(qp);
	if (!wqe || !is_atomic(wqe) || wqe->state == ROCE_SWQE_POSTED ||
	    wqe->first_psn != p->psn || p->psn != qp->comp.psn) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_RESP]);
		return;
	}
	if (roce_sgl_copy(qp, wqe->sge, 1, 0, &orig, sizeof(orig), true)) {
		fail_head(qp, ROCE_WC_LOC_PROT_ERR);
		return;
	}
	qp->comp.psn = roce_psn_add(p->psn, 1);
	roce_sq_complete(qp, wqe, ROCE_WC_SUCCESS);
	progress(qp);
}

/* Responses to PSNs never sent, or already acknowledged, change nothing. */
static bool
comp_check(struct roce_qp *qp, const struct roce_pkt *p)
{
	enum roce_qp_state s = qp->attr.qp_state;

	if (s != ROCE_QPS_RTS && s != ROCE_QPS_SQD) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_QP_STATE]);
		return false;
	}
	if (roce_psn_cmp(p->psn, qp->req.max_psn) >= 0) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_GHOST]);
		return false;
	}
	if (roce_psn_cmp(p->psn, qp->comp.psn) < 0) {
		roce_cnt_inc(qp, dup_responses);
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_STALE]);
		return false;
	}
	return true;
}

void
roce_comp_rx(struct roce_qp *qp, const struct roce_pkt *p)
{
	uint32_t f = p->op->flags;

	if (!comp_check(qp, p))
		return;
	if ((f & ROCE_F_AETH) && roce_aeth_kind(p->aeth.syndrome) ==
	    ROCE_AETH_NAK)
		rx_nak(qp, p);
	else if ((f & ROCE_F_AETH) && roce_aeth_kind(p->aeth.syndrome) ==
	    ROCE_AETH_RNR_NAK)
		rx_rnr_nak(qp, p);
	else if ((f & ROCE_F_AETH) && !roce_aeth_syndrome_valid(
	    p->aeth.syndrome))
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_RESP]);
	else if (f & ROCE_F_READ_RESP)
		rx_read_resp(qp, p);
	else if (f & ROCE_F_ATMACK)
		rx_atomic_ack(qp, p);
	else
		rx_ack(qp, p);
	roce_req_run(qp);
}
