/*
 * Completion channels (ibv_create_comp_channel and its calls): the read
 * end of a pipe lagnicd writes a byte to for each notification. Arming a
 * CQ is a store to the status page; which CQ fired is counted there too,
 * so that one channel serves many CQs.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "client/lagnic_priv.h"

static void
obj_free_channel(struct lagnic_obj *o)
{
	struct lagnic_comp_channel *ch = (struct lagnic_comp_channel *)o;

	close(ch->fd);
	free(ch);
}

struct lagnic_comp_channel *
lagnic_create_comp_channel(struct lagnic_context *ctx)
{
	struct lagnic_comp_channel *ch = calloc(1, sizeof(*ch));
	struct rdma_handle p;
	int fds[RDMA_MSG_FDS], err;
	unsigned n = 0;

	if (!ch)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call(ctx, RDMA_MSG_CREATE_CHANNEL, NULL, &p, NULL, 0,
	    fds, &n);
	if (!err && n != 1) {
		for (unsigned i = 0; i < n; i++)
			close(fds[i]);
		err = -EPROTO;
	}
	if (err) {
		free(ch);
		return lagnic_fail(err);
	}
	ch->fd = fds[0];
	ch->ctx = ctx;
	ch->handle = p.handle;
	lagnic_obj_add(ctx, &ch->obj, obj_free_channel);
	return ch;
}

int
lagnic_destroy_comp_channel(struct lagnic_comp_channel *ch)
{
	struct rdma_handle q = { .handle = ch->handle };
	int err = lagnic_call(ch->ctx, RDMA_MSG_DESTROY_CHANNEL, &q, NULL,
	    NULL, 0, NULL, NULL);

	if (err)
		return -err;
	lagnic_obj_del(&ch->obj);
	obj_free_channel(&ch->obj);
	return 0;
}

int
lagnic_comp_channel_fd(const struct lagnic_comp_channel *ch)
{
	return ch->fd;
}

void *
lagnic_cq_context(const struct lagnic_cq *cq)
{
	return cq->cq_context;
}

int
lagnic_req_notify_cq(struct lagnic_cq *cq, int solicited_only)
{
	if (!cq->channel)
		return EINVAL;
	atomic_store(&cq->ctx->status->cq_arm[cq->handle - 1],
	    solicited_only ? RDMA_CQ_ARM_SOLICITED : RDMA_CQ_ARM_NEXT);
	/* the arm is visible before any poll that follows (the CQ's
	 * completions are pushed before lagnicd looks at it) */
	atomic_thread_fence(memory_order_seq_cst);
	return 0;
}

/* A CQ of ch with a notification counted, which it takes; or NULL. */
static struct lagnic_cq *
take_fired(struct lagnic_comp_channel *ch)
{
	struct lagnic_context *ctx = ch->ctx;

	for (unsigned i = 0; i < RDMA_STATUS_CQS; i++) {
		struct lagnic_cq *cq = ctx->cqs[i];
		_Atomic uint32_t *fired = &ctx->status->cq_fired[i];
		uint32_t n = atomic_load(fired);

		/* lagnicd only adds: our subtraction cannot go below 0 */
		if (cq && cq->channel == ch && n) {
			atomic_fetch_sub(fired, 1);
			return cq;
		}
	}
	return NULL;
}

int
lagnic_get_cq_event(struct lagnic_comp_channel *ch, struct lagnic_cq **cq,
    void **cq_context)
{
	uint8_t v[64];
	ssize_t n;

	for (;;) {
		struct lagnic_cq *c = ch->pending ? take_fired(ch) : NULL;

		if (c) {
			ch->pending--;
			*cq = c;
			if (cq_context)
				*cq_context = c->cq_context;
			return 0;
		}
		/* none counted: those were for CQs destroyed since */
		ch->pending = 0;
		n = read(ch->fd, v, sizeof(v));	/* a byte each */
		if (n <= 0)	/* EAGAIN on a non-blocking fd; lagnicd gone */
			return n ? errno : EIO;
		ch->pending = (uint64_t)n;
	}
}

void
lagnic_ack_cq_events(struct lagnic_cq *cq, unsigned nevents)
{
	cq->events_acked += nevents;
}
