/*
 * Shared receive queues: an engine SRQ and a ring of receive WQEs the
 * application fills (as a QP's receive ring), drained into the engine
 * as it has room.
 */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

struct rdma_srq *
rdma_srq_of(struct rdma_client *c, uint32_t h)
{
	int i = rdma_handle_index(h, RDMA_SRQS_MAX);

	return i < 0 || !c->srqs[i].srq ? NULL : &c->srqs[i];
}

static int
srq_free_slot(const struct rdma_client *c)
{
	for (unsigned i = 0; i < RDMA_SRQS_MAX; i++)
		if (!c->srqs[i].srq)
			return (int)i;
	return -1;
}

int
rdma_req_create_srq(struct rdma_req *r)
{
	const struct rdma_create_srq_req *q = r->body;
	struct rdma_create_srq_rep *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	struct roce_pd *pd = rdma_pd_of(c, q->pd);
	struct roce_srq_attr attr = { .max_wr = q->max_wr,
	    .max_sge = q->max_sge, .srq_limit = q->srq_limit };
	int i = srq_free_slot(c), fd, err;
	struct rdma_srq *s;
	uint32_t n;

	if (!pd || q->max_wr == 0 || q->max_wr > ROCE_MAX_WR ||
	    q->max_sge > RDMA_MAX_SGE)
		return -EINVAL;
	if (i < 0)
		return -ENOMEM;
	s = &c->srqs[i];
	n = round_up_pow2(q->max_wr);
	s->len = shm_ring_bytes(sizeof(struct rdma_recv_wqe), n);
	err = shm_region_create("lagnic-srq", s->len, &fd, &s->mem);
	if (err)
		return err;
	shm_ring_format(&s->ring, s->mem, s->len, sizeof(struct rdma_recv_wqe),
	    n);
	err = roce_create_srq(pd, &attr, &s->srq);
	if (err) {
		shm_region_unmap(s->mem, s->len);
		close(fd);
		memset(s, 0, sizeof(*s));
		return err;
	}
	p->handle = (uint32_t)i + 1;
	p->entries = n;
	p->ring_bytes = s->len;
	r->rep_fds[0] = fd;
	r->rep_nfds = 1;
	return 0;
}

int
rdma_req_modify_srq(struct rdma_req *r)
{
	const struct rdma_modify_srq_req *q = r->body;
	struct rdma_srq *s = rdma_srq_of(r->c, q->handle);

	if (!s)
		return -EINVAL;
	return roce_modify_srq(s->srq, &q->attr, (int)q->mask);
}

int
rdma_req_query_srq(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct rdma_query_srq_rep *p = rdma_rep_body(r);
	struct rdma_srq *s = rdma_srq_of(r->c, q->handle);

	if (!s)
		return -EINVAL;
	roce_query_srq(s->srq, &p->attr);
	return 0;
}

static void
srq_free(struct rdma_srq *s)
{
	shm_region_unmap(s->mem, s->len);
	memset(s, 0, sizeof(*s));
}

int
rdma_req_destroy_srq(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct rdma_srq *s = rdma_srq_of(r->c, q->handle);
	int err;

	if (!s)
		return -EINVAL;
	if (s->qps)
		return -EBUSY;
	err = roce_destroy_srq(s->srq);
	if (err)
		return err;
	srq_free(s);
	return 0;
}

/* After the QPs went. */
void
rdma_srqs_free(struct rdma_client *c)
{
	for (unsigned i = 0; i < RDMA_SRQS_MAX; i++)
		if (c->srqs[i].srq) {
			roce_destroy_srq(c->srqs[i].srq);
			srq_free(&c->srqs[i]);
		}
}

/* Receive WQEs into one SRQ: one the engine has no room for is counted
 * as an error (the application posted more than max_wr: verbs would have
 * refused it at once). */
int
rdma_srq_poll(struct rdma_client *c, struct rdma_srq *s)
{
	struct rdma_recv_wqe w;
	struct roce_sge sge[RDMA_MAX_SGE];
	struct roce_recv_wr wr, *bad;
	int n = 0, err;

	while (n < RDMA_WQE_BURST && shm_ring_pending(&s->ring)) {
		if (shm_ring_pop(&s->ring, &w, 1) != 1)
			return -EPROTO;
		wr = (struct roce_recv_wr){ .wr_id = w.wr_id, .sg_list = sge,
		    .num_sge = rdma_sges_of(w.sge, w.num_sge, sge) };
		err = roce_post_srq_recv(s->srq, &wr, &bad);
		n++;
		c->svc->cnt.recv_wqes++;
		if (err)
			c->svc->cnt.wqe_errors++;	/* no QP to complete on */
	}
	return n;
}
