/*
 * UDP (RFC 768) headers and checksums over the IPv4 and IPv6
 * pseudo-headers. Over IPv4 a checksum of 0 means "none"; over IPv6 it is
 * not allowed (RFC 8200 8.1). A computed 0 is sent as 0xffff.
 */
#ifndef LAGNIC_NET_UDP_H
#define LAGNIC_NET_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/verdict.h"

#define NET_UDP_HLEN		8
#define NET_UDP_PORT_ROCEV2	4791	/* IANA, RoCEv2 (IBTA A17) */

struct net_udp_hdr {
	uint16_t source_port;
	uint16_t destination_port;
	uint16_t length;		/* header and data */
	uint16_t checksum;
} __packed;
static_assert(sizeof(struct net_udp_hdr) == NET_UDP_HLEN, "udp header");

struct net_udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t length;
	uint16_t checksum;		/* as received */
	uint16_t payload_len;		/* length - 8, at NET_UDP_HLEN */
};

/*
 * Parse the UDP header at buf; len is the IP payload length (not the
 * frame's). length < 8 or > len is NET_E_BAD_LENGTH: the IP header already
 * vouched for len bytes. Checksums are checked apart, by the
 * net_udp_csum_check*() below, since they need the IP addresses.
 */
enum net_verdict net_udp_parse(const uint8_t *buf, size_t len,
    struct net_udp *udp);

/* An 8-byte header with a zero checksum. NET_UDP_HLEN, -ENOSPC, -EINVAL. */
int net_udp_build(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
    size_t payload_len);

/*
 * Checksums of the datagram at udp, len bytes long (header included,
 * len >= 8). _set fills the checksum field; _check returns NET_OK or
 * NET_E_BAD_CHECKSUM. IPv4 addresses in host order.
 */
void net_udp_csum_set4(uint8_t *udp, size_t len, uint32_t saddr,
    uint32_t daddr);
void net_udp_csum_set6(uint8_t *udp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr);
enum net_verdict net_udp_csum_check4(const uint8_t *udp, size_t len,
    uint32_t saddr, uint32_t daddr);
enum net_verdict net_udp_csum_check6(const uint8_t *udp, size_t len,
    const uint8_t *saddr, const uint8_t *daddr);

#endif
