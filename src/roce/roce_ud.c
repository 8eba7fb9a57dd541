/*
 * Unreliable Datagram: one packet per message,
 * no ACK; the DETH carries the Q_Key and the source QPN. A receive
 * buffer starts with the 40-byte GRH (verbs): for RoCEv2 over IPv4 its
 * first 20 bytes are zero and the IPv4 header follows; over IPv6 it is
 * the IPv6 header.
 */
#include <errno.h>
#include <string.h>

#include "roce/roce_int.h"

#define QKEY_FROM_QP	0x80000000u	/* high bit: send the QP's Q_Key */

static int
ud_gather(struct roce_qp *qp, const struct roce_swqe *wqe)
{
	if (wqe->is_inline) {
		memcpy(qp->e->scratch, wqe->inline_data, wqe->length);
		return 0;
	}
	return roce_sgl_copy(qp, wqe->sge, (uint32_t)wqe->wr.num_sge, 0,
	    qp->e->scratch, wqe->length, false);
}

/* Send the WQE at the SQ head and complete it. */
void
roce_ud_send(struct roce_qp *qp, struct roce_swqe *wqe)
{
	bool imm = wqe->wr.opcode == ROCE_WR_SEND_WITH_IMM;
	uint32_t qkey = wqe->wr.wr.ud.remote_qkey;
	struct roce_pkt p;

	if (ud_gather(qp, wqe)) {
		roce_sq_complete(qp, wqe, ROCE_WC_LOC_PROT_ERR);
		qp->attr.qp_state = ROCE_QPS_SQE;
		roce_flush_sq(qp);
		return;
	}
	roce_tx_bth(qp, &p, imm ? ROCE_OP_UD_SEND_ONLY_WITH_IMMEDIATE :
	    ROCE_OP_UD_SEND_ONLY, wqe->wr.wr.ud.remote_qpn, qp->req.psn);
	p.deth = (struct roce_deth){
		.qkey = qkey & QKEY_FROM_QP ? qp->attr.qkey : qkey,
		.src_qpn = qp->qpn,
	};
	p.immdt = wqe->wr.imm_data;
	p.se = wqe->wr.send_flags & ROCE_SEND_SOLICITED;
	qp->req.psn = roce_psn_add(qp->req.psn, 1);
	roce_tx(qp, &wqe->wr.wr.ud.ah->attr, &p, qp->e->scratch, wqe->length);
	roce_sq_complete(qp, wqe, ROCE_WC_SUCCESS);
}

/* The GRH and the payload, as the receive buffer gets them. */
static uint32_t
ud_grh_payload(struct roce_qp *qp, const struct roce_pkt *p,
    const struct pkt *frame)
{
	uint8_t *b = qp->e->scratch;
	uint32_t iphl = p->l2l3.ipv6 ? 40 : 20;
	const uint8_t *ip = frame->data + p->bth_off - 8 - iphl;

	memset(b, 0, ROCE_GRH_LEN - iphl);
	memcpy(b + ROCE_GRH_LEN - iphl, ip, iphl);
	memcpy(b + ROCE_GRH_LEN, p->payload, p->payload_len);
	return ROCE_GRH_LEN + p->payload_len;
}

static bool
ud_check(struct roce_qp *qp, const struct roce_pkt *p)
{
	enum roce_qp_state s = qp->attr.qp_state;
	enum roce_rx_drop d;

	if (s != ROCE_QPS_RTR && s != ROCE_QPS_RTS && s != ROCE_QPS_SQD &&
	    s != ROCE_QPS_SQE)
		d = ROCE_RX_DROP_QP_STATE;
	else if (!(p->op->flags & ROCE_F_UD))
		d = ROCE_RX_DROP_TRANSPORT;
	else if (p->deth.qkey != qp->attr.qkey)
		d = ROCE_RX_DROP_BAD_QKEY;
	else
		return true;
	roce_cnt_inc(qp, rx_drops[d]);
	return false;
}

void
roce_ud_rx(struct roce_qp *qp, const struct roce_pkt *p,
    const struct pkt *frame)
{
	struct roce_wc wc = { .opcode = ROCE_WC_RECV, .wc_flags = ROCE_WC_GRH };
	struct roce_rwqe r;
	uint32_t len;

	if (!ud_check(qp, p))
		return;
	if (!roce_qp_take_recv(qp, &r)) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_NO_RECV]);
		return;
	}
	len = ud_grh_payload(qp, p, frame);
	wc.src_qp = p->deth.src_qpn;
	wc.byte_len = len;
	if (p->op->flags & ROCE_F_IMM) {
		wc.imm_data = p->immdt;
		wc.wc_flags |= ROCE_WC_WITH_IMM;
	}
	if (len > roce_sgl_len(r.sge, r.num_sge)) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_UD_TOO_LONG]);
		wc.status = ROCE_WC_LOC_LEN_ERR;
	} else if (roce_sgl_copy(qp, r.sge, r.num_sge, 0, qp->e->scratch,
	    len, true)) {
		wc.status = ROCE_WC_LOC_PROT_ERR;
	}
	roce_recv_complete(qp, &r, &wc, p->se);
}
