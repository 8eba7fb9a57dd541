/*
 * Shared receive queues over liblagnic's: create, modify (the limit; no
 * resize: IBV_SRQ_MAX_WR is EOPNOTSUPP), query, destroy, post.
 */
#include "verbs/verbs_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ibv_srq *
ibv_create_srq(struct ibv_pd *pd, struct ibv_srq_init_attr *init)
{
	struct vb_context *c = vb_ctx(pd->context);
	struct roce_srq_attr a = { .max_wr = init->attr.max_wr,
	    .max_sge = init->attr.max_sge, .srq_limit = init->attr.srq_limit };
	struct vb_srq *s;
	int err;

	if (a.max_sge > VB_MAX_SGE)
		return vb_fail(EINVAL);
	s = calloc(1, sizeof(*s));
	if (!s)
		return vb_fail(ENOMEM);
	vb_lock(c);
	s->ls = lagnic_create_srq(vb_pd(pd)->lp, &a);
	vb_unlock(c);
	if (!s->ls) {
		err = errno;
		free(s);
		return vb_fail(err);
	}
	/* commit: nothing below may fail */
	lagnic_srq_set_context(s->ls, s);	/* its events name this */
	init->attr.max_wr = a.max_wr;		/* what it got */
	s->attr = init->attr;
	pthread_spin_init(&s->lock, PTHREAD_PROCESS_PRIVATE);
	s->srq.context = pd->context;
	s->srq.srq_context = init->srq_context;
	s->srq.pd = pd;
	pthread_mutex_init(&s->srq.mutex, NULL);
	pthread_cond_init(&s->srq.cond, NULL);
	return &s->srq;
}

int
ibv_modify_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr, int mask)
{
	struct vb_context *c = vb_ctx(srq->context);
	struct roce_srq_attr a = { .max_wr = attr->max_wr,
	    .max_sge = attr->max_sge, .srq_limit = attr->srq_limit };
	int err;

	if (mask & IBV_SRQ_MAX_WR)
		vb_trace("modify_srq: lagnic does not resize an SRQ");
	vb_lock(c);
	err = lagnic_modify_srq(vb_srq(srq)->ls, &a, mask);
	vb_unlock(c);
	return err;
}

/* srq_limit: as armed, 0 once it fired. */
int
ibv_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr)
{
	struct vb_context *c = vb_ctx(srq->context);
	struct vb_srq *s = vb_srq(srq);
	struct roce_srq_attr a;
	int err;

	vb_lock(c);
	err = lagnic_query_srq(s->ls, &a);
	vb_unlock(c);
	if (err)
		return err;
	*attr = s->attr;
	attr->srq_limit = a.srq_limit;
	return 0;
}

int
ibv_destroy_srq(struct ibv_srq *srq)
{
	struct vb_context *c = vb_ctx(srq->context);
	struct vb_srq *s = vb_srq(srq);
	int err;

	vb_lock(c);
	err = lagnic_destroy_srq(s->ls);
	vb_unlock(c);
	if (err)
		return err;
	vb_events_wait(&srq->mutex, &srq->cond, &srq->events_completed,
	    &s->events_reported);
	pthread_spin_destroy(&s->lock);
	free(s);
	return 0;
}

int
vb_post_srq_recv(struct ibv_srq *srq, struct ibv_recv_wr *wr,
    struct ibv_recv_wr **bad)
{
	struct vb_srq *s = vb_srq(srq);
	struct roce_recv_wr r[VB_BATCH], *rbad;
	struct ibv_recv_wr *src[VB_BATCH];
	int err = 0;

	pthread_spin_lock(&s->lock);
	while (wr && !err) {
		vb_recv_batch(&wr, r, src);
		err = lagnic_post_srq_recv(s->ls, r, &rbad);
		if (err)
			wr = src[rbad - r];
	}
	pthread_spin_unlock(&s->lock);
	if (err && bad)
		*bad = wr;
	return err;
}
