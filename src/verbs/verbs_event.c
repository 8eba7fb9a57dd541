/*
 * Asynchronous events (ibv_get_async_event, ibv_ack_async_event) over
 * liblagnic's. context->async_fd is liblagnic's event fd: readable while
 * events wait; made O_NONBLOCK, ibv_get_async_event fails with EAGAIN
 * when none does, as rdma-core's.
 *
 * Destroy ordering as rdma-core's: ibv_destroy_qp (srq, cq) returns once
 * every async event of the object that ibv_get_async_event returned is
 * acked (ibv_qp's events_completed against those reported); events not
 * yet returned are dropped with the object. liblagnic's own ack is given
 * as soon as the event is counted here, so that its destroy, which runs
 * under the context's request lock, never waits on the program.
 */
#include "verbs/verbs_priv.h"

#include <errno.h>

enum vb_evc { VB_EVC_DEVICE, VB_EVC_QP, VB_EVC_CQ, VB_EVC_SRQ };

static enum vb_evc
evc_of(enum ibv_event_type t)
{
	switch (t) {
	case IBV_EVENT_QP_FATAL: case IBV_EVENT_QP_REQ_ERR:
	case IBV_EVENT_QP_ACCESS_ERR: case IBV_EVENT_COMM_EST:
	case IBV_EVENT_SQ_DRAINED: case IBV_EVENT_PATH_MIG:
	case IBV_EVENT_PATH_MIG_ERR: case IBV_EVENT_QP_LAST_WQE_REACHED:
		return VB_EVC_QP;
	case IBV_EVENT_CQ_ERR:
		return VB_EVC_CQ;
	case IBV_EVENT_SRQ_ERR: case IBV_EVENT_SRQ_LIMIT_REACHED:
		return VB_EVC_SRQ;
	default:
		return VB_EVC_DEVICE;
	}
}

static void
count(pthread_mutex_t *m, uint32_t *reported)
{
	pthread_mutex_lock(m);
	(*reported)++;
	pthread_mutex_unlock(m);
}

int
ibv_get_async_event(struct ibv_context *ctx, struct ibv_async_event *event)
{
	struct lagnic_async_event le;
	struct vb_qp *q;
	struct vb_srq *s;
	struct vb_cq *cq;
	int err = lagnic_get_async_event(vb_ctx(ctx)->lc, &le);

	if (err) {
		errno = err;
		return -1;
	}
	event->event_type = (enum ibv_event_type)le.event_type;
	switch (evc_of(event->event_type)) {
	case VB_EVC_QP:
		q = lagnic_qp_context(le.element.qp);
		count(&q->qpx.qp_base.mutex, &q->events_reported);
		event->element.qp = &q->qpx.qp_base;
		break;
	case VB_EVC_SRQ:
		s = lagnic_srq_context(le.element.srq);
		count(&s->srq.mutex, &s->events_reported);
		event->element.srq = &s->srq;
		break;
	case VB_EVC_CQ:
		cq = lagnic_cq_context(le.element.cq);
		count(&cq->cq.mutex, &cq->async_reported);
		event->element.cq = ibv_cq_ex_to_cq(&cq->cq);
		break;
	default:
		event->element.port_num = le.element.port_num;
		break;
	}
	lagnic_ack_async_event(&le);
	return 0;
}

static void
complete(pthread_mutex_t *m, pthread_cond_t *cond, uint32_t *completed)
{
	pthread_mutex_lock(m);
	(*completed)++;
	pthread_cond_signal(cond);
	pthread_mutex_unlock(m);
}

void
ibv_ack_async_event(struct ibv_async_event *event)
{
	struct ibv_qp *qp = event->element.qp;
	struct ibv_srq *srq = event->element.srq;
	struct ibv_cq *cq = event->element.cq;

	switch (evc_of(event->event_type)) {
	case VB_EVC_QP:
		complete(&qp->mutex, &qp->cond, &qp->events_completed);
		break;
	case VB_EVC_SRQ:
		complete(&srq->mutex, &srq->cond, &srq->events_completed);
		break;
	case VB_EVC_CQ:
		complete(&cq->mutex, &cq->cond, &cq->async_events_completed);
		break;
	default:
		break;
	}
}

void
vb_events_wait(pthread_mutex_t *m, pthread_cond_t *cond,
    const uint32_t *completed, const uint32_t *reported)
{
	pthread_mutex_lock(m);
	while (*completed != *reported)
		pthread_cond_wait(cond, m);
	pthread_mutex_unlock(m);
}
