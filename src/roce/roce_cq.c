/* Completion queues, receive queues and shared receive queues. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roce/roce_int.h"

void
roce_event(struct roce_engine *e, const struct roce_event *ev)
{
	if (e->cfg.ops->event)
		e->cfg.ops->event(e->cfg.ctx, ev);
}

/* ---- CQ ---- */

int
roce_create_cq(struct roce_engine *e, uint32_t cqe, void *cq_context,
    struct roce_cq **out)
{
	struct roce_cq *cq;

	if (cqe == 0 || cqe > e->attr.max_cqe)
		return -EINVAL;
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return -ENOMEM;
	cq->ring = calloc(cqe, sizeof(*cq->ring));
	if (!cq->ring) {
		free(cq);
		return -ENOMEM;
	}
	cq->e = e;
	cq->size = cqe;
	cq->cq_context = cq_context;
	roce_list_add_tail(&e->cqs, &cq->node);
	e->ncq++;
	*out = cq;
	return 0;
}

int
roce_destroy_cq(struct roce_cq *cq)
{
	if (cq->refs)
		return -EBUSY;
	cq->e->ncq--;
	roce_list_del(&cq->node);
	free(cq->ring);
	free(cq);
	return 0;
}

/*
 * 11.4.2.1: a CQ that overflows is in error; the consumer learns it by
 * the CQ_ERR event (and here by -EIO from poll once drained).
 */
bool
roce_cq_post(struct roce_cq *cq, const struct roce_wc *wc, bool solicited)
{
	if (cq->overflow)
		return false;
	if (cq->tail - cq->head == cq->size) {
		cq->overflow = true;
		roce_event(cq->e, &(struct roce_event){
		    .type = ROCE_EVENT_CQ_ERR, .cq = cq });
		return false;
	}
	cq->ring[cq->tail++ % cq->size] = *wc;
	if (solicited || wc->status != ROCE_WC_SUCCESS)
		cq->solicited_posts++;
	if (cq->armed && (!cq->solicited_only || solicited ||
	    wc->status != ROCE_WC_SUCCESS)) {
		cq->armed = false;
		roce_event(cq->e, &(struct roce_event){ .cq = cq,
		    .comp = true });
	}
	return true;
}

int
roce_poll_cq(struct roce_cq *cq, int n, struct roce_wc *wc)
{
	int got = 0;

	if (n < 0)
		return -EINVAL;
	while (got < n && cq->head != cq->tail)
		wc[got++] = cq->ring[cq->head++ % cq->size];
	if (got == 0 && cq->overflow)
		return -EIO;
	return got;
}

uint64_t
roce_cq_solicited_posts(const struct roce_cq *cq)
{
	return cq->solicited_posts;
}

int
roce_req_notify_cq(struct roce_cq *cq, bool solicited_only)
{
	cq->armed = true;
	cq->solicited_only = solicited_only;
	return 0;
}

/* ---- receive queues ---- */

int
roce_rq_init(struct roce_rq *rq, uint32_t max_wr, uint32_t max_sge)
{
	memset(rq, 0, sizeof(*rq));
	if (max_wr == 0)
		return 0;
	rq->size = round_up_pow2(max_wr);
	rq->ring = calloc(rq->size, sizeof(*rq->ring));
	if (!rq->ring)
		return -ENOMEM;
	rq->max_wr = max_wr;
	rq->max_sge = max_sge;
	return 0;
}

void
roce_rq_fini(struct roce_rq *rq)
{
	free(rq->ring);
	memset(rq, 0, sizeof(*rq));
}

int
roce_rq_post(struct roce_rq *rq, const struct roce_recv_wr *wr)
{
	struct roce_rwqe *r;

	if (wr->num_sge < 0 || (uint32_t)wr->num_sge > rq->max_sge)
		return -EINVAL;
	if (rq->tail - rq->head >= rq->max_wr)
		return -ENOMEM;
	r = &rq->ring[rq->tail & (rq->size - 1)];
	r->wr_id = wr->wr_id;
	r->num_sge = (uint32_t)wr->num_sge;
	if (wr->num_sge)
		memcpy(r->sge, wr->sg_list, wr->num_sge * sizeof(*r->sge));
	rq->tail++;
	return 0;
}

static bool
rq_take(struct roce_rq *rq, struct roce_rwqe *out)
{
	if (rq->head == rq->tail)
		return false;
	*out = rq->ring[rq->head++ & (rq->size - 1)];
	return true;
}

static void
srq_limit_check(struct roce_srq *srq)
{
	if (srq->srq_limit && srq->rq.tail - srq->rq.head < srq->srq_limit) {
		srq->srq_limit = 0;	/* one event per arming, as verbs */
		roce_event(srq->e, &(struct roce_event){
		    .type = ROCE_EVENT_SRQ_LIMIT_REACHED, .srq = srq });
	}
}

bool
roce_qp_take_recv(struct roce_qp *qp, struct roce_rwqe *out)
{
	if (!qp->srq)
		return rq_take(&qp->rq, out);
	if (!rq_take(&qp->srq->rq, out))
		return false;
	srq_limit_check(qp->srq);
	return true;
}

/* ---- SRQ ---- */

int
roce_create_srq(struct roce_pd *pd, const struct roce_srq_attr *attr,
    struct roce_srq **out)
{
	struct roce_srq *srq;
	int err;

	if (attr->max_wr == 0 || attr->max_wr > pd->e->attr.max_srq_wr ||
	    attr->max_sge > ROCE_MAX_SGE)
		return -EINVAL;
	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return -ENOMEM;
	err = roce_rq_init(&srq->rq, attr->max_wr, attr->max_sge);
	if (err) {
		free(srq);
		return err;
	}
	srq->e = pd->e;
	srq->pd = pd;
	srq->srq_limit = attr->srq_limit;
	pd->refs++;
	pd->e->nsrq++;
	roce_list_add_tail(&pd->e->srqs, &srq->node);
	*out = srq;
	return 0;
}

int
roce_destroy_srq(struct roce_srq *srq)
{
	if (srq->refs)
		return -EBUSY;
	srq->pd->refs--;
	srq->e->nsrq--;
	roce_list_del(&srq->node);
	roce_rq_fini(&srq->rq);
	free(srq);
	return 0;
}

/* ibv_modify_srq: arm the limit (ROCE_SRQ_LIMIT, at most max_wr; 0
 * disarms). A resize (ROCE_SRQ_MAX_WR) is not supported. */
int
roce_modify_srq(struct roce_srq *srq, const struct roce_srq_attr *attr,
    int mask)
{
	if (mask & ~(ROCE_SRQ_MAX_WR | ROCE_SRQ_LIMIT))
		return -EINVAL;
	if (mask & ROCE_SRQ_MAX_WR)
		return -EOPNOTSUPP;
	if ((mask & ROCE_SRQ_LIMIT) && attr->srq_limit > srq->rq.max_wr)
		return -EINVAL;
	if (mask & ROCE_SRQ_LIMIT)
		srq->srq_limit = attr->srq_limit;
	return 0;
}

void
roce_query_srq(const struct roce_srq *srq, struct roce_srq_attr *attr)
{
	*attr = (struct roce_srq_attr){ .max_wr = srq->rq.max_wr,
	    .max_sge = srq->rq.max_sge, .srq_limit = srq->srq_limit };
}

int
roce_post_srq_recv(struct roce_srq *srq, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr)
{
	for (; wr; wr = wr->next) {
		int err = roce_rq_post(&srq->rq, wr);

		if (err) {
			if (bad_wr)
				*bad_wr = wr;
			return err;
		}
	}
	return 0;
}
