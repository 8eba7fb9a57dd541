/*
 * lagnic's drop-in libibverbs.so.1: the objects verbs programs see,
 * each wrapping liblagnic's.
 *
 * Built against Debian's <infiniband/verbs.h> (rdma-core 44), so the
 * layouts programs reach from their static inline functions are right by
 * construction: struct ibv_context sits at the end of a struct
 * verbs_context (verbs_get_ctx() steps back from it), and ibv_post_send,
 * ibv_poll_cq and ibv_req_notify_cq call through context->ops.
 */
#ifndef LAGNIC_VERBS_PRIV_H
#define LAGNIC_VERBS_PRIV_H

#include <infiniband/verbs.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "lagnic/lagnic.h"

#define VB_DEVICE_NAME	"lagnic0"
#define VB_PORT		1

#define vb_container_of(p, type, m) \
	((type *)(void *)((char *)(p) - offsetof(type, m)))

struct vb_device {
	struct ibv_device dev;
	/* providers loaded beside us (libmlx5, libefa: perftest links them)
	 * take any device for a struct verbs_device and read the ops pointer
	 * after struct ibv_device: they must find NULL, not ours */
	void *verbs_device_pad[32];
	char sock_path[108];
	uint64_t node_guid;		/* host order */
};

struct vb_context {
	struct verbs_context vctx;	/* ends with the struct ibv_context */
	struct lagnic_context *lc;
	pthread_mutex_t lock;		/* one request on lagnicd's socket */
	struct roce_device_attr dev;
	struct roce_port_attr port;	/* as at open; the state is read anew */
};

struct vb_pd {
	struct ibv_pd pd;
	struct lagnic_pd *lp;
};

struct vb_mr {
	struct ibv_mr mr;
	struct lagnic_mr *lm;
};

struct vb_ah {
	struct ibv_ah ah;
	struct roce_ah *ra;
};

struct vb_channel {
	struct ibv_comp_channel ch;
	struct lagnic_comp_channel *lc;
};

struct vb_cq {
	struct ibv_cq_ex cq;		/* its start is a struct ibv_cq */
	struct lagnic_cq *lcq;
	pthread_spinlock_t lock;	/* the ring has one consumer */
	uint64_t wc_flags;		/* ibv_create_cq_ex: what may be read */
	struct roce_wc cur;		/* ibv_start_poll/ibv_next_poll */
	uint32_t async_reported;	/* async events returned (cq.mutex) */
};

/* Work requests built with ibv_wr_*() between wr_start and wr_complete. */
struct vb_wr_batch {
	struct roce_send_wr *wr;
	struct roce_sge *sge;		/* RDMA_MAX_SGE per WR */
	uint8_t *inl;			/* max_inline_data per WR */
	unsigned n, max;
	int err;			/* the first error, returned by complete */
};

struct vb_qp {
	struct ibv_qp_ex qpx;		/* its start is a struct ibv_qp */
	struct lagnic_qp *lq;
	pthread_spinlock_t sq_lock, rq_lock;
	struct ibv_qp_cap cap;		/* what the QP got */
	int sq_sig_all;
	struct vb_wr_batch b;
	uint32_t events_reported;	/* async events returned (qp.mutex) */
};

#define VB_MAX_SGE	8		/* roce's per WQE */
#define VB_BATCH	16		/* WRs converted at a time */

struct vb_srq {
	struct ibv_srq srq;
	struct lagnic_srq *ls;
	pthread_spinlock_t lock;
	struct ibv_srq_attr attr;
	uint32_t events_reported;	/* async events returned (srq.mutex) */
};

static inline struct vb_context *
vb_ctx(struct ibv_context *c)
{
	return vb_container_of(c, struct vb_context, vctx.context);
}

static inline struct vb_pd *vb_pd(struct ibv_pd *p)
{ return vb_container_of(p, struct vb_pd, pd); }
static inline struct vb_cq *vb_cq(struct ibv_cq *c)
{ return vb_container_of(c, struct vb_cq, cq); }
static inline struct vb_qp *vb_qp(struct ibv_qp *q)
{ return vb_container_of(q, struct vb_qp, qpx.qp_base); }
static inline struct vb_ah *vb_ah(struct ibv_ah *a)
{ return vb_container_of(a, struct vb_ah, ah); }
static inline struct vb_srq *vb_srq(struct ibv_srq *s)
{ return vb_container_of(s, struct vb_srq, srq); }

/* verbs_ctx.c */
void vb_lock(struct vb_context *c);
void vb_unlock(struct vb_context *c);
void vb_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *vb_fail(int err);		/* errno = err, NULL */

/* verbs_event.c: after an object's destroy, its async events acked */
void vb_events_wait(pthread_mutex_t *m, pthread_cond_t *cond,
    const uint32_t *completed, const uint32_t *reported);

/* verbs_neigh.c: the next hop's MAC for a GID (RoCE: an IP address) */
int vb_gid_to_mac(const union ibv_gid *gid, uint8_t mac[6]);
bool vb_gid_mcast_mac(const union ibv_gid *gid, uint8_t mac[6]);

/* verbs_obj.c */
int vb_ah_attr_to_roce(const struct ibv_ah_attr *a, struct roce_ah_attr *r);
void vb_ah_attr_from_roce(const struct roce_ah_attr *r,
    struct ibv_ah_attr *a);
int vb_cq_poll(struct ibv_cq *cq, int num, struct ibv_wc *wc);
int vb_cq_req_notify(struct ibv_cq *cq, int solicited_only);
struct ibv_cq_ex *vb_create_cq_ex(struct ibv_context *ctx,
    struct ibv_cq_init_attr_ex *attr);

/* verbs_qp.c */
struct ibv_qp *vb_create_qp_ex(struct ibv_context *ctx,
    struct ibv_qp_init_attr_ex *attr);

/* verbs_post.c */
int vb_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
    struct ibv_send_wr **bad);
int vb_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
    struct ibv_recv_wr **bad);
int vb_recv_batch(struct ibv_recv_wr **wr, struct roce_recv_wr *r,
    struct ibv_recv_wr **src);

/* verbs_srq.c */
int vb_post_srq_recv(struct ibv_srq *srq, struct ibv_recv_wr *wr,
    struct ibv_recv_wr **bad);
void vb_qp_ex_init(struct vb_qp *q, uint64_t send_ops);
void vb_qp_ex_fini(struct vb_qp *q);
void vb_cq_ex_init(struct vb_cq *c);

#endif
