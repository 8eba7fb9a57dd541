/* ICMPv6 checksums and Neighbor Discovery frames. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/icmp6.h"

#define ICMP6_CSUM_OFF	offsetof(struct net_icmp6_hdr, checksum)
#define ND_NA_LEN	(sizeof(struct net_nd_msg) + \
			 sizeof(struct net_nd_opt_ll_addr))
#define ND_NS_LEN	ND_NA_LEN	/* with a source link-layer option */

static const uint8_t nd_all_nodes[NET_IPV6_ALEN] = {
	0xff, 0x02, [15] = 0x01
};
static const uint8_t nd_all_nodes_mac[ETH_ALEN] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01
};

void
net_icmp6_csum_set(uint8_t *icmp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr)
{
	uint32_t s = net_ipv6_pseudo_sum(saddr, daddr, (uint32_t)len,
	    IPPROTO_ICMPV6);
	uint16_t c;

	memset(icmp + ICMP6_CSUM_OFF, 0, sizeof(c));
	c = htons(net_csum_fold(net_csum_partial(icmp, len, s)));
	memcpy(icmp + ICMP6_CSUM_OFF, &c, sizeof(c));
}

enum net_verdict
net_icmp6_csum_check(const uint8_t *icmp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr)
{
	uint32_t s = net_ipv6_pseudo_sum(saddr, daddr, (uint32_t)len,
	    IPPROTO_ICMPV6);

	if (net_csum_fold(net_csum_partial(icmp, len, s)) != 0)
		return NET_E_BAD_CHECKSUM;
	return NET_OK;
}

/* The NA message with its target link-layer address option. */
static void
nd_na_write(uint8_t *buf, const uint8_t mac[ETH_ALEN],
    const uint8_t addr[NET_IPV6_ALEN], uint32_t flags)
{
	struct net_nd_msg na = {
		.hdr = { .type = NET_ICMP6_NA },
		.flags_reserved = htonl(flags),
	};
	struct net_nd_opt_ll_addr opt = {
		.type = NET_ND_OPT_TARGET_LL_ADDR,
		.length = sizeof(opt) / 8,
	};

	memcpy(na.target_address, addr, NET_IPV6_ALEN);
	memcpy(opt.ll_addr, mac, ETH_ALEN);
	memcpy(buf, &na, sizeof(na));
	memcpy(buf + sizeof(na), &opt, sizeof(opt));
}

int
net_icmp6_build_unsol_na(uint8_t *buf, size_t cap,
    const uint8_t mac[ETH_ALEN], const uint8_t addr[NET_IPV6_ALEN],
    const struct net_vlan *tags, unsigned n_tags)
{
	struct net_eth eth = {
		.dst = nd_all_nodes_mac, .src = mac,
		.n_tags = n_tags, .ethertype = ETH_P_IPV6,
	};
	struct net_ipv6 ip = {
		.next_header = IPPROTO_ICMPV6, .hop_limit = NET_ND_HOP_LIMIT,
		.saddr = addr, .daddr = nd_all_nodes,
	};
	uint8_t *icmp;
	int l2;

	if (n_tags > NET_VLAN_MAX_TAGS)
		return -EINVAL;
	if (n_tags)
		memcpy(eth.tags, tags, n_tags * sizeof(*tags));
	l2 = net_eth_build(buf, cap, &eth);
	if (l2 < 0)
		return l2;
	if (cap - l2 < NET_IPV6_HLEN + ND_NA_LEN)
		return -ENOSPC;
	net_ipv6_build(buf + l2, cap - l2, &ip, ND_NA_LEN);
	icmp = buf + l2 + NET_IPV6_HLEN;
	nd_na_write(icmp, mac, addr, NET_ND_NA_FLAG_OVERRIDE);
	net_icmp6_csum_set(icmp, ND_NA_LEN, addr, nd_all_nodes);
	return l2 + NET_IPV6_HLEN + (int)ND_NA_LEN;
}

/* ff02::1:ffXX:XXXX for target, and its MAC 33:33:ff:XX:XX:XX. */
static void
nd_solicited_node(const uint8_t target[NET_IPV6_ALEN],
    uint8_t addr[NET_IPV6_ALEN], uint8_t mac[ETH_ALEN])
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, [11] = 0x01, [12] = 0xff
	};

	memcpy(addr, prefix, sizeof(prefix));
	memcpy(addr + 13, target + 13, 3);
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, addr + 12, 4);
}

static size_t
nd_ns_write(uint8_t *buf, const uint8_t mac[ETH_ALEN],
    const uint8_t target[NET_IPV6_ALEN], bool with_sll)
{
	struct net_nd_msg ns = { .hdr = { .type = NET_ICMP6_NS } };
	struct net_nd_opt_ll_addr opt = {
		.type = NET_ND_OPT_SOURCE_LL_ADDR,
		.length = sizeof(opt) / 8,
	};

	memcpy(ns.target_address, target, NET_IPV6_ALEN);
	memcpy(buf, &ns, sizeof(ns));
	if (!with_sll)
		return sizeof(ns);
	memcpy(opt.ll_addr, mac, ETH_ALEN);
	memcpy(buf + sizeof(ns), &opt, sizeof(opt));
	return ND_NS_LEN;
}

static bool
ipv6_is_unspecified(const uint8_t a[NET_IPV6_ALEN])
{
	for (unsigned i = 0; i < NET_IPV6_ALEN; i++)
		if (a[i])
			return false;
	return true;
}

int
net_icmp6_build_ns(uint8_t *buf, size_t cap, const uint8_t mac[ETH_ALEN],
    const uint8_t saddr[NET_IPV6_ALEN], const uint8_t target[NET_IPV6_ALEN],
    const struct net_vlan *tags, unsigned n_tags)
{
	uint8_t daddr[NET_IPV6_ALEN], dmac[ETH_ALEN];
	struct net_eth eth = {
		.dst = dmac, .src = mac, .n_tags = n_tags,
		.ethertype = ETH_P_IPV6,
	};
	struct net_ipv6 ip = {
		.next_header = IPPROTO_ICMPV6, .hop_limit = NET_ND_HOP_LIMIT,
		.saddr = saddr, .daddr = daddr,
	};
	/* RFC 4861 4.3: no source link-layer option from :: */
	bool with_sll = !ipv6_is_unspecified(saddr);
	size_t len = with_sll ? ND_NS_LEN : sizeof(struct net_nd_msg);
	uint8_t *icmp;
	int l2;

	if (n_tags > NET_VLAN_MAX_TAGS)
		return -EINVAL;
	if (n_tags)
		memcpy(eth.tags, tags, n_tags * sizeof(*tags));
	nd_solicited_node(target, daddr, dmac);
	l2 = net_eth_build(buf, cap, &eth);
	if (l2 < 0)
		return l2;
	if (cap - l2 < NET_IPV6_HLEN + len)
		return -ENOSPC;
	net_ipv6_build(buf + l2, cap - l2, &ip, (uint16_t)len);
	icmp = buf + l2 + NET_IPV6_HLEN;
	nd_ns_write(icmp, mac, target, with_sll);
	net_icmp6_csum_set(icmp, len, saddr, daddr);
	return l2 + NET_IPV6_HLEN + (int)len;
}

enum net_verdict
net_icmp6_nd_parse(const uint8_t *icmp, size_t len, uint8_t *type,
    const uint8_t **target)
{
	const struct net_nd_msg *nd = (const struct net_nd_msg *)icmp;

	if (len < sizeof(*nd))
		return NET_E_TRUNCATED;
	if ((nd->hdr.type != NET_ICMP6_NS && nd->hdr.type != NET_ICMP6_NA) ||
	    nd->hdr.code != 0)
		return NET_E_BAD_SUBTYPE;
	*type = nd->hdr.type;
	*target = nd->target_address;
	return NET_OK;
}
