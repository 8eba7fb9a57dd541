/*
 * Completion channels: a pipe whose read end the application has, to
 * which lagnicd writes a byte when a CQ of the channel that the
 * application armed gets a completion (as ibv_req_notify_cq,
 * ibv_get_cq_event). Arming costs the application no
 * system call: it sets a word of the status page, lagnicd reads it as it
 * forwards completions, and clears it as it notifies.
 */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static struct rdma_channel *
channel_of(struct rdma_client *c, uint32_t h)
{
	int i = rdma_handle_index(h, RDMA_CHANNELS_MAX);

	return i < 0 || !c->channels[i].used ? NULL : &c->channels[i];
}

int
rdma_req_create_channel(struct rdma_req *r)
{
	struct rdma_handle *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	int fds[2], err;
	unsigned i;

	for (i = 0; i < RDMA_CHANNELS_MAX && c->channels[i].used; i++)
		;
	if (i == RDMA_CHANNELS_MAX)
		return -ENOMEM;
	err = rdma_notify_pipe(fds);
	if (err)
		return err;
	/* commit: nothing below may fail */
	c->channels[i] = (struct rdma_channel){ .fd = fds[1], .used = true };
	p->handle = i + 1;
	r->rep_fds[0] = fds[0];		/* the application's only */
	r->rep_nfds = 1;
	return 0;
}

int
rdma_req_destroy_channel(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct rdma_channel *ch = channel_of(r->c, q->handle);

	if (!ch)
		return -EINVAL;
	if (ch->cqs)
		return -EBUSY;
	close(ch->fd);
	memset(ch, 0, sizeof(*ch));
	return 0;
}

int
rdma_channel_attach(struct rdma_client *c, uint32_t h)
{
	struct rdma_channel *ch;

	if (!h)
		return 0;
	ch = channel_of(c, h);
	if (!ch)
		return -EINVAL;
	ch->cqs++;
	return 0;
}

void
rdma_channel_detach(struct rdma_client *c, uint32_t h)
{
	struct rdma_channel *ch = channel_of(c, h);

	if (ch)
		ch->cqs--;
}

void
rdma_channels_close(struct rdma_client *c)
{
	for (unsigned i = 0; i < RDMA_CHANNELS_MAX; i++)
		if (c->channels[i].used) {
			close(c->channels[i].fd);
			memset(&c->channels[i], 0, sizeof(c->channels[i]));
		}
}

bool
rdma_cq_solicited_forwarded(struct rdma_cq *cq)
{
	uint64_t n = roce_cq_solicited_posts(cq->cq);
	bool any = n != cq->solicited_seen;

	cq->solicited_seen = n;
	return any;
}

void
rdma_cq_notify(struct rdma_client *c, struct rdma_cq *cq, bool solicited)
{
	unsigned i = (unsigned)(cq - c->cqs);
	struct rdma_channel *ch = channel_of(c, cq->channel);
	uint32_t arm;

	if (!ch || !c->status)
		return;
	/* the completions are in the ring before we look at the arm: an
	 * application that armed and then polled saw them, or we see it */
	atomic_thread_fence(memory_order_seq_cst);
	arm = atomic_load(&c->status->cq_arm[i]);
	if (arm == RDMA_CQ_ARM_NONE ||
	    (arm == RDMA_CQ_ARM_SOLICITED && !solicited))
		return;
	if (atomic_exchange(&c->status->cq_arm[i], RDMA_CQ_ARM_NONE) ==
	    RDMA_CQ_ARM_NONE)
		return;
	atomic_fetch_add(&c->status->cq_fired[i], 1);
	c->svc->cnt.cq_events++;
	rdma_notify(ch->fd);	/* 64 KiB of them unread: this one's lost */
}
