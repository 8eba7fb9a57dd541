/*
 * ICMPv6 (RFC 4443) checksums and the unsolicited Neighbor Advertisement
 * (RFC 4861 7.2.6) a failover sends for an IPv6 address.
 */
#ifndef LAGNIC_NET_ICMP6_H
#define LAGNIC_NET_ICMP6_H

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/verdict.h"

#define NET_ICMP6_NS			135
#define NET_ICMP6_NA			136
#define NET_ND_NA_FLAG_ROUTER		0x80000000u
#define NET_ND_NA_FLAG_SOLICITED	0x40000000u
#define NET_ND_NA_FLAG_OVERRIDE		0x20000000u
#define NET_ND_OPT_SOURCE_LL_ADDR	1
#define NET_ND_OPT_TARGET_LL_ADDR	2
#define NET_ND_HOP_LIMIT		255

struct net_icmp6_hdr {
	uint8_t  type;
	uint8_t  code;
	uint16_t checksum;
} __packed;
static_assert(sizeof(struct net_icmp6_hdr) == 4, "icmp6 header");

/* Neighbor Solicitation and Advertisement share this layout. */
struct net_nd_msg {
	struct net_icmp6_hdr hdr;
	uint32_t flags_reserved;	/* NA: R S O flags; NS: reserved */
	uint8_t  target_address[NET_IPV6_ALEN];
} __packed;
static_assert(sizeof(struct net_nd_msg) == 24, "nd message");

struct net_nd_opt_ll_addr {
	uint8_t type;
	uint8_t length;			/* 8-octet units */
	uint8_t ll_addr[ETH_ALEN];
} __packed;
static_assert(sizeof(struct net_nd_opt_ll_addr) == 8, "nd ll address option");

/*
 * The ICMPv6 checksum of the message at icmp, len bytes, over the IPv6
 * pseudo-header: _set fills it, _check gives NET_OK or NET_E_BAD_CHECKSUM.
 */
void net_icmp6_csum_set(uint8_t *icmp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr);
enum net_verdict net_icmp6_csum_check(const uint8_t *icmp, size_t len,
    const uint8_t *saddr, const uint8_t *daddr);

/*
 * A whole unsolicited Neighbor Advertisement frame for (mac, addr): from
 * addr to all-nodes (ff02::1, 33:33:00:00:00:01), hop limit 255, Override
 * set, a target link-layer address option with mac, behind n_tags VLAN
 * tags. Returns the frame length, -ENOSPC or -EINVAL (bad tags).
 */
int net_icmp6_build_unsol_na(uint8_t *buf, size_t cap,
    const uint8_t mac[ETH_ALEN], const uint8_t addr[NET_IPV6_ALEN],
    const struct net_vlan *tags, unsigned n_tags);

/*
 * A whole Neighbor Solicitation frame for target: from saddr (:: for a
 * probe without an address: then no source link-layer option, RFC 4861
 * 4.3) to target's solicited-node multicast group, hop limit 255, behind
 * n_tags VLAN tags. Returns the frame length, -ENOSPC or -EINVAL.
 */
int net_icmp6_build_ns(uint8_t *buf, size_t cap, const uint8_t mac[ETH_ALEN],
    const uint8_t saddr[NET_IPV6_ALEN], const uint8_t target[NET_IPV6_ALEN],
    const struct net_vlan *tags, unsigned n_tags);

/*
 * An NS or NA message at icmp (len bytes to the end of the IPv6 payload):
 * its type and target address (pointing into icmp). NET_E_TRUNCATED, or
 * NET_E_BAD_SUBTYPE for another ICMPv6 message. The checksum is the
 * caller's (net_icmp6_csum_check).
 */
enum net_verdict net_icmp6_nd_parse(const uint8_t *icmp, size_t len,
    uint8_t *type, const uint8_t **target);

#endif
