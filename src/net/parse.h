/*
 * One pass over a received frame: MAC header, up to two VLAN tags, then
 * ARP, IPv4 or IPv6 (through its extension headers), then the ports of
 * UDP, TCP or SCTP. It records where each layer starts and the fields the
 * LAG hash policies, the eSwitch and the RoCEv2 classifier look at.
 *
 * Offsets count from the first byte of the frame. Bytes after the IP
 * packet (l3_off + l3_len) are link padding and belong to no layer.
 * Header checksums are checked (IPv4); upper-layer checksums are not: a
 * frame looped from a local stack may carry a partial one, and RoCEv2
 * relies on its ICRC. Use net_udp_csum_check4/6 where a checksum matters.
 */
#ifndef LAGNIC_NET_PARSE_H
#define LAGNIC_NET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/udp.h"
#include "net/verdict.h"

#define NET_F_VLAN	(1u << 0)	/* at least one tag: vlan_id/pcp */
#define NET_F_ARP	(1u << 1)	/* arp */
#define NET_F_IPV4	(1u << 2)	/* ip4 */
#define NET_F_IPV6	(1u << 3)	/* ip6 */
#define NET_F_FRAG	(1u << 4)	/* an IP fragment, first or not */
#define NET_F_L4	(1u << 5)	/* l4_off: an upper-layer header */
#define NET_F_PORTS	(1u << 6)	/* sport, dport (UDP, TCP, SCTP) */

struct net_frame {
	uint32_t flags;		/* NET_F_* */
	uint16_t ethertype;	/* after the tags */
	uint16_t vlan_id;	/* of the outermost tag */
	uint8_t  vlan_pcp;
	uint8_t  ip_proto;	/* IPv4 protocol, IPv6 upper-layer protocol */
	uint16_t sport;
	uint16_t dport;
	uint32_t l2_off;	/* 0 */
	uint32_t l3_off;	/* after the MAC header and tags */
	uint32_t l3_len;	/* IP total length, ARP 28, else to the end */
	uint32_t l4_off;	/* with NET_F_L4 */
	/* What follows the last header understood (UDP: the datagram's). */
	uint32_t payload_off;
	uint32_t payload_len;
	struct net_eth eth;
	struct net_arp arp;	/* with NET_F_ARP */
	struct net_ipv4 ip4;	/* with NET_F_IPV4 */
	struct net_ipv6 ip6;	/* with NET_F_IPV6 */
	struct net_udp udp;	/* with NET_F_PORTS and ip_proto UDP */
};

/*
 * Parse the frame buf[0..len). On NET_OK every offset and length in f
 * lies within len. On an error f holds the layers parsed before it. An
 * unknown ethertype or IP protocol is not an error: parsing stops there.
 */
enum net_verdict net_parse_frame(const uint8_t *buf, size_t len,
    struct net_frame *f);

/* RoCEv2: a whole UDP datagram to port 4791 (the caller checks the IP). */
static inline bool
net_frame_is_rocev2(const struct net_frame *f)
{
	return (f->flags & (NET_F_PORTS | NET_F_FRAG)) == NET_F_PORTS &&
	    f->ip_proto == IPPROTO_UDP && f->dport == NET_UDP_PORT_ROCEV2;
}

#endif
