/*
 * Ethernet II headers and IEEE 802.1Q tags: a C-tag (TPID 0x8100) or an
 * S-tag (802.1ad, TPID 0x88a8) followed by a C-tag (QinQ). Parsed fields
 * are in host order; MAC addresses point into the parsed buffer.
 */
#ifndef LAGNIC_NET_ETH_H
#define LAGNIC_NET_ETH_H

#include <linux/if_ether.h>	/* ETH_ALEN, ETH_HLEN, ETH_ZLEN, ETH_P_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/verdict.h"

#define NET_VLAN_HLEN		4
#define NET_VLAN_MAX_TAGS	2
#define NET_VLAN_VID_MAX	4095
#define NET_VLAN_PCP_MAX	7
#define NET_ETHERTYPE_MIN	0x0600	/* below: an 802.3 length */

struct net_eth_hdr {
	uint8_t  destination_address[ETH_ALEN];
	uint8_t  source_address[ETH_ALEN];
	uint16_t ethertype;		/* or the TPID of the first tag */
} __packed;
static_assert(sizeof(struct net_eth_hdr) == ETH_HLEN, "eth header");

/* What follows a TPID. */
struct net_vlan_hdr {
	uint16_t tci;			/* PCP:3 DEI:1 VID:12 */
	uint16_t ethertype;		/* or the TPID of the next tag */
} __packed;
static_assert(sizeof(struct net_vlan_hdr) == NET_VLAN_HLEN, "vlan tag");

struct net_vlan {
	uint16_t tpid;			/* ETH_P_8021Q or ETH_P_8021AD */
	uint8_t  pcp;
	uint8_t  dei;
	uint16_t vid;
};

struct net_eth {
	const uint8_t *dst;
	const uint8_t *src;
	unsigned n_tags;
	struct net_vlan tags[NET_VLAN_MAX_TAGS];	/* outermost first */
	uint16_t ethertype;	/* after the tags; < 0x600: 802.3 length */
	uint16_t hdr_len;	/* ETH_HLEN + NET_VLAN_HLEN * n_tags */
};

extern const uint8_t net_eth_broadcast[ETH_ALEN];

/*
 * Parse the MAC header and up to two VLAN tags. A third tag is
 * NET_E_TOO_MANY_TAGS. Never reads past len.
 */
enum net_verdict net_eth_parse(const uint8_t *buf, size_t len,
    struct net_eth *eth);

/*
 * Write eth's MAC header (dst, src, tags, ethertype; hdr_len is ignored).
 * Returns the length written, -ENOSPC if cap is too small, -EINVAL for
 * more than two tags, a tag field out of range or a TPID as ethertype.
 */
int net_eth_build(uint8_t *buf, size_t cap, const struct net_eth *eth);

static inline uint16_t
net_vlan_tci(const struct net_vlan *v)
{
	return (uint16_t)(v->pcp << 13 | (v->dei & 1) << 12 | v->vid);
}

static inline bool
net_eth_is_tpid(uint16_t ethertype)
{
	return ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD;
}

static inline bool
net_eth_is_multicast(const uint8_t addr[ETH_ALEN])
{
	return addr[0] & 1;
}

#endif
