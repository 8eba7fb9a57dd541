/*
 * RoCEv2 packets on Ethernet: parse a received frame into struct
 * roce_pkt (every header decoded, the ICRC checked) and build a frame
 * from one (IPv4 header checksum, PadCnt, pad and ICRC filled in).
 *
 *	Ethernet [802.1Q] | IPv4 or IPv6 | UDP -> 4791 | BTH [ext headers]
 *	| payload | pad (0-3) | ICRC
 *
 * The end of the packet is found from the IP length, never the frame's:
 * a short frame is padded to 60 bytes on the wire. Parsing never reads
 * outside the buffer it is given.
 */
#ifndef LAGNIC_ROCE_PKT_H
#define LAGNIC_ROCE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/pkt.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/parse.h"
#include "roce/roce_hdr.h"
#include "roce/roce_opcode.h"

/* NAME (ROCE_E_NAME), counter field, description */
#define ROCE_DROPS(_)							\
	_(BAD_FRAME,          bad_frame,				\
	    "Ethernet, IP or UDP header refused by the net parser")	\
	_(SHORT,              too_short,				\
	    "packet ends inside its headers, or frame before the IP length") \
	_(NOT_ROCEV2,         not_rocev2,				\
	    "not a whole UDP datagram to port 4791 over IPv4 or IPv6")	\
	_(IP_OPTIONS,         ip_options,				\
	    "IPv4 options or IPv6 extension headers before UDP")	\
	_(BAD_LENGTH,         bad_length,				\
	    "UDP length is not the IP payload's, or not whole 4-byte words") \
	_(BAD_VERSION,        bad_version,      "BTH TVer is not 0")	\
	_(UNKNOWN_OPCODE,     unknown_opcode,				\
	    "opcode not RC, UC or UD, or reserved")			\
	_(BAD_PAD,            bad_pad,					\
	    "PadCnt larger than the bytes after the headers")		\
	_(UNEXPECTED_PAYLOAD, unexpected_payload,			\
	    "data after the headers of an opcode that carries none")	\
	_(BAD_ICRC,           bad_icrc,         "ICRC does not verify")

enum roce_drop {
	ROCE_OK = 0,
#define ROCE_DROP_ENUM(name, field, desc) ROCE_E_##name,
	ROCE_DROPS(ROCE_DROP_ENUM)
#undef ROCE_DROP_ENUM
	ROCE_DROP_COUNT
};

/* One counter per reason. */
struct roce_drops {
#define ROCE_DROP_FIELD(name, field, desc) uint64_t field;
	ROCE_DROPS(ROCE_DROP_FIELD)
#undef ROCE_DROP_FIELD
};

/* "OK", "SHORT", ...; "?" out of range. */
const char *roce_drop_name(enum roce_drop d);
const char *roce_drop_desc(enum roce_drop d);
/* Bump d's counter (nothing for ROCE_OK). */
void roce_drops_inc(struct roce_drops *drops, enum roce_drop d);
/* The counter of reason d (ROCE_E_*). */
uint64_t roce_drops_get(const struct roce_drops *drops, enum roce_drop d);

/* Ethernet and IP fields of a packet: parsed from it, or to build it. */
struct roce_l2l3 {
	uint8_t  dst_mac[ETH_ALEN];
	uint8_t  src_mac[ETH_ALEN];
	unsigned n_tags;			/* 0..2, outermost first */
	struct net_vlan tags[NET_VLAN_MAX_TAGS];
	bool     ipv6;
	uint32_t saddr4, daddr4;		/* host order */
	uint8_t  saddr6[NET_IPV6_ALEN];
	uint8_t  daddr6[NET_IPV6_ALEN];
	uint8_t  tclass;		/* IPv4 TOS or IPv6 traffic class */
	uint8_t  ttl;			/* or hop limit */
	uint32_t flow_label;		/* IPv6 */
	uint16_t ip_id;			/* IPv4 identification */
	bool     dont_fragment;		/* IPv4 DF */
	uint16_t udp_sport;
	/*
	 * Parsed: the checksum field was not 0. Build: fill it in (else
	 * send 0, as Soft-RoCE does over IPv4 and IPv6).
	 */
	bool     udp_csum;
};

struct roce_pkt {
	/* BTH */
	uint8_t  opcode;
	bool     se;
	bool     mig;
	uint8_t  padcnt;	/* parsed; the builder computes its own */
	uint8_t  tver;
	uint16_t pkey;
	bool     fecn;
	bool     becn;
	uint32_t dest_qpn;
	bool     ackreq;
	uint32_t psn;
	/* Extension headers: valid where op->flags has their ROCE_F_x. */
	const struct roce_opinfo *op;	/* parsed; NULL before the BTH */
	struct roce_reth reth;
	struct roce_aeth aeth;
	struct roce_atomiceth atomiceth;
	uint64_t atomicack_orig;	/* AtomicAckETH */
	uint32_t immdt;			/* ImmDt, host order */
	uint32_t ieth_rkey;		/* IETH */
	struct roce_deth deth;
	/* Parsed: where the data is in the frame, without pad and ICRC. */
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t icrc;			/* as on the wire (roce_icrc_get) */
	uint32_t bth_off;		/* from the start of the frame */
	struct roce_l2l3 l2l3;
};

/*
 * Parse the frame buf[0..len) (net_parse_frame, then the RoCEv2 layers).
 * Returns ROCE_OK or the reason to drop it, bumped in drops if not NULL.
 * On a drop p holds what was decoded before the fault.
 */
enum roce_drop roce_pkt_parse(const uint8_t *buf, size_t len,
    struct roce_pkt *p, struct roce_drops *drops);

/* The same on a frame net_parse_frame() already accepted as f. */
enum roce_drop roce_pkt_parse_frame(const uint8_t *buf, size_t len,
    const struct net_frame *f, struct roce_pkt *p, struct roce_drops *drops);

/*
 * Write the frame of packet p (opcode, BTH fields, the extension headers
 * its opcode carries) with l's Ethernet/IP/UDP fields and payload_len
 * bytes of payload into buf. Pad and PadCnt come from payload_len; the
 * ICRC is computed. Returns the frame length, -ENOSPC if cap is too
 * small, -EINVAL for an unknown opcode, a field out of range (QPN, PSN,
 * TVer not 0) or a payload on an opcode without one.
 */
int roce_pkt_build(uint8_t *buf, size_t cap, const struct roce_l2l3 *l,
    const struct roce_pkt *p, const void *payload, size_t payload_len);

/* The same into the empty buffer pkt (its len is set). 0 or -errno. */
int roce_pkt_build_pkt(struct pkt *pkt, const struct roce_l2l3 *l,
    const struct roce_pkt *p, const void *payload, size_t payload_len);

/* Bytes the frame of p will take (no 60-byte minimum), or 0 if unknown. */
size_t roce_pkt_frame_len(const struct roce_l2l3 *l, uint8_t opcode,
    size_t payload_len);

#endif
