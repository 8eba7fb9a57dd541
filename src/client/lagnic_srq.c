/* liblagnic: shared receive queues, a ring of receive WQEs each. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "client/lagnic_priv.h"

static void
obj_free_srq(struct lagnic_obj *o)
{
	struct lagnic_srq *srq = (struct lagnic_srq *)o;

	shm_region_unmap(srq->mem, srq->len);
	free(srq);
}

struct lagnic_srq *
lagnic_create_srq(struct lagnic_pd *pd, struct roce_srq_attr *attr)
{
	struct rdma_create_srq_req q = { .pd = pd->handle,
	    .max_wr = attr->max_wr, .max_sge = attr->max_sge,
	    .srq_limit = attr->srq_limit };
	struct rdma_create_srq_rep p;
	struct lagnic_srq *srq = calloc(1, sizeof(*srq));
	int fd = -1, err;
	unsigned n = 0;

	if (!srq)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call(pd->ctx, RDMA_MSG_CREATE_SRQ, &q, &p, NULL, 0, &fd,
	    &n);
	if (!err && (n != 1 || p.handle == 0 || p.handle > RDMA_WORK_SRQS))
		err = -EPROTO;
	if (!err) {
		srq->len = p.ring_bytes;
		err = shm_region_map(fd, srq->len, &srq->mem);
	}
	if (!err) {
		err = shm_ring_attach(&srq->ring, srq->mem, srq->len,
		    sizeof(struct rdma_recv_wqe), p.entries,
		    SHM_RING_PRODUCER);
		if (err)
			shm_region_unmap(srq->mem, srq->len);
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		free(srq);
		return lagnic_fail(err);
	}
	srq->ctx = pd->ctx;
	srq->handle = p.handle;
	attr->max_wr = p.entries;
	lagnic_ev_register(pd->ctx, RDMA_EVC_SRQ, p.handle, srq, &srq->evc);
	lagnic_obj_add(pd->ctx, &srq->obj, obj_free_srq);
	return srq;
}

int
lagnic_destroy_srq(struct lagnic_srq *srq)
{
	struct rdma_handle q = { .handle = srq->handle };
	int err = lagnic_call(srq->ctx, RDMA_MSG_DESTROY_SRQ, &q, NULL, NULL,
	    0, NULL, NULL);

	if (err)
		return -err;
	lagnic_ev_withdraw(srq->ctx, RDMA_EVC_SRQ, srq->handle, &srq->evc);
	lagnic_obj_del(&srq->obj);
	obj_free_srq(&srq->obj);
	return 0;
}

int
lagnic_modify_srq(struct lagnic_srq *srq, struct roce_srq_attr *attr,
    int attr_mask)
{
	struct rdma_modify_srq_req q = { .handle = srq->handle,
	    .mask = (uint32_t)attr_mask, .attr = *attr };

	return -lagnic_call(srq->ctx, RDMA_MSG_MODIFY_SRQ, &q, NULL, NULL, 0,
	    NULL, NULL);
}

int
lagnic_query_srq(struct lagnic_srq *srq, struct roce_srq_attr *attr)
{
	struct rdma_handle q = { .handle = srq->handle };
	struct rdma_query_srq_rep p;
	int err = lagnic_call(srq->ctx, RDMA_MSG_QUERY_SRQ, &q, &p, NULL, 0,
	    NULL, NULL);

	if (err)
		return -err;
	*attr = p.attr;
	return 0;
}

void
lagnic_srq_set_context(struct lagnic_srq *srq, void *srq_context)
{
	srq->srq_context = srq_context;
}

void *
lagnic_srq_context(const struct lagnic_srq *srq)
{
	return srq->srq_context;
}

int
lagnic_post_srq_recv(struct lagnic_srq *srq, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr)
{
	return lagnic_put_recvs(srq->ctx, &srq->ring,
	    RDMA_WORK_SRQ_BASE + srq->handle - 1, wr, bad_wr);
}
