/*
 * Completion queues: ibv_create_cq and ibv_create_cq_ex over one
 * liblagnic CQ, ibv_poll_cq and the extended polling (ibv_start_poll,
 * ibv_next_poll, ibv_wc_read_*), and completion channels.
 */
#include "verbs/verbs_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VB_CQ_WC_FLAGS	(IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM | \
	IBV_WC_EX_WITH_QP_NUM | IBV_WC_EX_WITH_SRC_QP | IBV_WC_EX_WITH_SLID | \
	IBV_WC_EX_WITH_SL | IBV_WC_EX_WITH_DLID_PATH_BITS)

static struct vb_cq *
cq_new(struct ibv_context *ctx, int cqe, void *cq_context,
    struct ibv_comp_channel *channel)
{
	struct vb_context *c = vb_ctx(ctx);
	struct vb_cq *q;
	int err;

	q = calloc(1, sizeof(*q));
	if (!q)
		return vb_fail(ENOMEM);
	/* liblagnic's CQ context is ours: its events name this struct */
	vb_lock(c);
	q->lcq = lagnic_create_cq_ch(c->lc, cqe, q, channel ?
	    vb_container_of(channel, struct vb_channel, ch)->lc : NULL);
	vb_unlock(c);
	if (!q->lcq) {
		err = errno;
		free(q);
		return vb_fail(err);
	}
	pthread_spin_init(&q->lock, PTHREAD_PROCESS_PRIVATE);
	q->cq.context = ctx;
	q->cq.channel = channel;
	q->cq.cq_context = cq_context;
	q->cq.cqe = cqe;
	pthread_mutex_init(&q->cq.mutex, NULL);
	pthread_cond_init(&q->cq.cond, NULL);
	vb_cq_ex_init(q);
	return q;
}

struct ibv_cq *
ibv_create_cq(struct ibv_context *ctx, int cqe, void *cq_context,
    struct ibv_comp_channel *channel, int comp_vector)
{
	struct vb_cq *q;

	if (comp_vector < 0 || comp_vector >= ctx->num_comp_vectors)
		return vb_fail(EINVAL);
	q = cq_new(ctx, cqe, cq_context, channel);
	return q ? ibv_cq_ex_to_cq(&q->cq) : NULL;
}

struct ibv_cq_ex *
vb_create_cq_ex(struct ibv_context *ctx, struct ibv_cq_init_attr_ex *a)
{
	struct vb_cq *q;

	if (a->comp_mask & ~(uint32_t)IBV_CQ_INIT_ATTR_MASK_FLAGS ||
	    a->wc_flags & ~(uint64_t)VB_CQ_WC_FLAGS) {
		vb_trace("create_cq_ex: comp_mask 0x%x wc_flags 0x%llx",
		    a->comp_mask, (unsigned long long)a->wc_flags);
		return vb_fail(EOPNOTSUPP);
	}
	if (a->comp_vector >= (uint32_t)ctx->num_comp_vectors)
		return vb_fail(EINVAL);
	q = cq_new(ctx, (int)a->cqe, a->cq_context, a->channel);
	if (q)
		q->wc_flags = a->wc_flags;
	return q ? &q->cq : NULL;
}

int
ibv_destroy_cq(struct ibv_cq *cq)
{
	struct vb_context *c = vb_ctx(cq->context);
	struct vb_cq *q = vb_cq(cq);
	int err;

	vb_lock(c);
	err = lagnic_destroy_cq(q->lcq);
	vb_unlock(c);
	if (err)
		return err;
	vb_events_wait(&cq->mutex, &cq->cond, &cq->async_events_completed,
	    &q->async_reported);
	pthread_spin_destroy(&q->lock);
	free(q);
	return 0;
}

int
ibv_resize_cq(struct ibv_cq *cq, int cqe)
{
	return EOPNOTSUPP;
}

static void
wc_of(const struct roce_wc *r, struct ibv_wc *w)
{
	w->wr_id = r->wr_id;
	w->status = (enum ibv_wc_status)r->status;
	w->opcode = (enum ibv_wc_opcode)r->opcode;
	w->vendor_err = r->vendor_err;
	w->byte_len = r->byte_len;
	w->imm_data = htonl(r->imm_data);
	w->qp_num = r->qp_num;
	w->src_qp = r->src_qp;
	w->wc_flags = r->wc_flags;
	w->pkey_index = r->pkey_index;
	w->slid = 0;
	w->sl = r->sl;
	w->dlid_path_bits = 0;
}

int
vb_cq_poll(struct ibv_cq *cq, int num, struct ibv_wc *wc)
{
	struct vb_cq *q = vb_cq(cq);
	struct roce_wc r[16];
	int got = 0;

	pthread_spin_lock(&q->lock);
	while (got < num) {
		int want = num - got < 16 ? num - got : 16;
		int n = lagnic_poll_cq(q->lcq, want, r);

		if (n < 0) {
			got = got ? got : n;
			break;
		}
		for (int i = 0; i < n; i++)
			wc_of(&r[i], &wc[got + i]);
		got += n;
		if (n < want)
			break;
	}
	pthread_spin_unlock(&q->lock);
	return got;
}

int
vb_cq_req_notify(struct ibv_cq *cq, int solicited_only)
{
	return lagnic_req_notify_cq(vb_cq(cq)->lcq, solicited_only);
}

/* ---- extended polling ---- */

static struct vb_cq *
vcq(struct ibv_cq_ex *cq)
{
	return vb_container_of(cq, struct vb_cq, cq);
}

static int
take(struct vb_cq *q)
{
	int n = lagnic_poll_cq(q->lcq, 1, &q->cur);

	if (n < 0)
		return -n;
	if (n == 0)
		return ENOENT;
	q->cq.status = (enum ibv_wc_status)q->cur.status;
	q->cq.wr_id = q->cur.wr_id;
	return 0;
}

static int
start_poll(struct ibv_cq_ex *cq, struct ibv_poll_cq_attr *attr)
{
	struct vb_cq *q = vcq(cq);
	int err;

	if (attr && attr->comp_mask)
		return EINVAL;
	pthread_spin_lock(&q->lock);
	err = take(q);
	if (err)	/* no end_poll follows a failed start_poll */
		pthread_spin_unlock(&q->lock);
	return err;
}

static int
next_poll(struct ibv_cq_ex *cq)
{
	return take(vcq(cq));
}

static void
end_poll(struct ibv_cq_ex *cq)
{
	pthread_spin_unlock(&vcq(cq)->lock);
}

static enum ibv_wc_opcode
read_opcode(struct ibv_cq_ex *cq)
{
	return (enum ibv_wc_opcode)vcq(cq)->cur.opcode;
}

static uint32_t
read_vendor_err(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.vendor_err;
}

static uint32_t
read_byte_len(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.byte_len;
}

static __be32
read_imm_data(struct ibv_cq_ex *cq)
{
	return htonl(vcq(cq)->cur.imm_data);
}

static uint32_t
read_qp_num(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.qp_num;
}

static uint32_t
read_src_qp(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.src_qp;
}

static unsigned int
read_wc_flags(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.wc_flags;
}

static uint32_t
read_slid(struct ibv_cq_ex *cq)
{
	return 0;
}

static uint8_t
read_sl(struct ibv_cq_ex *cq)
{
	return vcq(cq)->cur.sl;
}

static uint8_t
read_dlid_path_bits(struct ibv_cq_ex *cq)
{
	return 0;
}

void
vb_cq_ex_init(struct vb_cq *q)
{
	struct ibv_cq_ex *cq = &q->cq;

	cq->start_poll = start_poll;
	cq->next_poll = next_poll;
	cq->end_poll = end_poll;
	cq->read_opcode = read_opcode;
	cq->read_vendor_err = read_vendor_err;
	cq->read_byte_len = read_byte_len;
	cq->read_imm_data = read_imm_data;
	cq->read_qp_num = read_qp_num;
	cq->read_src_qp = read_src_qp;
	cq->read_wc_flags = read_wc_flags;
	cq->read_slid = read_slid;
	cq->read_sl = read_sl;
	cq->read_dlid_path_bits = read_dlid_path_bits;
}

/* ---- completion channels ---- */

static struct vb_channel *
vch(struct ibv_comp_channel *ch)
{
	return vb_container_of(ch, struct vb_channel, ch);
}

struct ibv_comp_channel *
ibv_create_comp_channel(struct ibv_context *ctx)
{
	struct vb_context *c = vb_ctx(ctx);
	struct vb_channel *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return vb_fail(ENOMEM);
	vb_lock(c);
	v->lc = lagnic_create_comp_channel(c->lc);
	vb_unlock(c);
	if (!v->lc) {
		err = errno;
		free(v);
		return vb_fail(err);
	}
	v->ch.context = ctx;
	v->ch.fd = lagnic_comp_channel_fd(v->lc);
	return &v->ch;
}

int
ibv_destroy_comp_channel(struct ibv_comp_channel *channel)
{
	struct vb_context *c = vb_ctx(channel->context);
	struct vb_channel *v = vch(channel);
	int err;

	vb_lock(c);
	err = lagnic_destroy_comp_channel(v->lc);
	vb_unlock(c);
	if (!err)
		free(v);
	return err;
}

/* Blocks unless the program made channel->fd non-blocking (EAGAIN). */
int
ibv_get_cq_event(struct ibv_comp_channel *channel, struct ibv_cq **cq,
    void **cq_context)
{
	struct lagnic_cq *lcq;
	struct vb_cq *q;
	void *ctx;
	int err = lagnic_get_cq_event(vch(channel)->lc, &lcq, &ctx);

	if (err) {
		errno = err;
		return -1;
	}
	q = ctx;
	*cq = ibv_cq_ex_to_cq(&q->cq);
	if (cq_context)
		*cq_context = q->cq.cq_context;
	return 0;
}

void
ibv_ack_cq_events(struct ibv_cq *cq, unsigned int nevents)
{
	lagnic_ack_cq_events(vb_cq(cq)->lcq, nevents);
	pthread_mutex_lock(&cq->mutex);
	cq->comp_events_completed += nevents;
	pthread_cond_signal(&cq->cond);
	pthread_mutex_unlock(&cq->mutex);
}
