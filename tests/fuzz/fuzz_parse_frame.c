/*
 * libFuzzer target: net_parse_frame() and the layer parsers on any bytes.
 * Besides the sanitizers it checks that an accepted frame's offsets stay
 * inside the input (every byte they cover is read) and that the builders
 * give back the headers the parsers read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/arp.h"
#include "net/icmp6.h"
#include "net/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static void
check_offsets(const uint8_t *data, size_t size, const struct net_frame *f)
{
	size_t end = (size_t)f->l3_off + f->l3_len;

	CHECK(f->l2_off == 0 && f->l3_off >= ETH_HLEN && end <= size);
	CHECK(f->payload_off >= f->l3_off);
	CHECK((size_t)f->payload_off + f->payload_len <= end);
	if (f->flags & NET_F_L4)
		CHECK(f->l4_off > f->l3_off && f->l4_off <= f->payload_off);
	else
		CHECK(f->l4_off == 0 && !(f->flags & NET_F_PORTS));
	/* touch every byte: ASan sees an offset that escaped */
	(void)net_csum(data, end);
	(void)net_csum(data + f->payload_off, f->payload_len);
}

static void
check_udp_csum(const uint8_t *data, const struct net_frame *f)
{
	const uint8_t *udp = data + f->l4_off;

	if (f->ip_proto != IPPROTO_UDP || !(f->flags & NET_F_PORTS) ||
	    (f->flags & NET_F_FRAG))
		return;
	CHECK((size_t)f->l4_off + f->udp.length <= (size_t)f->l3_off +
	    f->l3_len);
	if (f->flags & NET_F_IPV4)
		(void)net_udp_csum_check4(udp, f->udp.length, f->ip4.saddr,
		    f->ip4.daddr);
	else
		(void)net_udp_csum_check6(udp, f->udp.length, f->ip6.saddr,
		    f->ip6.daddr);
}

/* Rebuilding what was parsed gives the same bytes back. */
static void
check_rebuild(const uint8_t *data, const struct net_frame *f)
{
	uint8_t buf[64];

	CHECK(net_eth_build(buf, sizeof(buf), &f->eth) == f->eth.hdr_len);
	CHECK(memcmp(buf, data, f->eth.hdr_len) == 0);
	if (f->flags & NET_F_ARP) {
		CHECK(net_arp_build(buf, sizeof(buf), &f->arp) == NET_ARP_LEN);
		CHECK(memcmp(buf, data + f->l3_off, NET_ARP_LEN) == 0);
	}
	if (f->flags & NET_F_IPV6) {
		CHECK(net_ipv6_build(buf, sizeof(buf), &f->ip6,
		    f->ip6.payload_length) == NET_IPV6_HLEN);
		CHECK(memcmp(buf, data + f->l3_off, NET_IPV6_HLEN) == 0);
	}
}

/* The NS/NA parser the link probes use: a target inside the input. */
static void
check_nd(const uint8_t *data, size_t size)
{
	const uint8_t *target;
	uint8_t type;

	if (net_icmp6_nd_parse(data, size, &type, &target) != NET_OK)
		return;
	CHECK(type == NET_ICMP6_NS || type == NET_ICMP6_NA);
	CHECK(target >= data && target + NET_IPV6_ALEN <= data + size);
	(void)net_csum(target, NET_IPV6_ALEN);
}

/* Each layer parser on its own, at the start of the input. */
static void
parse_layers(const uint8_t *data, size_t size)
{
	struct net_eth eth;
	struct net_arp arp;
	struct net_ipv4 ip4;
	struct net_ipv6 ip6;
	struct net_udp udp;

	(void)net_eth_parse(data, size, &eth);
	(void)net_arp_parse(data, size, &arp);
	if (net_ipv4_parse(data, size, &ip4) == NET_OK)
		CHECK(ip4.hdr_len <= ip4.total_length &&
		    ip4.total_length <= size);
	if (net_ipv6_parse(data, size, &ip6) == NET_OK)
		CHECK(ip6.hdr_len <= NET_IPV6_HLEN + (size_t)ip6.payload_length
		    && NET_IPV6_HLEN + (size_t)ip6.payload_length <= size);
	if (net_udp_parse(data, size, &udp) == NET_OK)
		CHECK(udp.length <= size);
	check_nd(data, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_frame f;
	enum net_verdict v;

	parse_layers(data, size);
	v = net_parse_frame(data, size, &f);
	CHECK((unsigned)v < NET_VERDICT_COUNT);
	if (v != NET_OK)
		return 0;
	check_offsets(data, size, &f);
	check_udp_csum(data, &f);
	check_rebuild(data, &f);
	return 0;
}
