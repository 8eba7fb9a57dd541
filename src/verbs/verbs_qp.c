/*
 * Queue pairs: RC and UD over liblagnic's QPs; create (plain and
 * extended), modify, query, destroy. Attributes and masks carry verbs'
 * values in both vocabularies (lagnic/verbs.h), so they convert field by
 * field; the AV gains the next hop's MAC.
 */
#include "verbs/verbs_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SAME(a, b)	((int)(a) == (int)(b))
static_assert(SAME(ROCE_QP_DEST_QPN, IBV_QP_DEST_QPN) &&
    SAME(ROCE_QP_CAP, IBV_QP_CAP) && SAME(ROCE_QP_AV, IBV_QP_AV),
    "qp_attr_mask");
static_assert(SAME(ROCE_QPT_RC, IBV_QPT_RC) && SAME(ROCE_QPT_UD, IBV_QPT_UD),
    "qp_type");
static_assert(SAME(ROCE_QPS_ERR, IBV_QPS_ERR) &&
    SAME(ROCE_MTU_4096, IBV_MTU_4096), "qp_state, mtu");

/* The mask bits lagnic knows (verbs' up to DEST_QPN, without the
 * alternate path: no APM on a LAG, which fails over by itself). */
#define VB_QP_MASK	(((IBV_QP_DEST_QPN << 1) - 1) & ~(unsigned)IBV_QP_ALT_PATH)

static void
cap_to_roce(const struct ibv_qp_cap *a, struct roce_qp_cap *r)
{
	r->max_send_wr = a->max_send_wr;
	r->max_recv_wr = a->max_recv_wr;
	r->max_send_sge = a->max_send_sge;
	r->max_recv_sge = a->max_recv_sge;
	r->max_inline_data = a->max_inline_data;
}

static void
cap_from_roce(const struct roce_qp_cap *r, struct ibv_qp_cap *a)
{
	a->max_send_wr = r->max_send_wr;
	a->max_recv_wr = r->max_recv_wr;
	a->max_send_sge = r->max_send_sge;
	a->max_recv_sge = r->max_recv_sge;
	a->max_inline_data = r->max_inline_data;
}

static int
init_check(const struct ibv_qp_init_attr_ex *a)
{
	if (a->qp_type != IBV_QPT_RC && a->qp_type != IBV_QPT_UD) {
		vb_trace("create_qp: QP type %d not supported", a->qp_type);
		return EOPNOTSUPP;
	}
	if (!a->send_cq || !a->recv_cq)
		return EINVAL;
	if (a->cap.max_send_sge > VB_MAX_SGE || a->cap.max_recv_sge > VB_MAX_SGE)
		return EINVAL;
	return 0;
}

static struct ibv_qp *
qp_new(struct ibv_context *ctx, struct ibv_pd *pd,
    struct ibv_qp_init_attr_ex *a, uint64_t send_ops)
{
	struct vb_context *c = vb_ctx(ctx);
	struct lagnic_qp_init_attr li = {
		.qp_type = (enum roce_qp_type)a->qp_type,
		.sq_sig_all = a->sq_sig_all, .lane = ROCE_LANE_AUTO,
		.send_cq = vb_cq(a->send_cq)->lcq,
		.recv_cq = vb_cq(a->recv_cq)->lcq,
		.srq = a->srq ? vb_srq(a->srq)->ls : NULL,
	};
	struct vb_qp *q;
	struct ibv_qp *qp;
	int err = init_check(a);

	if (err)
		return vb_fail(err);
	cap_to_roce(&a->cap, &li.cap);
	q = calloc(1, sizeof(*q));
	if (!q)
		return vb_fail(ENOMEM);
	li.qp_context = q;	/* liblagnic's events name this struct */
	vb_lock(c);
	q->lq = lagnic_create_qp(vb_pd(pd)->lp, &li);
	vb_unlock(c);
	if (!q->lq) {
		err = errno;
		free(q);
		return vb_fail(err);
	}
	/* commit: nothing below may fail */
	cap_from_roce(&li.cap, &a->cap);	/* verbs returns what it got */
	q->cap = a->cap;
	q->sq_sig_all = a->sq_sig_all;
	pthread_spin_init(&q->sq_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&q->rq_lock, PTHREAD_PROCESS_PRIVATE);
	qp = &q->qpx.qp_base;
	qp->context = ctx;
	qp->qp_context = a->qp_context;
	qp->pd = pd;
	qp->send_cq = a->send_cq;
	qp->recv_cq = a->recv_cq;
	qp->srq = a->srq;
	qp->qp_num = lagnic_qp_num(q->lq);
	qp->state = IBV_QPS_RESET;
	qp->qp_type = a->qp_type;
	pthread_mutex_init(&qp->mutex, NULL);
	pthread_cond_init(&qp->cond, NULL);
	vb_qp_ex_init(q, send_ops);
	return qp;
}

struct ibv_qp *
ibv_create_qp(struct ibv_pd *pd, struct ibv_qp_init_attr *attr)
{
	struct ibv_qp_init_attr_ex a = {
		.qp_context = attr->qp_context, .send_cq = attr->send_cq,
		.recv_cq = attr->recv_cq, .srq = attr->srq, .cap = attr->cap,
		.qp_type = attr->qp_type, .sq_sig_all = attr->sq_sig_all,
		.comp_mask = IBV_QP_INIT_ATTR_PD, .pd = pd,
	};
	struct ibv_qp *qp = qp_new(pd->context, pd, &a, 0);

	if (qp)
		attr->cap = a.cap;
	return qp;
}

#define VB_SEND_OPS	(IBV_QP_EX_WITH_RDMA_WRITE | \
	IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_SEND | \
	IBV_QP_EX_WITH_SEND_WITH_IMM | IBV_QP_EX_WITH_RDMA_READ | \
	IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP | IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)

struct ibv_qp *
vb_create_qp_ex(struct ibv_context *ctx, struct ibv_qp_init_attr_ex *a)
{
	uint32_t known = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS |
	    IBV_QP_INIT_ATTR_CREATE_FLAGS;
	uint64_t ops = 0;

	if (!(a->comp_mask & IBV_QP_INIT_ATTR_PD) || !a->pd)
		return vb_fail(EINVAL);
	if (a->comp_mask & ~known ||
	    (a->comp_mask & IBV_QP_INIT_ATTR_CREATE_FLAGS && a->create_flags)) {
		vb_trace("create_qp_ex: comp_mask 0x%x create_flags 0x%x",
		    a->comp_mask, a->create_flags);
		return vb_fail(EOPNOTSUPP);
	}
	if (a->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) {
		ops = a->send_ops_flags;
		if (ops & ~(uint64_t)VB_SEND_OPS) {
			vb_trace("create_qp_ex: send_ops_flags 0x%llx",
			    (unsigned long long)ops);
			return vb_fail(EOPNOTSUPP);
		}
	}
	return qp_new(ctx, a->pd, a, ops);
}

struct ibv_qp_ex *
ibv_qp_to_qp_ex(struct ibv_qp *qp)
{
	return &vb_qp(qp)->qpx;
}

static int
attr_to_roce(const struct ibv_qp_attr *a, int mask, struct roce_qp_attr *r)
{
	memset(r, 0, sizeof(*r));
	r->qp_state = (enum roce_qp_state)a->qp_state;
	r->cur_qp_state = (enum roce_qp_state)a->cur_qp_state;
	r->path_mtu = (enum roce_mtu)a->path_mtu;
	r->qkey = a->qkey;
	r->rq_psn = a->rq_psn;
	r->sq_psn = a->sq_psn;
	r->dest_qp_num = a->dest_qp_num;
	r->qp_access_flags = a->qp_access_flags;
	cap_to_roce(&a->cap, &r->cap);
	r->pkey_index = a->pkey_index;
	r->en_sqd_async_notify = a->en_sqd_async_notify;
	r->sq_draining = a->sq_draining;
	r->max_rd_atomic = a->max_rd_atomic;
	r->max_dest_rd_atomic = a->max_dest_rd_atomic;
	r->min_rnr_timer = a->min_rnr_timer;
	r->port_num = a->port_num;
	r->timeout = a->timeout;
	r->retry_cnt = a->retry_cnt;
	r->rnr_retry = a->rnr_retry;
	r->lane = ROCE_LANE_AUTO;
	if (mask & IBV_QP_AV)
		return vb_ah_attr_to_roce(&a->ah_attr, &r->ah_attr);
	return 0;
}

int
ibv_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask)
{
	struct vb_context *c = vb_ctx(qp->context);
	struct roce_qp_attr r;
	int err;

	if ((unsigned)mask & ~(unsigned)VB_QP_MASK) {
		vb_trace("modify_qp: mask 0x%x not supported", mask);
		return EOPNOTSUPP;
	}
	err = attr_to_roce(attr, mask, &r);
	if (err)
		return err;
	vb_lock(c);
	err = lagnic_modify_qp(vb_qp(qp)->lq, &r, mask);
	vb_unlock(c);
	if (err) {
		vb_trace("modify_qp 0x%x to %d: %s", mask, attr->qp_state,
		    strerror(err));
		return err;
	}
	if (mask & IBV_QP_STATE)
		qp->state = attr->qp_state;
	return 0;
}

int
ibv_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask,
    struct ibv_qp_init_attr *init)
{
	struct vb_context *c = vb_ctx(qp->context);
	struct vb_qp *q = vb_qp(qp);
	struct roce_qp_attr r;
	int err;

	vb_lock(c);
	err = lagnic_query_qp(q->lq, &r);
	vb_unlock(c);
	if (err)
		return err;
	memset(attr, 0, sizeof(*attr));
	attr->qp_state = (enum ibv_qp_state)r.qp_state;
	attr->cur_qp_state = (enum ibv_qp_state)r.cur_qp_state;
	attr->path_mtu = (enum ibv_mtu)r.path_mtu;
	attr->path_mig_state = IBV_MIG_MIGRATED;
	attr->qkey = r.qkey;
	attr->rq_psn = r.rq_psn;
	attr->sq_psn = r.sq_psn;
	attr->dest_qp_num = r.dest_qp_num;
	attr->qp_access_flags = r.qp_access_flags;
	attr->cap = q->cap;
	vb_ah_attr_from_roce(&r.ah_attr, &attr->ah_attr);
	attr->pkey_index = r.pkey_index;
	attr->en_sqd_async_notify = r.en_sqd_async_notify;
	attr->sq_draining = r.sq_draining;
	attr->max_rd_atomic = r.max_rd_atomic;
	attr->max_dest_rd_atomic = r.max_dest_rd_atomic;
	attr->min_rnr_timer = r.min_rnr_timer;
	attr->port_num = r.port_num;
	attr->timeout = r.timeout;
	attr->retry_cnt = r.retry_cnt;
	attr->rnr_retry = r.rnr_retry;
	qp->state = attr->qp_state;
	if (init) {
		memset(init, 0, sizeof(*init));
		init->qp_context = qp->qp_context;
		init->send_cq = qp->send_cq;
		init->recv_cq = qp->recv_cq;
		init->srq = qp->srq;
		init->cap = q->cap;
		init->qp_type = qp->qp_type;
		init->sq_sig_all = q->sq_sig_all;
	}
	return 0;
}

int
ibv_destroy_qp(struct ibv_qp *qp)
{
	struct vb_context *c = vb_ctx(qp->context);
	struct vb_qp *q = vb_qp(qp);
	int err;

	vb_lock(c);
	err = lagnic_destroy_qp(q->lq);
	vb_unlock(c);
	if (err)
		return err;
	vb_events_wait(&qp->mutex, &qp->cond, &qp->events_completed,
	    &q->events_reported);
	vb_qp_ex_fini(q);
	pthread_spin_destroy(&q->sq_lock);
	pthread_spin_destroy(&q->rq_lock);
	free(q);
	return 0;
}

int
ibv_query_ece(struct ibv_qp *qp, struct ibv_ece *ece)
{
	return EOPNOTSUPP;
}

int
ibv_set_ece(struct ibv_qp *qp, struct ibv_ece *ece)
{
	return EOPNOTSUPP;
}

int
ibv_query_qp_data_in_order(struct ibv_qp *qp, enum ibv_wr_opcode op,
    uint32_t flags)
{
	return 0;	/* not guaranteed */
}
