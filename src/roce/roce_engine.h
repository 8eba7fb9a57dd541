/*
 * The RDMA engine: a RoCEv2 device with one port, its objects (PD, MR,
 * CQ, SRQ, AH, RC and UD QPs) with libibverbs semantics, and the RC and
 * UD transports (IBA vol. 1 ch. 9 and 10, Annex A17).
 *
 * Pure core: no sockets, no threads, no wall clock. The owner gives it
 *  - a struct clock (timers: retransmission, RNR);
 *  - a pool to take transmit buffers from;
 *  - struct roce_ops: tx() sends one frame on a lane (the owner maps the
 *    lane to a port, e.g. with lag_lane_member()), event() reports
 *    asynchronous events and CQ notifications.
 * and drives it with
 *  - roce_engine_rx(): RoCEv2 frames received on ANY port (the engine finds
 *    the QP by the BTH's destination QPN);
 *  - roce_engine_tick() at roce_engine_next_deadline() (timers, and the
 *    next burst of READ responses: a big READ is answered 32 packets per
 *    turn, not all at once);
 *  - roce_engine_lanes_changed() after the lane table moved: every RC QP on
 *    a moved lane retransmits its unacknowledged packets at once (go-back-N
 *    from the oldest unacknowledged PSN). QPs sit on per-lane lists, so the
 *    cost is that of the QPs that moved.
 * Verbs calls (roce_post_send(), roce_poll_cq(), ...) run in the same
 * thread as the rest. Every function returns 0 or -errno (lookups NULL);
 * a refused call changes nothing.
 *
 * A QP transmits on qp->lane (struct roce_qp_attr.lane: ROCE_LANE_AUTO
 * hashes the QPN). The lane is passed with each frame to tx(), so a later
 * engine may pick a lane per packet: nothing else ties a QP to a port.
 *
 * Wiring it into lagnicd (tests/roce/roce_fixture.c does exactly this
 * over sim ports):
 *	tx(ctx, lane, pkt): m = lag_lane_member(lag, lane); no member: free
 *	    pkt, return -ENETDOWN; else hand pkt to m's port (or scheduler)
 *	LAG_EV_LANES: diff the lane table against the last one, set the
 *	    changed lanes in a roce_lane_mask, roce_engine_lanes_changed()
 *	RX: UDP 4791 to one of our addresses, from any collecting member,
 *	    after lag_rx() -> roce_engine_rx() (in bursts: ACKs coalesce)
 *	loop: roce_engine_tick(e, now) once now >= roce_engine_next_deadline()
 *	PF addresses come and go: roce_gid_add_ipv4/ipv6(), roce_gid_del()
 *	LAG carrier: roce_engine_set_port_active()
 * Applications' memory is reached only through roce_mr_check() and
 * roce_mr_copy(): an MR's bytes are mapped here (memory the application
 * shares with lagnicd) or reached by copies (struct roce_mem_ops: any
 * other memory of the application, process_vm_readv/writev in lagnicd).
 */
#ifndef LAGNIC_ROCE_ENGINE_H
#define LAGNIC_ROCE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/pkt.h"
#include "roce/roce_hdr.h"
#include "roce/roce_pkt.h"
#include "roce/roce_verbs.h"

#define ROCE_LANES		256	/* = LAG_LANES */
#define ROCE_GID_TABLE_LEN	16
#define ROCE_MAX_SGE		8
#define ROCE_MAX_INLINE		256
#define ROCE_MAX_RD_ATOMIC	16
#define ROCE_MAX_WR		4096
#define ROCE_MAX_CQE		65536
#define ROCE_MAX_MSG		(1u << 31)

struct roce_engine;
struct roce_qp;
struct roce_mr;
struct pkt_pool;

/* An asynchronous event, or a completion notification (comp != NULL). */
struct roce_event {
	enum roce_event_type type;
	struct roce_qp *qp;		/* QP events */
	struct roce_cq *cq;		/* CQ_ERR, or a notification */
	struct roce_srq *srq;		/* SRQ_LIMIT_REACHED */
	bool comp;			/* a completion on an armed CQ */
};

struct roce_ops {
	/* Send frame pkt on lane (0..ROCE_LANES-1). Takes pkt in any case;
	 * 0, or -errno when it was not sent (counted as a tx drop). */
	int (*tx)(void *ctx, uint32_t lane, struct pkt *pkt);
	/* Optional: events and CQ notifications (completion channel). */
	void (*event)(void *ctx, const struct roce_event *ev);
};

struct roce_engine_config {
	const struct roce_ops *ops;
	void *ctx;
	const struct clock *clock;
	struct pkt_pool *pool;		/* frames to transmit */
	uint8_t mac[6];			/* source MAC of every frame */
	uint32_t netdev_mtu;		/* IP MTU of the links (1500) */
	uint32_t max_qp;		/* 0: 16384 */
	uint32_t max_mr;		/* 0: 16384 */
	uint64_t node_guid;		/* 0: from the MAC */
};

/* struct ibv_device_attr and ibv_port_attr, the fields that apply. */

/* Engine-level reasons a received packet is dropped (after the wire
 * parser's own, struct roce_drops). NAME, field, description. */
#define ROCE_RX_DROPS(_)						\
	_(PARSE,       parse,       "refused by roce_pkt_parse")	\
	_(NOT_OUR_GID, not_our_gid, "destination IP is not in the GID table")\
	_(NO_QP,       no_qp,       "no QP with the destination QPN")	\
	_(QP_STATE,    qp_state,    "QP state does not receive this")	\
	_(TRANSPORT,   transport,   "opcode of another transport")	\
	_(BAD_PKEY,    bad_pkey,    "P_Key not in the table")		\
	_(BAD_QKEY,    bad_qkey,    "UD Q_Key mismatch")		\
	_(BAD_SRC,     bad_src,     "RC packet not from the QP's peer")	\
	_(NO_RECV,     no_recv,     "UD send with no receive posted")	\
	_(UD_TOO_LONG, ud_too_long, "UD send larger than the receive")	\
	_(GHOST,       ghost,       "response to no outstanding request")\
	_(STALE,       stale,       "response to an acknowledged PSN")	\
	_(BAD_RESP,    bad_resp,    "response of the wrong kind or length")\
	_(OUT_OF_SEQ,  out_of_seq,  "request after a PSN gap (NAK sent)")

enum roce_rx_drop {
#define ROCE_RX_DROP_ENUM(n, f, d) ROCE_RX_DROP_##n,
	ROCE_RX_DROPS(ROCE_RX_DROP_ENUM)
#undef ROCE_RX_DROP_ENUM
	ROCE_RX_DROP_COUNT
};
const char *roce_rx_drop_name(enum roce_rx_drop d);

/* Transport counters, per QP and (summed) per engine. name, description */
#define ROCE_COUNTERS(_)						\
	_(tx_pkts,        "frames handed to tx()")			\
	_(tx_bytes,       "bytes of those frames")			\
	_(tx_drops,       "frames not sent: no buffer or tx() refused")	\
	_(rx_pkts,        "frames taken by a QP")			\
	_(rx_bytes,       "bytes of those frames")			\
	_(retransmits,    "request packets sent again")		\
	_(timeouts,       "retransmission timer expiries")		\
	_(lane_rewinds,   "go-back-N started by a lane change")		\
	_(seq_rewinds,    "go-back-N started by a NAK or a response gap")\
	_(implicit_naks,  "READ/atomic overtaken by a later ACK")	\
	_(rnr_naks_sent,  "RNR NAKs sent")				\
	_(rnr_naks_rcvd,  "RNR NAKs received")				\
	_(acks_sent,      "ACKs sent (coalesced)")			\
	_(acks_rcvd,      "ACKs received")				\
	_(dup_requests,   "duplicate SEND/WRITE packets re-ACKed")	\
	_(dup_reads,      "duplicate READ requests executed again")	\
	_(dup_atomics,    "duplicate atomics answered from the saved result")\
	_(dup_responses,  "responses to PSNs already completed")	\
	_(completions,    "work completions written")			\
	_(wc_errors,      "work completions with an error status")	\
	_(cq_overflows,   "completions lost to a full CQ")

struct roce_counters {
#define ROCE_COUNTER_FIELD(name, desc) uint64_t name;
	ROCE_COUNTERS(ROCE_COUNTER_FIELD)
#undef ROCE_COUNTER_FIELD
	uint64_t naks_sent[ROCE_NAK_CODE_COUNT];	/* by NAK code */
	uint64_t naks_rcvd[ROCE_NAK_CODE_COUNT];
	uint64_t rx_drops[ROCE_RX_DROP_COUNT];
};

/* Names and descriptions of the scalar counters, in field order. */
extern const char *const roce_counter_names[];
extern const char *const roce_counter_descs[];
#define ROCE_COUNTERS_SCALAR (offsetof(struct roce_counters, naks_sent) / \
	sizeof(uint64_t))

/* ---- engine ---- */

/* -EINVAL (no ops/clock/pool, MTU below 256 + headers), -ENOMEM. */
int roce_engine_create(struct roce_engine **out,
    const struct roce_engine_config *cfg);
/* Destroys every object still in it. */
void roce_engine_destroy(struct roce_engine *e);

void roce_query_device(const struct roce_engine *e,
    struct roce_device_attr *attr);
/* port_num must be 1. */
int roce_query_port(const struct roce_engine *e, uint8_t port_num,
    struct roce_port_attr *attr);
/* The port's state as the owner sees the LAG (carrier): ACTIVE or DOWN. */
void roce_engine_set_port_active(struct roce_engine *e, bool active);
/* The source MAC of every frame (the PF's: it may come after creation,
 * with the first member); the node GUID follows it unless given. */
void roce_engine_set_mac(struct roce_engine *e, const uint8_t mac[6]);
void roce_engine_mac(const struct roce_engine *e, uint8_t mac[6]);

/* GID table from the PF's addresses: IPv4 as ::ffff:a.b.c.d, IPv6 as is.
 * Returns the index; -EEXIST, -ENOSPC. */
int roce_gid_add_ipv4(struct roce_engine *e, uint32_t addr);	/* host order */
int roce_gid_add_ipv6(struct roce_engine *e, const uint8_t addr[16]);
int roce_gid_del(struct roce_engine *e, unsigned index);
/* -EINVAL for an empty or out-of-range index. */
int roce_query_gid(const struct roce_engine *e, unsigned index,
    union roce_gid *gid);

/* Frames received on any port: RoCEv2 ones (the caller checked UDP 4791).
 * Takes all pkts. ACKs are coalesced: at most one per QP per call. */
void roce_engine_rx(struct roce_engine *e, struct pkt **pkts, unsigned n);
/* Run the timers due by now (the clock's time). */
void roce_engine_tick(struct roce_engine *e, uint64_t now);
/* When roce_engine_tick() must run next: 0 while READ responses are
 * queued (run again at once), UINT64_MAX if nothing is due. */
uint64_t roce_engine_next_deadline(const struct roce_engine *e);

/* Lanes whose member changed, as a bit mask of ROCE_LANES bits. */
struct roce_lane_mask {
	uint64_t bits[ROCE_LANES / 64];
};

static inline void
roce_lane_mask_set(struct roce_lane_mask *m, uint32_t lane)
{
	m->bits[lane / 64 % (ROCE_LANES / 64)] |= 1ull << (lane % 64);
}

/* NULL: every lane. */
void roce_engine_lanes_changed(struct roce_engine *e,
    const struct roce_lane_mask *moved);

const struct roce_counters *roce_engine_counters(const struct roce_engine *e);
/* For lagnicctl: a QP by number (NULL if none), every QP in QPN order. */
struct roce_qp *roce_engine_find_qp(struct roce_engine *e, uint32_t qpn);
void roce_engine_foreach_qp(struct roce_engine *e,
    void (*fn)(struct roce_qp *qp, void *arg), void *arg);
/* The wire parser's drop counters of this engine's receive path. */
const struct roce_drops *roce_engine_wire_drops(const struct roce_engine *e);

/* ---- objects (libibverbs' calls, roce_ for ibv_) ---- */

struct roce_pd;
struct roce_cq;
struct roce_srq;
struct roce_ah;

int roce_alloc_pd(struct roce_engine *e, struct roce_pd **out);
/* -EBUSY while an MR, AH, QP or SRQ uses it. */
int roce_dealloc_pd(struct roce_pd *pd);

/*
 * Memory [addr, addr + length) of this process, registered: the VA of a
 * byte is its address ((uint64_t)(uintptr_t)p), as verbs does without
 * IBV_ACCESS_ZERO_BASED. -EINVAL: bad flags (remote write or atomic
 * without local write, as verbs), length 0 or above max_mr_size.
 */
int roce_reg_mr(struct roce_pd *pd, void *addr, size_t length,
    unsigned access, struct roce_mr **out);
/*
 * The same for memory that its users (an application in another process,
 * its peers) name by other addresses: the byte at iova + i is at
 * addr + i here (the daemon maps an application's pages at addr; the
 * application and its peers use its own VAs). -EINVAL as above, or if
 * iova + length wraps.
 */
int roce_reg_mr_iova(struct roce_pd *pd, void *addr, size_t length,
    uint64_t iova, unsigned access, struct roce_mr **out);
/*
 * Memory the engine cannot map but reaches by copies: another process's,
 * at the addresses that process uses. read/write copy len bytes at addr;
 * 0, or -EFAULT (or another -errno) when the memory is not there.
 */
struct roce_mem_ops {
	int (*read)(void *ctx, uint64_t addr, void *dst, size_t len);
	int (*write)(void *ctx, uint64_t addr, const void *src, size_t len);
};
/*
 * An MR over [iova, iova + length) of such memory: the byte at iova + i
 * is reached by ops at iova + i. ops and ctx must outlive the MR.
 * -EINVAL as roce_reg_mr_iova.
 */
int roce_reg_mr_ops(struct roce_pd *pd, const struct roce_mem_ops *ops,
    void *ctx, uint64_t iova, size_t length, unsigned access,
    struct roce_mr **out);
int roce_dereg_mr(struct roce_mr *mr);
uint32_t roce_mr_lkey(const struct roce_mr *mr);
uint32_t roce_mr_rkey(const struct roce_mr *mr);
/*
 * The two doors to registered memory. check: [va, va + len) lies inside
 * mr and mr grants every flag of access (0: local read); -EFAULT out of
 * bounds, -EACCES without the flag. copy: len bytes at va from the MR
 * into buf (to_mr false) or from buf into the MR, after a check; -EFAULT
 * if the memory behind the MR went away (an application unmapped it).
 */
int roce_mr_check(const struct roce_mr *mr, uint64_t va, uint64_t len,
    unsigned access);
int roce_mr_copy(const struct roce_mr *mr, uint64_t va, void *buf,
    uint64_t len, bool to_mr);
/* The MR of a key (lkey or rkey) in pd; NULL if none. */
struct roce_mr *roce_mr_find(struct roce_engine *e, uint32_t key,
    const struct roce_pd *pd);

/* cqe entries at least. -EINVAL for 0 or above max_cqe. */
int roce_create_cq(struct roce_engine *e, uint32_t cqe, void *cq_context,
    struct roce_cq **out);
/* -EBUSY while a QP or SRQ uses it. */
int roce_destroy_cq(struct roce_cq *cq);
/* Up to n completions, oldest first: their number, or -EIO once the CQ
 * overflowed (IBV_EVENT_CQ_ERR was raised) and is drained. */
int roce_poll_cq(struct roce_cq *cq, int n, struct roce_wc *wc);
/* How many solicited or failed completions were ever posted to cq: an
 * owner that forwards completions elsewhere (lagnicd's rings) tells by
 * it whether the ones it took held one. */
uint64_t roce_cq_solicited_posts(const struct roce_cq *cq);
/* Arm the completion channel: one event at the next (solicited) one. */
int roce_req_notify_cq(struct roce_cq *cq, bool solicited_only);

int roce_create_srq(struct roce_pd *pd, const struct roce_srq_attr *attr,
    struct roce_srq **out);
int roce_destroy_srq(struct roce_srq *srq);
/* The limit (ROCE_SRQ_LIMIT: at most max_wr, 0 disarms): one
 * ROCE_EVENT_SRQ_LIMIT_REACHED when a receive taken leaves fewer WQEs
 * than it, which disarms it (srq_limit reads 0 again). -EOPNOTSUPP for
 * ROCE_SRQ_MAX_WR (no resize), -EINVAL for other bits or a limit above
 * max_wr. */
int roce_modify_srq(struct roce_srq *srq, const struct roce_srq_attr *attr,
    int mask);
void roce_query_srq(const struct roce_srq *srq, struct roce_srq_attr *attr);
int roce_post_srq_recv(struct roce_srq *srq, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr);

/* -EINVAL: port_num not 1, sgid_index empty, zero dgid. */
int roce_create_ah(struct roce_pd *pd, const struct roce_ah_attr *attr,
    struct roce_ah **out);
int roce_destroy_ah(struct roce_ah *ah);

/* Caps above the device's: -EINVAL. The QP starts in RESET. */
int roce_create_qp(struct roce_pd *pd, const struct roce_qp_init_attr *init,
    struct roce_qp **out);
int roce_destroy_qp(struct roce_qp *qp);
uint32_t roce_qp_num(const struct roce_qp *qp);
enum roce_qp_state roce_qp_state(const struct roce_qp *qp);
uint32_t roce_qp_lane(const struct roce_qp *qp);
const struct roce_counters *roce_qp_counters(const struct roce_qp *qp);
/*
 * ibv_modify_qp(): attr fields named by mask. The transition (current
 * state -> attr->qp_state, or current -> current without ROCE_QP_STATE)
 * must be one IBA allows (11.2.4.2, table 90 of the kernel's
 * qp_state_table) and mask must hold its required attributes and no more
 * than its optional ones. -EINVAL for a bad mask, transition or value;
 * the QP is then unchanged.
 */
int roce_modify_qp(struct roce_qp *qp, const struct roce_qp_attr *attr,
    int mask);
int roce_query_qp(const struct roce_qp *qp, struct roce_qp_attr *attr,
    struct roce_qp_init_attr *init);

/*
 * ibv_post_send(): a chain of WRs; on error *bad_wr is the first refused
 * (those before it were posted). -EINVAL: QP not in RTS/SQD/SQE/ERR, an
 * opcode the QP type lacks, too many SGEs, inline data too long, atomic
 * not 8 bytes on an aligned address; -ENOMEM: send queue full. In ERR
 * every posted WR completes with ROCE_WC_WR_FLUSH_ERR.
 */
int roce_post_send(struct roce_qp *qp, struct roce_send_wr *wr,
    struct roce_send_wr **bad_wr);
/* -EINVAL: QP in RESET or with an SRQ, too many SGEs; -ENOMEM: full. */
int roce_post_recv(struct roce_qp *qp, struct roce_recv_wr *wr,
    struct roce_recv_wr **bad_wr);

/* The RNR timer encoding of IBA table 45, in ns (0 is 655.36 ms). */
uint64_t roce_rnr_timer_ns(uint8_t code);
/* The Local ACK Timeout: 4.096 us * 2^timeout; 0: none (UINT64_MAX). */
uint64_t roce_ack_timeout_ns(uint8_t timeout);

#endif
