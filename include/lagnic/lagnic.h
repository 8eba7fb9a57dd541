/*
 * liblagnic: RDMA over lagnic's bonded RoCEv2 device, for applications.
 *
 * The calls mirror libibverbs (ibv_x -> lagnic_x) and take its vocabulary
 * (lagnic/verbs.h: roce_send_wr, roce_wc, roce_qp_attr, ... with verbs'
 * names, fields and values). The device lives in lagnicd; this library
 * talks to it over a unix socket for objects, and through shared-memory
 * rings for work requests and completions (no system call per operation:
 * it rings a doorbell only when lagnicd said it might sleep).
 *
 * Memory: any memory of the application can be registered (malloc'd,
 * static, on the stack, mapped files). lagnicd reaches it by copies
 * between the application's pages and the frames (process_vm_readv and
 * process_vm_writev: lagnicd must be allowed to, as root is). Memory from
 * lagnic_alloc_buf() is shared with lagnicd instead: it is reached with no
 * system call at all. As verbs, every page of an MR must be mapped when
 * it is registered (EFAULT), and stay mapped while the MR lives: lagnicd
 * does not pin it, an access to memory unmapped since fails (the work
 * request completes in error, the peer gets a NAK).
 *
 * Peers: an address vector (lagnic_create_ah, lagnic_modify_qp to RTR)
 * may give the peer's MAC in dmac, or leave it zero as verbs applications
 * do: lagnicd then finds it from the destination GID (ARP or neighbour
 * discovery on the PF's link), and the call waits for it, up to 3 s
 * (EHOSTUNREACH).
 *
 * Calls return 0 or a positive errno as verbs does (object constructors:
 * NULL with errno set). One context per thread, or lock around it.
 */
#ifndef LAGNIC_LAGNIC_H
#define LAGNIC_LAGNIC_H

#include <stddef.h>
#include <stdint.h>

#include "lagnic/verbs.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lagnic_context;
struct lagnic_pd;
struct lagnic_cq;
struct lagnic_qp;
struct lagnic_comp_channel;
struct lagnic_srq;
/* struct roce_ah is liblagnic's address handle (roce_send_wr names it). */
struct roce_ah;

struct lagnic_mr {
	struct lagnic_context *context;
	void *addr;
	size_t length;
	uint32_t lkey;
	uint32_t rkey;
	uint32_t handle;
};

/* struct ibv_qp_init_attr, with liblagnic's CQs */
struct lagnic_qp_init_attr {
	void *qp_context;
	struct lagnic_cq *send_cq;
	struct lagnic_cq *recv_cq;
	struct roce_qp_cap cap;
	enum roce_qp_type qp_type;
	int sq_sig_all;
	/* ROCE_LANE_AUTO: a lane on a port of the creating thread's NUMA
	 * node if the mode lets one be chosen (active-active), else the
	 * mode's; or a lane: port affinity */
	uint32_t lane;
	struct lagnic_srq *srq;	/* NULL: the QP's own receive queue */
};

/* The default socket: /run/lagnic/lag0.rdma.sock, or $LAGNIC_RDMA_SOCKET. */
#define LAGNIC_RDMA_SOCKET_DEFAULT	"/run/lagnic/lag0.rdma.sock"

/* path NULL: the default. */
struct lagnic_context *lagnic_open(const char *path);
/* Over a socket already connected to lagnicd's RDMA service (taken). */
struct lagnic_context *lagnic_open_fd(int fd);
int lagnic_close(struct lagnic_context *ctx);

int lagnic_query_device(struct lagnic_context *ctx,
    struct roce_device_attr *attr);
int lagnic_query_port(struct lagnic_context *ctx, uint8_t port,
    struct roce_port_attr *attr);
int lagnic_query_gid(struct lagnic_context *ctx, uint8_t port, int index,
    union roce_gid *gid);

/*
 * The port's state follows the LAG's carrier: ROCE_PORT_STATE_ACTIVE
 * while a member is up, DOWN when none is (lagnic_query_port reads it as
 * lagnicd keeps it, no request).
 *
 * Asynchronous events, as ibv_get_async_event and ibv_ack_async_event:
 *  - ROCE_EVENT_PORT_ERR when the LAG loses carrier (every member down;
 *    one member's failure is not one), ROCE_EVENT_PORT_ACTIVE when it
 *    gets it back; ROCE_EVENT_GID_CHANGE when the PF's addresses changed
 *    the GID table (element.port_num 1);
 *  - a QP's: QP_REQ_ERR, QP_ACCESS_ERR (the responder took it to ERR on
 *    an invalid request or a remote access error), QP_FATAL (it went to
 *    ERR because a completion could not be written: its CQ overflowed),
 *    COMM_EST (in RTR, its first packet came; once), SQ_DRAINED (SQD
 *    with en_sqd_async_notify), QP_LAST_WQE_REACHED (a QP on an SRQ went
 *    to ERR). A transport error that a completion reports (retry or RNR
 *    retry exceeded, a NAK from the peer) takes the QP to ERR with that
 *    error completion and no event, as rxe does;
 *  - an SRQ's SRQ_LIMIT_REACHED (lagnic_modify_srq); a CQ's CQ_ERR;
 *  - ROCE_EVENT_DEVICE_FATAL once if lagnicd goes away; EIO after it.
 * lagnic_get_async_event waits for one (0), or returns EAGAIN at once if
 * lagnic_async_fd was made O_NONBLOCK; that fd is readable while events
 * wait. Each event is acknowledged with lagnic_ack_async_event. Destroying
 * a QP, SRQ or CQ drops its events not yet taken and waits until those
 * taken are acknowledged (do not destroy it in the thread that holds an
 * unacknowledged event of it). Events may be waited for in one thread
 * while another makes calls on the context. At most 128 events wait: a
 * context that does not take them loses the newest.
 */
struct lagnic_async_event {
	union {
		struct lagnic_qp *qp;
		struct lagnic_srq *srq;
		struct lagnic_cq *cq;
		int port_num;
	} element;
	enum roce_event_type event_type;
};
int lagnic_async_fd(const struct lagnic_context *ctx);
int lagnic_get_async_event(struct lagnic_context *ctx,
    struct lagnic_async_event *event);
void lagnic_ack_async_event(struct lagnic_async_event *event);

struct lagnic_pd *lagnic_alloc_pd(struct lagnic_context *ctx);
int lagnic_dealloc_pd(struct lagnic_pd *pd);

/* Memory lagnicd shares (page-aligned, zeroed); free it after its MRs. */
void *lagnic_alloc_buf(struct lagnic_context *ctx, size_t length);
int lagnic_free_buf(struct lagnic_context *ctx, void *buf);

struct lagnic_mr *lagnic_reg_mr(struct lagnic_pd *pd, void *addr,
    size_t length, int access);
int lagnic_dereg_mr(struct lagnic_mr *mr);

struct lagnic_cq *lagnic_create_cq(struct lagnic_context *ctx, int cqe,
    void *cq_context);
/* ibv_create_cq with a completion channel (or NULL). */
struct lagnic_cq *lagnic_create_cq_ch(struct lagnic_context *ctx, int cqe,
    void *cq_context, struct lagnic_comp_channel *channel);
int lagnic_destroy_cq(struct lagnic_cq *cq);
void *lagnic_cq_context(const struct lagnic_cq *cq);
/* Up to num completions; the number taken, or a negative errno. */
int lagnic_poll_cq(struct lagnic_cq *cq, int num, struct roce_wc *wc);

/*
 * Completion channels, as verbs'. The channel's fd is readable while an
 * event waits; it may be made non-blocking (O_NONBLOCK), and then
 * lagnic_get_cq_event returns EAGAIN instead of waiting. A CQ armed by
 * lagnic_req_notify_cq gives one event at its next completion (with
 * solicited_only: the next solicited or failed one); arm it again after
 * each. lagnic_destroy_comp_channel: EBUSY while a CQ uses it.
 */
struct lagnic_comp_channel *lagnic_create_comp_channel(
    struct lagnic_context *ctx);
int lagnic_destroy_comp_channel(struct lagnic_comp_channel *channel);
int lagnic_comp_channel_fd(const struct lagnic_comp_channel *channel);
/* EINVAL for a CQ without a channel. */
int lagnic_req_notify_cq(struct lagnic_cq *cq, int solicited_only);
/* Waits for an event: 0 with its CQ (and that CQ's context), or errno. */
int lagnic_get_cq_event(struct lagnic_comp_channel *channel,
    struct lagnic_cq **cq, void **cq_context);
void lagnic_ack_cq_events(struct lagnic_cq *cq, unsigned nevents);

struct roce_ah *lagnic_create_ah(struct lagnic_pd *pd,
    struct roce_ah_attr *attr);
int lagnic_destroy_ah(struct roce_ah *ah);

struct lagnic_qp *lagnic_create_qp(struct lagnic_pd *pd,
    struct lagnic_qp_init_attr *init);
int lagnic_destroy_qp(struct lagnic_qp *qp);
uint32_t lagnic_qp_num(const struct lagnic_qp *qp);
/* init->qp_context as created. */
void *lagnic_qp_context(const struct lagnic_qp *qp);
int lagnic_modify_qp(struct lagnic_qp *qp, struct roce_qp_attr *attr,
    int attr_mask);
int lagnic_query_qp(struct lagnic_qp *qp, struct roce_qp_attr *attr);

/* As ibv_create_srq (attr: max_wr, max_sge, srq_limit) and its calls. A
 * QP on an SRQ takes its receives from it (lagnic_post_recv on it:
 * EINVAL); lagnic_destroy_srq: EBUSY while a QP uses it. */
struct lagnic_srq *lagnic_create_srq(struct lagnic_pd *pd,
    struct roce_srq_attr *attr);
int lagnic_destroy_srq(struct lagnic_srq *srq);
/* As ibv_modify_srq: mask ROCE_SRQ_LIMIT arms the limit (0 disarms; at
 * most max_wr, else EINVAL): ROCE_EVENT_SRQ_LIMIT_REACHED once when a
 * receive taken from the SRQ leaves fewer posted than it, which disarms
 * it. ROCE_SRQ_MAX_WR (resize): EOPNOTSUPP. */
int lagnic_modify_srq(struct lagnic_srq *srq, struct roce_srq_attr *attr,
    int attr_mask);
/* max_wr, max_sge, and srq_limit: 0 once it fired. */
int lagnic_query_srq(struct lagnic_srq *srq, struct roce_srq_attr *attr);
/* A pointer of the application's, for its events (NULL at first). */
void lagnic_srq_set_context(struct lagnic_srq *srq, void *srq_context);
void *lagnic_srq_context(const struct lagnic_srq *srq);
int lagnic_post_srq_recv(struct lagnic_srq *srq, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr);

/* As ibv_post_send/recv: on an error *bad_wr is the first WR not taken.
 * ENOMEM: the ring is full. A WR lagnicd refuses later completes with
 * ROCE_WC_LOC_QP_OP_ERR. */
int lagnic_post_send(struct lagnic_qp *qp, struct roce_send_wr *wr,
    struct roce_send_wr **bad_wr);
int lagnic_post_recv(struct lagnic_qp *qp, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr);

#ifdef __cplusplus
}
#endif

#endif
