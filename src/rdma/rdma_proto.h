/*
 * The protocol between liblagnic (an RDMA application) and lagnicd's RDMA
 * service: requests and replies on a unix SEQPACKET socket for the slow
 * path (objects), and shared-memory rings (lib/shm_ring.h) for the fast
 * path: per QP a send ring and a receive ring of work requests from the
 * application, per CQ a ring of completions to it.
 *
 * Every message is one packet: a header, then the body of its type, whose
 * size is exact (the service refuses any other length). A reply carries
 * the request's type and sequence number and an error (0 or -errno).
 * File descriptors (memfds of rings and buffers, the doorbell eventfd,
 * the event pipe) travel as SCM_RIGHTS with the message that names them.
 *
 * Objects are named by handles the service gives out; a handle is only
 * looked up among the objects of the connection it came on, so one
 * application never reaches another's.
 */
#ifndef LAGNIC_RDMA_PROTO_H
#define LAGNIC_RDMA_PROTO_H

#include <stdatomic.h>
#include <stdint.h>

#include "lagnic/verbs.h"
#include "lib/compiler.h"

#define RDMA_PROTO_VERSION	3
#define RDMA_MAX_SGE		8
#define RDMA_MAX_INLINE		256
/* No application address at or above this (57-bit user space). */
#define RDMA_USER_VA_END	(1ull << 56)

#define RDMA_MSGS(_)							\
	_(HELLO)	/* versions; device and port attributes; doorbell */ \
	_(QUERY_GID)							\
	_(ALLOC_PD) _(DEALLOC_PD)					\
	_(MAP_BUF) _(UNMAP_BUF)	/* shared memory the application owns */ \
	_(REG_MR) _(DEREG_MR)						\
	_(CREATE_CQ) _(DESTROY_CQ)					\
	_(CREATE_AH) _(DESTROY_AH)					\
	_(CREATE_QP) _(DESTROY_QP) _(MODIFY_QP) _(QUERY_QP)		\
	_(CREATE_CHANNEL) _(DESTROY_CHANNEL)	/* completion channels */ \
	_(CREATE_SRQ) _(DESTROY_SRQ)					\
	_(MODIFY_SRQ) _(QUERY_SRQ)

enum rdma_msg_type {
#define RDMA_MSG_ENUM(n) RDMA_MSG_##n,
	RDMA_MSGS(RDMA_MSG_ENUM)
#undef RDMA_MSG_ENUM
	RDMA_MSG_COUNT
};

struct rdma_hdr {
	uint32_t type;			/* enum rdma_msg_type */
	uint32_t seq;			/* echoed in the reply */
	int32_t err;			/* replies: 0 or -errno */
	uint32_t pad;
};

/* ---- request and reply bodies ---- */

struct rdma_hello_req {
	uint32_t version;
	uint32_t pad;
};
/* + three fds (SCM_RIGHTS): the doorbell eventfd (write it when
 * status->sleeping), the status page's memfd, and the read end of the
 * event pipe (lagnicd writes a byte per event it puts in the status
 * page's event ring: read one, then take one event; end of file: lagnicd
 * closed the connection) */
struct rdma_hello_rep {
	uint32_t version;
	uint32_t pad;
	struct roce_device_attr dev;
	struct roce_port_attr port;
};

struct rdma_handle {			/* DEALLOC_PD, DEREG_MR, ... */
	uint32_t handle;
	uint32_t pad;
};

struct rdma_query_gid_req {
	uint32_t index;
	uint32_t pad;
};
struct rdma_query_gid_rep {
	union roce_gid gid;
};

/* + the memfd (sealed against shrinking): the application's memory at
 * [va, va + len), offset 0 of the memfd */
struct rdma_map_buf_req {
	uint64_t va;
	uint64_t len;
};

struct rdma_reg_mr_req {
	uint32_t pd;
	uint32_t buf;			/* a MAP_BUF handle holding the range,
					 * or 0: the application's own memory,
					 * which lagnicd reaches by copies */
	uint64_t va;			/* the application's address */
	uint64_t len;
	uint32_t access;		/* ROCE_ACCESS_* */
	uint32_t pad;
};
struct rdma_reg_mr_rep {
	uint32_t handle;
	uint32_t lkey;
	uint32_t rkey;
	uint32_t pad;
};

/* reply + the ring's memfd: a completion ring of `entries` roce_wc */
struct rdma_create_cq_req {
	uint32_t cqe;
	uint32_t channel;		/* a CREATE_CHANNEL handle, or 0 */
};
struct rdma_create_cq_rep {
	uint32_t handle;
	uint32_t entries;		/* a power of two >= cqe */
	uint64_t ring_bytes;
};

struct rdma_create_ah_req {
	uint32_t pd;
	uint32_t pad;
	struct roce_ah_attr attr;
};

struct rdma_create_qp_req {
	uint32_t pd;
	uint32_t send_cq;
	uint32_t recv_cq;
	uint32_t qp_type;		/* ROCE_QPT_RC / UD */
	struct roce_qp_cap cap;
	uint32_t sq_sig_all;
	uint32_t lane;			/* ROCE_LANE_AUTO or 0..255 */
	uint32_t srq;			/* a CREATE_SRQ handle, or 0 */
	int32_t numa_node;		/* the creating thread's; -1 unknown */
};
/* reply + one memfd: the send ring, then the receive ring, each
 * shm_ring_bytes(entry size, entries) long */
struct rdma_create_qp_rep {
	uint32_t handle;
	uint32_t qp_num;
	uint32_t sq_entries;
	uint32_t rq_entries;
	uint64_t sq_bytes;
	uint64_t rq_bytes;
	struct roce_qp_cap cap;		/* as granted */
	uint32_t pad;
};

struct rdma_modify_qp_req {
	uint32_t handle;
	uint32_t mask;			/* ROCE_QP_* attribute mask */
	struct roce_qp_attr attr;
};

struct rdma_query_qp_rep {
	struct roce_qp_attr attr;
};

/* reply + the memfd of its ring of `entries` struct rdma_recv_wqe, which
 * the application produces */
struct rdma_create_srq_req {
	uint32_t pd;
	uint32_t max_wr;
	uint32_t max_sge;
	uint32_t srq_limit;
};
struct rdma_create_srq_rep {
	uint32_t handle;
	uint32_t entries;
	uint64_t ring_bytes;
};

/* MODIFY_SRQ: mask ROCE_SRQ_LIMIT arms the limit (max_wr resize,
 * ROCE_SRQ_MAX_WR, is refused: -EOPNOTSUPP). QUERY_SRQ: a struct
 * rdma_handle; reply the attributes, srq_limit 0 once it fired. */
struct rdma_modify_srq_req {
	uint32_t handle;
	uint32_t mask;			/* enum roce_srq_attr_mask */
	struct roce_srq_attr attr;
	uint32_t pad;
};
struct rdma_query_srq_rep {
	struct roce_srq_attr attr;
	uint32_t pad;
};

/* CREATE_CHANNEL: no body. Reply: a struct rdma_handle + the read end of
 * a pipe lagnicd writes a byte to for each notification of a CQ of the
 * channel (the application never holds what lagnicd writes: it cannot
 * fill it and block lagnicd). */

/* ---- the status page (a memfd lagnicd gives with HELLO) ---- */

#define RDMA_STATUS_CQS		64	/* CQ handles 1..64 */
/* Work bits: QP handle h is bit h - 1, SRQ handle h bit
 * RDMA_WORK_SRQ_BASE + h - 1. */
#define RDMA_WORK_QPS		256
#define RDMA_WORK_SRQS		16
#define RDMA_WORK_SRQ_BASE	RDMA_WORK_QPS
#define RDMA_WORK_WORDS		((RDMA_WORK_QPS + RDMA_WORK_SRQS + 63) / 64)

enum rdma_cq_arm {
	RDMA_CQ_ARM_NONE,
	RDMA_CQ_ARM_NEXT,		/* the next completion */
	RDMA_CQ_ARM_SOLICITED,		/* the next solicited or failed one */
};

/* An asynchronous event as it crosses. */
struct rdma_async_event {
	uint32_t type;			/* enum roce_event_type */
	uint32_t handle;		/* of its QP, SRQ or CQ; port events: 1 */
};
#define RDMA_EVENTS		128
#define RDMA_EVENT_VOID		UINT32_MAX

/* What an event's handle names. */
enum rdma_event_class {
	RDMA_EVC_DEVICE, RDMA_EVC_QP, RDMA_EVC_CQ, RDMA_EVC_SRQ,
};

static inline enum rdma_event_class
rdma_event_class(uint32_t type)
{
	switch (type) {
	case ROCE_EVENT_QP_FATAL: case ROCE_EVENT_QP_REQ_ERR:
	case ROCE_EVENT_QP_ACCESS_ERR: case ROCE_EVENT_COMM_EST:
	case ROCE_EVENT_SQ_DRAINED: case ROCE_EVENT_QP_LAST_WQE_REACHED:
		return RDMA_EVC_QP;
	case ROCE_EVENT_CQ_ERR:
		return RDMA_EVC_CQ;
	case ROCE_EVENT_SRQ_LIMIT_REACHED:
		return RDMA_EVC_SRQ;
	default:
		return RDMA_EVC_DEVICE;
	}
}

struct rdma_status {
	_Atomic uint32_t sleeping;	/* 1: ring the doorbell after posting */
	uint32_t pad;
	/* per CQ (handle - 1): the application arms it (enum rdma_cq_arm);
	 * lagnicd disarms it as it notifies, and counts the notification
	 * in cq_fired, which the application takes back one by one */
	_Atomic uint32_t cq_arm[RDMA_STATUS_CQS];
	_Atomic uint32_t cq_fired[RDMA_STATUS_CQS];
	/* the application sets a ring's work bit after putting work
	 * requests in it; lagnicd takes the bits and serves only those
	 * rings (a round costs what has work, not what exists) */
	_Atomic uint64_t work[RDMA_WORK_WORDS];
	/* the port's state (IBV_PORT_ACTIVE / DOWN), kept current */
	_Atomic uint32_t port_state;
	/* asynchronous events: lagnicd fills ev[tail % RDMA_EVENTS] and
	 * then writes a byte to the event pipe; the application takes
	 * ev[head % RDMA_EVENTS]. A full ring loses the event (counted).
	 * The application may withdraw an event it has not taken (its
	 * object was destroyed) by setting its type to RDMA_EVENT_VOID. */
	_Atomic uint32_t ev_lost;
	_Atomic uint32_t ev_head;
	_Atomic uint32_t ev_tail;
	struct rdma_async_event ev[RDMA_EVENTS];
};
#define RDMA_STATUS_BYTES	4096
static_assert(sizeof(struct rdma_status) <= RDMA_STATUS_BYTES, "status");

/* ---- the rings ---- */

struct rdma_sge {
	uint64_t addr;			/* the application's VA */
	uint32_t length;
	uint32_t lkey;
};

/* A send work request as it crosses. */
struct rdma_send_wqe {
	uint64_t wr_id;
	uint32_t opcode;		/* ROCE_WR_* */
	uint32_t send_flags;		/* ROCE_SEND_* */
	uint32_t imm_data;		/* host order */
	uint32_t num_sge;
	uint64_t remote_addr;		/* RDMA, atomics */
	uint64_t compare_add;
	uint64_t swap;
	uint32_t rkey;
	uint32_t ah;			/* UD: an AH handle */
	uint32_t remote_qpn;
	uint32_t remote_qkey;
	uint32_t inline_len;		/* ROCE_SEND_INLINE: bytes below */
	uint32_t pad;
	struct rdma_sge sge[RDMA_MAX_SGE];
	uint8_t inline_data[RDMA_MAX_INLINE];
};
static_assert(sizeof(struct rdma_send_wqe) % 8 == 0, "ring entry");

struct rdma_recv_wqe {
	uint64_t wr_id;
	uint32_t num_sge;
	uint32_t pad;
	struct rdma_sge sge[RDMA_MAX_SGE];
};
static_assert(sizeof(struct rdma_recv_wqe) % 8 == 0, "ring entry");

/* A completion as it crosses: struct roce_wc. */
static_assert(sizeof(struct roce_wc) % 8 == 0, "ring entry");

/* The body size of each message type: request, reply. */
struct rdma_msg_sizes {
	uint32_t req;
	uint32_t rep;
};
extern const struct rdma_msg_sizes rdma_msg_sizes[RDMA_MSG_COUNT];
extern const char *const rdma_msg_names[RDMA_MSG_COUNT];

/* The largest message (header + body), for buffers. */
#define RDMA_MSG_MAX	(sizeof(struct rdma_hdr) + 512)

#endif
