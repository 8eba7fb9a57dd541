/* liblagnic's insides: the context, its objects, the request call. */
#ifndef LAGNIC_CLIENT_PRIV_H
#define LAGNIC_CLIENT_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "lagnic/lagnic.h"
#include "lib/shm_ring.h"
#include "rdma/rdma_msg.h"
#include "rdma/rdma_proto.h"

#define LAGNIC_BUFS_MAX		64
#define LAGNIC_REPLY_TIMEOUT_MS	10000
#define LAGNIC_RESOLVE_TIMEOUT_MS 3000	/* a peer's MAC, as ARP gives up */

struct lagnic_buf {
	uint8_t *addr;			/* NULL: free slot */
	size_t len;
	uint32_t handle;
};

/* Every object a context made, so that lagnic_close frees what the
 * application left (lagnicd frees its side when the socket closes). */
struct lagnic_obj {
	struct lagnic_obj *prev, *next;
	void (*free)(struct lagnic_obj *o);	/* memory and mappings */
};

/* An object's asynchronous events: taken by the application, acked. */
struct lagnic_evc {
	struct lagnic_context *ctx;
	unsigned reported, acked;
};

struct lagnic_context {
	struct lagnic_obj objs;		/* list head */
	int sock;
	int doorbell;
	_Atomic uint32_t *sleeping;	/* lagnicd's "ring me" flag */
	struct rdma_status *status;	/* the page it is in */
	void *status_mem;
	size_t status_len;
	uint32_t seq;
	struct roce_device_attr dev;
	struct roce_port_attr port;
	struct lagnic_buf bufs[LAGNIC_BUFS_MAX];
	/* asynchronous events (lagnic_event.c); the tables name the
	 * objects of the events' handles */
	int evfd;
	pthread_mutex_t ev_lock;
	pthread_cond_t ev_cond;		/* an ack */
	uint32_t ev_head;		/* the ring's, ours */
	bool gone;			/* DEVICE_FATAL was reported */
	struct lagnic_cq *cqs[RDMA_STATUS_CQS];	/* by handle - 1 */
	struct lagnic_qp *qps[RDMA_WORK_QPS];
	struct lagnic_srq *srqs[RDMA_WORK_SRQS];
};

struct lagnic_mr_obj {
	struct lagnic_obj obj;		/* first */
	struct lagnic_mr mr;
};

struct lagnic_pd {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	uint32_t handle;
};

struct lagnic_cq {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	uint32_t handle;
	void *cq_context;
	struct lagnic_comp_channel *channel;	/* or NULL */
	unsigned events_acked;
	struct lagnic_evc evc;
	struct shm_ring ring;		/* we consume roce_wc */
	void *mem;
	size_t len;
};

struct lagnic_comp_channel {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	int fd;				/* a pipe's read end lagnicd writes */
	uint32_t handle;
	uint64_t pending;		/* notifications read, not returned */
};

struct lagnic_srq {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	uint32_t handle;
	void *srq_context;
	struct lagnic_evc evc;
	struct shm_ring ring;		/* we produce rdma_recv_wqe */
	void *mem;
	size_t len;
};

struct roce_ah {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	uint32_t handle;
};

struct lagnic_qp {
	struct lagnic_obj obj;		/* first */
	struct lagnic_context *ctx;
	uint32_t handle;
	uint32_t qp_num;
	void *qp_context;
	struct lagnic_evc evc;
	enum roce_qp_type type;
	struct roce_qp_cap cap;
	struct lagnic_srq *srq;		/* or NULL: rq is its own */
	struct shm_ring sq, rq;		/* we produce */
	void *mem;
	size_t len;
};

/*
 * One request and its reply: type, body of the request, reply body
 * (exact size from the table), fds to send, fds received (*nrfds). 0 or
 * a negative errno (lagnicd's answer, or the socket's).
 */
int lagnic_call(struct lagnic_context *ctx, enum rdma_msg_type type,
    const void *req, void *rep, const int *fds, unsigned nfds, int *rfds,
    unsigned *nrfds);

/* lagnic_call for a request with an address vector: while lagnicd finds
 * the peer's MAC (-EAGAIN), ask again; -EHOSTUNREACH when it never does. */
int lagnic_call_resolving(struct lagnic_context *ctx,
    enum rdma_msg_type type, const void *req, void *rep);

/* Receive WRs into a ring (a QP's or an SRQ's), as lagnic_post_recv. */
int lagnic_put_recvs(struct lagnic_context *ctx, struct shm_ring *ring,
    unsigned work_bit, struct roce_recv_wr *wr, struct roce_recv_wr **bad_wr);

/* After posting into the ring of work_bit (rdma_proto.h): mark it, and
 * wake lagnicd if it said it may sleep. */
void lagnic_doorbell(struct lagnic_context *ctx, unsigned work_bit);

/* lagnic_event.c: an object's handle names it in events from now on
 * (its evc cleared); withdraw: no longer, its events not taken are
 * dropped, and it waits for the acks of those taken. */
void lagnic_ev_register(struct lagnic_context *ctx, enum rdma_event_class cls,
    uint32_t h, void *obj, struct lagnic_evc *evc);
void lagnic_ev_withdraw(struct lagnic_context *ctx, enum rdma_event_class cls,
    uint32_t h, struct lagnic_evc *evc);

void lagnic_obj_add(struct lagnic_context *ctx, struct lagnic_obj *o,
    void (*free_fn)(struct lagnic_obj *o));
void lagnic_obj_del(struct lagnic_obj *o);

/* -err as errno, and NULL */
void *lagnic_fail(int err);

#endif
