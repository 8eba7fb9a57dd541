/*
 * READ responses, paced. A READ the responder accepted becomes a resource
 * (struct roce_res) with what is left to send; at most ROCE_READ_BURST
 * packets go out per QP per turn (a receive burst or a tick), so a 1 MiB
 * READ does not put a thousand frames on a port at once. The owner is
 * told to come back at once (roce_engine_next_deadline() is now) while
 * any QP has READ data to send.
 *
 * Order on the wire stays the responder's PSN order: of the queued READs
 * the one with the lowest next PSN goes first (a READ asked again after a
 * go-back-N goes before the later ones); a NAK or an atomic ACK first
 * sends what is queued; a coalesced ACK waits for the queue to empty
 * (responses after a READ acknowledge it anyway).
 *
 * Memory is looked up again (rkey, bounds, access) for every packet: an
 * MR deregistered meanwhile stops the READ, it is never read after.
 */
#include <string.h>

#include "roce/roce_int.h"

static uint32_t
res_count(const struct roce_qp *qp)
{
	return MAX(qp->attr.max_dest_rd_atomic, 1);
}

/* read_cur points at a queued READ whenever there is one. */
bool
roce_read_pending(const struct roce_qp *qp)
{
	return qp->resp.res[qp->resp.read_cur].pending;
}

/* The queued READ with the lowest next PSN becomes the current one. */
static void
pick_next(struct roce_qp *qp)
{
	int best = -1;

	for (int i = 0; i < ROCE_MAX_RD_ATOMIC; i++) {
		const struct roce_res *r = &qp->resp.res[i];

		if (r->pending && (best < 0 || roce_psn_cmp(r->next_psn,
		    qp->resp.res[best].next_psn) < 0))
			best = i;
	}
	if (best >= 0)
		qp->resp.read_cur = (uint32_t)best;
}

/* A resource for a new READ or atomic: the oldest slot (a READ still
 * queued in it is sent first: the requester asked for too many). */
struct roce_res *
roce_res_new(struct roce_qp *qp)
{
	struct roce_res *res = &qp->resp.res[qp->resp.res_next];

	if (res->pending)
		roce_read_drain(qp);
	qp->resp.res_next = (qp->resp.res_next + 1) % res_count(qp);
	memset(res, 0, sizeof(*res));
	return res;
}

struct roce_res *
roce_res_find(struct roce_qp *qp, uint32_t psn, bool atomic)
{
	for (unsigned i = 0; i < ROCE_MAX_RD_ATOMIC; i++) {
		struct roce_res *r = &qp->resp.res[i];

		if (r->valid && r->atomic == atomic &&
		    roce_psn_cmp(psn, r->first_psn) >= 0 &&
		    roce_psn_cmp(psn, r->last_psn) <= 0)
			return r;
	}
	return NULL;
}

static uint8_t
resp_opcode(const struct roce_res *res, uint32_t n)
{
	bool last = n == res->resid;

	if (!res->started)
		return last ? ROCE_OP_RC_RDMA_READ_RESPONSE_ONLY :
		    ROCE_OP_RC_RDMA_READ_RESPONSE_FIRST;
	return last ? ROCE_OP_RC_RDMA_READ_RESPONSE_LAST :
	    ROCE_OP_RC_RDMA_READ_RESPONSE_MIDDLE;
}

/* One response packet of res; false if its memory went away. */
static bool
send_one(struct roce_qp *qp, struct roce_res *res)
{
	uint32_t n = MIN(roce_qp_mtu(qp), res->resid);
	struct roce_mr *mr = NULL;
	struct roce_pkt r;

	if (n) {
		mr = roce_mr_find(qp->e, res->rkey, qp->pd);
		if (!mr || roce_mr_check(mr, res->va, n,
		    ROCE_ACCESS_REMOTE_READ) ||
		    roce_mr_copy(mr, res->va, qp->e->scratch, n, false))
			return false;
	}
	roce_tx_bth(qp, &r, resp_opcode(res, n), qp->attr.dest_qp_num,
	    res->next_psn);
	r.aeth = (struct roce_aeth){
	    .syndrome = roce_aeth_ack(ROCE_AETH_CREDITS_INVALID),
	    .msn = qp->resp.msn };
	roce_tx(qp, &qp->attr.ah_attr, &r, n ? qp->e->scratch : NULL, n);
	res->started = true;
	res->va += n;
	res->resid -= n;
	res->next_psn = roce_psn_add(res->next_psn, 1);
	if (res->resid == 0)
		res->pending = false;
	return true;
}

static void
unlink_qp(struct roce_qp *qp)
{
	if (roce_list_linked(&qp->resp.read_node))
		roce_list_del(&qp->resp.read_node);
}

bool
roce_read_pump(struct roce_qp *qp, unsigned budget)
{
	while (budget && roce_read_pending(qp)) {
		struct roce_res *res = &qp->resp.res[qp->resp.read_cur];

		if (!send_one(qp, res))
			res->pending = false;
		budget--;
		if (!res->pending)
			pick_next(qp);
	}
	if (roce_read_pending(qp))
		return true;
	unlink_qp(qp);
	roce_resp_flush_ack(qp);	/* the ACK that waited, if any */
	return false;
}

void
roce_read_drain(struct roce_qp *qp)
{
	roce_read_pump(qp, UINT32_MAX);
}

void
roce_read_stop(struct roce_qp *qp)
{
	for (unsigned i = 0; i < ROCE_MAX_RD_ATOMIC; i++)
		qp->resp.res[i].pending = false;
	unlink_qp(qp);
}

/*
 * Queue the responses of res from psn: len bytes from va (the caller
 * checked the rkey); the first burst goes at the end of this receive
 * burst (roce_read_pump_all). A READ asked again (a duplicate) starts
 * over from the PSN it asks for, even if it was still queued.
 */
void
roce_read_start(struct roce_qp *qp, struct roce_res *res, uint32_t psn,
    uint64_t va, uint32_t rkey, uint32_t len)
{
	res->pending = true;
	res->started = false;
	res->next_psn = psn;
	res->va = va;
	res->rkey = rkey;
	res->resid = len;
	pick_next(qp);
	if (!roce_list_linked(&qp->resp.read_node))
		roce_list_add_tail(&qp->e->read_pending, &qp->resp.read_node);
}

/* Each QP with READ data queued sends its next burst. */
void
roce_read_pump_all(struct roce_engine *e)
{
	struct roce_list *n = e->read_pending.next;

	while (n != &e->read_pending) {
		struct roce_qp *qp = roce_list_entry(n, struct roce_qp,
		    resp.read_node);

		n = n->next;	/* pump may unlink qp */
		roce_read_pump(qp, ROCE_READ_BURST);
	}
}
