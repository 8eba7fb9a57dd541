/* The service's insides, shared by rdma_svc.c (objects, requests) and
 * rdma_svc_ring.c (the fast path). */
#ifndef LAGNIC_RDMA_SVC_PRIV_H
#define LAGNIC_RDMA_SVC_PRIV_H

#include <stdatomic.h>
#include <sys/types.h>

#include "lib/log.h"
#include "lib/shm_ring.h"
#include "rdma/rdma_msg.h"
#include "rdma/rdma_proto.h"
#include "rdma/rdma_svc.h"

#define RDMA_PDS_MAX	16
#define RDMA_BUFS_MAX	64
#define RDMA_MRS_MAX	256
#define RDMA_CQS_MAX	RDMA_STATUS_CQS
#define RDMA_CHANNELS_MAX 16
#define RDMA_SRQS_MAX	RDMA_WORK_SRQS
#define RDMA_AHS_MAX	256
#define RDMA_QPS_MAX	RDMA_WORK_QPS
#define RDMA_WQE_BURST	32	/* per QP per round: bounded work */

struct rdma_buf {
	uint8_t *map;			/* NULL: free slot */
	uint64_t va, len;
	unsigned mrs;			/* MRs on it */
};

struct rdma_mr {
	struct roce_mr *mr;		/* NULL: free slot */
	uint32_t buf;			/* 0: the application's own memory */
};

struct rdma_cq {
	struct roce_cq *cq;		/* NULL: free slot */
	struct shm_ring ring;		/* we produce roce_wc */
	void *mem;
	size_t len;
	unsigned qps;			/* QPs using it */
	uint32_t channel;		/* handle, or 0 */
	uint64_t solicited_seen;	/* roce_cq_solicited_posts, forwarded */
};

struct rdma_srq {
	struct roce_srq *srq;		/* NULL: free slot */
	struct shm_ring ring;		/* we consume rdma_recv_wqe */
	void *mem;
	size_t len;
	unsigned qps;			/* QPs using it */
};

struct rdma_channel {
	int fd;				/* a pipe's write end (non-blocking);
					 * the application has the read end */
	bool used;
	unsigned cqs;			/* CQs on it */
};

struct rdma_qp {
	struct roce_qp *qp;		/* NULL: free slot */
	struct shm_ring sq, rq;		/* we consume */
	/* a send WQE taken from the ring that the engine had no room for */
	struct rdma_send_wqe held;
	bool holding;
	void *mem;
	size_t len;
	uint32_t send_cq, recv_cq;	/* handles */
	uint32_t srq;			/* handle, or 0 */
	uint32_t type;			/* ROCE_QPT_* */
};

struct rdma_client {
	struct rdma_svc *svc;
	int fd;
	int doorbell;			/* eventfd */
	int evfd;			/* a pipe's write end: a byte per
					 * event in the ring */
	uint32_t ev_tail;		/* the ring's next entry to fill */
	pid_t pid;			/* who connected: its memory */
	int pidfd;			/* readable once it exited; or -1 */
	struct rdma_status *status;
	void *status_mem;
	size_t status_len;
	bool hello;
	struct roce_pd *pds[RDMA_PDS_MAX];
	struct rdma_buf bufs[RDMA_BUFS_MAX];
	struct rdma_mr mrs[RDMA_MRS_MAX];
	struct rdma_cq cqs[RDMA_CQS_MAX];
	struct rdma_channel channels[RDMA_CHANNELS_MAX];
	struct rdma_srq srqs[RDMA_SRQS_MAX];
	/* work bits taken but not done (a ring with more than a burst, a
	 * WQE the engine had no room for): served again next round */
	uint64_t pending[RDMA_WORK_WORDS];
	struct roce_ah *ahs[RDMA_AHS_MAX];
	struct rdma_qp qps[RDMA_QPS_MAX];
};

struct rdma_svc {
	struct roce_engine *e;
	rdma_svc_close_fn *close_cb;
	void *close_arg;
	rdma_svc_resolve_fn *resolve;
	void *resolve_arg;
	rdma_svc_numa_lane_fn *numa_lane;
	void *numa_lane_arg;
	struct ratelimit log_rl;
	uint32_t port_state;		/* as the clients were told */
	struct rdma_client *clients[RDMA_CLIENTS_MAX];
	struct rdma_svc_counters cnt;
};

/* A request being served: the reply is built in rep. */
struct rdma_req {
	struct rdma_client *c;
	const struct rdma_hdr *hdr;
	const void *body;
	int *fds;			/* taken (set to -1) by a handler */
	unsigned nfds;
	/* the reply */
	_Alignas(16) uint8_t rep[RDMA_MSG_MAX];
	int rep_fds[RDMA_MSG_FDS];
	unsigned rep_nfds;
};

static inline void *
rdma_rep_body(struct rdma_req *r)
{
	return r->rep + sizeof(struct rdma_hdr);
}

struct roce_pd *rdma_pd_of(struct rdma_client *c, uint32_t h);
/* An address vector without a MAC gets its peer's: 0, -EAGAIN (ask
 * again), or -errno. With a MAC, or no resolver: as it is. */
int rdma_svc_av_resolve(struct rdma_svc *s, struct roce_ah_attr *av);
/* The one fd that came with the request (taken), or -EINVAL. */
int rdma_req_take_fd(struct rdma_req *r);
/* A pipe that notifies the application (events, completion channels):
 * fds[0], the read end, is the application's only, so it cannot fill
 * what we write; fds[1], ours, does not block. 0 or -errno. */
int rdma_notify_pipe(int fds[2]);
/* A byte on our end for one notification: a full pipe (an application
 * that does not read) loses the byte, never lagnicd's time. */
void rdma_notify(int fd);
int rdma_req_create_qp(struct rdma_req *r);
int rdma_req_destroy_qp(struct rdma_req *r);
int rdma_req_modify_qp(struct rdma_req *r);
int rdma_req_query_qp(struct rdma_req *r);

/* rdma_svc_srq.c: shared receive queues */
int rdma_req_create_srq(struct rdma_req *r);
int rdma_req_destroy_srq(struct rdma_req *r);
int rdma_req_modify_srq(struct rdma_req *r);
int rdma_req_query_srq(struct rdma_req *r);
struct rdma_srq *rdma_srq_of(struct rdma_client *c, uint32_t h);
void rdma_srqs_free(struct rdma_client *c);
/* Receive WQEs from an SRQ's ring into the engine: their number, or
 * -EPROTO (a broken ring). */
int rdma_srq_poll(struct rdma_client *c, struct rdma_srq *s);
/* The engine's SGEs of a WQE's (at most RDMA_MAX_SGE); their number. */
int rdma_sges_of(const struct rdma_sge *in, uint32_t n, struct roce_sge *out);

/* rdma_svc_channel.c: completion channels */
int rdma_req_create_channel(struct rdma_req *r);
int rdma_req_destroy_channel(struct rdma_req *r);
/* 0, or -EINVAL: h is neither 0 nor a channel of c. */
int rdma_channel_attach(struct rdma_client *c, uint32_t h);
void rdma_channel_detach(struct rdma_client *c, uint32_t h);
void rdma_channels_close(struct rdma_client *c);
/* Completions went into cq's ring: notify if the application armed it
 * for them (solicited: one of them was solicited or failed). */
void rdma_cq_notify(struct rdma_client *c, struct rdma_cq *cq,
    bool solicited);
/* After a completion left the engine: was a solicited or failed one
 * among them. */
bool rdma_cq_solicited_forwarded(struct rdma_cq *cq);

/* A completion the engine did not make (a WR it refused). */
void rdma_svc_error_wc(struct rdma_client *c, struct rdma_qp *q,
    uint64_t wr_id, enum roce_wc_opcode op, bool recv);
int rdma_svc_client_poll(struct rdma_client *c);
void rdma_svc_client_close(struct rdma_svc *s, struct rdma_client *c);
bool rdma_svc_client_pending(const struct rdma_client *c);

/* rdma_svc_event.c: asynchronous events */
/* Into c's event ring (handle: of the object, 1 for the port). */
void rdma_client_event(struct rdma_client *c, uint32_t type, uint32_t handle);
uint32_t rdma_svc_port_state(const struct rdma_svc *s);

/* rdma_svc_mem.c: MRs over the application's own memory */
extern const struct roce_mem_ops rdma_client_mem_ops;
void rdma_client_mem_init(struct rdma_client *c);
int rdma_client_mem_probe(struct rdma_client *c, uint64_t va, uint64_t len);

/* Handle h (1-based) of a table: its index, or -1. */
static inline int
rdma_handle_index(uint32_t h, unsigned max)
{
	return h >= 1 && h <= max ? (int)h - 1 : -1;
}

#endif
