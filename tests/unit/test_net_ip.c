/* net/ip: IPv4, IPv6 and the Internet checksum. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/ip.h"

#define IP_A	0xc0000201	/* 192.0.2.1 */
#define IP_B	0xc0000202
#define V4_OFF	14		/* IPv4 in udp4_rocev2: after the MAC */

/* Vectors from tests/fuzz/gen_corpus.py (Python, checked with tshark). */
static const uint8_t udp4_rocev2[60] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
	0xa4, 0x95, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x00,
	0x12, 0xb7, 0x00, 0x0c, 0x45, 0x1a, 0x64, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t qinq_tcp4[69] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0xa8, 0x20, 0xc8, 0x81, 0x00, 0x41, 0x2c, 0x08, 0x00, 0x46, 0x00,
	0x00, 0x2f, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x8f, 0xc0, 0x00,
	0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x01, 0x01, 0x01, 0x01, 0x00, 0x50,
	0x9c, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x10,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63,
};
static const uint8_t udp6_vlan_ext[90] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0xa0, 0x0a, 0x86, 0xdd, 0x60, 0x01, 0x23, 0x45, 0x00, 0x20,
	0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x3c, 0x00,
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x01, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x04, 0xd2, 0x12, 0xb7, 0x00, 0x10, 0xd2, 0xa7, 0x68, 0x65,
	0x6c, 0x6c, 0x6f, 0x20, 0x76, 0x36,
};
static const uint8_t frag6_later[78] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x00, 0x11, 0x00, 0x00,
	0xab, 0xcd, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static const uint8_t *const ip4 = udp4_rocev2 + V4_OFF;
static const size_t ip4_len = sizeof(udp4_rocev2) - V4_OFF;	/* padded */
static const uint8_t *const ip6 = udp6_vlan_ext + 18;
static const size_t ip6_len = sizeof(udp6_vlan_ext) - 18;

static void
test_csum_rfc1071_example(void **state)
{
	static const uint8_t d[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};

	assert_int_equal(net_csum_partial(d, sizeof(d), 0), 0xddf2);
	assert_int_equal(net_csum(d, sizeof(d)), 0x220d);
	/* split at even offsets, any order of chunks */
	assert_int_equal(net_csum_partial(d + 2, 6,
	    net_csum_partial(d, 2, 0)), 0xddf2);
	assert_int_equal(net_csum_partial(d, 6,
	    net_csum_partial(d + 6, 2, 0)), 0xddf2);
}

static void
test_csum_odd_and_empty(void **state)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x56 };

	assert_int_equal(net_csum_partial(d, 3, 0), 0x1234 + 0x5600);
	assert_int_equal(net_csum(d, 0), 0xffff);
	assert_int_equal(net_csum_fold(0x1ffff), 0xfffe);	/* carry */
	assert_int_equal(net_csum(ip4, NET_IPV4_HLEN), 0); /* valid hdr */
}

static void
test_ipv4_parse(void **state)
{
	struct net_ipv4 ip;

	assert_int_equal(net_ipv4_parse(ip4, ip4_len, &ip), NET_OK);
	assert_int_equal(ip.hdr_len, NET_IPV4_HLEN);
	assert_int_equal(ip.total_length, 32);	/* frame has padding */
	assert_int_equal(ip.identification, 0x1234);
	assert_true(ip.dont_fragment);
	assert_false(ip.more_fragments);
	assert_int_equal(ip.fragment_offset, 0);
	assert_int_equal(ip.time_to_live, 64);
	assert_int_equal(ip.protocol, IPPROTO_UDP);
	assert_int_equal(ip.saddr, IP_A);
	assert_int_equal(ip.daddr, IP_B);
	assert_false(net_ipv4_is_fragment(&ip));
}

static void
test_ipv4_options(void **state)
{
	struct net_ipv4 ip;

	assert_int_equal(net_ipv4_parse(qinq_tcp4 + 22,
	    sizeof(qinq_tcp4) - 22, &ip), NET_OK);
	assert_int_equal(ip.hdr_len, 24);
	assert_int_equal(ip.protocol, IPPROTO_TCP);
}

static void
test_ipv4_every_truncation(void **state)
{
	struct net_ipv4 ip;
	size_t n;

	for (n = 0; n < 32; n++)
		assert_int_equal(net_ipv4_parse(ip4, n, &ip),
		    NET_E_TRUNCATED);
	assert_int_equal(net_ipv4_parse(ip4, 32, &ip), NET_OK);
	for (n = 0; n < sizeof(qinq_tcp4) - 22; n++)
		assert_int_equal(net_ipv4_parse(qinq_tcp4 + 22, n, &ip),
		    NET_E_TRUNCATED);
}

/* A copy of the IPv4 header of udp4_rocev2 with one byte changed. */
static enum net_verdict
ipv4_parse_with(size_t off, uint8_t val)
{
	uint8_t p[32];
	struct net_ipv4 ip;

	memcpy(p, ip4, sizeof(p));
	p[off] = val;
	return net_ipv4_parse(p, sizeof(p), &ip);
}

static void
test_ipv4_malformed(void **state)
{
	assert_int_equal(ipv4_parse_with(0, 0x65), NET_E_BAD_VERSION);
	assert_int_equal(ipv4_parse_with(0, 0x45 ^ 0x60), NET_E_BAD_VERSION);
	assert_int_equal(ipv4_parse_with(0, 0x44), NET_E_BAD_HDR_LEN);
	assert_int_equal(ipv4_parse_with(0, 0x40), NET_E_BAD_HDR_LEN);
	assert_int_equal(ipv4_parse_with(3, 19), NET_E_BAD_LENGTH);
	assert_int_equal(ipv4_parse_with(3, 0), NET_E_BAD_LENGTH);
	assert_int_equal(ipv4_parse_with(3, 33), NET_E_TRUNCATED);
	assert_int_equal(ipv4_parse_with(0, 0x46), NET_E_BAD_CHECKSUM);
	assert_int_equal(ipv4_parse_with(15, 0x99), NET_E_BAD_CHECKSUM);
	assert_int_equal(ipv4_parse_with(10, 0), NET_E_BAD_CHECKSUM);
}

static void
test_ipv4_total_length_below_ihl_with_options(void **state)
{
	uint8_t p[sizeof(qinq_tcp4) - 22];
	struct net_ipv4 ip;

	memcpy(p, qinq_tcp4 + 22, sizeof(p));
	p[3] = 20;	/* IHL is 6: 24 bytes */
	assert_int_equal(net_ipv4_parse(p, sizeof(p), &ip),
	    NET_E_BAD_LENGTH);
}

static void
test_ipv4_build(void **state)
{
	struct net_ipv4 ip;
	uint8_t buf[NET_IPV4_HLEN];

	assert_int_equal(net_ipv4_parse(ip4, ip4_len, &ip), NET_OK);
	assert_int_equal(net_ipv4_build(buf, sizeof(buf), &ip, 12),
	    NET_IPV4_HLEN);
	assert_memory_equal(buf, ip4, NET_IPV4_HLEN);
	assert_int_equal(net_ipv4_build(buf, sizeof(buf) - 1, &ip, 12),
	    -ENOSPC);
	assert_int_equal(net_ipv4_build(buf, sizeof(buf), &ip, 65516),
	    -EINVAL);
	ip.fragment_offset = 0x2000;
	assert_int_equal(net_ipv4_build(buf, sizeof(buf), &ip, 12), -EINVAL);
}

static void
test_ipv4_build_fragment_round_trip(void **state)
{
	struct net_ipv4 ip = {
		.identification = 7, .more_fragments = true,
		.fragment_offset = 185, .time_to_live = 1,
		.protocol = IPPROTO_UDP, .saddr = IP_B, .daddr = IP_A,
	}, back;
	uint8_t buf[NET_IPV4_HLEN + 8] = { 0 };

	assert_int_equal(net_ipv4_build(buf, sizeof(buf), &ip, 8),
	    NET_IPV4_HLEN);
	assert_int_equal(net_ipv4_parse(buf, sizeof(buf), &back), NET_OK);
	assert_true(back.more_fragments);
	assert_false(back.dont_fragment);
	assert_int_equal(back.fragment_offset, 185);
	assert_int_equal(back.saddr, IP_B);
	assert_true(net_ipv4_is_later_fragment(&back));
}

static void
test_ipv6_parse_ext_headers(void **state)
{
	static const uint8_t a[NET_IPV6_ALEN] = {
		0x20, 0x01, 0x0d, 0xb8, [15] = 1
	};
	struct net_ipv6 ip;

	assert_int_equal(net_ipv6_parse(ip6, ip6_len, &ip), NET_OK);
	assert_int_equal(ip.traffic_class, 0);
	assert_int_equal(ip.flow_label, 0x12345);
	assert_int_equal(ip.payload_length, 32);
	assert_int_equal(ip.next_header, IPPROTO_HOPOPTS);
	assert_int_equal(ip.hop_limit, 64);
	assert_memory_equal(ip.saddr, a, sizeof(a));
	assert_ptr_equal(ip.daddr, ip6 + 24);
	assert_int_equal(ip.upper_protocol, IPPROTO_UDP);
	assert_int_equal(ip.hdr_len, NET_IPV6_HLEN + 16);
	assert_false(ip.fragment);
}

static void
test_ipv6_every_truncation(void **state)
{
	struct net_ipv6 ip;
	size_t n;

	for (n = 0; n < ip6_len; n++)
		assert_int_equal(net_ipv6_parse(ip6, n, &ip),
		    NET_E_TRUNCATED);
}

static void
test_ipv6_bad_version(void **state)
{
	uint8_t p[128];
	struct net_ipv6 ip;

	memcpy(p, ip6, ip6_len);
	p[0] = 0x45;
	assert_int_equal(net_ipv6_parse(p, ip6_len, &ip), NET_E_BAD_VERSION);
}

static void
test_ipv6_later_fragment(void **state)
{
	struct net_ipv6 ip;

	assert_int_equal(net_ipv6_parse(frag6_later + 14,
	    sizeof(frag6_later) - 14, &ip), NET_OK);
	assert_true(ip.fragment);
	assert_true(ip.more_fragments);
	assert_int_equal(ip.fragment_offset, 2);
	assert_int_equal(ip.upper_protocol, IPPROTO_UDP);
	assert_int_equal(ip.hdr_len, NET_IPV6_HLEN + 8);
	assert_true(net_ipv6_is_later_fragment(&ip));
	assert_true(net_ipv6_is_fragment(&ip));
}

/* An IPv6 packet with n destination options headers, then no next header. */
static size_t
ipv6_with_dstopts(uint8_t *buf, size_t cap, unsigned n)
{
	static const uint8_t zero[NET_IPV6_ALEN];
	struct net_ipv6 ip = {
		.next_header = n ? IPPROTO_DSTOPTS : IPPROTO_NONE,
		.hop_limit = 1, .saddr = zero, .daddr = zero,
	};
	unsigned i;
	uint8_t *h;

	assert_true(NET_IPV6_HLEN + 8 * n <= cap);
	assert_int_equal(net_ipv6_build(buf, cap, &ip, 8 * n), NET_IPV6_HLEN);
	for (i = 0; i < n; i++) {
		h = buf + NET_IPV6_HLEN + 8 * i;
		memcpy(h, "\x3c\x00\x01\x04\x00\x00\x00\x00", 8);
		if (i + 1 == n)
			h[0] = IPPROTO_NONE;
	}
	return NET_IPV6_HLEN + 8 * n;
}

static void
test_ipv6_ext_chain_limit(void **state)
{
	uint8_t buf[NET_IPV6_HLEN + 8 * 16];
	struct net_ipv6 ip;
	size_t len;

	len = ipv6_with_dstopts(buf, sizeof(buf), NET_IPV6_MAX_EXT);
	assert_int_equal(net_ipv6_parse(buf, len, &ip), NET_OK);
	assert_int_equal(ip.upper_protocol, IPPROTO_NONE);
	assert_int_equal(ip.hdr_len, len);
	len = ipv6_with_dstopts(buf, sizeof(buf), NET_IPV6_MAX_EXT + 1);
	assert_int_equal(net_ipv6_parse(buf, len, &ip), NET_E_TOO_MANY_EXT);
}

static void
test_ipv6_ext_beyond_payload(void **state)
{
	uint8_t buf[NET_IPV6_HLEN + 8 * 4];
	struct net_ipv6 ip;
	size_t len;

	len = ipv6_with_dstopts(buf, sizeof(buf), 2);
	buf[NET_IPV6_HLEN + 1] = 2;	/* 24 bytes, in 16 of payload */
	assert_int_equal(net_ipv6_parse(buf, len, &ip), NET_E_BAD_LENGTH);
	/* a payload too short for the 2 bytes every ext header starts with */
	buf[4] = 0;
	buf[5] = 1;		/* payload_length */
	assert_int_equal(net_ipv6_parse(buf, len, &ip), NET_E_BAD_LENGTH);
	/* and a fragment header needs all 8 */
	buf[6] = IPPROTO_FRAGMENT;	/* next_header */
	buf[5] = 7;
	assert_int_equal(net_ipv6_parse(buf, len, &ip), NET_E_BAD_LENGTH);
}

static void
test_ipv6_build(void **state)
{
	struct net_ipv6 ip;
	uint8_t buf[NET_IPV6_HLEN];

	assert_int_equal(net_ipv6_parse(ip6, ip6_len, &ip), NET_OK);
	assert_int_equal(net_ipv6_build(buf, sizeof(buf), &ip,
	    ip.payload_length), NET_IPV6_HLEN);
	assert_memory_equal(buf, ip6, NET_IPV6_HLEN);
	assert_int_equal(net_ipv6_build(buf, sizeof(buf) - 1, &ip, 0),
	    -ENOSPC);
	assert_int_equal(net_ipv6_build(buf, sizeof(buf), &ip, 65536),
	    -EINVAL);
	ip.flow_label = 0x100000;
	assert_int_equal(net_ipv6_build(buf, sizeof(buf), &ip, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_rfc1071_example),
		cmocka_unit_test(test_csum_odd_and_empty),
		cmocka_unit_test(test_ipv4_parse),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_every_truncation),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_ipv4_total_length_below_ihl_with_options),
		cmocka_unit_test(test_ipv4_build),
		cmocka_unit_test(test_ipv4_build_fragment_round_trip),
		cmocka_unit_test(test_ipv6_parse_ext_headers),
		cmocka_unit_test(test_ipv6_every_truncation),
		cmocka_unit_test(test_ipv6_bad_version),
		cmocka_unit_test(test_ipv6_later_fragment),
		cmocka_unit_test(test_ipv6_ext_chain_limit),
		cmocka_unit_test(test_ipv6_ext_beyond_payload),
		cmocka_unit_test(test_ipv6_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
