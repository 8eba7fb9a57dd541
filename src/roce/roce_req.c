/*
 * The requester (IBA vol. 1, 9.7): turns send WQEs into request packets,
 * one PSN each (a READ takes one PSN per response packet it asks for),
 * segmented by the path MTU. It stops at the end of the send queue, when
 * ROCE_REQ_WINDOW PSNs are unacknowledged, at a fence, at max_rd_atomic
 * outstanding READs/atomics, and while an RNR NAK timer runs.
 *
 * Retransmission is go-back-N: roce_req_rewind() puts the requester back
 * at the oldest unacknowledged PSN and the WQEs are segmented again; the
 * same WQE always yields the same packets, so nothing is stored.
 */
#include <errno.h>
#include <string.h>

#include "roce/roce_int.h"

enum req_step {
	REQ_SENT,		/* a packet went out: go on */
	REQ_SKIP,		/* nothing sent, but go on */
	REQ_IDLE,		/* nothing to do until something changes */
};

/* Opcode by message position: [first, middle, last, last+imm, only,
 * only+imm]. */
enum seg { SEG_FIRST, SEG_MIDDLE, SEG_LAST, SEG_LAST_IMM, SEG_ONLY,
	SEG_ONLY_IMM, SEG_COUNT };

static const uint8_t send_ops[SEG_COUNT] = {
	ROCE_OP_RC_SEND_FIRST, ROCE_OP_RC_SEND_MIDDLE, ROCE_OP_RC_SEND_LAST,
	ROCE_OP_RC_SEND_LAST_WITH_IMMEDIATE, ROCE_OP_RC_SEND_ONLY,
	ROCE_OP_RC_SEND_ONLY_WITH_IMMEDIATE,
};
static const uint8_t write_ops[SEG_COUNT] = {
	ROCE_OP_RC_RDMA_WRITE_FIRST, ROCE_OP_RC_RDMA_WRITE_MIDDLE,
	ROCE_OP_RC_RDMA_WRITE_LAST, ROCE_OP_RC_RDMA_WRITE_LAST_WITH_IMMEDIATE,
	ROCE_OP_RC_RDMA_WRITE_ONLY,
	ROCE_OP_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,
};

static uint32_t
psn_diff(uint32_t a, uint32_t b)
{
	return (a - b) & ROCE_PSN_MASK;
}

static bool
wr_is_rd_atomic(enum roce_wr_opcode op)
{
	return op == ROCE_WR_RDMA_READ || op == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    op == ROCE_WR_ATOMIC_FETCH_AND_ADD;
}

static bool
wr_is_send(enum roce_wr_opcode op)
{
	return op == ROCE_WR_SEND || op == ROCE_WR_SEND_WITH_IMM;
}

static bool
wr_has_imm(enum roce_wr_opcode op)
{
	return op == ROCE_WR_SEND_WITH_IMM || op == ROCE_WR_RDMA_WRITE_WITH_IMM;
}

/* Packets (PSNs) a message of len bytes takes. */
static uint32_t
npkts(const struct roce_qp *qp, uint32_t len)
{
	uint32_t mtu = roce_qp_mtu(qp);

	return len ? (len + mtu - 1) / mtu : 1;
}

static uint32_t
wqe_npsn(const struct roce_qp *qp, const struct roce_swqe *wqe)
{
	if (wqe->wr.opcode == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    wqe->wr.opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD)
		return 1;
	return npkts(qp, wqe->length);
}

/* READs and atomics started and not completed, before req.wqe. */
static uint32_t
rd_atomic_outstanding(const struct roce_qp *qp)
{
	uint32_t n = 0;

	for (uint32_t i = qp->sq.head; i != qp->req.wqe; i++)
		n += wr_is_rd_atomic(roce_sq_at(&qp->sq, i)->wr.opcode);
	return n;
}

/* Whether a WQE may start: a fenced one waits for every READ and atomic
 * before it to complete; at most max_rd_atomic of those outstanding. */
static bool
may_start(const struct roce_qp *qp, const struct roce_swqe *wqe)
{
	uint32_t out = 0;

	if ((wqe->wr.send_flags & ROCE_SEND_FENCE) || wr_is_rd_atomic(
	    wqe->wr.opcode))
		out = rd_atomic_outstanding(qp);
	if ((wqe->wr.send_flags & ROCE_SEND_FENCE) && out)
		return false;
	return !wr_is_rd_atomic(wqe->wr.opcode) ||
	    out < MAX(qp->attr.max_rd_atomic, 1);
}

/* Every local SGE of the WQE readable (send, write) or writable. */
static int
check_local(const struct roce_qp *qp, const struct roce_swqe *wqe)
{
	unsigned access = wr_is_rd_atomic(wqe->wr.opcode) ?
	    ROCE_ACCESS_LOCAL_WRITE : 0;
	int err;

	if (wqe->is_inline)
		return 0;
	for (int i = 0; i < wqe->wr.num_sge; i++) {
		if (!wqe->sge[i].length)
			continue;
		if (!roce_sge_check(qp, &wqe->sge[i], 0, wqe->sge[i].length,
		    access, &err))
			return -EACCES;
	}
	return 0;
}

static bool
window_full(const struct roce_qp *qp)
{
	return psn_diff(qp->req.psn, qp->comp.psn) >= ROCE_REQ_WINDOW;
}

static enum seg
segment_of(const struct roce_swqe *wqe, uint32_t off, uint32_t n)
{
	bool imm = wr_has_imm(wqe->wr.opcode);
	bool last = off + n >= wqe->length;

	if (off == 0 && last)
		return imm ? SEG_ONLY_IMM : SEG_ONLY;
	if (off == 0)
		return SEG_FIRST;
	if (last)
		return imm ? SEG_LAST_IMM : SEG_LAST;
	return SEG_MIDDLE;
}

/* Payload of the next send/write packet into the engine's scratch. */
static int
gather(struct roce_qp *qp, const struct roce_swqe *wqe, uint32_t off,
    uint32_t n)
{
	if (wqe->is_inline) {
		memcpy(qp->e->scratch, wqe->inline_data + off, n);
		return 0;
	}
	return roce_sgl_copy(qp, wqe->sge, (uint32_t)wqe->wr.num_sge, off,
	    qp->e->scratch, n, false);
}

static bool
want_ackreq(struct roce_qp *qp, bool last)
{
	if (last || ++qp->req.since_ackreq >= ROCE_ACKREQ_EVERY ||
	    psn_diff(qp->req.psn, qp->comp.psn) + 1 >= ROCE_REQ_WINDOW) {
		qp->req.since_ackreq = 0;
		return true;
	}
	return false;
}

/* Count a packet sent before (behind the highest PSN sent), and move
 * that mark past the n PSNs from psn. */
static void
count_sent(struct roce_qp *qp, uint32_t psn, uint32_t n)
{
	uint32_t end = roce_psn_add(psn, n);

	if (roce_psn_cmp(psn, qp->req.max_psn) < 0)
		roce_cnt_inc(qp, retransmits);
	if (roce_psn_cmp(end, qp->req.max_psn) > 0)
		qp->req.max_psn = end;
}

/* A SEND or RDMA WRITE packet from req.offset. */
static int
send_data_pkt(struct roce_qp *qp, struct roce_swqe *wqe)
{
	uint32_t n = MIN(roce_qp_mtu(qp), wqe->length - qp->req.offset);
	enum seg s = segment_of(wqe, qp->req.offset, n);
	bool send = wr_is_send(wqe->wr.opcode);
	struct roce_pkt p;
	int err;

	err = gather(qp, wqe, qp->req.offset, n);
	if (err)
		return err;
	roce_tx_bth(qp, &p, send ? send_ops[s] : write_ops[s],
	    qp->attr.dest_qp_num, qp->req.psn);
	if (!send && (s == SEG_FIRST || s == SEG_ONLY || s == SEG_ONLY_IMM))
		p.reth = (struct roce_reth){ .va = wqe->wr.wr.rdma.remote_addr,
		    .rkey = wqe->wr.wr.rdma.rkey, .dma_len = wqe->length };
	p.immdt = wqe->wr.imm_data;
	p.se = send && s >= SEG_LAST && (wqe->wr.send_flags &
	    ROCE_SEND_SOLICITED);
	p.ackreq = want_ackreq(qp, s >= SEG_LAST);
	count_sent(qp, qp->req.psn, 1);
	roce_tx(qp, &qp->attr.ah_attr, &p, qp->e->scratch, n);
	qp->req.offset += n;
	qp->req.psn = roce_psn_add(qp->req.psn, 1);
	return 0;
}

/* An RDMA READ request for the bytes from req.offset on. */
static void
send_read_req(struct roce_qp *qp, struct roce_swqe *wqe)
{
	uint32_t rest = wqe->length - qp->req.offset;
	struct roce_pkt p;

	roce_tx_bth(qp, &p, ROCE_OP_RC_RDMA_READ_REQUEST,
	    qp->attr.dest_qp_num, qp->req.psn);
	p.reth = (struct roce_reth){
		.va = wqe->wr.wr.rdma.remote_addr + qp->req.offset,
		.rkey = wqe->wr.wr.rdma.rkey, .dma_len = rest,
	};
	p.ackreq = true;
	qp->req.since_ackreq = 0;
	count_sent(qp, qp->req.psn, npkts(qp, rest));
	roce_tx(qp, &qp->attr.ah_attr, &p, NULL, 0);
	qp->req.psn = roce_psn_add(qp->req.psn, npkts(qp, rest));
	qp->req.offset = wqe->length;
}

/* CmpSwap or FetchAdd: one packet, 8 bytes. */
static void
send_atomic_req(struct roce_qp *qp, struct roce_swqe *wqe)
{
	bool cas = wqe->wr.opcode == ROCE_WR_ATOMIC_CMP_AND_SWP;
	struct roce_pkt p;

	roce_tx_bth(qp, &p, cas ? ROCE_OP_RC_COMPARE_SWAP : ROCE_OP_RC_FETCH_ADD,
	    qp->attr.dest_qp_num, qp->req.psn);
	p.atomiceth = (struct roce_atomiceth){
		.va = wqe->wr.wr.atomic.remote_addr,
		.rkey = wqe->wr.wr.atomic.rkey,
		.swap_add = cas ? wqe->wr.wr.atomic.swap :
		    wqe->wr.wr.atomic.compare_add,
		.compare = cas ? wqe->wr.wr.atomic.compare_add : 0,
	};
	p.ackreq = true;
	qp->req.since_ackreq = 0;
	count_sent(qp, qp->req.psn, 1);
	roce_tx(qp, &qp->attr.ah_attr, &p, NULL, 0);
	qp->req.psn = roce_psn_add(qp->req.psn, 1);
	qp->req.offset = wqe->length;
}

/* A WQE the requester cannot read or write locally: it stops there; the
 * completer fails it when the WQEs before it are done (local protection
 * error), and the QP goes to ERR. */
static enum req_step
local_error(struct roce_qp *qp, struct roce_swqe *wqe)
{
	wqe->local_err = true;
	roce_comp_local_error(qp);
	return REQ_IDLE;
}

/* The first packet of a WQE: checks, PSN range. */
static enum req_step
start_wqe(struct roce_qp *qp, struct roce_swqe *wqe)
{
	if (!may_start(qp, wqe))
		return REQ_IDLE;
	if (check_local(qp, wqe))
		return local_error(qp, wqe);
	wqe->first_psn = qp->req.psn;
	wqe->last_psn = roce_psn_add(qp->req.psn, wqe_npsn(qp, wqe) - 1);
	wqe->state = ROCE_SWQE_STARTED;
	return REQ_SKIP;
}

/* In SQD (send queue drain) the WQEs already started are finished, and
 * sent again if need be; new ones wait for RTS. */
static bool
req_may_send(const struct roce_qp *qp, const struct roce_swqe *wqe)
{
	enum roce_qp_state s = qp->attr.qp_state;

	if (qp->req.rnr_wait || wqe->local_err)
		return false;
	if (s == ROCE_QPS_SQD)
		return wqe->state != ROCE_SWQE_POSTED;
	return s == ROCE_QPS_RTS;
}

static enum req_step
req_step(struct roce_qp *qp)
{
	struct roce_swqe *wqe;
	int err = 0;

	if (qp->req.wqe == qp->sq.tail || window_full(qp))
		return REQ_IDLE;
	wqe = roce_sq_at(&qp->sq, qp->req.wqe);
	if (!req_may_send(qp, wqe))
		return REQ_IDLE;
	if (qp->req.offset == 0 && wqe->state == ROCE_SWQE_POSTED)
		return start_wqe(qp, wqe);
	if (wqe->wr.opcode == ROCE_WR_RDMA_READ)
		send_read_req(qp, wqe);
	else if (wr_is_rd_atomic(wqe->wr.opcode))
		send_atomic_req(qp, wqe);
	else
		err = send_data_pkt(qp, wqe);
	if (err)
		return local_error(qp, wqe);
	if (qp->req.offset >= wqe->length) {
		wqe->state = ROCE_SWQE_SENT;
		qp->req.wqe++;
		qp->req.offset = 0;
	}
	return REQ_SENT;
}

void
roce_req_run(struct roce_qp *qp)
{
	if (qp->type == ROCE_QPT_UD) {
		while (qp->attr.qp_state == ROCE_QPS_RTS &&
		    qp->sq.head != qp->sq.tail)
			roce_ud_send(qp, roce_sq_at(&qp->sq, qp->sq.head));
		return;
	}
	while (req_step(qp) != REQ_IDLE)
		;
	roce_comp_timer_update(qp);
}

/*
 * Go back to the oldest unacknowledged PSN (go-back-N: the requester
 * retries from the first packet not acknowledged). A partly acknowledged
 * message resumes at its first unacknowledged packet; a READ asks for the
 * rest of its data (a retried READ may start inside the original one,
 * with its RETH moved on).
 */
void
roce_req_rewind(struct roce_qp *qp)
{
	struct roce_swqe *wqe;

	qp->req.wqe = qp->sq.head;
	qp->req.psn = qp->comp.psn;
	qp->req.offset = 0;
	qp->req.since_ackreq = 0;
	qp->comp.rewound = true;
	if (qp->sq.head == qp->sq.tail)
		return;
	wqe = roce_sq_at(&qp->sq, qp->sq.head);
	if (wqe->state == ROCE_SWQE_POSTED || wqe->local_err)
		return;
	if (wqe->wr.opcode != ROCE_WR_ATOMIC_CMP_AND_SWP &&
	    wqe->wr.opcode != ROCE_WR_ATOMIC_FETCH_AND_ADD)
		qp->req.offset = psn_diff(qp->comp.psn, wqe->first_psn) *
		    roce_qp_mtu(qp);
	if (qp->req.offset > wqe->length)
		qp->req.offset = 0;
}

void
roce_req_reset(struct roce_qp *qp)
{
	memset(&qp->req, 0, sizeof(qp->req));
}
