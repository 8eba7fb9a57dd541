/*
 * What a wire parser says about its input. NET_OK, or the reason to drop
 * the frame. The reasons come from one X-macro so that a drop counter per
 * reason can be generated from it:
 *
 *	struct rx_drops {
 *	#define RX_DROP_FIELD(name, field, desc) uint64_t field;
 *		NET_VERDICTS(RX_DROP_FIELD)
 *	#undef RX_DROP_FIELD
 *	};
 */
#ifndef LAGNIC_NET_VERDICT_H
#define LAGNIC_NET_VERDICT_H

#include "lib/compiler.h"

/* NAME (NET_E_NAME), counter field, description */
#define NET_VERDICTS(_)							\
	_(TRUNCATED,     truncated,					\
	    "frame ends inside a header or before the length it announces") \
	_(BAD_VERSION,   bad_version,					\
	    "IP version, or slow protocol version, not valid")		\
	_(BAD_HDR_LEN,   bad_hdr_len,					\
	    "header length field below the minimum (IPv4 IHL, TCP offset)") \
	_(BAD_LENGTH,    bad_length,					\
	    "length fields disagree (IP total length, UDP length, ...)") \
	_(BAD_CHECKSUM,  bad_checksum,  "checksum does not verify")	\
	_(BAD_ARP,       bad_arp,       "ARP not for Ethernet and IPv4") \
	_(BAD_SUBTYPE,   bad_subtype,					\
	    "slow protocol subtype is not the one expected")		\
	_(BAD_TLV,       bad_tlv,       "TLV type or length not valid")	\
	_(TOO_MANY_TAGS, too_many_tags, "more than two VLAN tags")	\
	_(TOO_MANY_EXT,  too_many_ext,					\
	    "IPv6 extension header chain too long")

enum net_verdict {
	NET_OK = 0,
#define NET_VERDICT_ENUM(name, field, desc) NET_E_##name,
	NET_VERDICTS(NET_VERDICT_ENUM)
#undef NET_VERDICT_ENUM
	NET_VERDICT_COUNT
};

/* "OK", "TRUNCATED", ...; "?" for a value out of range. */
static inline const char *
net_verdict_name(enum net_verdict v)
{
	static const char *const names[] = {
		[NET_OK] = "OK",
#define NET_VERDICT_NAME(name, field, desc) [NET_E_##name] = #name,
		NET_VERDICTS(NET_VERDICT_NAME)
#undef NET_VERDICT_NAME
	};
	static_assert(ARRAY_SIZE(names) == NET_VERDICT_COUNT, "verdict names");

	return (unsigned)v < NET_VERDICT_COUNT ? names[v] : "?";
}

static inline const char *
net_verdict_desc(enum net_verdict v)
{
	static const char *const descs[] = {
		[NET_OK] = "parsed",
#define NET_VERDICT_DESC(name, field, desc) [NET_E_##name] = desc,
		NET_VERDICTS(NET_VERDICT_DESC)
#undef NET_VERDICT_DESC
	};
	static_assert(ARRAY_SIZE(descs) == NET_VERDICT_COUNT, "verdict descs");

	return (unsigned)v < NET_VERDICT_COUNT ? descs[v] : "?";
}

#endif
