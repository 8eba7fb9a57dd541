/* liblagnic: QPs, and posting work requests into their rings. */
#include "client/lagnic_priv.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
qp_map_rings(struct lagnic_qp *qp, int fd, const struct rdma_create_qp_rep *p)
{
	size_t rq_off = (p->sq_bytes + 63) & ~(size_t)63;
	int err;

	qp->len = rq_off + p->rq_bytes;
	err = shm_region_map(fd, qp->len, &qp->mem);
	if (err)
		return err;
	err = shm_ring_attach(&qp->sq, qp->mem, p->sq_bytes,
	    sizeof(struct rdma_send_wqe), p->sq_entries, SHM_RING_PRODUCER);
	if (!err)
		err = shm_ring_attach(&qp->rq, (uint8_t *)qp->mem + rq_off,
		    p->rq_bytes, sizeof(struct rdma_recv_wqe), p->rq_entries,
		    SHM_RING_PRODUCER);
	if (err)
		shm_region_unmap(qp->mem, qp->len);
	return err;
}

/* The calling thread's NUMA node, -1 if unknown. */
static int32_t
numa_node(void)
{
	unsigned cpu, node;

	return getcpu(&cpu, &node) == 0 ? (int32_t)node : -1;
}

static void
obj_free_qp(struct lagnic_obj *o)
{
	struct lagnic_qp *qp = (struct lagnic_qp *)o;

	shm_region_unmap(qp->mem, qp->len);
	free(qp);
}

struct lagnic_qp *
lagnic_create_qp(struct lagnic_pd *pd, struct lagnic_qp_init_attr *init)
{
	struct rdma_create_qp_req q = {
		.pd = pd->handle, .qp_type = init->qp_type, .cap = init->cap,
		.sq_sig_all = init->sq_sig_all != 0, .lane = init->lane,
		.srq = init->srq ? init->srq->handle : 0,
		.numa_node = numa_node(),
	};
	struct rdma_create_qp_rep p;
	struct lagnic_qp *qp;
	int fd = -1, err;
	unsigned n = 0;

	if (!init->send_cq || !init->recv_cq)
		return lagnic_fail(-EINVAL);
	q.send_cq = init->send_cq->handle;
	q.recv_cq = init->recv_cq->handle;
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call(pd->ctx, RDMA_MSG_CREATE_QP, &q, &p, NULL, 0, &fd, &n);
	if (!err && (n != 1 || p.handle == 0 || p.handle > RDMA_WORK_QPS))
		err = -EPROTO;
	if (!err)
		err = qp_map_rings(qp, fd, &p);
	if (fd >= 0)
		close(fd);
	if (err) {
		free(qp);
		return lagnic_fail(err);
	}
	qp->ctx = pd->ctx;
	qp->handle = p.handle;
	qp->qp_num = p.qp_num;
	qp->qp_context = init->qp_context;
	qp->type = init->qp_type;
	qp->srq = init->srq;
	qp->cap = p.cap;
	init->cap = p.cap;
	lagnic_ev_register(pd->ctx, RDMA_EVC_QP, p.handle, qp, &qp->evc);
	lagnic_obj_add(pd->ctx, &qp->obj, obj_free_qp);
	return qp;
}

int
lagnic_destroy_qp(struct lagnic_qp *qp)
{
	struct rdma_handle q = { .handle = qp->handle };
	int err = lagnic_call(qp->ctx, RDMA_MSG_DESTROY_QP, &q, NULL, NULL, 0,
	    NULL, NULL);

	if (err)
		return -err;
	lagnic_ev_withdraw(qp->ctx, RDMA_EVC_QP, qp->handle, &qp->evc);
	lagnic_obj_del(&qp->obj);
	obj_free_qp(&qp->obj);
	return 0;
}

uint32_t
lagnic_qp_num(const struct lagnic_qp *qp)
{
	return qp->qp_num;
}

void *
lagnic_qp_context(const struct lagnic_qp *qp)
{
	return qp->qp_context;
}

int
lagnic_modify_qp(struct lagnic_qp *qp, struct roce_qp_attr *attr,
    int attr_mask)
{
	struct rdma_modify_qp_req q = { .handle = qp->handle,
	    .mask = (uint32_t)attr_mask, .attr = *attr };

	return -lagnic_call_resolving(qp->ctx, RDMA_MSG_MODIFY_QP, &q, NULL);
}

int
lagnic_query_qp(struct lagnic_qp *qp, struct roce_qp_attr *attr)
{
	struct rdma_handle q = { .handle = qp->handle };
	struct rdma_query_qp_rep p;
	int err = lagnic_call(qp->ctx, RDMA_MSG_QUERY_QP, &q, &p, NULL, 0,
	    NULL, NULL);

	if (err)
		return -err;
	*attr = p.attr;
	return 0;
}

static struct rdma_sge
sge_of(const struct roce_sge *s)
{
	return (struct rdma_sge){ .addr = s->addr, .length = s->length,
	    .lkey = s->lkey };
}

/* One WQE into a ring: 0, ENOMEM (full) or EPROTO (lagnicd broke it). */
static int
ring_put(struct shm_ring *ring, const void *wqe)
{
	int n = shm_ring_push(ring, wqe, 1);

	return n == 1 ? 0 : n < 0 ? EPROTO : ENOMEM;
}

/* What can be refused here is refused here, as verbs would at once. */
static int
send_wqe_of(const struct lagnic_qp *qp, const struct roce_send_wr *wr,
    struct rdma_send_wqe *w)
{
	uint32_t off = 0;

	if (wr->num_sge < 0 || wr->num_sge > RDMA_MAX_SGE ||
	    (uint32_t)wr->num_sge > qp->cap.max_send_sge ||
	    (qp->type == ROCE_QPT_UD && !wr->wr.ud.ah))
		return EINVAL;
	memset(w, 0, offsetof(struct rdma_send_wqe, inline_data));
	w->wr_id = wr->wr_id;
	w->opcode = wr->opcode;
	w->send_flags = wr->send_flags;
	w->imm_data = wr->imm_data;
	w->num_sge = (uint32_t)wr->num_sge;
	for (int i = 0; i < wr->num_sge; i++) {
		const struct roce_sge *s = &wr->sg_list[i];

		w->sge[i] = sge_of(s);
		if (!(wr->send_flags & ROCE_SEND_INLINE))
			continue;
		if (s->length > RDMA_MAX_INLINE - off ||
		    off + s->length > qp->cap.max_inline_data)
			return EINVAL;
		memcpy(w->inline_data + off, (const void *)(uintptr_t)s->addr,
		    s->length);
		off += s->length;
	}
	w->inline_len = off;
	if (qp->type == ROCE_QPT_UD) {
		w->ah = wr->wr.ud.ah->handle;
		w->remote_qpn = wr->wr.ud.remote_qpn;
		w->remote_qkey = wr->wr.ud.remote_qkey;
	} else if (wr->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP ||
	    wr->opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
		w->remote_addr = wr->wr.atomic.remote_addr;
		w->rkey = wr->wr.atomic.rkey;
		w->compare_add = wr->wr.atomic.compare_add;
		w->swap = wr->wr.atomic.swap;
	} else {
		w->remote_addr = wr->wr.rdma.remote_addr;
		w->rkey = wr->wr.rdma.rkey;
	}
	return 0;
}

int
lagnic_post_send(struct lagnic_qp *qp, struct roce_send_wr *wr,
    struct roce_send_wr **bad_wr)
{
	struct rdma_send_wqe w;
	int err = 0;

	for (; wr; wr = wr->next) {
		err = send_wqe_of(qp, wr, &w);
		if (!err)
			err = ring_put(&qp->sq, &w);
		if (err)
			break;
	}
	lagnic_doorbell(qp->ctx, qp->handle - 1);
	if (err && bad_wr)
		*bad_wr = wr;
	return err;
}

int
lagnic_post_recv(struct lagnic_qp *qp, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr)
{
	if (qp->srq) {		/* its receives go to the SRQ */
		if (bad_wr)
			*bad_wr = wr;
		return EINVAL;
	}
	return lagnic_put_recvs(qp->ctx, &qp->rq, qp->handle - 1, wr, bad_wr);
}

int
lagnic_put_recvs(struct lagnic_context *ctx, struct shm_ring *ring,
    unsigned work_bit, struct roce_recv_wr *wr, struct roce_recv_wr **bad_wr)
{
	struct rdma_recv_wqe w;
	int err = 0;

	for (; wr; wr = wr->next) {
		if (wr->num_sge < 0 || wr->num_sge > RDMA_MAX_SGE) {
			err = EINVAL;
			break;
		}
		memset(&w, 0, sizeof(w));
		w.wr_id = wr->wr_id;
		w.num_sge = (uint32_t)wr->num_sge;
		for (int i = 0; i < wr->num_sge; i++)
			w.sge[i] = sge_of(&wr->sg_list[i]);
		err = ring_put(ring, &w);
		if (err)
			break;
	}
	lagnic_doorbell(ctx, work_bit);
	if (err && bad_wr)
		*bad_wr = wr;
	return err;
}
