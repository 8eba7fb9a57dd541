#include "rdma/rdma_proto.h"

#define SZ(t)	sizeof(struct t)

const struct rdma_msg_sizes rdma_msg_sizes[RDMA_MSG_COUNT] = {
	[RDMA_MSG_HELLO] = { SZ(rdma_hello_req), SZ(rdma_hello_rep) },
	[RDMA_MSG_QUERY_GID] = { SZ(rdma_query_gid_req),
	    SZ(rdma_query_gid_rep) },
	[RDMA_MSG_ALLOC_PD] = { 0, SZ(rdma_handle) },
	[RDMA_MSG_DEALLOC_PD] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_MAP_BUF] = { SZ(rdma_map_buf_req), SZ(rdma_handle) },
	[RDMA_MSG_UNMAP_BUF] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_REG_MR] = { SZ(rdma_reg_mr_req), SZ(rdma_reg_mr_rep) },
	[RDMA_MSG_DEREG_MR] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_CREATE_CQ] = { SZ(rdma_create_cq_req),
	    SZ(rdma_create_cq_rep) },
	[RDMA_MSG_DESTROY_CQ] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_CREATE_AH] = { SZ(rdma_create_ah_req), SZ(rdma_handle) },
	[RDMA_MSG_DESTROY_AH] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_CREATE_QP] = { SZ(rdma_create_qp_req),
	    SZ(rdma_create_qp_rep) },
	[RDMA_MSG_DESTROY_QP] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_MODIFY_QP] = { SZ(rdma_modify_qp_req), 0 },
	[RDMA_MSG_QUERY_QP] = { SZ(rdma_handle), SZ(rdma_query_qp_rep) },
	[RDMA_MSG_CREATE_CHANNEL] = { 0, SZ(rdma_handle) },
	[RDMA_MSG_DESTROY_CHANNEL] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_CREATE_SRQ] = { SZ(rdma_create_srq_req),
	    SZ(rdma_create_srq_rep) },
	[RDMA_MSG_DESTROY_SRQ] = { SZ(rdma_handle), 0 },
	[RDMA_MSG_MODIFY_SRQ] = { SZ(rdma_modify_srq_req), 0 },
	[RDMA_MSG_QUERY_SRQ] = { SZ(rdma_handle), SZ(rdma_query_srq_rep) },
};

const char *const rdma_msg_names[RDMA_MSG_COUNT] = {
#define RDMA_MSG_NAME(n) [RDMA_MSG_##n] = #n,
	RDMA_MSGS(RDMA_MSG_NAME)
#undef RDMA_MSG_NAME
};

static_assert(sizeof(struct rdma_hello_rep) + sizeof(struct rdma_hdr) <=
    RDMA_MSG_MAX, "RDMA_MSG_MAX");
static_assert(sizeof(struct rdma_modify_qp_req) + sizeof(struct rdma_hdr) <=
    RDMA_MSG_MAX, "RDMA_MSG_MAX");
