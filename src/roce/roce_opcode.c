/*
 * The opcode table. Each row names its flags; the header offsets and
 * lengths follow from them, in the order of 9.3 (DETH, RETH, AtomicETH,
 * AETH, AtomicAckETH, ImmDt, IETH), so that a row cannot say one thing
 * in its flags and another in its offsets.
 */
#include "roce/roce_opcode.h"

const uint8_t roce_hdr_lens[ROCE_HDR_COUNT] = {
	[ROCE_HDR_DETH] = ROCE_DETH_LEN,
	[ROCE_HDR_RETH] = ROCE_RETH_LEN,
	[ROCE_HDR_ATMETH] = ROCE_ATMETH_LEN,
	[ROCE_HDR_AETH] = ROCE_AETH_LEN,
	[ROCE_HDR_ATMACK] = ROCE_ATMACK_LEN,
	[ROCE_HDR_IMMDT] = ROCE_IMMDT_LEN,
	[ROCE_HDR_IETH] = ROCE_IETH_LEN,
};

static const char *const roce_hdr_names[] = {
	[ROCE_HDR_DETH] = "DETH", [ROCE_HDR_RETH] = "RETH",
	[ROCE_HDR_ATMETH] = "AtomicETH", [ROCE_HDR_AETH] = "AETH",
	[ROCE_HDR_ATMACK] = "AtomicAckETH", [ROCE_HDR_IMMDT] = "ImmDt",
	[ROCE_HDR_IETH] = "IETH",
};
static_assert(ARRAY_SIZE(roce_hdr_names) == ROCE_HDR_COUNT, "hdr names");

const char *
roce_hdr_name(enum roce_hdr h)
{
	return (unsigned)h < ROCE_HDR_COUNT ? roce_hdr_names[h] : "?";
}

/* Length of header h if the flags f carry it. */
#define HLEN(f, h, len)	(((f) & ROCE_F_##h) ? (len) : 0)
/* Where each header starts: after the BTH and the ones before it. */
#define OFF_DETH(f)	ROCE_BTH_LEN
#define OFF_RETH(f)	(OFF_DETH(f) + HLEN(f, DETH, ROCE_DETH_LEN))
#define OFF_ATMETH(f)	(OFF_RETH(f) + HLEN(f, RETH, ROCE_RETH_LEN))
#define OFF_AETH(f)	(OFF_ATMETH(f) + HLEN(f, ATMETH, ROCE_ATMETH_LEN))
#define OFF_ATMACK(f)	(OFF_AETH(f) + HLEN(f, AETH, ROCE_AETH_LEN))
#define OFF_IMMDT(f)	(OFF_ATMACK(f) + HLEN(f, ATMACK, ROCE_ATMACK_LEN))
#define OFF_IETH(f)	(OFF_IMMDT(f) + HLEN(f, IMMDT, ROCE_IMMDT_LEN))
#define HDR_LEN(f)	(OFF_IETH(f) + HLEN(f, IETH, ROCE_IETH_LEN))
#define OFF(f, h)	(((f) & ROCE_F_##h) ? OFF_##h(f) : 0)

#define OP(op, f) [ROCE_OP_##op] = {					\
	.name = #op, .flags = (f), .hdr_len = HDR_LEN(f),		\
	.off = {							\
		[ROCE_HDR_DETH] = OFF(f, DETH),				\
		[ROCE_HDR_RETH] = OFF(f, RETH),				\
		[ROCE_HDR_ATMETH] = OFF(f, ATMETH),			\
		[ROCE_HDR_AETH] = OFF(f, AETH),				\
		[ROCE_HDR_ATMACK] = OFF(f, ATMACK),			\
		[ROCE_HDR_IMMDT] = OFF(f, IMMDT),			\
		[ROCE_HDR_IETH] = OFF(f, IETH),				\
	} }

/* Requests that carry data, per transport. */
#define SEND(t)		(t | ROCE_F_REQ | ROCE_F_SEND | ROCE_F_PAYLOAD)
#define WRITE(t)	(t | ROCE_F_REQ | ROCE_F_WRITE | ROCE_F_PAYLOAD)
#define RC		ROCE_F_RC
#define UC		ROCE_F_UC
#define UD		(ROCE_F_UD | ROCE_F_DETH)
#define READ_RESP	(RC | ROCE_F_RESP | ROCE_F_READ_RESP | ROCE_F_PAYLOAD)
#define IMM		(ROCE_F_IMM | ROCE_F_IMMDT)
#define INV		(ROCE_F_INV | ROCE_F_IETH)

/* The send and write opcodes of a connected transport t (RC, UC). */
#define CONNECTED_OPS(T, t)						\
	OP(T##_SEND_FIRST, SEND(t) | ROCE_F_FIRST),			\
	OP(T##_SEND_MIDDLE, SEND(t) | ROCE_F_MIDDLE),			\
	OP(T##_SEND_LAST, SEND(t) | ROCE_F_LAST),			\
	OP(T##_SEND_LAST_WITH_IMMEDIATE, SEND(t) | ROCE_F_LAST | IMM),	\
	OP(T##_SEND_ONLY, SEND(t) | ROCE_F_ONLY),			\
	OP(T##_SEND_ONLY_WITH_IMMEDIATE, SEND(t) | ROCE_F_ONLY | IMM),	\
	OP(T##_RDMA_WRITE_FIRST, WRITE(t) | ROCE_F_FIRST | ROCE_F_RETH), \
	OP(T##_RDMA_WRITE_MIDDLE, WRITE(t) | ROCE_F_MIDDLE),		\
	OP(T##_RDMA_WRITE_LAST, WRITE(t) | ROCE_F_LAST),		\
	OP(T##_RDMA_WRITE_LAST_WITH_IMMEDIATE,				\
	    WRITE(t) | ROCE_F_LAST | IMM),				\
	OP(T##_RDMA_WRITE_ONLY, WRITE(t) | ROCE_F_ONLY | ROCE_F_RETH),	\
	OP(T##_RDMA_WRITE_ONLY_WITH_IMMEDIATE,				\
	    WRITE(t) | ROCE_F_ONLY | ROCE_F_RETH | IMM)

const struct roce_opinfo roce_ops[256] = {
	CONNECTED_OPS(RC, RC),
	OP(RC_RDMA_READ_REQUEST,
	    RC | ROCE_F_REQ | ROCE_F_READ | ROCE_F_ONLY | ROCE_F_RETH),
	OP(RC_RDMA_READ_RESPONSE_FIRST, READ_RESP | ROCE_F_FIRST | ROCE_F_AETH),
	OP(RC_RDMA_READ_RESPONSE_MIDDLE, READ_RESP | ROCE_F_MIDDLE),
	OP(RC_RDMA_READ_RESPONSE_LAST, READ_RESP | ROCE_F_LAST | ROCE_F_AETH),
	OP(RC_RDMA_READ_RESPONSE_ONLY, READ_RESP | ROCE_F_ONLY | ROCE_F_AETH),
	OP(RC_ACKNOWLEDGE,
	    RC | ROCE_F_RESP | ROCE_F_ACK | ROCE_F_ONLY | ROCE_F_AETH),
	OP(RC_ATOMIC_ACKNOWLEDGE, RC | ROCE_F_RESP | ROCE_F_ACK |
	    ROCE_F_ONLY | ROCE_F_AETH | ROCE_F_ATMACK),
	OP(RC_COMPARE_SWAP,
	    RC | ROCE_F_REQ | ROCE_F_ATOMIC | ROCE_F_ONLY | ROCE_F_ATMETH),
	OP(RC_FETCH_ADD,
	    RC | ROCE_F_REQ | ROCE_F_ATOMIC | ROCE_F_ONLY | ROCE_F_ATMETH),
	OP(RC_SEND_LAST_WITH_INVALIDATE, SEND(RC) | ROCE_F_LAST | INV),
	OP(RC_SEND_ONLY_WITH_INVALIDATE, SEND(RC) | ROCE_F_ONLY | INV),
	CONNECTED_OPS(UC, UC),
	OP(UD_SEND_ONLY, SEND(UD) | ROCE_F_ONLY),
	OP(UD_SEND_ONLY_WITH_IMMEDIATE, SEND(UD) | ROCE_F_ONLY | IMM),
};
