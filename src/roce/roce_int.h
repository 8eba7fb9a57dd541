/*
 * Inside the engine: the objects and the calls between its parts.
 *
 *	roce_engine.c	engine, GIDs, receive dispatch, timers, lanes
 *	roce_mr.c	PD, MR, AH
 *	roce_cq.c	CQ, receive queues and SRQ
 *	roce_qp.c	QP create/destroy, state machine (modify_qp)
 *	roce_post.c	post_send / post_recv, flushing
 *	roce_tx.c	frames: addressing, build, hand to ops->tx
 *	roce_req.c	requester: WQEs -> request packets
 *	roce_resp.c	responder: requests -> memory, ACK/NAK, responses
 *	roce_read.c	responder: READ responses, paced
 *	roce_comp.c	completer: responses -> completions, retransmission
 *	roce_ud.c	UD send and receive
 */
#ifndef LAGNIC_ROCE_INT_H
#define LAGNIC_ROCE_INT_H

#include "roce/roce_engine.h"
#include "roce/roce_list.h"
#include "roce/roce_timer.h"

#define ROCE_QPN_BASE		16	/* QPNs below are reserved */
#define ROCE_REQ_WINDOW		512	/* unacknowledged PSNs at most */
#define ROCE_ACKREQ_EVERY	16	/* AckReq at least this often */
#define ROCE_READ_BURST		32	/* READ responses per QP per turn */
#define ROCE_UDP_SPORT_BASE	0xc000
#define ROCE_GRH_LEN		40	/* UD receives start with it */
#define ROCE_SCRATCH_LEN	(4096 + ROCE_GRH_LEN)

struct roce_engine {
	struct roce_engine_config cfg;
	struct roce_device_attr attr;
	bool port_active;
	enum roce_mtu active_mtu;
	union roce_gid gids[ROCE_GID_TABLE_LEN];
	bool gid_valid[ROCE_GID_TABLE_LEN];
	struct roce_qp **qps;		/* by QPN - ROCE_QPN_BASE */
	uint32_t qp_cursor;
	struct roce_mr **mrs;		/* by key >> 8 */
	uint32_t mr_cursor;
	uint8_t mr_key;
	uint32_t npd, ncq, nsrq, nqp;
	/* every object, freed with the engine (an application that dies) */
	struct roce_list pds, cqs, srqs, ahs;
	struct roce_timers timers;
	struct roce_list lanes[ROCE_LANES];	/* QPs by lane */
	struct roce_list ack_pending;		/* QPs with an ACK to send */
	struct roce_list read_pending;		/* QPs with READ data to send */
	struct roce_counters cnt;
	struct roce_drops wire_drops;
	uint8_t scratch[ROCE_SCRATCH_LEN];	/* one packet's payload */
};

struct roce_pd {
	struct roce_engine *e;
	struct roce_list node;
	uint32_t refs;
};

struct roce_mr {
	struct roce_engine *e;
	struct roce_pd *pd;
	uint8_t *addr;			/* where the bytes are, here; or */
	const struct roce_mem_ops *ops;	/* how to reach them (addr NULL) */
	void *ops_ctx;
	uint64_t iova;			/* the VA the MR's users name them by */
	uint64_t length;
	unsigned access;
	uint32_t key;			/* lkey == rkey */
};

struct roce_ah {
	struct roce_pd *pd;
	struct roce_list node;
	struct roce_ah_attr attr;
};

struct roce_cq {
	struct roce_engine *e;
	struct roce_list node;
	void *cq_context;
	struct roce_wc *ring;
	uint32_t size;			/* entries */
	uint32_t head, tail;		/* free-running */
	uint32_t refs;
	bool overflow;
	bool armed, solicited_only;
	uint64_t solicited_posts;	/* solicited or failed, ever */
};

/* A posted receive. */
struct roce_rwqe {
	uint64_t wr_id;
	uint32_t num_sge;
	struct roce_sge sge[ROCE_MAX_SGE];
};

struct roce_rq {
	struct roce_rwqe *ring;
	uint32_t size;			/* power of two */
	uint32_t max_wr, max_sge;
	uint32_t head, tail;		/* free-running */
};

struct roce_srq {
	struct roce_engine *e;
	struct roce_list node;
	struct roce_pd *pd;
	struct roce_rq rq;
	uint32_t srq_limit;
	uint32_t refs;
};

enum roce_swqe_state {
	ROCE_SWQE_POSTED,		/* not started */
	ROCE_SWQE_STARTED,		/* some packets sent */
	ROCE_SWQE_SENT,			/* all packets sent, not acknowledged */
	ROCE_SWQE_DONE,			/* completed (or flushed) */
};

/* A posted send: the WR with its SGEs and inline data copied. */
struct roce_swqe {
	struct roce_send_wr wr;		/* wr.sg_list -> sge */
	struct roce_sge sge[ROCE_MAX_SGE];
	uint32_t length;		/* bytes of the message */
	uint32_t first_psn, last_psn;
	enum roce_swqe_state state;
	bool is_inline;
	bool local_err;			/* an SGE refused: fails in order */
	uint8_t *inline_data;		/* its slot of sq.inline_buf */
};

struct roce_sq {
	struct roce_swqe *ring;
	uint8_t *inline_buf;		/* size * max_inline_data bytes */
	uint32_t size;			/* power of two */
	uint32_t max_wr;
	uint32_t head, tail;		/* free-running: oldest, next free */
};

/* Requester state (9.7.1): what to send next. */
struct roce_req_state {
	uint32_t wqe;			/* SQ index of the WQE being sent */
	uint32_t psn;			/* next PSN to send */
	uint32_t max_psn;		/* after the highest PSN ever sent */
	uint32_t offset;		/* bytes of that WQE sent */
	uint32_t since_ackreq;		/* packets since the last AckReq */
	bool rnr_wait;			/* waiting on the RNR timer */
};

/* Completer state (9.7.5.1): what the responder has acknowledged. */
struct roce_comp_state {
	uint32_t psn;			/* oldest unacknowledged PSN */
	uint8_t retry_left;
	uint8_t rnr_left;
	bool rewound;			/* went back to psn already */
	struct roce_timer rto;		/* Local ACK Timeout */
	struct roce_timer rnr;		/* RNR NAK timer */
};

/* A READ or atomic the responder executed (9.7.5.2.6: resources). */
struct roce_res {
	bool valid;
	bool atomic;
	uint32_t first_psn, last_psn;
	uint64_t orig;			/* atomic: value before */
	/* READ: the responses still to send (roce_read.c) */
	bool pending, started;
	uint32_t rkey;
	uint64_t va;
	uint32_t resid;
	uint32_t next_psn;
};

/* Responder state (9.7.5.2). */
struct roce_resp_state {
	uint32_t psn;			/* expected PSN */
	uint32_t msn;
	bool nak_sent;			/* a NAK for psn is out: no other */
	bool comm_est;			/* COMM_EST was raised */
	bool in_send, in_write;		/* inside a multi-packet message */
	struct roce_rwqe recv;		/* the receive of the current send */
	bool has_recv;
	uint32_t recv_offset;
	uint64_t w_va;			/* current WRITE: next byte, */
	uint32_t w_rkey;		/* in the MR of this rkey */
	uint32_t w_resid;		/* bytes still to come */
	bool ack_pending;
	uint32_t ack_psn;
	struct roce_list ack_node;
	struct roce_res res[ROCE_MAX_RD_ATOMIC];
	uint32_t res_next;
	uint32_t read_cur;		/* the READ being answered */
	struct roce_list read_node;	/* on the engine's read_pending */
};

struct roce_qp {
	struct roce_engine *e;
	uint32_t qpn;
	enum roce_qp_type type;
	struct roce_pd *pd;
	struct roce_cq *send_cq, *recv_cq;
	struct roce_srq *srq;
	void *qp_context;
	bool sq_sig_all;
	struct roce_qp_attr attr;	/* current attributes */
	uint32_t lane;
	bool lane_explicit;
	struct roce_list lane_node;
	uint16_t udp_sport;
	struct roce_sq sq;
	struct roce_rq rq;
	struct roce_req_state req;
	struct roce_comp_state comp;
	struct roce_resp_state resp;
	struct roce_counters cnt;
};

/* Bump a counter of the QP and of its engine. */
#define roce_cnt_inc(qp, field) do {					\
	(qp)->cnt.field++;						\
	(qp)->e->cnt.field++;						\
} while (0)
#define roce_cnt_add(qp, field, n) do {					\
	(qp)->cnt.field += (n);						\
	(qp)->e->cnt.field += (n);					\
} while (0)

static inline uint64_t
roce_now(const struct roce_engine *e)
{
	return clock_now(e->cfg.clock);
}

static inline uint32_t
roce_qp_mtu(const struct roce_qp *qp)
{
	return roce_mtu_bytes(qp->attr.path_mtu);
}

static inline struct roce_swqe *
roce_sq_at(const struct roce_sq *sq, uint32_t i)
{
	return &sq->ring[i & (sq->size - 1)];
}

/* roce_mr.c */
void roce_mr_destroy_all(struct roce_engine *e);
/* [off, off + len) of a local SGE lies in its MR, with access: its MR,
 * or NULL with -errno as roce_mr_check in *err, or -EINVAL for an unknown
 * lkey or another PD's MR. */
struct roce_mr *roce_sge_check(const struct roce_qp *qp,
    const struct roce_sge *sge, uint32_t off, uint32_t len, unsigned access,
    int *err);
/* Copy len bytes at byte off of an SGE list from (to_sges false) or
 * into it. 0 or -errno: nothing copied if a piece is out of bounds or
 * lacks access; part of it if an application's memory went away. */
int roce_sgl_copy(const struct roce_qp *qp, const struct roce_sge *sge,
    uint32_t nsge, uint32_t off, void *buf, uint32_t len, bool to_sges);
uint64_t roce_sgl_len(const struct roce_sge *sge, uint32_t nsge);
/* An address vector: port 1, a valid source GID, a destination GID. */
int roce_ah_attr_check(const struct roce_engine *e,
    const struct roce_ah_attr *a);

/* roce_cq.c */
int roce_rq_init(struct roce_rq *rq, uint32_t max_wr, uint32_t max_sge);
void roce_rq_fini(struct roce_rq *rq);
int roce_rq_post(struct roce_rq *rq, const struct roce_recv_wr *wr);
/* Take the oldest receive of the QP (its SRQ or RQ); false if none. */
bool roce_qp_take_recv(struct roce_qp *qp, struct roce_rwqe *out);
/* Write a completion; false if the CQ overflowed (QP goes to ERR). */
bool roce_cq_post(struct roce_cq *cq, const struct roce_wc *wc,
    bool solicited);
void roce_event(struct roce_engine *e, const struct roce_event *ev);

/* roce_qp.c */
void roce_qp_to_err(struct roce_qp *qp);
void roce_qp_set_lane(struct roce_qp *qp, uint32_t lane);

/* roce_post.c */
void roce_flush_sq(struct roce_qp *qp);
void roce_flush_rq(struct roce_qp *qp);
/* Complete the send WQE at the SQ head with status (signaled or error). */
void roce_sq_complete(struct roce_qp *qp, struct roce_swqe *wqe,
    enum roce_wc_status status);
void roce_recv_complete(struct roce_qp *qp, const struct roce_rwqe *r,
    const struct roce_wc *wc, bool solicited);

/* roce_tx.c */
/* Build the frame of p with payload and send it on the QP's lane; the
 * destination from the QP's path (RC) or av (UD). 0 or -errno (counted). */
int roce_tx(struct roce_qp *qp, const struct roce_ah_attr *av,
    struct roce_pkt *p, const void *payload, uint32_t len);
/* BTH fields common to the QP's packets. */
void roce_tx_bth(const struct roce_qp *qp, struct roce_pkt *p,
    uint8_t opcode, uint32_t dest_qpn, uint32_t psn);

/* roce_req.c */
void roce_req_run(struct roce_qp *qp);
/* Go back to the oldest unacknowledged PSN (comp.psn). */
void roce_req_rewind(struct roce_qp *qp);
void roce_req_reset(struct roce_qp *qp);

/* roce_comp.c */
void roce_comp_rx(struct roce_qp *qp, const struct roce_pkt *p);
void roce_comp_init(struct roce_qp *qp);
/* Arm, re-arm or stop the retransmission timer from the QP's state. */
void roce_comp_timer_update(struct roce_qp *qp);
void roce_comp_stop(struct roce_qp *qp);
/* In SQD with every started WQE done: SQ_DRAINED (if asked for). */
void roce_comp_sqd_check(struct roce_qp *qp);
/* The requester hit a local error on a WQE: fail it if it is the oldest. */
void roce_comp_local_error(struct roce_qp *qp);

/* roce_resp.c */
void roce_resp_rx(struct roce_qp *qp, const struct roce_pkt *p);
void roce_resp_reset(struct roce_qp *qp);
/* Send the coalesced ACK of the QP, if any. */
void roce_resp_flush_ack(struct roce_qp *qp);

/* roce_read.c */
struct roce_res *roce_res_new(struct roce_qp *qp);
struct roce_res *roce_res_find(struct roce_qp *qp, uint32_t psn, bool atomic);
void roce_read_start(struct roce_qp *qp, struct roce_res *res, uint32_t psn,
    uint64_t va, uint32_t rkey, uint32_t len);
bool roce_read_pending(const struct roce_qp *qp);
/* Send up to budget packets; true if READ data is still queued. */
bool roce_read_pump(struct roce_qp *qp, unsigned budget);
void roce_read_drain(struct roce_qp *qp);
void roce_read_stop(struct roce_qp *qp);
void roce_read_pump_all(struct roce_engine *e);

/* roce_ud.c */
void roce_ud_send(struct roce_qp *qp, struct roce_swqe *wqe);
void roce_ud_rx(struct roce_qp *qp, const struct roce_pkt *p,
    const struct pkt *frame);

#endif
