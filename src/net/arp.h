/*
 * ARP (RFC 826) for Ethernet and IPv4, and the gratuitous ARP a failover
 * sends for an address (an ARP announcement, RFC 5227 2.3).
 */
#ifndef LAGNIC_NET_ARP_H
#define LAGNIC_NET_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/eth.h"
#include "net/verdict.h"

#define NET_ARP_LEN		28
#define NET_ARP_HRD_ETHER	1
#define NET_ARP_OP_REQUEST	1
#define NET_ARP_OP_REPLY	2

struct net_arp_hdr {
	uint16_t ar_hrd;		/* hardware address space */
	uint16_t ar_pro;		/* protocol address space */
	uint8_t  ar_hln;
	uint8_t  ar_pln;
	uint16_t ar_op;
	uint8_t  ar_sha[ETH_ALEN];
	uint8_t  ar_spa[4];
	uint8_t  ar_tha[ETH_ALEN];
	uint8_t  ar_tpa[4];
} __packed;
static_assert(sizeof(struct net_arp_hdr) == NET_ARP_LEN, "arp packet");

struct net_arp {
	uint16_t op;
	const uint8_t *sha;		/* into the parsed buffer */
	const uint8_t *tha;
	uint32_t spa;			/* host order */
	uint32_t tpa;
};

/* ar_hrd/ar_pro/ar_hln/ar_pln other than Ethernet/IPv4: NET_E_BAD_ARP. */
enum net_verdict net_arp_parse(const uint8_t *buf, size_t len,
    struct net_arp *arp);

/* The 28-byte ARP packet. NET_ARP_LEN or -ENOSPC. */
int net_arp_build(uint8_t *buf, size_t cap, const struct net_arp *arp);

/*
 * A whole broadcast ARP request frame: who has tpa, tell spa (0: an ARP
 * probe, RFC 5227) at mac; behind n_tags VLAN tags, padded to ETH_ZLEN.
 * Returns the frame length, -ENOSPC or -EINVAL (bad tags).
 */
int net_arp_build_request(uint8_t *buf, size_t cap,
    const uint8_t mac[ETH_ALEN], uint32_t spa, uint32_t tpa,
    const struct net_vlan *tags, unsigned n_tags);

/*
 * A whole gratuitous ARP frame for (mac, ip): broadcast, a request with
 * sender and target protocol address ip and a zero target hardware
 * address, behind n_tags VLAN tags, padded to ETH_ZLEN. Returns the frame
 * length, -ENOSPC or -EINVAL (bad tags).
 */
int net_arp_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[ETH_ALEN],
    uint32_t ip, const struct net_vlan *tags, unsigned n_tags);

#endif
