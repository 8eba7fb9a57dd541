/*
 * The RDMA service's fast path: work requests from the applications'
 * rings into the engine, completions from the engine into their rings,
 * and the doorbell handshake that lets the daemon sleep.
 */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <string.h>

static enum roce_wc_opcode
wc_opcode_of(uint32_t wr_opcode)
{
	switch (wr_opcode) {
	case ROCE_WR_RDMA_WRITE:
	case ROCE_WR_RDMA_WRITE_WITH_IMM:
		return ROCE_WC_RDMA_WRITE;
	case ROCE_WR_RDMA_READ:
		return ROCE_WC_RDMA_READ;
	case ROCE_WR_ATOMIC_CMP_AND_SWP:
		return ROCE_WC_COMP_SWAP;
	case ROCE_WR_ATOMIC_FETCH_AND_ADD:
		return ROCE_WC_FETCH_ADD;
	default:
		return ROCE_WC_SEND;
	}
}

void
rdma_svc_error_wc(struct rdma_client *c, struct rdma_qp *q, uint64_t wr_id,
    enum roce_wc_opcode op, bool recv)
{
	struct rdma_cq *cq = &c->cqs[(recv ? q->recv_cq : q->send_cq) - 1];
	struct roce_wc wc = {
		.wr_id = wr_id, .status = ROCE_WC_LOC_QP_OP_ERR, .opcode = op,
		.qp_num = roce_qp_num(q->qp),
	};

	c->svc->cnt.wqe_errors++;
	if (shm_ring_push(&cq->ring, &wc, 1) == 1)
		rdma_cq_notify(c, cq, true);
}

int
rdma_sges_of(const struct rdma_sge *in, uint32_t n, struct roce_sge *out)
{
	int k = (int)MIN(n, RDMA_MAX_SGE);

	for (int i = 0; i < k; i++)
		out[i] = (struct roce_sge){ .addr = in[i].addr,
		    .length = in[i].length, .lkey = in[i].lkey };
	return k;
}

/* The engine's WR for a WQE; sge[] and the inline bytes stay in w. */
static void
wqe_to_wr(struct rdma_client *c, const struct rdma_qp *q,
    struct rdma_send_wqe *w, struct roce_send_wr *wr, struct roce_sge *sge)
{
	int ah = rdma_handle_index(w->ah, RDMA_AHS_MAX);

	*wr = (struct roce_send_wr){
		.wr_id = w->wr_id, .sg_list = sge,
		.num_sge = rdma_sges_of(w->sge, w->num_sge, sge),
		.opcode = w->opcode, .send_flags = w->send_flags,
		.imm_data = w->imm_data,
	};
	if (w->send_flags & ROCE_SEND_INLINE) {
		/* the bytes came in the WQE: one SGE over our copy */
		sge[0] = (struct roce_sge){ .addr = (uintptr_t)w->inline_data,
		    .length = MIN(w->inline_len, RDMA_MAX_INLINE) };
		wr->num_sge = w->inline_len ? 1 : 0;
	}
	if (q->type == ROCE_QPT_UD) {
		wr->wr.ud.ah = ah < 0 ? NULL : c->ahs[ah];
		wr->wr.ud.remote_qpn = w->remote_qpn;
		wr->wr.ud.remote_qkey = w->remote_qkey;
	} else if (w->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    w->opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
		wr->wr.atomic.remote_addr = w->remote_addr;
		wr->wr.atomic.rkey = w->rkey;
		wr->wr.atomic.compare_add = w->compare_add;
		wr->wr.atomic.swap = w->swap;
	} else {
		wr->wr.rdma.remote_addr = w->remote_addr;
		wr->wr.rdma.rkey = w->rkey;
	}
}

/* Send WQEs into the engine; a WQE it has no room for waits in q. */
static int
qp_sends(struct rdma_client *c, struct rdma_qp *q)
{
	struct roce_sge sge[RDMA_MAX_SGE];
	struct roce_send_wr wr, *bad;
	int n = 0, got, err;

	while (n < RDMA_WQE_BURST) {
		if (!q->holding) {
			got = shm_ring_pop(&q->sq, &q->held, 1);
			if (got <= 0)
				return got < 0 ? got : n;
			q->holding = true;
		}
		wqe_to_wr(c, q, &q->held, &wr, sge);
		err = roce_post_send(q->qp, &wr, &bad);
		if (err == -ENOMEM)
			break;
		q->holding = false;
		n++;
		c->svc->cnt.send_wqes++;
		if (err)
			rdma_svc_error_wc(c, q, q->held.wr_id,
			    wc_opcode_of(q->held.opcode), false);
	}
	return n;
}

static int
qp_recvs(struct rdma_client *c, struct rdma_qp *q)
{
	struct rdma_recv_wqe w;
	struct roce_sge sge[RDMA_MAX_SGE];
	struct roce_recv_wr wr, *bad;
	int n = 0, err;

	/* only what the engine's RQ can take: nothing is held back */
	while (n < RDMA_WQE_BURST && shm_ring_pending(&q->rq)) {
		if (shm_ring_pop(&q->rq, &w, 1) != 1)
			return -EPROTO;
		wr = (struct roce_recv_wr){ .wr_id = w.wr_id, .sg_list = sge,
		    .num_sge = rdma_sges_of(w.sge, w.num_sge, sge) };
		err = roce_post_recv(q->qp, &wr, &bad);
		n++;
		c->svc->cnt.recv_wqes++;
		if (err)
			rdma_svc_error_wc(c, q, w.wr_id, ROCE_WC_RECV, true);
	}
	return n;
}

/* Completions into the ring, as many as it has room for. */
static int
cq_forward(struct rdma_client *c, struct rdma_cq *cq)
{
	struct roce_wc wc[32];
	uint32_t room = shm_ring_room(&cq->ring);
	int n;

	if (!room)
		return 0;
	n = roce_poll_cq(cq->cq, (int)MIN(room, ARRAY_SIZE(wc)), wc);
	if (n <= 0)
		return 0;
	shm_ring_push(&cq->ring, wc, (unsigned)n);
	c->svc->cnt.completions += (unsigned)n;
	rdma_cq_notify(c, cq, rdma_cq_solicited_forwarded(cq));
	return n;
}

/* One QP's rings: WQEs served (>= 0), or -EPROTO; *more: some wait. */
static int
qp_serve(struct rdma_client *c, struct rdma_qp *q, bool *more)
{
	int r, s;

	*more = false;
	if (!q->qp)
		return 0;	/* destroyed, or a bit the client made up */
	r = qp_recvs(c, q);
	if (r < 0)
		return r;
	s = qp_sends(c, q);
	if (s < 0)
		return s;
	*more = q->holding || shm_ring_pending(&q->sq) ||
	    shm_ring_pending(&q->rq);
	return r + s;
}

static int
srq_serve(struct rdma_client *c, struct rdma_srq *s, bool *more)
{
	int n;

	*more = false;
	if (!s->srq)
		return 0;
	n = rdma_srq_poll(c, s);
	*more = n >= 0 && shm_ring_pending(&s->ring);
	return n;
}

/* The ring (QP or SRQ) of work bit b. */
static int
serve_bit(struct rdma_client *c, unsigned b, bool *more)
{
	if (b < RDMA_WORK_QPS)
		return qp_serve(c, &c->qps[b], more);
	*more = false;
	b -= RDMA_WORK_SRQ_BASE;
	return b < RDMA_WORK_SRQS ? srq_serve(c, &c->srqs[b], more) : 0;
}

/* The rings whose work bit is set (by the client, or left pending by
 * the last round). 1 if any WQE was served, 0, or -EPROTO. */
static int
serve_work(struct rdma_client *c)
{
	int work = 0, n;
	bool more;

	for (unsigned w = 0; w < RDMA_WORK_WORDS; w++) {
		uint64_t bits = atomic_exchange(&c->status->work[w], 0) |
		    c->pending[w];

		c->pending[w] = 0;
		for (; bits; bits &= bits - 1) {
			unsigned b = w * 64 + (unsigned)__builtin_ctzll(bits);

			n = serve_bit(c, b, &more);
			if (n < 0)
				return n;
			work |= n;
			if (more)
				c->pending[w] |= 1ull << (b % 64);
		}
	}
	return work;
}

/* One round for a client: 1 if it did something, 0, or -EPROTO (its
 * rings are broken: the caller closes it). */
int
rdma_svc_client_poll(struct rdma_client *c)
{
	int work = 0, n;

	if (!c->status)
		return 0;	/* no HELLO yet: no rings */
	n = serve_work(c);
	if (n < 0)
		return n;
	work |= n;
	for (unsigned i = 0; i < RDMA_CQS_MAX; i++)
		if (c->cqs[i].cq)
			work |= cq_forward(c, &c->cqs[i]);
	return work != 0;
}

bool
rdma_svc_client_pending(const struct rdma_client *c)
{
	if (!c->status)
		return false;
	for (unsigned w = 0; w < RDMA_WORK_WORDS; w++)
		if (c->pending[w] || atomic_load(&c->status->work[w]))
			return true;
	return false;
}

static void
svc_set_sleeping(struct rdma_svc *s, uint32_t v)
{
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i] && s->clients[i]->status)
			atomic_store(&s->clients[i]->status->sleeping, v);
}

bool
rdma_svc_poll(struct rdma_svc *s)
{
	bool work = false;
	int n;

	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++) {
		if (!s->clients[i])
			continue;
		n = rdma_svc_client_poll(s->clients[i]);
		if (n < 0) {
			s->cnt.bad_requests++;
			rdma_svc_client_close(s, s->clients[i]);
			continue;
		}
		work |= n > 0;
	}
	if (work) {
		svc_set_sleeping(s, 0);
		return true;
	}
	/* tell them we may sleep, then look once more: a post that raced
	 * with the flag is seen here, or its poster saw the flag */
	svc_set_sleeping(s, 1);
	atomic_thread_fence(memory_order_seq_cst);
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i] && rdma_svc_client_pending(s->clients[i])) {
			svc_set_sleeping(s, 0);
			return true;
		}
	return false;
}
