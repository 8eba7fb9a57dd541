/*
 * InfiniBand transport headers as RoCEv2 carries them (IBA vol. 1,
 * chapter 9.2-9.4; Annex A17): wire structs, big-endian field access,
 * 24-bit PSN arithmetic and the AETH syndrome.
 *
 * The wire structs are packed and hold network-order values; read and
 * write them only through the accessors below.
 */
#ifndef LAGNIC_ROCE_HDR_H
#define LAGNIC_ROCE_HDR_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/compiler.h"

#define ROCE_BTH_LEN	12
#define ROCE_RETH_LEN	16
#define ROCE_AETH_LEN	4
#define ROCE_ATMETH_LEN	28
#define ROCE_ATMACK_LEN	8
#define ROCE_IMMDT_LEN	4
#define ROCE_DETH_LEN	8
#define ROCE_IETH_LEN	4
#define ROCE_ICRC_LEN	4

#define ROCE_QPN_MASK	0xffffffu	/* QPNs are 24 bits */
#define ROCE_PSN_MASK	0xffffffu
#define ROCE_QPN_GSI	1		/* QP1, the CM's */
#define ROCE_QPN_MCAST	ROCE_QPN_MASK	/* UD multicast destination */
#define ROCE_PKEY_DEFAULT 0xffff
#define ROCE_TVER	0		/* BTH transport header version */

/* Base Transport Header (9.2). */
struct roce_bth_hdr {
	uint8_t  opcode;
	uint8_t  se_m_pad_tver;		/* SE:1 MigReq:1 PadCnt:2 TVer:4 */
	uint16_t pkey;
	uint32_t fb_dqpn;		/* FECN:1 BECN:1 resv6 | DestQP:24 */
	uint32_t a_psn;			/* AckReq:1 resv7 | PSN:24 */
} __packed;
static_assert(sizeof(struct roce_bth_hdr) == ROCE_BTH_LEN, "BTH");

#define ROCE_BTH_SE		0x80
#define ROCE_BTH_MIG		0x40
#define ROCE_BTH_PAD_SHIFT	4
#define ROCE_BTH_PAD_MASK	0x3
#define ROCE_BTH_TVER_MASK	0xf
#define ROCE_BTH_FECN		0x80000000u
#define ROCE_BTH_BECN		0x40000000u
#define ROCE_BTH_ACKREQ		0x80000000u
/* Byte 4 of the BTH: FECN, BECN and resv6, "resv8a" to the ICRC. */
#define ROCE_BTH_RESV8A_OFF	4

/* RDMA Extended Transport Header (9.3.3). */
struct roce_reth_hdr {
	uint64_t va;
	uint32_t rkey;
	uint32_t dma_len;
} __packed;
static_assert(sizeof(struct roce_reth_hdr) == ROCE_RETH_LEN, "RETH");

/* ACK Extended Transport Header (9.3.5). */
struct roce_aeth_hdr {
	uint32_t syndrome_msn;		/* Syndrome:8 | MSN:24 */
} __packed;
static_assert(sizeof(struct roce_aeth_hdr) == ROCE_AETH_LEN, "AETH");

/* Atomic Extended Transport Header (9.3.4). */
struct roce_atmeth_hdr {
	uint64_t va;
	uint32_t rkey;
	uint64_t swap_add;		/* swap (CmpSwap) or add data */
	uint64_t compare;
} __packed;
static_assert(sizeof(struct roce_atmeth_hdr) == ROCE_ATMETH_LEN, "AtomicETH");

/* Atomic ACK Extended Transport Header (9.3.6). */
struct roce_atmack_hdr {
	uint64_t orig_data;
} __packed;
static_assert(sizeof(struct roce_atmack_hdr) == ROCE_ATMACK_LEN,
    "AtomicAckETH");

/* Immediate Data (9.3.7). */
struct roce_immdt_hdr {
	uint32_t imm;
} __packed;
static_assert(sizeof(struct roce_immdt_hdr) == ROCE_IMMDT_LEN, "ImmDt");

/* Datagram Extended Transport Header (9.3.2). */
struct roce_deth_hdr {
	uint32_t qkey;
	uint32_t src_qpn;		/* resv8 | SrcQP:24 */
} __packed;
static_assert(sizeof(struct roce_deth_hdr) == ROCE_DETH_LEN, "DETH");

/* Invalidate Extended Transport Header (9.3.8). */
struct roce_ieth_hdr {
	uint32_t rkey;
} __packed;
static_assert(sizeof(struct roce_ieth_hdr) == ROCE_IETH_LEN, "IETH");

/*
 * The extension headers decoded, host order, and their loads from and
 * stores to the wire (p points at the header; no alignment needed).
 */
struct roce_reth {
	uint64_t va;
	uint32_t rkey;
	uint32_t dma_len;
};

struct roce_aeth {
	uint8_t  syndrome;	/* roce_aeth_kind(), roce_aeth_value() */
	uint32_t msn;		/* 24 bits */
};

struct roce_atomiceth {
	uint64_t va;
	uint32_t rkey;
	uint64_t swap_add;
	uint64_t compare;
};

struct roce_deth {
	uint32_t qkey;
	uint32_t src_qpn;	/* 24 bits */
};

static inline void
roce_reth_load(struct roce_reth *r, const void *p)
{
	struct roce_reth_hdr h;

	memcpy(&h, p, sizeof(h));
	r->va = be64toh(h.va);
	r->rkey = be32toh(h.rkey);
	r->dma_len = be32toh(h.dma_len);
}

static inline void
roce_reth_store(void *p, const struct roce_reth *r)
{
	struct roce_reth_hdr h = {
		.va = htobe64(r->va), .rkey = htobe32(r->rkey),
		.dma_len = htobe32(r->dma_len),
	};

	memcpy(p, &h, sizeof(h));
}

static inline void
roce_aeth_load(struct roce_aeth *a, const void *p)
{
	struct roce_aeth_hdr h;
	uint32_t w;

	memcpy(&h, p, sizeof(h));
	w = be32toh(h.syndrome_msn);
	a->syndrome = (uint8_t)(w >> 24);
	a->msn = w & ROCE_PSN_MASK;
}

static inline void
roce_aeth_store(void *p, const struct roce_aeth *a)
{
	struct roce_aeth_hdr h = {
		.syndrome_msn = htobe32((uint32_t)a->syndrome << 24 |
		    (a->msn & ROCE_PSN_MASK)),
	};

	memcpy(p, &h, sizeof(h));
}

static inline void
roce_atomiceth_load(struct roce_atomiceth *a, const void *p)
{
	struct roce_atmeth_hdr h;

	memcpy(&h, p, sizeof(h));
	a->va = be64toh(h.va);
	a->rkey = be32toh(h.rkey);
	a->swap_add = be64toh(h.swap_add);
	a->compare = be64toh(h.compare);
}

static inline void
roce_atomiceth_store(void *p, const struct roce_atomiceth *a)
{
	struct roce_atmeth_hdr h = {
		.va = htobe64(a->va), .rkey = htobe32(a->rkey),
		.swap_add = htobe64(a->swap_add),
		.compare = htobe64(a->compare),
	};

	memcpy(p, &h, sizeof(h));
}

static inline void
roce_deth_load(struct roce_deth *d, const void *p)
{
	struct roce_deth_hdr h;

	memcpy(&h, p, sizeof(h));
	d->qkey = be32toh(h.qkey);
	d->src_qpn = be32toh(h.src_qpn) & ROCE_QPN_MASK;
}

static inline void
roce_deth_store(void *p, const struct roce_deth *d)
{
	struct roce_deth_hdr h = {
		.qkey = htobe32(d->qkey),
		.src_qpn = htobe32(d->src_qpn & ROCE_QPN_MASK),
	};

	memcpy(p, &h, sizeof(h));
}

/* AtomicAckETH is one 64-bit word; ImmDt and IETH one 32-bit word. */
static inline uint64_t
roce_be64_load(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

static inline void
roce_be64_store(void *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

static inline uint32_t
roce_be32_load(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline void
roce_be32_store(void *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

/* BTH accessors. */
static inline uint8_t
roce_bth_padcnt(const struct roce_bth_hdr *h)
{
	return (h->se_m_pad_tver >> ROCE_BTH_PAD_SHIFT) & ROCE_BTH_PAD_MASK;
}

static inline uint8_t
roce_bth_tver(const struct roce_bth_hdr *h)
{
	return h->se_m_pad_tver & ROCE_BTH_TVER_MASK;
}

static inline bool
roce_bth_se(const struct roce_bth_hdr *h)
{
	return h->se_m_pad_tver & ROCE_BTH_SE;
}

static inline bool
roce_bth_mig(const struct roce_bth_hdr *h)
{
	return h->se_m_pad_tver & ROCE_BTH_MIG;
}

static inline uint16_t
roce_bth_pkey(const struct roce_bth_hdr *h)
{
	return be16toh(h->pkey);
}

static inline uint32_t
roce_bth_dest_qpn(const struct roce_bth_hdr *h)
{
	return be32toh(h->fb_dqpn) & ROCE_QPN_MASK;
}

static inline bool
roce_bth_fecn(const struct roce_bth_hdr *h)
{
	return be32toh(h->fb_dqpn) & ROCE_BTH_FECN;
}

static inline bool
roce_bth_becn(const struct roce_bth_hdr *h)
{
	return be32toh(h->fb_dqpn) & ROCE_BTH_BECN;
}

static inline bool
roce_bth_ackreq(const struct roce_bth_hdr *h)
{
	return be32toh(h->a_psn) & ROCE_BTH_ACKREQ;
}

static inline uint32_t
roce_bth_psn(const struct roce_bth_hdr *h)
{
	return be32toh(h->a_psn) & ROCE_PSN_MASK;
}

/* 24-bit PSN arithmetic (9.7.1: PSNs wrap modulo 2^24). */
static inline uint32_t
roce_psn_add(uint32_t psn, uint32_t n)
{
	return (psn + n) & ROCE_PSN_MASK;
}

/*
 * Serial compare of two PSNs: <0 if a is before b, 0 if equal, >0 after,
 * over half of the 24-bit space in either direction (the other half is
 * "before"). Both are masked first.
 */
static inline int
roce_psn_cmp(uint32_t a, uint32_t b)
{
	int32_t d = (int32_t)((a - b) << 8);

	return (d > 0) - (d < 0);
}

/*
 * AETH syndrome (table 43): bits 7..5 say what it is, bits 4..0 a credit
 * count (ACK), an RNR timer code (RNR NAK) or a NAK code.
 */
enum roce_aeth_kind {
	ROCE_AETH_ACK = 0,		/* 000 */
	ROCE_AETH_RNR_NAK = 1,		/* 001 */
	ROCE_AETH_RESERVED = 2,		/* 010 */
	ROCE_AETH_NAK = 3,		/* 011 */
	ROCE_AETH_KIND_COUNT
};

#define ROCE_AETH_KIND_SHIFT	5
#define ROCE_AETH_VALUE_MASK	0x1f
#define ROCE_AETH_CREDITS_INVALID 0x1f	/* "no credit information" */

/* NAK codes (table 44). */
#define ROCE_NAK_CODES(_)						\
	_(PSN_SEQUENCE_ERROR,        0, "PSN sequence error")		\
	_(INVALID_REQUEST,           1, "invalid request")		\
	_(REMOTE_ACCESS_ERROR,       2, "remote access error")		\
	_(REMOTE_OPERATIONAL_ERROR,  3, "remote operational error")	\
	_(INVALID_RD_REQUEST,        4, "invalid RD request")

enum roce_nak_code {
#define ROCE_NAK_ENUM(name, val, desc) ROCE_NAK_##name = val,
	ROCE_NAK_CODES(ROCE_NAK_ENUM)
#undef ROCE_NAK_ENUM
	ROCE_NAK_CODE_COUNT
};

static inline enum roce_aeth_kind
roce_aeth_kind(uint8_t syndrome)
{
	return (enum roce_aeth_kind)(syndrome >> ROCE_AETH_KIND_SHIFT & 3);
}

/* Bit 7 is reserved (0) in every syndrome the spec defines. */
static inline bool
roce_aeth_syndrome_valid(uint8_t syndrome)
{
	return !(syndrome & 0x80) &&
	    roce_aeth_kind(syndrome) != ROCE_AETH_RESERVED;
}

/* The credit count, RNR timer or NAK code. */
static inline uint8_t
roce_aeth_value(uint8_t syndrome)
{
	return syndrome & ROCE_AETH_VALUE_MASK;
}

static inline uint8_t
roce_aeth_ack(uint8_t credits)
{
	return (uint8_t)(ROCE_AETH_ACK << ROCE_AETH_KIND_SHIFT |
	    (credits & ROCE_AETH_VALUE_MASK));
}

static inline uint8_t
roce_aeth_rnr_nak(uint8_t timer)
{
	return (uint8_t)(ROCE_AETH_RNR_NAK << ROCE_AETH_KIND_SHIFT |
	    (timer & ROCE_AETH_VALUE_MASK));
}

static inline uint8_t
roce_aeth_nak(enum roce_nak_code code)
{
	return (uint8_t)(ROCE_AETH_NAK << ROCE_AETH_KIND_SHIFT |
	    (code & ROCE_AETH_VALUE_MASK));
}

static inline bool
roce_aeth_is_ack(uint8_t syndrome)
{
	return roce_aeth_kind(syndrome) == ROCE_AETH_ACK;
}

/* "ACK", "RNR_NAK", "RESERVED", "NAK". */
const char *roce_aeth_kind_name(enum roce_aeth_kind k);
/* "PSN_SEQUENCE_ERROR", ...; "?" for a reserved code. */
const char *roce_nak_code_name(unsigned code);

#endif
