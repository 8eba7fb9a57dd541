/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200) headers, and the Internet checksum
 * (RFC 1071). Parsed fields are in host order, IPv4 addresses included;
 * IPv6 addresses point into the parsed buffer.
 *
 * Checksum sums are kept in host order over the big-endian 16-bit words of
 * the data: add partial sums, fold at the end, store with htons().
 */
#ifndef LAGNIC_NET_IP_H
#define LAGNIC_NET_IP_H

#include <netinet/in.h>		/* IPPROTO_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/verdict.h"

#define NET_IPV4_HLEN		20
#define NET_IPV4_IHL_MIN	5
#define NET_IPV4_FLAG_DF	0x4000
#define NET_IPV4_FLAG_MF	0x2000
#define NET_IPV4_OFFSET_MASK	0x1fff
#define NET_IPV6_HLEN		40
#define NET_IPV6_ALEN		16
#define NET_IPV6_MAX_EXT	8	/* extension headers we walk through */
#define NET_IP_MAXPACKET	65535

struct net_ipv4_hdr {
	uint8_t  version_ihl;		/* version:4 IHL:4 (in words) */
	uint8_t  type_of_service;
	uint16_t total_length;
	uint16_t identification;
	uint16_t flags_fragment_offset;	/* flags:3 offset:13 (x 8) */
	uint8_t  time_to_live;
	uint8_t  protocol;
	uint16_t header_checksum;
	uint32_t source_address;
	uint32_t destination_address;
} __packed;
static_assert(sizeof(struct net_ipv4_hdr) == NET_IPV4_HLEN, "ipv4 header");

struct net_ipv6_hdr {
	uint32_t version_class_flow;	/* version:4 class:8 flow:20 */
	uint16_t payload_length;
	uint8_t  next_header;
	uint8_t  hop_limit;
	uint8_t  source_address[NET_IPV6_ALEN];
	uint8_t  destination_address[NET_IPV6_ALEN];
} __packed;
static_assert(sizeof(struct net_ipv6_hdr) == NET_IPV6_HLEN, "ipv6 header");

/* Hop-by-hop, routing and destination options share this start. */
struct net_ipv6_opt_hdr {
	uint8_t next_header;
	uint8_t hdr_ext_len;		/* 8-octet units after the first */
} __packed;
static_assert(sizeof(struct net_ipv6_opt_hdr) == 2, "ipv6 ext header");

struct net_ipv6_frag_hdr {
	uint8_t  next_header;
	uint8_t  reserved;
	uint16_t fragment_offset_m;	/* offset:13 res:2 M:1 */
	uint32_t identification;
} __packed;
static_assert(sizeof(struct net_ipv6_frag_hdr) == 8, "ipv6 fragment header");

struct net_ipv4 {
	uint8_t  type_of_service;
	uint16_t total_length;
	uint16_t identification;
	bool     dont_fragment;
	bool     more_fragments;
	uint16_t fragment_offset;	/* 8-octet units */
	uint8_t  time_to_live;
	uint8_t  protocol;
	uint32_t saddr;
	uint32_t daddr;
	uint16_t hdr_len;		/* IHL * 4 */
};

struct net_ipv6 {
	uint8_t  traffic_class;
	uint32_t flow_label;
	uint16_t payload_length;
	uint8_t  next_header;		/* of the fixed header */
	uint8_t  hop_limit;
	const uint8_t *saddr;
	const uint8_t *daddr;
	/* Set by the parser after the extension headers: */
	uint8_t  upper_protocol;	/* last next header */
	uint16_t hdr_len;		/* 40 + extension headers */
	bool     fragment;		/* a fragment header was seen */
	bool     more_fragments;
	uint16_t fragment_offset;	/* 8-octet units */
};

/* A fragment that does not start the datagram has no upper-layer header. */
static inline bool
net_ipv4_is_later_fragment(const struct net_ipv4 *ip)
{
	return ip->fragment_offset != 0;
}

static inline bool
net_ipv4_is_fragment(const struct net_ipv4 *ip)
{
	return ip->fragment_offset != 0 || ip->more_fragments;
}

static inline bool
net_ipv6_is_later_fragment(const struct net_ipv6 *ip)
{
	return ip->fragment && ip->fragment_offset != 0;
}

/* An atomic fragment (offset 0, no more) is a whole datagram (RFC 6946). */
static inline bool
net_ipv6_is_fragment(const struct net_ipv6 *ip)
{
	return ip->fragment && (ip->fragment_offset != 0 || ip->more_fragments);
}

/* Partial sum of buf into sum (both host order); returns it folded. */
uint32_t net_csum_partial(const void *buf, size_t len, uint32_t sum);
/* The checksum to store: the ones' complement of the folded sum. */
uint16_t net_csum_fold(uint32_t sum);
static inline uint16_t
net_csum(const void *buf, size_t len)
{
	return net_csum_fold(net_csum_partial(buf, len, 0));
}
/* Pseudo-header sums for upper-layer checksums (RFC 768, RFC 8200 8.1). */
uint32_t net_ipv4_pseudo_sum(uint32_t saddr, uint32_t daddr, uint8_t proto,
    uint16_t len);
uint32_t net_ipv6_pseudo_sum(const uint8_t *saddr, const uint8_t *daddr,
    uint32_t len, uint8_t next_header);

/*
 * Parse an IPv4 header at buf; len is what the frame holds from there.
 * Checks version, IHL >= 5, total length (>= IHL, <= len: bytes past the
 * total length are link padding) and the header checksum.
 */
enum net_verdict net_ipv4_parse(const uint8_t *buf, size_t len,
    struct net_ipv4 *ip);

/*
 * Parse an IPv6 header and walk hop-by-hop, routing, fragment and
 * destination options headers to the upper-layer protocol (at hdr_len).
 * The walk stops after a fragment header of a later fragment.
 */
enum net_verdict net_ipv6_parse(const uint8_t *buf, size_t len,
    struct net_ipv6 *ip);

/*
 * Write a 20-byte IPv4 header (no options) from ip's fields (hdr_len,
 * total_length ignored), with its checksum, for payload_len bytes of
 * payload. Returns NET_IPV4_HLEN, -ENOSPC or -EINVAL (too long).
 */
int net_ipv4_build(uint8_t *buf, size_t cap, const struct net_ipv4 *ip,
    size_t payload_len);

/* The fixed IPv6 header from ip's fields. NET_IPV6_HLEN, -ENOSPC, -EINVAL. */
int net_ipv6_build(uint8_t *buf, size_t cap, const struct net_ipv6 *ip,
    size_t payload_len);

#endif
