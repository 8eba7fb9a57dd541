/*
 * The data path: ibv_post_send / ibv_post_recv (through context->ops)
 * and the extended send API (ibv_wr_start .. ibv_wr_complete), each
 * turned into liblagnic work requests.
 */
#include "verbs/verbs_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* struct ibv_sge and struct roce_sge: the same bytes */
static_assert(sizeof(struct ibv_sge) == sizeof(struct roce_sge) &&
    offsetof(struct ibv_sge, lkey) == offsetof(struct roce_sge, lkey) &&
    offsetof(struct ibv_sge, length) == offsetof(struct roce_sge, length),
    "sge layout");
static_assert((int)ROCE_WR_ATOMIC_FETCH_AND_ADD ==
    (int)IBV_WR_ATOMIC_FETCH_AND_ADD &&
    (int)ROCE_SEND_INLINE == (int)IBV_SEND_INLINE, "wr opcodes and flags");

#define VB_SEND_FLAGS	(IBV_SEND_FENCE | IBV_SEND_SIGNALED | \
	IBV_SEND_SOLICITED | IBV_SEND_INLINE)

static int
send_wr_of(const struct ibv_qp *qp, const struct ibv_send_wr *w,
    struct roce_send_wr *r)
{
	if ((unsigned)w->opcode > IBV_WR_ATOMIC_FETCH_AND_ADD ||
	    w->send_flags & ~(unsigned)VB_SEND_FLAGS)
		return EINVAL;
	memset(r, 0, sizeof(*r));
	r->wr_id = w->wr_id;
	r->sg_list = (struct roce_sge *)w->sg_list;
	r->num_sge = w->num_sge;
	r->opcode = (enum roce_wr_opcode)w->opcode;
	r->send_flags = w->send_flags;
	r->imm_data = ntohl(w->imm_data);
	if (qp->qp_type == IBV_QPT_UD) {
		if (!w->wr.ud.ah)
			return EINVAL;
		r->wr.ud.ah = vb_ah(w->wr.ud.ah)->ra;
		r->wr.ud.remote_qpn = w->wr.ud.remote_qpn;
		r->wr.ud.remote_qkey = w->wr.ud.remote_qkey;
	} else if (w->opcode == IBV_WR_ATOMIC_CMP_AND_SWP ||
	    w->opcode == IBV_WR_ATOMIC_FETCH_AND_ADD) {
		r->wr.atomic.remote_addr = w->wr.atomic.remote_addr;
		r->wr.atomic.compare_add = w->wr.atomic.compare_add;
		r->wr.atomic.swap = w->wr.atomic.swap;
		r->wr.atomic.rkey = w->wr.atomic.rkey;
	} else {
		r->wr.rdma.remote_addr = w->wr.rdma.remote_addr;
		r->wr.rdma.rkey = w->wr.rdma.rkey;
	}
	return 0;
}

/* Up to VB_BATCH at a time; on an error *bad is the verbs WR not taken. */
int
vb_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
    struct ibv_send_wr **bad)
{
	struct vb_qp *q = vb_qp(qp);
	struct roce_send_wr r[VB_BATCH], *rbad;
	struct ibv_send_wr *src[VB_BATCH];
	int err = 0;

	pthread_spin_lock(&q->sq_lock);
	while (wr && !err) {
		int n = 0;

		for (; wr && n < VB_BATCH; wr = wr->next, n++) {
			err = send_wr_of(qp, wr, &r[n]);
			if (err)
				break;
			src[n] = wr;
			if (n)
				r[n - 1].next = &r[n];
		}
		if (n) {
			int e = lagnic_post_send(q->lq, r, &rbad);

			if (e) {
				err = e;
				wr = src[rbad - r];
			}
		}
	}
	pthread_spin_unlock(&q->sq_lock);
	if (err && bad)
		*bad = wr;
	return err;
}

/* Up to VB_BATCH receive WRs from *wr into r (linked), their sources
 * in src; *wr moves past them. The number taken. */
int
vb_recv_batch(struct ibv_recv_wr **wr, struct roce_recv_wr *r,
    struct ibv_recv_wr **src)
{
	int n = 0;

	for (; *wr && n < VB_BATCH; *wr = (*wr)->next, n++) {
		r[n] = (struct roce_recv_wr){ .wr_id = (*wr)->wr_id,
		    .sg_list = (struct roce_sge *)(*wr)->sg_list,
		    .num_sge = (*wr)->num_sge };
		src[n] = *wr;
		if (n)
			r[n - 1].next = &r[n];
	}
	return n;
}

int
vb_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
    struct ibv_recv_wr **bad)
{
	struct vb_qp *q = vb_qp(qp);
	struct roce_recv_wr r[VB_BATCH], *rbad;
	struct ibv_recv_wr *src[VB_BATCH];
	int err = 0;

	pthread_spin_lock(&q->rq_lock);
	while (wr && !err) {
		vb_recv_batch(&wr, r, src);
		err = lagnic_post_recv(q->lq, r, &rbad);
		if (err)
			wr = src[rbad - r];
	}
	pthread_spin_unlock(&q->rq_lock);
	if (err && bad)
		*bad = wr;
	return err;
}

/* ---- ibv_wr_*: work requests gathered until wr_complete ---- */

static struct vb_qp *
vqp(struct ibv_qp_ex *qpx)
{
	return vb_container_of(qpx, struct vb_qp, qpx);
}

static void
batch_err(struct vb_qp *q, int err)
{
	if (!q->b.err)
		q->b.err = err;
}

/* The WR the setters below fill; NULL (and an error) if none was begun. */
static struct roce_send_wr *
cur(struct vb_qp *q)
{
	if (!q->b.n) {
		batch_err(q, EINVAL);
		return NULL;
	}
	return &q->b.wr[q->b.n - 1];
}

static struct roce_send_wr *
wr_new(struct ibv_qp_ex *qpx, enum roce_wr_opcode op)
{
	struct vb_qp *q = vqp(qpx);
	struct roce_send_wr *w;

	if (q->b.n == q->b.max) {
		batch_err(q, ENOMEM);
		return NULL;
	}
	w = &q->b.wr[q->b.n];
	memset(w, 0, sizeof(*w));
	w->wr_id = qpx->wr_id;
	w->send_flags = qpx->wr_flags & VB_SEND_FLAGS;
	w->opcode = op;
	w->sg_list = &q->b.sge[q->b.n * VB_MAX_SGE];
	q->b.n++;
	return w;
}

static void
wr_rdma(struct ibv_qp_ex *qpx, enum roce_wr_opcode op, uint32_t rkey,
    uint64_t addr, uint32_t imm)
{
	struct roce_send_wr *w = wr_new(qpx, op);

	if (!w)
		return;
	w->wr.rdma.rkey = rkey;
	w->wr.rdma.remote_addr = addr;
	w->imm_data = imm;
}

static void
wr_rdma_write(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr)
{
	wr_rdma(qpx, ROCE_WR_RDMA_WRITE, rkey, addr, 0);
}

static void
wr_rdma_write_imm(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr,
    __be32 imm)
{
	wr_rdma(qpx, ROCE_WR_RDMA_WRITE_WITH_IMM, rkey, addr, ntohl(imm));
}

static void
wr_rdma_read(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr)
{
	wr_rdma(qpx, ROCE_WR_RDMA_READ, rkey, addr, 0);
}

static void
wr_send(struct ibv_qp_ex *qpx)
{
	wr_new(qpx, ROCE_WR_SEND);
}

static void
wr_send_imm(struct ibv_qp_ex *qpx, __be32 imm)
{
	struct roce_send_wr *w = wr_new(qpx, ROCE_WR_SEND_WITH_IMM);

	if (w)
		w->imm_data = ntohl(imm);
}

static void
wr_atomic(struct ibv_qp_ex *qpx, enum roce_wr_opcode op, uint32_t rkey,
    uint64_t addr, uint64_t compare_add, uint64_t swap)
{
	struct roce_send_wr *w = wr_new(qpx, op);

	if (!w)
		return;
	w->wr.atomic.rkey = rkey;
	w->wr.atomic.remote_addr = addr;
	w->wr.atomic.compare_add = compare_add;
	w->wr.atomic.swap = swap;
}

static void
wr_atomic_cmp_swp(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr,
    uint64_t compare, uint64_t swap)
{
	wr_atomic(qpx, ROCE_WR_ATOMIC_CMP_AND_SWP, rkey, addr, compare, swap);
}

static void
wr_atomic_fetch_add(struct ibv_qp_ex *qpx, uint32_t rkey, uint64_t addr,
    uint64_t add)
{
	wr_atomic(qpx, ROCE_WR_ATOMIC_FETCH_AND_ADD, rkey, addr, add, 0);
}

static void
wr_set_ud_addr(struct ibv_qp_ex *qpx, struct ibv_ah *ah, uint32_t remote_qpn,
    uint32_t remote_qkey)
{
	struct roce_send_wr *w = cur(vqp(qpx));

	if (!w)
		return;
	w->wr.ud.ah = vb_ah(ah)->ra;
	w->wr.ud.remote_qpn = remote_qpn;
	w->wr.ud.remote_qkey = remote_qkey;
}

static void
wr_set_sge_list(struct ibv_qp_ex *qpx, size_t n, const struct ibv_sge *sg)
{
	struct vb_qp *q = vqp(qpx);
	struct roce_send_wr *w = cur(q);

	if (!w)
		return;
	if (n > VB_MAX_SGE || n > q->cap.max_send_sge) {
		batch_err(q, EINVAL);
		return;
	}
	memcpy(w->sg_list, sg, n * sizeof(*sg));
	w->num_sge = (int)n;
}

static void
wr_set_sge(struct ibv_qp_ex *qpx, uint32_t lkey, uint64_t addr, uint32_t len)
{
	struct ibv_sge s = { .addr = addr, .length = len, .lkey = lkey };

	wr_set_sge_list(qpx, 1, &s);
}

static void
wr_set_inline_data_list(struct ibv_qp_ex *qpx, size_t n,
    const struct ibv_data_buf *buf)
{
	struct vb_qp *q = vqp(qpx);
	struct roce_send_wr *w = cur(q);
	uint8_t *inl;
	size_t off = 0;

	if (!w)
		return;
	inl = q->b.inl + (size_t)(w - q->b.wr) * q->cap.max_inline_data;
	for (size_t i = 0; i < n; i++) {
		if (buf[i].length > q->cap.max_inline_data - off) {
			batch_err(q, ENOMEM);
			return;
		}
		memcpy(inl + off, buf[i].addr, buf[i].length);
		off += buf[i].length;
	}
	w->sg_list[0] = (struct roce_sge){ .addr = (uintptr_t)inl,
	    .length = (uint32_t)off };
	w->num_sge = 1;
	w->send_flags |= ROCE_SEND_INLINE;
}

static void
wr_set_inline_data(struct ibv_qp_ex *qpx, void *addr, size_t len)
{
	struct ibv_data_buf b = { .addr = addr, .length = len };

	wr_set_inline_data_list(qpx, 1, &b);
}

static void
wr_start(struct ibv_qp_ex *qpx)
{
	struct vb_qp *q = vqp(qpx);

	pthread_spin_lock(&q->sq_lock);
	q->b.n = 0;
	q->b.err = q->b.wr ? 0 : ENOMEM;
}

static int
wr_complete(struct ibv_qp_ex *qpx)
{
	struct vb_qp *q = vqp(qpx);
	struct roce_send_wr *bad;
	int err = q->b.err;

	if (!err && q->b.n) {
		for (unsigned i = 0; i + 1 < q->b.n; i++)
			q->b.wr[i].next = &q->b.wr[i + 1];
		err = lagnic_post_send(q->lq, q->b.wr, &bad);
	}
	q->b.n = 0;
	pthread_spin_unlock(&q->sq_lock);
	return err;
}

static void
wr_abort(struct ibv_qp_ex *qpx)
{
	struct vb_qp *q = vqp(qpx);

	q->b.n = 0;
	pthread_spin_unlock(&q->sq_lock);
}

static void
batch_alloc(struct vb_qp *q)
{
	unsigned max = q->cap.max_send_wr ? q->cap.max_send_wr : 1;

	q->b.wr = calloc(max, sizeof(*q->b.wr));
	q->b.sge = calloc((size_t)max * VB_MAX_SGE, sizeof(*q->b.sge));
	q->b.inl = calloc(max, q->cap.max_inline_data + 1);
	if (!q->b.wr || !q->b.sge || !q->b.inl) {
		vb_qp_ex_fini(q);	/* wr_start will say ENOMEM */
		return;
	}
	q->b.max = max;
}

void
vb_qp_ex_init(struct vb_qp *q, uint64_t send_ops)
{
	struct ibv_qp_ex *x = &q->qpx;

	x->wr_rdma_write = wr_rdma_write;
	x->wr_rdma_write_imm = wr_rdma_write_imm;
	x->wr_rdma_read = wr_rdma_read;
	x->wr_send = wr_send;
	x->wr_send_imm = wr_send_imm;
	x->wr_atomic_cmp_swp = wr_atomic_cmp_swp;
	x->wr_atomic_fetch_add = wr_atomic_fetch_add;
	x->wr_set_ud_addr = wr_set_ud_addr;
	x->wr_set_sge = wr_set_sge;
	x->wr_set_sge_list = wr_set_sge_list;
	x->wr_set_inline_data = wr_set_inline_data;
	x->wr_set_inline_data_list = wr_set_inline_data_list;
	x->wr_start = wr_start;
	x->wr_complete = wr_complete;
	x->wr_abort = wr_abort;
	if (send_ops)
		batch_alloc(q);
}

void
vb_qp_ex_fini(struct vb_qp *q)
{
	free(q->b.wr);
	free(q->b.sge);
	free(q->b.inl);
	memset(&q->b, 0, sizeof(q->b));
}
