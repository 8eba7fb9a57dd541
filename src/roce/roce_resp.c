/*
 * The responder (IBA vol. 1, 9.7): checks each request packet, executes
 * SEND, RDMA WRITE, RDMA READ and atomics against registered memory, and
 * answers with (coalesced) ACKs, NAKs, RNR NAKs, READ responses and
 * atomic ACKs. Duplicates are answered without executing twice: SEND and
 * WRITE are re-ACKed, a READ runs again from its resource, an atomic's
 * saved result is sent again.
 *
 * The pipeline: state and source -> PSN -> opcode sequence -> QP access
 * -> execute. A remote access check (rkey, PD, bounds, access flag)
 * always comes before any byte of memory is touched.
 */
#include <errno.h>
#include <string.h>

#include "roce/roce_int.h"

enum resp_class {
	RESP_OK,
	RESP_DROP,		/* nothing sent, counted */
	RESP_DONE,		/* answered (NAK, RNR NAK, duplicate) */
};

static bool
op_is(const struct roce_pkt *p, uint32_t flags)
{
	return p->op->flags & flags;
}

/* ---- answers ---- */

static void
send_aeth(struct roce_qp *qp, uint8_t opcode, uint32_t psn, uint8_t syn)
{
	struct roce_pkt r;

	roce_tx_bth(qp, &r, opcode, qp->attr.dest_qp_num, psn);
	r.aeth = (struct roce_aeth){ .syndrome = syn, .msn = qp->resp.msn };
	roce_tx(qp, &qp->attr.ah_attr, &r, NULL, 0);
}

void
roce_resp_flush_ack(struct roce_qp *qp)
{
	if (roce_list_linked(&qp->resp.ack_node))
		roce_list_del(&qp->resp.ack_node);
	if (!qp->resp.ack_pending || roce_read_pending(qp))
		return;		/* after the READ data (roce_read_pump) */
	qp->resp.ack_pending = false;
	roce_cnt_inc(qp, acks_sent);
	send_aeth(qp, ROCE_OP_RC_ACKNOWLEDGE, qp->resp.ack_psn,
	    roce_aeth_ack(ROCE_AETH_CREDITS_INVALID));
}

/* ACK coalescing: one ACK, for the latest PSN, per receive burst. */
static void
ack_later(struct roce_qp *qp, uint32_t psn)
{
	qp->resp.ack_pending = true;
	qp->resp.ack_psn = psn;
	if (!roce_list_linked(&qp->resp.ack_node))
		roce_list_add_tail(&qp->e->ack_pending, &qp->resp.ack_node);
}

static void
send_nak(struct roce_qp *qp, uint32_t psn, enum roce_nak_code code)
{
	roce_read_drain(qp);
	roce_resp_flush_ack(qp);
	roce_cnt_inc(qp, naks_sent[code]);
	send_aeth(qp, ROCE_OP_RC_ACKNOWLEDGE, psn, roce_aeth_nak(code));
}

/* No receive WQE: the requester waits min_rnr_timer (table 45). */
static enum resp_class
send_rnr_nak(struct roce_qp *qp, uint32_t psn)
{
	roce_read_drain(qp);
	roce_resp_flush_ack(qp);
	roce_cnt_inc(qp, rnr_naks_sent);
	send_aeth(qp, ROCE_OP_RC_ACKNOWLEDGE, psn,
	    roce_aeth_rnr_nak(qp->attr.min_rnr_timer));
	qp->resp.nak_sent = true;
	return RESP_DONE;
}

/*
 * An error the responder cannot recover from (invalid request, remote
 * access or operational error): NAK it and take the QP to ERR, flushing
 * its receives.
 */
static enum resp_class
fatal(struct roce_qp *qp, const struct roce_pkt *p, enum roce_nak_code code)
{
	send_nak(qp, p->psn, code);
	roce_event(qp->e, &(struct roce_event){ .qp = qp,
	    .type = code == ROCE_NAK_REMOTE_ACCESS_ERROR ?
	    ROCE_EVENT_QP_ACCESS_ERR : ROCE_EVENT_QP_REQ_ERR });
	roce_qp_to_err(qp);
	return RESP_DONE;
}

static void
send_atomic_ack(struct roce_qp *qp, uint32_t psn, uint64_t orig)
{
	struct roce_pkt r;

	roce_read_drain(qp);
	roce_resp_flush_ack(qp);
	roce_tx_bth(qp, &r, ROCE_OP_RC_ATOMIC_ACKNOWLEDGE, qp->attr.dest_qp_num,
	    psn);
	r.aeth = (struct roce_aeth){
	    .syndrome = roce_aeth_ack(ROCE_AETH_CREDITS_INVALID),
	    .msn = qp->resp.msn };
	r.atomicack_orig = orig;
	roce_tx(qp, &qp->attr.ah_attr, &r, NULL, 0);
}

/* ---- remote memory ---- */

/* rkey, PD, bounds and access of [va, va + len): 0, or -errno. Any rkey
 * goes for len 0, which means nothing then (C9-88). */
static int
remote_access(struct roce_qp *qp, uint32_t rkey, uint64_t va, uint64_t len,
    unsigned access, struct roce_mr **out)
{
	struct roce_mr *mr;

	*out = NULL;
	if (len == 0)
		return 0;
	mr = roce_mr_find(qp->e, rkey, qp->pd);
	if (!mr)
		return -EACCES;
	*out = mr;
	return roce_mr_check(mr, va, len, access);
}

static uint32_t
resp_npkts(const struct roce_qp *qp, uint32_t len)
{
	uint32_t mtu = roce_qp_mtu(qp);

	return len ? (len + mtu - 1) / mtu : 1;
}

/* ---- duplicates ---- */

static enum resp_class
dup_read(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_res *res = roce_res_find(qp, p->psn, false);
	struct roce_mr *mr;

	if (!res || roce_psn_cmp(roce_psn_add(p->psn,
	    resp_npkts(qp, p->reth.dma_len) - 1), res->last_psn) > 0) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_OUT_OF_SEQ]);
		return RESP_DROP;
	}
	if (remote_access(qp, p->reth.rkey, p->reth.va, p->reth.dma_len,
	    ROCE_ACCESS_REMOTE_READ, &mr))
		return fatal(qp, p, ROCE_NAK_REMOTE_ACCESS_ERROR);
	roce_cnt_inc(qp, dup_reads);
	roce_read_start(qp, res, p->psn, p->reth.va, p->reth.rkey,
	    p->reth.dma_len);
	return RESP_DONE;
}

static enum resp_class
dup_atomic(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_res *res = roce_res_find(qp, p->psn, true);

	if (!res || res->first_psn != p->psn) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_OUT_OF_SEQ]);
		return RESP_DROP;
	}
	roce_cnt_inc(qp, dup_atomics);
	send_atomic_ack(qp, p->psn, res->orig);
	return RESP_DONE;
}

static enum resp_class
duplicate(struct roce_qp *qp, const struct roce_pkt *p)
{
	if (op_is(p, ROCE_F_READ))
		return dup_read(qp, p);
	if (op_is(p, ROCE_F_ATOMIC))
		return dup_atomic(qp, p);
	/* SEND, WRITE: acknowledge again, up to the last PSN received
	 * (C9-105) */
	roce_cnt_inc(qp, dup_requests);
	ack_later(qp, (qp->resp.psn - 1) & ROCE_PSN_MASK);
	return RESP_DONE;
}

/* ---- checks ---- */

static bool
src_is_peer(const struct roce_qp *qp, const struct roce_l2l3 *l)
{
	const uint8_t *d = qp->attr.ah_attr.grh.dgid.raw;

	if (l->ipv6)
		return !memcmp(d, l->saddr6, ROCE_GID_LEN);
	return roce_be32_load(d + 12) == l->saddr4 && d[10] == 0xff &&
	    d[11] == 0xff;
}

static enum resp_class
check_state(struct roce_qp *qp, const struct roce_pkt *p)
{
	enum roce_qp_state s = qp->attr.qp_state;

	if (s != ROCE_QPS_RTR && s != ROCE_QPS_RTS && s != ROCE_QPS_SQD) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_QP_STATE]);
		return RESP_DROP;
	}
	if (!src_is_peer(qp, &p->l2l3)) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_SRC]);
		return RESP_DROP;
	}
	/* 11.6.3.1: the first packet a QP in RTR receives establishes the
	 * connection (the consumer may move it to RTS then) */
	if (s == ROCE_QPS_RTR && !qp->resp.comm_est) {
		qp->resp.comm_est = true;
		roce_event(qp->e, &(struct roce_event){
		    .type = ROCE_EVENT_COMM_EST, .qp = qp });
	}
	return RESP_OK;
}

/* PSN: the expected one, a duplicate, or after a gap (one NAK per gap). */
static enum resp_class
check_psn(struct roce_qp *qp, const struct roce_pkt *p)
{
	int d = roce_psn_cmp(p->psn, qp->resp.psn);

	if (d < 0)
		return duplicate(qp, p);
	if (d > 0) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_OUT_OF_SEQ]);
		if (qp->resp.nak_sent)
			return RESP_DROP;
		qp->resp.nak_sent = true;
		send_nak(qp, qp->resp.psn, ROCE_NAK_PSN_SEQUENCE_ERROR);
		return RESP_DONE;
	}
	qp->resp.nak_sent = false;
	return RESP_OK;
}

/* A middle or last packet continues the message in progress; a first or
 * only one starts a new one; anything else is an invalid request. */
static enum resp_class
check_op_seq(struct roce_qp *qp, const struct roce_pkt *p)
{
	bool cont = op_is(p, ROCE_F_MIDDLE | ROCE_F_LAST);
	bool ok;

	if (qp->resp.in_send)
		ok = cont && op_is(p, ROCE_F_SEND);
	else if (qp->resp.in_write)
		ok = cont && op_is(p, ROCE_F_WRITE);
	else
		ok = !cont;
	return ok ? RESP_OK : fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
}

/* The QP's own remote access flags (qp_access_flags). */
static enum resp_class
check_qp_access(struct roce_qp *qp, const struct roce_pkt *p)
{
	unsigned need = op_is(p, ROCE_F_WRITE) ? ROCE_ACCESS_REMOTE_WRITE :
	    op_is(p, ROCE_F_READ) ? ROCE_ACCESS_REMOTE_READ :
	    op_is(p, ROCE_F_ATOMIC) ? ROCE_ACCESS_REMOTE_ATOMIC : 0;

	if ((qp->attr.qp_access_flags & need) != need)
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	return RESP_OK;
}

/* C9-92: first and middle packets carry exactly one MTU, a last one
 * 1..MTU bytes, an only one up to the MTU. */
static bool
payload_len_ok(const struct roce_qp *qp, const struct roce_pkt *p)
{
	if (op_is(p, ROCE_F_FIRST | ROCE_F_MIDDLE))
		return p->payload_len == roce_qp_mtu(qp);
	if (op_is(p, ROCE_F_LAST) && p->payload_len == 0)
		return false;
	return p->payload_len <= roce_qp_mtu(qp);
}

/* ---- execution ---- */

static void
message_done(struct roce_qp *qp, const struct roce_pkt *p)
{
	qp->resp.psn = roce_psn_add(p->psn, 1);
	if (op_is(p, ROCE_F_END))
		qp->resp.msn = (qp->resp.msn + 1) & ROCE_PSN_MASK;
	if (p->ackreq)
		ack_later(qp, p->psn);
}

static void
recv_done(struct roce_qp *qp, const struct roce_pkt *p, uint32_t len,
    enum roce_wc_opcode opcode, enum roce_wc_status status)
{
	struct roce_wc wc = { .status = status, .opcode = opcode,
	    .byte_len = len };

	if (op_is(p, ROCE_F_IMM)) {
		wc.imm_data = p->immdt;
		wc.wc_flags |= ROCE_WC_WITH_IMM;
	}
	qp->resp.has_recv = false;
	roce_recv_complete(qp, &qp->resp.recv, &wc, p->se);
}

/*
 * The receive cannot take the data: too long for it (local length error
 * here, invalid request for the sender) or an SGE refused (local
 * protection error here, remote operational error for the sender).
 */
static enum resp_class
recv_failed(struct roce_qp *qp, const struct roce_pkt *p, bool too_long)
{
	recv_done(qp, p, qp->resp.recv_offset, ROCE_WC_RECV, too_long ?
	    ROCE_WC_LOC_LEN_ERR : ROCE_WC_LOC_PROT_ERR);
	return fatal(qp, p, too_long ? ROCE_NAK_INVALID_REQUEST :
	    ROCE_NAK_REMOTE_OPERATIONAL_ERROR);
}

static enum resp_class
exec_send(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_resp_state *rs = &qp->resp;
	int err;

	if (!payload_len_ok(qp, p))
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (op_is(p, ROCE_F_START)) {
		if (!roce_qp_take_recv(qp, &rs->recv))
			return send_rnr_nak(qp, p->psn);
		rs->has_recv = true;
		rs->recv_offset = 0;
	}
	if (rs->recv_offset + (uint64_t)p->payload_len >
	    roce_sgl_len(rs->recv.sge, rs->recv.num_sge))
		return recv_failed(qp, p, true);
	err = roce_sgl_copy(qp, rs->recv.sge, rs->recv.num_sge, rs->recv_offset,
	    (void *)p->payload, p->payload_len, true);
	if (err)
		return recv_failed(qp, p, false);
	rs->recv_offset += p->payload_len;
	rs->in_send = !op_is(p, ROCE_F_END);
	if (op_is(p, ROCE_F_END))
		recv_done(qp, p, rs->recv_offset, ROCE_WC_RECV,
		    ROCE_WC_SUCCESS);
	message_done(qp, p);
	return RESP_OK;
}

/* The RETH of a first or only WRITE packet: all of it checked now. */
static enum resp_class
write_start(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_mr *mr;

	if (p->reth.dma_len > ROCE_MAX_MSG)	/* C9-94 */
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (remote_access(qp, p->reth.rkey, p->reth.va, p->reth.dma_len,
	    ROCE_ACCESS_REMOTE_WRITE, &mr))
		return fatal(qp, p, ROCE_NAK_REMOTE_ACCESS_ERROR);
	qp->resp.w_rkey = p->reth.rkey;
	qp->resp.w_va = p->reth.va;
	qp->resp.w_resid = p->reth.dma_len;
	qp->resp.recv_offset = p->reth.dma_len;	/* byte_len of WITH_IMM */
	return RESP_OK;
}

/* The payload to the current WRITE's next byte. Its MR is looked up
 * again: the application may have deregistered it since the first packet
 * (a zero length WRITE has none). -errno after a NAK. */
static int
write_payload(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_resp_state *rs = &qp->resp;
	struct roce_mr *mr;

	if (!p->payload_len)
		return 0;
	if (remote_access(qp, rs->w_rkey, rs->w_va, p->payload_len,
	    ROCE_ACCESS_REMOTE_WRITE, &mr)) {
		fatal(qp, p, ROCE_NAK_REMOTE_ACCESS_ERROR);
		return -EACCES;
	}
	if (roce_mr_copy(mr, rs->w_va, (void *)p->payload, p->payload_len,
	    true)) {
		fatal(qp, p, ROCE_NAK_REMOTE_OPERATIONAL_ERROR);
		return -EFAULT;
	}
	rs->w_va += p->payload_len;
	return 0;
}

static enum resp_class
exec_write(struct roce_qp *qp, const struct roce_pkt *p)
{
	struct roce_resp_state *rs = &qp->resp;
	bool end = op_is(p, ROCE_F_END);

	if (!payload_len_ok(qp, p))
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (op_is(p, ROCE_F_START) && write_start(qp, p) != RESP_OK)
		return RESP_DONE;
	if (p->payload_len > rs->w_resid || (end &&
	    p->payload_len != rs->w_resid))
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (op_is(p, ROCE_F_IMM) && !roce_qp_take_recv(qp, &rs->recv))
		return send_rnr_nak(qp, p->psn);
	if (write_payload(qp, p))
		return RESP_DONE;
	rs->w_resid -= p->payload_len;
	rs->in_write = !end;
	if (op_is(p, ROCE_F_IMM)) {
		rs->has_recv = true;
		recv_done(qp, p, rs->recv_offset, ROCE_WC_RECV_RDMA_WITH_IMM,
		    ROCE_WC_SUCCESS);
	}
	message_done(qp, p);
	return RESP_OK;
}

static enum resp_class
exec_read(struct roce_qp *qp, const struct roce_pkt *p)
{
	uint32_t n = resp_npkts(qp, p->reth.dma_len);
	struct roce_res *res;
	struct roce_mr *mr;

	if (p->reth.dma_len > ROCE_MAX_MSG)	/* C9-94 */
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (remote_access(qp, p->reth.rkey, p->reth.va, p->reth.dma_len,
	    ROCE_ACCESS_REMOTE_READ, &mr))
		return fatal(qp, p, ROCE_NAK_REMOTE_ACCESS_ERROR);
	res = roce_res_new(qp);
	res->valid = true;
	res->first_psn = p->psn;
	res->last_psn = roce_psn_add(p->psn, n - 1);
	qp->resp.psn = roce_psn_add(p->psn, n);
	qp->resp.msn = (qp->resp.msn + 1) & ROCE_PSN_MASK;
	roce_resp_flush_ack(qp);	/* for the PSNs before the READ */
	roce_read_start(qp, res, p->psn, p->reth.va, p->reth.rkey,
	    p->reth.dma_len);
	return RESP_OK;
}

/* 8 bytes, naturally aligned, executed once (a duplicate is answered
 * from the saved result). */
static enum resp_class
exec_atomic(struct roce_qp *qp, const struct roce_pkt *p)
{
	const struct roce_atomiceth *a = &p->atomiceth;
	struct roce_res *res;
	struct roce_mr *mr;
	uint64_t orig, val;

	if (a->va % sizeof(uint64_t))
		return fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
	if (remote_access(qp, a->rkey, a->va, sizeof(uint64_t),
	    ROCE_ACCESS_REMOTE_ATOMIC, &mr))
		return fatal(qp, p, ROCE_NAK_REMOTE_ACCESS_ERROR);
	/* atomic among the engine's own accesses (IBV_ATOMIC_HCA): one
	 * thread runs them all */
	if (roce_mr_copy(mr, a->va, &orig, sizeof(orig), false))
		return fatal(qp, p, ROCE_NAK_REMOTE_OPERATIONAL_ERROR);
	val = orig;
	if (p->opcode == ROCE_OP_RC_FETCH_ADD)
		val = orig + a->swap_add;
	else if (orig == a->compare)
		val = a->swap_add;
	if (val != orig && roce_mr_copy(mr, a->va, &val, sizeof(val), true))
		return fatal(qp, p, ROCE_NAK_REMOTE_OPERATIONAL_ERROR);
	res = roce_res_new(qp);
	*res = (struct roce_res){ .valid = true, .atomic = true,
	    .first_psn = p->psn, .last_psn = p->psn, .orig = orig };
	qp->resp.psn = roce_psn_add(p->psn, 1);
	qp->resp.msn = (qp->resp.msn + 1) & ROCE_PSN_MASK;
	send_atomic_ack(qp, p->psn, orig);
	return RESP_OK;
}

static void
execute(struct roce_qp *qp, const struct roce_pkt *p)
{
	if (op_is(p, ROCE_F_SEND))
		exec_send(qp, p);
	else if (op_is(p, ROCE_F_WRITE))
		exec_write(qp, p);
	else if (op_is(p, ROCE_F_READ))
		exec_read(qp, p);
	else if (op_is(p, ROCE_F_ATOMIC))
		exec_atomic(qp, p);
	else
		fatal(qp, p, ROCE_NAK_INVALID_REQUEST);
}

void
roce_resp_rx(struct roce_qp *qp, const struct roce_pkt *p)
{
	if (check_state(qp, p) != RESP_OK || check_psn(qp, p) != RESP_OK ||
	    check_op_seq(qp, p) != RESP_OK || check_qp_access(qp, p) != RESP_OK)
		return;
	execute(qp, p);
}

void
roce_resp_reset(struct roce_qp *qp)
{
	roce_read_stop(qp);
	if (roce_list_linked(&qp->resp.ack_node))
		roce_list_del(&qp->resp.ack_node);
	memset(&qp->resp, 0, sizeof(qp->resp));
	roce_list_init(&qp->resp.ack_node);
	roce_list_init(&qp->resp.read_node);
}
