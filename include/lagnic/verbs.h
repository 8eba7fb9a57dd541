/*
 * lagnic's verbs vocabulary, shared by the RDMA engine in lagnicd and by
 * liblagnic (the public client API, lagnic.h): enums with libibverbs' names
 * (IBV_x -> ROCE_x) and values, so that a drop-in libibverbs can pass
 * them through unchanged, and the work request / completion structs.
 *
 * Differences from libibverbs, on purpose:
 *  - imm_data is host order (verbs carries it big-endian);
 *  - struct roce_ah_attr holds the destination MAC (the kernel's
 *    rdma_ah_attr.roce.dmac): the engine does no neighbour resolution;
 *  - ROCE_QP_LANE: an attribute of ours, the QP's lane on the LAG.
 */
#ifndef LAGNIC_VERBS_H
#define LAGNIC_VERBS_H

#include <stdbool.h>
#include <stdint.h>

#include <assert.h>

/* enum ibv_access_flags */
enum roce_access_flags {
	ROCE_ACCESS_LOCAL_WRITE = 1,
	ROCE_ACCESS_REMOTE_WRITE = 2,
	ROCE_ACCESS_REMOTE_READ = 4,
	ROCE_ACCESS_REMOTE_ATOMIC = 8,
};
#define ROCE_ACCESS_ALL	(ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE |\
	ROCE_ACCESS_REMOTE_READ | ROCE_ACCESS_REMOTE_ATOMIC)
/* Local read: always allowed on an MR (verbs has no flag for it). */
#define ROCE_ACCESS_LOCAL_READ	0

/* enum ibv_qp_type (RC and UD only) */
enum roce_qp_type {
	ROCE_QPT_RC = 2,
	ROCE_QPT_UD = 4,
};

/* enum ibv_qp_state */
#define ROCE_QP_STATES(_)						\
	_(RESET) _(INIT) _(RTR) _(RTS) _(SQD) _(SQE) _(ERR)
enum roce_qp_state {
#define ROCE_QPS_ENUM(n) ROCE_QPS_##n,
	ROCE_QP_STATES(ROCE_QPS_ENUM)
#undef ROCE_QPS_ENUM
	ROCE_QPS_COUNT
};
static_assert(ROCE_QPS_ERR == 6, "ibv_qp_state values");
const char *roce_qp_state_name(enum roce_qp_state s);

/* enum ibv_mtu */
enum roce_mtu {
	ROCE_MTU_256 = 1,
	ROCE_MTU_512 = 2,
	ROCE_MTU_1024 = 3,
	ROCE_MTU_2048 = 4,
	ROCE_MTU_4096 = 5,
};

static inline uint32_t
roce_mtu_bytes(enum roce_mtu m)
{
	return 128u << m;
}

/* enum ibv_qp_attr_mask (the ones that exist for RC and UD) */
enum roce_qp_attr_mask {
	ROCE_QP_STATE = 1 << 0,
	ROCE_QP_CUR_STATE = 1 << 1,
	ROCE_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2,
	ROCE_QP_ACCESS_FLAGS = 1 << 3,
	ROCE_QP_PKEY_INDEX = 1 << 4,
	ROCE_QP_PORT = 1 << 5,
	ROCE_QP_QKEY = 1 << 6,
	ROCE_QP_AV = 1 << 7,
	ROCE_QP_PATH_MTU = 1 << 8,
	ROCE_QP_TIMEOUT = 1 << 9,
	ROCE_QP_RETRY_CNT = 1 << 10,
	ROCE_QP_RNR_RETRY = 1 << 11,
	ROCE_QP_RQ_PSN = 1 << 12,
	ROCE_QP_MAX_QP_RD_ATOMIC = 1 << 13,
	ROCE_QP_ALT_PATH = 1 << 14,
	ROCE_QP_MIN_RNR_TIMER = 1 << 15,
	ROCE_QP_SQ_PSN = 1 << 16,
	ROCE_QP_MAX_DEST_RD_ATOMIC = 1 << 17,
	ROCE_QP_PATH_MIG_STATE = 1 << 18,
	ROCE_QP_CAP = 1 << 19,
	ROCE_QP_DEST_QPN = 1 << 20,
	/* ours: the lane (port affinity); allowed with any transition */
	ROCE_QP_LANE = 1 << 30,
};

/* enum ibv_wr_opcode */
#define ROCE_WR_OPCODES(_)						\
	_(RDMA_WRITE, 0) _(RDMA_WRITE_WITH_IMM, 1) _(SEND, 2)		\
	_(SEND_WITH_IMM, 3) _(RDMA_READ, 4) _(ATOMIC_CMP_AND_SWP, 5)	\
	_(ATOMIC_FETCH_AND_ADD, 6)
enum roce_wr_opcode {
#define ROCE_WR_ENUM(n, v) ROCE_WR_##n = v,
	ROCE_WR_OPCODES(ROCE_WR_ENUM)
#undef ROCE_WR_ENUM
	ROCE_WR_COUNT
};
const char *roce_wr_opcode_name(enum roce_wr_opcode op);

/* enum ibv_send_flags */
enum roce_send_flags {
	ROCE_SEND_FENCE = 1 << 0,
	ROCE_SEND_SIGNALED = 1 << 1,
	ROCE_SEND_SOLICITED = 1 << 2,
	ROCE_SEND_INLINE = 1 << 3,
};

/* enum ibv_wc_status, numbered as there */
#define ROCE_WC_STATUSES(_)						\
	_(SUCCESS) _(LOC_LEN_ERR) _(LOC_QP_OP_ERR) _(LOC_EEC_OP_ERR)	\
	_(LOC_PROT_ERR) _(WR_FLUSH_ERR) _(MW_BIND_ERR) _(BAD_RESP_ERR)	\
	_(LOC_ACCESS_ERR) _(REM_INV_REQ_ERR) _(REM_ACCESS_ERR)		\
	_(REM_OP_ERR) _(RETRY_EXC_ERR) _(RNR_RETRY_EXC_ERR)		\
	_(LOC_RDD_VIOL_ERR) _(REM_INV_RD_REQ_ERR) _(REM_ABORT_ERR)	\
	_(INV_EECN_ERR) _(INV_EEC_STATE_ERR) _(FATAL_ERR)		\
	_(RESP_TIMEOUT_ERR) _(GENERAL_ERR)
enum roce_wc_status {
#define ROCE_WC_ENUM(n) ROCE_WC_##n,
	ROCE_WC_STATUSES(ROCE_WC_ENUM)
#undef ROCE_WC_ENUM
	ROCE_WC_STATUS_COUNT
};
static_assert(ROCE_WC_RETRY_EXC_ERR == 12 && ROCE_WC_GENERAL_ERR == 21,
    "ibv_wc_status values");
const char *roce_wc_status_str(enum roce_wc_status s);

/* enum ibv_wc_opcode */
enum roce_wc_opcode {
	ROCE_WC_SEND = 0,
	ROCE_WC_RDMA_WRITE = 1,
	ROCE_WC_RDMA_READ = 2,
	ROCE_WC_COMP_SWAP = 3,
	ROCE_WC_FETCH_ADD = 4,
	ROCE_WC_RECV = 128,
	ROCE_WC_RECV_RDMA_WITH_IMM = 129,
};

/* enum ibv_wc_flags */
enum roce_wc_flags {
	ROCE_WC_GRH = 1 << 0,
	ROCE_WC_WITH_IMM = 1 << 1,
};

/* enum ibv_event_type (the ones the engine raises) */
enum roce_event_type {
	ROCE_EVENT_CQ_ERR = 0,
	ROCE_EVENT_QP_FATAL = 1,
	ROCE_EVENT_QP_REQ_ERR = 2,
	ROCE_EVENT_QP_ACCESS_ERR = 3,
	ROCE_EVENT_COMM_EST = 4,
	ROCE_EVENT_SQ_DRAINED = 5,
	ROCE_EVENT_DEVICE_FATAL = 8,	/* lagnicd went away */
	ROCE_EVENT_PORT_ACTIVE = 9,	/* the LAG's carrier came back */
	ROCE_EVENT_PORT_ERR = 10,	/* the LAG lost carrier: no member up */
	ROCE_EVENT_SRQ_LIMIT_REACHED = 15,
	ROCE_EVENT_QP_LAST_WQE_REACHED = 16,
	ROCE_EVENT_GID_CHANGE = 18,	/* the PF's addresses changed the table */
};

#define ROCE_GID_LEN	16
union roce_gid {
	uint8_t raw[ROCE_GID_LEN];
	struct {
		uint64_t subnet_prefix;
		uint64_t interface_id;
	} global;
};

/* struct ibv_global_route */
struct roce_global_route {
	union roce_gid dgid;
	uint32_t flow_label;
	uint8_t sgid_index;
	uint8_t hop_limit;
	uint8_t traffic_class;
};

/* struct ibv_ah_attr for RoCE: always global, plus the next hop's MAC. */
struct roce_ah_attr {
	struct roce_global_route grh;
	uint8_t dmac[6];
	uint8_t sl;
	uint8_t port_num;	/* 1 */
};

struct roce_sge {
	uint64_t addr;
	uint32_t length;
	uint32_t lkey;
};

struct roce_ah;

struct roce_send_wr {
	uint64_t wr_id;
	struct roce_send_wr *next;
	struct roce_sge *sg_list;
	int num_sge;
	enum roce_wr_opcode opcode;
	unsigned send_flags;		/* ROCE_SEND_* */
	uint32_t imm_data;		/* host order */
	union {
		struct {
			uint64_t remote_addr;
			uint32_t rkey;
		} rdma;
		struct {
			uint64_t remote_addr;
			uint64_t compare_add;
			uint64_t swap;
			uint32_t rkey;
		} atomic;
		struct {
			struct roce_ah *ah;
			uint32_t remote_qpn;
			uint32_t remote_qkey;	/* top bit set: the QP's */
		} ud;
	} wr;
};

struct roce_recv_wr {
	uint64_t wr_id;
	struct roce_recv_wr *next;
	struct roce_sge *sg_list;
	int num_sge;
};

/* struct ibv_wc */
struct roce_wc {
	uint64_t wr_id;
	enum roce_wc_status status;
	enum roce_wc_opcode opcode;
	uint32_t vendor_err;
	uint32_t byte_len;
	uint32_t imm_data;		/* host order */
	uint32_t qp_num;
	uint32_t src_qp;
	unsigned wc_flags;		/* ROCE_WC_GRH, ROCE_WC_WITH_IMM */
	uint16_t pkey_index;
	uint8_t sl;
};

struct roce_qp_cap {
	uint32_t max_send_wr;
	uint32_t max_recv_wr;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t max_inline_data;
};

#define ROCE_LANE_AUTO	UINT32_MAX	/* lane from a hash of the QPN */

struct roce_cq;
struct roce_srq;
struct roce_pd;

/* struct ibv_qp_init_attr */
struct roce_qp_init_attr {
	void *qp_context;
	struct roce_cq *send_cq;
	struct roce_cq *recv_cq;
	struct roce_srq *srq;		/* NULL: the QP's own RQ */
	struct roce_qp_cap cap;
	enum roce_qp_type qp_type;
	bool sq_sig_all;
	uint32_t lane;			/* ROCE_LANE_AUTO or 0..255 */
};

/* struct ibv_qp_attr */
struct roce_qp_attr {
	enum roce_qp_state qp_state;
	enum roce_qp_state cur_qp_state;
	enum roce_mtu path_mtu;
	uint32_t qkey;
	uint32_t rq_psn;
	uint32_t sq_psn;
	uint32_t dest_qp_num;
	unsigned qp_access_flags;
	struct roce_qp_cap cap;
	struct roce_ah_attr ah_attr;
	uint16_t pkey_index;
	uint8_t en_sqd_async_notify;
	uint8_t sq_draining;
	uint8_t max_rd_atomic;
	uint8_t max_dest_rd_atomic;
	uint8_t min_rnr_timer;
	uint8_t port_num;
	uint8_t timeout;
	uint8_t retry_cnt;
	uint8_t rnr_retry;
	uint32_t lane;			/* ROCE_QP_LANE */
};

/* enum ibv_srq_attr_mask */
enum roce_srq_attr_mask {
	ROCE_SRQ_MAX_WR = 1 << 0,
	ROCE_SRQ_LIMIT = 1 << 1,
};

/* struct ibv_srq_attr */
struct roce_srq_attr {
	uint32_t max_wr;
	uint32_t max_sge;
	uint32_t srq_limit;
};

/* struct ibv_device_attr, the fields lagnic fills */
struct roce_device_attr {
	uint64_t node_guid;
	uint64_t max_mr_size;
	uint32_t vendor_id;
	uint32_t max_qp, max_qp_wr, max_sge, max_cq, max_cqe, max_mr, max_pd;
	uint32_t max_qp_rd_atom, max_qp_init_rd_atom, max_srq, max_srq_wr;
	uint32_t max_srq_sge, max_inline_data;
	uint8_t phys_port_cnt;		/* 1 */
};

/* enum ibv_port_state, the two a LAG's port has */
enum roce_port_state {
	ROCE_PORT_STATE_DOWN = 1,
	ROCE_PORT_STATE_ACTIVE = 4,
};

struct roce_port_attr {
	uint32_t state;			/* enum roce_port_state */
	enum roce_mtu max_mtu;
	enum roce_mtu active_mtu;
	uint32_t gid_tbl_len;
	uint16_t pkey_tbl_len;
	uint8_t link_layer;		/* IBV_LINK_LAYER_ETHERNET (2) */
};

#endif
