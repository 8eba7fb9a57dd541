/*
 * The BTH opcode table (IBA vol. 1, 9.2.1, table 38, and the header
 * layouts of 9.3): one entry per opcode byte, for RC, UC and UD. RD, XRC,
 * CNP and the reserved codes have no entry (flags 0): they are refused.
 *
 * Code tests meaning through masks, never by listing opcodes:
 *
 *	if (op->flags & ROCE_F_READ_OR_ATOMIC) ...
 *	reth = hdr + op->off[ROCE_HDR_RETH];	(with ROCE_F_RETH)
 */
#ifndef LAGNIC_ROCE_OPCODE_H
#define LAGNIC_ROCE_OPCODE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "roce/roce_hdr.h"

/* Transport of an opcode: its top three bits (table 38). */
#define ROCE_OP_TRANSPORT_MASK	0xe0
#define ROCE_OP_RC		0x00
#define ROCE_OP_UC		0x20
#define ROCE_OP_RD		0x40
#define ROCE_OP_UD		0x60
#define ROCE_OP_CNP_BASE	0x80

/* NAME, opcode byte */
#define ROCE_OPCODES(_)							\
	_(RC_SEND_FIRST,                         0x00)			\
	_(RC_SEND_MIDDLE,                        0x01)			\
	_(RC_SEND_LAST,                          0x02)			\
	_(RC_SEND_LAST_WITH_IMMEDIATE,           0x03)			\
	_(RC_SEND_ONLY,                          0x04)			\
	_(RC_SEND_ONLY_WITH_IMMEDIATE,           0x05)			\
	_(RC_RDMA_WRITE_FIRST,                   0x06)			\
	_(RC_RDMA_WRITE_MIDDLE,                  0x07)			\
	_(RC_RDMA_WRITE_LAST,                    0x08)			\
	_(RC_RDMA_WRITE_LAST_WITH_IMMEDIATE,     0x09)			\
	_(RC_RDMA_WRITE_ONLY,                    0x0a)			\
	_(RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,     0x0b)			\
	_(RC_RDMA_READ_REQUEST,                  0x0c)			\
	_(RC_RDMA_READ_RESPONSE_FIRST,           0x0d)			\
	_(RC_RDMA_READ_RESPONSE_MIDDLE,          0x0e)			\
	_(RC_RDMA_READ_RESPONSE_LAST,            0x0f)			\
	_(RC_RDMA_READ_RESPONSE_ONLY,            0x10)			\
	_(RC_ACKNOWLEDGE,                        0x11)			\
	_(RC_ATOMIC_ACKNOWLEDGE,                 0x12)			\
	_(RC_COMPARE_SWAP,                       0x13)			\
	_(RC_FETCH_ADD,                          0x14)			\
	_(RC_SEND_LAST_WITH_INVALIDATE,          0x16)			\
	_(RC_SEND_ONLY_WITH_INVALIDATE,          0x17)			\
	_(UC_SEND_FIRST,                         0x20)			\
	_(UC_SEND_MIDDLE,                        0x21)			\
	_(UC_SEND_LAST,                          0x22)			\
	_(UC_SEND_LAST_WITH_IMMEDIATE,           0x23)			\
	_(UC_SEND_ONLY,                          0x24)			\
	_(UC_SEND_ONLY_WITH_IMMEDIATE,           0x25)			\
	_(UC_RDMA_WRITE_FIRST,                   0x26)			\
	_(UC_RDMA_WRITE_MIDDLE,                  0x27)			\
	_(UC_RDMA_WRITE_LAST,                    0x28)			\
	_(UC_RDMA_WRITE_LAST_WITH_IMMEDIATE,     0x29)			\
	_(UC_RDMA_WRITE_ONLY,                    0x2a)			\
	_(UC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,     0x2b)			\
	_(UD_SEND_ONLY,                          0x64)			\
	_(UD_SEND_ONLY_WITH_IMMEDIATE,           0x65)

enum roce_opcode {
#define ROCE_OP_ENUM(name, val) ROCE_OP_##name = val,
	ROCE_OPCODES(ROCE_OP_ENUM)
#undef ROCE_OP_ENUM
};

/* The extension headers after the BTH, in the order they appear (9.3). */
enum roce_hdr {
	ROCE_HDR_DETH,
	ROCE_HDR_RETH,
	ROCE_HDR_ATMETH,
	ROCE_HDR_AETH,
	ROCE_HDR_ATMACK,
	ROCE_HDR_IMMDT,
	ROCE_HDR_IETH,
	ROCE_HDR_COUNT
};

/* Flags of an opcode. A header's flag is ROCE_F_HDR(ROCE_HDR_x). */
#define ROCE_F_RC	(1u << 0)
#define ROCE_F_UC	(1u << 1)
#define ROCE_F_UD	(1u << 2)
#define ROCE_F_REQ	(1u << 3)	/* sent by a requester */
#define ROCE_F_RESP	(1u << 4)	/* sent by a responder (ACK, read resp) */
#define ROCE_F_SEND	(1u << 5)
#define ROCE_F_WRITE	(1u << 6)
#define ROCE_F_READ	(1u << 7)	/* RDMA READ request */
#define ROCE_F_ATOMIC	(1u << 8)	/* CompareSwap, FetchAdd request */
#define ROCE_F_ACK	(1u << 9)	/* ACKNOWLEDGE, ATOMIC_ACKNOWLEDGE */
#define ROCE_F_READ_RESP (1u << 17)	/* RDMA READ response */
#define ROCE_F_FIRST	(1u << 10)
#define ROCE_F_MIDDLE	(1u << 11)
#define ROCE_F_LAST	(1u << 12)
#define ROCE_F_ONLY	(1u << 13)
#define ROCE_F_IMM	(1u << 14)	/* with immediate data */
#define ROCE_F_INV	(1u << 15)	/* with invalidate */
#define ROCE_F_PAYLOAD	(1u << 16)	/* may carry data after the headers */
#define ROCE_F_HDR_SHIFT 20
#define ROCE_F_HDR(h)	(1u << (ROCE_F_HDR_SHIFT + (h)))
#define ROCE_F_DETH	ROCE_F_HDR(ROCE_HDR_DETH)
#define ROCE_F_RETH	ROCE_F_HDR(ROCE_HDR_RETH)
#define ROCE_F_ATMETH	ROCE_F_HDR(ROCE_HDR_ATMETH)
#define ROCE_F_AETH	ROCE_F_HDR(ROCE_HDR_AETH)
#define ROCE_F_ATMACK	ROCE_F_HDR(ROCE_HDR_ATMACK)
#define ROCE_F_IMMDT	ROCE_F_HDR(ROCE_HDR_IMMDT)
#define ROCE_F_IETH	ROCE_F_HDR(ROCE_HDR_IETH)
static_assert(ROCE_F_HDR(ROCE_HDR_COUNT) <= (1u << 31), "flags fit");

#define ROCE_F_READ_OR_ATOMIC	(ROCE_F_READ | ROCE_F_ATOMIC)
#define ROCE_F_WRITE_OR_SEND	(ROCE_F_WRITE | ROCE_F_SEND)
#define ROCE_F_START		(ROCE_F_FIRST | ROCE_F_ONLY)	/* a message */
#define ROCE_F_END		(ROCE_F_LAST | ROCE_F_ONLY)

/* The longest header set (BTH + AtomicETH); a test checks it. */
#define ROCE_HDR_MAX_LEN	(ROCE_BTH_LEN + ROCE_ATMETH_LEN)

struct roce_opinfo {
	const char *name;		/* "RC_SEND_FIRST"; NULL: no opcode */
	uint32_t flags;			/* ROCE_F_*; 0: no opcode */
	uint8_t  hdr_len;		/* BTH and extension headers */
	uint8_t  off[ROCE_HDR_COUNT];	/* from the BTH, with ROCE_F_HDR(h) */
};

extern const struct roce_opinfo roce_ops[256];
extern const uint8_t roce_hdr_lens[ROCE_HDR_COUNT];

/* The entry of opcode op, or NULL if it is none we know. */
static inline const struct roce_opinfo *
roce_opinfo(uint8_t op)
{
	return roce_ops[op].flags ? &roce_ops[op] : NULL;
}

/* "RC_SEND_FIRST", ...; "?" for an opcode without an entry. */
static inline const char *
roce_opcode_name(uint8_t op)
{
	return roce_ops[op].flags ? roce_ops[op].name : "?";
}

/* "DETH", "RETH", "AtomicETH", ...: spec names. */
const char *roce_hdr_name(enum roce_hdr h);

#endif
