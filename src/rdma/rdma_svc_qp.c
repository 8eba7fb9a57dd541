/* The RDMA service's QP requests: a QP is an engine QP and two rings. */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static struct rdma_cq *
cq_of(struct rdma_client *c, uint32_t h)
{
	int i = rdma_handle_index(h, RDMA_CQS_MAX);

	return i < 0 || !c->cqs[i].cq ? NULL : &c->cqs[i];
}

static struct rdma_qp *
qp_of(struct rdma_client *c, uint32_t h)
{
	int i = rdma_handle_index(h, RDMA_QPS_MAX);

	return i < 0 || !c->qps[i].qp ? NULL : &c->qps[i];
}

static int
qp_free_slot(const struct rdma_client *c)
{
	for (unsigned i = 0; i < RDMA_QPS_MAX; i++)
		if (!c->qps[i].qp)
			return (int)i;
	return -1;
}

static bool
qp_caps_ok(const struct rdma_create_qp_req *q)
{
	const struct roce_qp_cap *cap = &q->cap;

	return (q->qp_type == ROCE_QPT_RC || q->qp_type == ROCE_QPT_UD) &&
	    cap->max_send_wr >= 1 && cap->max_send_wr <= ROCE_MAX_WR &&
	    cap->max_recv_wr <= ROCE_MAX_WR &&
	    cap->max_send_sge <= RDMA_MAX_SGE &&
	    cap->max_recv_sge <= RDMA_MAX_SGE &&
	    cap->max_inline_data <= RDMA_MAX_INLINE;
}

/* One memfd: the send ring, then the receive ring at a cache line. */
static int
qp_rings(struct rdma_qp *qp, struct rdma_create_qp_rep *p, int *fd)
{
	uint32_t sq_n = round_up_pow2(p->cap.max_send_wr);
	uint32_t rq_n = round_up_pow2(p->cap.max_recv_wr ?
	    p->cap.max_recv_wr : 1);
	size_t sq_b = shm_ring_bytes(sizeof(struct rdma_send_wqe), sq_n);
	size_t rq_b = shm_ring_bytes(sizeof(struct rdma_recv_wqe), rq_n);
	size_t rq_off = (sq_b + 63) & ~(size_t)63;
	int err;

	qp->len = rq_off + rq_b;
	err = shm_region_create("lagnic-qp", qp->len, fd, &qp->mem);
	if (err)
		return err;
	shm_ring_format(&qp->sq, qp->mem, sq_b, sizeof(struct rdma_send_wqe),
	    sq_n);
	shm_ring_format(&qp->rq, (uint8_t *)qp->mem + rq_off, rq_b,
	    sizeof(struct rdma_recv_wqe), rq_n);
	p->sq_entries = sq_n;
	p->rq_entries = rq_n;
	p->sq_bytes = sq_b;
	p->rq_bytes = rq_b;
	return 0;
}

int
rdma_req_create_qp(struct rdma_req *r)
{
	const struct rdma_create_qp_req *q = r->body;
	struct rdma_create_qp_rep *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	struct roce_pd *pd = rdma_pd_of(c, q->pd);
	struct rdma_cq *scq = cq_of(c, q->send_cq), *rcq = cq_of(c, q->recv_cq);
	struct rdma_srq *srq = q->srq ? rdma_srq_of(c, q->srq) : NULL;
	struct roce_qp_init_attr init = {
		.qp_type = q->qp_type, .cap = q->cap,
		.sq_sig_all = q->sq_sig_all != 0, .lane = q->lane,
	};
	int i = qp_free_slot(c), fd, err;
	struct rdma_qp *qp;

	if (!pd || !scq || !rcq || !qp_caps_ok(q) || (q->srq && !srq))
		return -EINVAL;
	if (i < 0)
		return -ENOMEM;
	qp = &c->qps[i];
	init.send_cq = scq->cq;
	init.recv_cq = rcq->cq;
	init.srq = srq ? srq->srq : NULL;
	/* no port asked for: one on the creating thread's NUMA node */
	if (q->lane == ROCE_LANE_AUTO && q->numa_node >= 0 &&
	    c->svc->numa_lane)
		init.lane = c->svc->numa_lane(c->svc->numa_lane_arg,
		    q->numa_node);
	p->cap = q->cap;
	err = qp_rings(qp, p, &fd);
	if (err)
		return err;
	err = roce_create_qp(pd, &init, &qp->qp);
	if (err)
		goto fail_unmap;
	/* commit: nothing below may fail */
	qp->send_cq = q->send_cq;
	qp->recv_cq = q->recv_cq;
	qp->type = q->qp_type;
	qp->srq = q->srq;
	scq->qps++;
	rcq->qps++;
	if (srq)
		srq->qps++;
	p->handle = (uint32_t)i + 1;
	p->qp_num = roce_qp_num(qp->qp);
	r->rep_fds[0] = fd;
	r->rep_nfds = 1;
	return 0;
fail_unmap:
	shm_region_unmap(qp->mem, qp->len);
	close(fd);
	memset(qp, 0, sizeof(*qp));
	return err;
}

int
rdma_req_destroy_qp(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct rdma_client *c = r->c;
	struct rdma_qp *qp = qp_of(c, q->handle);
	int err;

	if (!qp)
		return -EINVAL;
	err = roce_destroy_qp(qp->qp);
	if (err)
		return err;
	shm_region_unmap(qp->mem, qp->len);
	c->cqs[qp->send_cq - 1].qps--;
	c->cqs[qp->recv_cq - 1].qps--;
	if (qp->srq)
		c->srqs[qp->srq - 1].qps--;
	memset(qp, 0, sizeof(*qp));
	return 0;
}

int
rdma_req_modify_qp(struct rdma_req *r)
{
	const struct rdma_modify_qp_req *q = r->body;
	struct rdma_qp *qp = qp_of(r->c, q->handle);
	struct roce_qp_attr attr;
	int err;

	if (!qp)
		return -EINVAL;
	attr = q->attr;
	if (q->mask & ROCE_QP_AV) {
		err = rdma_svc_av_resolve(r->c->svc, &attr.ah_attr);
		if (err)
			return err;
	}
	return roce_modify_qp(qp->qp, &attr, q->mask);
}

int
rdma_req_query_qp(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct rdma_query_qp_rep *p = rdma_rep_body(r);
	struct rdma_qp *qp = qp_of(r->c, q->handle);

	if (!qp)
		return -EINVAL;
	return roce_query_qp(qp->qp, &p->attr, NULL);
}
