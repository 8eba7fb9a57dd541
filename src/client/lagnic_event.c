/*
 * liblagnic: asynchronous events (ibv_get_async_event). lagnicd puts
 * them in the ring of the status page and writes a byte for each to a
 * pipe whose read end we have: an event is taken by reading a byte, then
 * the ring's next entry; the end of the pipe is lagnicd's end. The read
 * end is the application's fd to poll; made O_NONBLOCK,
 * lagnic_get_async_event says EAGAIN when none waits.
 *
 * A destroyed object's events that were not taken yet are withdrawn
 * (their entries made void: the byte read for one finds nothing, and
 * the wait goes on for the next); the destroy waits until every event
 * of it that was taken is acknowledged, as verbs' destroy calls do. The ring, the
 * handle tables and the counts are under ev_lock, which no call on the
 * socket takes: another thread may wait for events while this one makes
 * and destroys objects.
 */
#include "client/lagnic_priv.h"

#include <errno.h>
#include <unistd.h>

int
lagnic_async_fd(const struct lagnic_context *ctx)
{
	return ctx->evfd;
}

/* One event's byte: 0, -EAGAIN (non-blocking and none), -ECONNRESET
 * (lagnicd closed its end), or another -errno. */
static int
ev_wait(struct lagnic_context *ctx)
{
	char b;
	ssize_t n = read(ctx->evfd, &b, 1);

	if (n == 1)
		return 0;
	return n == 0 ? -ECONNRESET : -errno;
}

static struct lagnic_evc *
evc_of(const struct lagnic_async_event *ev)
{
	switch (rdma_event_class(ev->event_type)) {
	case RDMA_EVC_QP:
		return &ev->element.qp->evc;
	case RDMA_EVC_SRQ:
		return &ev->element.srq->evc;
	case RDMA_EVC_CQ:
		return &ev->element.cq->evc;
	default:
		return NULL;
	}
}

/* The application's event of e: false if its object is gone. */
static bool
ev_resolve(struct lagnic_context *ctx, const struct rdma_async_event *e,
    struct lagnic_async_event *out)
{
	uint32_t h = e->handle;

	*out = (struct lagnic_async_event){
	    .event_type = (enum roce_event_type)e->type };
	switch (rdma_event_class(e->type)) {
	case RDMA_EVC_QP:
		out->element.qp = h >= 1 && h <= RDMA_WORK_QPS ?
		    ctx->qps[h - 1] : NULL;
		if (!out->element.qp)
			return false;
		break;
	case RDMA_EVC_SRQ:
		out->element.srq = h >= 1 && h <= RDMA_WORK_SRQS ?
		    ctx->srqs[h - 1] : NULL;
		if (!out->element.srq)
			return false;
		break;
	case RDMA_EVC_CQ:
		out->element.cq = h >= 1 && h <= RDMA_STATUS_CQS ?
		    ctx->cqs[h - 1] : NULL;
		if (!out->element.cq)
			return false;
		break;
	default:
		out->element.port_num = 1;
		return true;
	}
	evc_of(out)->reported++;
	return true;
}

/* The ring's next event, if it is one still (not withdrawn). */
static bool
ev_take(struct lagnic_context *ctx, struct lagnic_async_event *out)
{
	struct rdma_status *st = ctx->status;
	struct rdma_async_event e;
	bool ok = false;

	pthread_mutex_lock(&ctx->ev_lock);
	if (ctx->ev_head != atomic_load_explicit(&st->ev_tail,
	    memory_order_acquire)) {
		e = st->ev[ctx->ev_head % RDMA_EVENTS];
		ctx->ev_head++;
		atomic_store_explicit(&st->ev_head, ctx->ev_head,
		    memory_order_release);
		ok = e.type != RDMA_EVENT_VOID && ev_resolve(ctx, &e, out);
	}
	pthread_mutex_unlock(&ctx->ev_lock);
	return ok;
}

int
lagnic_get_async_event(struct lagnic_context *ctx,
    struct lagnic_async_event *event)
{
	int err;

	for (;;) {
		if (ctx->gone)
			return EIO;
		err = ev_wait(ctx);
		if (err == -ECONNRESET) {
			/* once: the device is gone for good */
			ctx->gone = true;
			*event = (struct lagnic_async_event){
			    .event_type = ROCE_EVENT_DEVICE_FATAL,
			    .element.port_num = 1 };
			return 0;
		}
		if (err)
			return -err;
		if (ev_take(ctx, event))
			return 0;
	}
}

void
lagnic_ack_async_event(struct lagnic_async_event *event)
{
	struct lagnic_evc *evc = evc_of(event);

	if (!evc)
		return;
	pthread_mutex_lock(&evc->ctx->ev_lock);
	evc->acked++;
	pthread_cond_broadcast(&evc->ctx->ev_cond);
	pthread_mutex_unlock(&evc->ctx->ev_lock);
}

/* Under ev_lock. */
static void
table_set(struct lagnic_context *ctx, enum rdma_event_class cls, uint32_t h,
    void *obj)
{
	switch (cls) {
	case RDMA_EVC_QP:
		ctx->qps[h - 1] = obj;
		break;
	case RDMA_EVC_SRQ:
		ctx->srqs[h - 1] = obj;
		break;
	case RDMA_EVC_CQ:
		ctx->cqs[h - 1] = obj;
		break;
	default:
		break;
	}
}

void
lagnic_ev_register(struct lagnic_context *ctx, enum rdma_event_class cls,
    uint32_t h, void *obj, struct lagnic_evc *evc)
{
	pthread_mutex_lock(&ctx->ev_lock);
	*evc = (struct lagnic_evc){ .ctx = ctx };
	table_set(ctx, cls, h, obj);
	pthread_mutex_unlock(&ctx->ev_lock);
}

void
lagnic_ev_withdraw(struct lagnic_context *ctx, enum rdma_event_class cls,
    uint32_t h, struct lagnic_evc *evc)
{
	struct rdma_status *st = ctx->status;
	uint32_t tail;

	pthread_mutex_lock(&ctx->ev_lock);
	/* lagnicd answered the destroy after its last event of h: the
	 * tail we read now holds them all */
	tail = atomic_load_explicit(&st->ev_tail, memory_order_acquire);
	for (uint32_t i = ctx->ev_head; i != tail; i++) {
		struct rdma_async_event *e = &st->ev[i % RDMA_EVENTS];

		if (e->type != RDMA_EVENT_VOID && e->handle == h &&
		    rdma_event_class(e->type) == cls)
			e->type = RDMA_EVENT_VOID;
	}
	table_set(ctx, cls, h, NULL);
	while (evc->acked != evc->reported)
		pthread_cond_wait(&ctx->ev_cond, &ctx->ev_lock);
	pthread_mutex_unlock(&ctx->ev_lock);
}
