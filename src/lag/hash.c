#include "lag/hash.h"

#include <string.h>

#include "net/parse.h"

#define VXLAN_PORT	4789
#define VXLAN_HLEN	8

static uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint32_t
fold_mac(const uint8_t *mac)
{
	return load32(mac) ^ ((uint32_t)mac[4] << 8 | mac[5]);
}

static uint32_t
fold_ipv6(const uint8_t *a)
{
	return load32(a) ^ load32(a + 4) ^ load32(a + 8) ^ load32(a + 12);
}

/* Spread the bits: nearby inputs must land on different lanes. */
static uint32_t
mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Every term is a XOR of source and destination: both directions of a
 * flow hash alike. */
static uint32_t
hash_l2(const struct net_frame *f)
{
	return fold_mac(f->eth.dst) ^ fold_mac(f->eth.src) ^ f->ethertype;
}

static bool
hash_l3(const struct net_frame *f, uint32_t *out)
{
	if (f->flags & NET_F_IPV4)
		*out = f->ip4.saddr ^ f->ip4.daddr;
	else if (f->flags & NET_F_IPV6)
		*out = fold_ipv6(f->ip6.saddr) ^ fold_ipv6(f->ip6.daddr);
	else
		return false;
	return true;
}

static uint32_t
hash_frame(enum lag_hash_policy policy, const struct net_frame *f)
{
	uint32_t l3;

	switch (policy) {
	case LAG_HASH_LAYER23:
	case LAG_HASH_ENCAP23:
		return hash_l2(f) ^ (hash_l3(f, &l3) ? l3 : 0);
	case LAG_HASH_LAYER34:
	case LAG_HASH_ENCAP34:
		if (!hash_l3(f, &l3))
			return hash_l2(f);
		if (f->flags & NET_F_PORTS)	/* not on later fragments */
			l3 ^= (uint32_t)f->sport << 16 ^ f->dport ^
			    (uint32_t)f->dport << 16 ^ f->sport;
		return l3;
	case LAG_HASH_VLAN_SRCMAC:	/* bonding's: one lane per sender */
		return fold_mac(f->eth.src) ^ (f->flags & NET_F_VLAN ?
		    f->vlan_id : 0);
	case LAG_HASH_LAYER2:
	case LAG_HASH_COUNT:
		break;
	}
	return hash_l2(f);
}

/* The frame inside a VXLAN datagram, if this is one. */
static bool
vxlan_inner(const uint8_t *frame, const struct net_frame *f,
    const uint8_t **inner, size_t *inner_len)
{
	if (!(f->flags & NET_F_PORTS) || f->ip_proto != 17 ||
	    f->dport != VXLAN_PORT || f->payload_len <= VXLAN_HLEN)
		return false;
	*inner = frame + f->payload_off + VXLAN_HLEN;
	*inner_len = f->payload_len - VXLAN_HLEN;
	return true;
}

uint32_t
lag_hash(enum lag_hash_policy policy, const uint8_t *frame, size_t len)
{
	struct net_frame outer, inner;
	const struct net_frame *f = &outer;
	const uint8_t *in;
	size_t in_len;
	uint32_t h;

	/* a frame cut short still hashes on what was parsed (eth at least) */
	if (net_parse_frame(frame, len, &outer) != NET_OK && !outer.eth.dst)
		return 1;		/* not even a MAC header: one fixed lane */
	if ((policy == LAG_HASH_ENCAP23 || policy == LAG_HASH_ENCAP34) &&
	    vxlan_inner(frame, &outer, &in, &in_len) &&
	    net_parse_frame(in, in_len, &inner) == NET_OK)
		f = &inner;
	h = mix32(hash_frame(policy, f));
	return h ? h : 1;	/* 0 means "not computed" in pkt->hash */
}
