/* net/udp: UDP headers and checksums over IPv4 and IPv6. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/ip.h"
#include "net/udp.h"

#define IP_A	0xc0000201	/* 192.0.2.1 */
#define IP_B	0xc0000202
#define U4_OFF	34		/* UDP in udp4_rocev2 */
#define U4_LEN	12
#define V6_OFF	18		/* IPv6 in udp6_vlan_ext */
#define U6_OFF	(V6_OFF + 56)
#define U6_LEN	16

/*
 * Vectors from tests/fuzz/gen_corpus.py (Python, checked with tshark):
 * UDP checksums 0x451a (IPv4) and 0xd2a7 (IPv6).
 */
static const uint8_t udp4_rocev2[60] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
	0xa4, 0x95, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x00,
	0x12, 0xb7, 0x00, 0x0c, 0x45, 0x1a, 0x64, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
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

static const uint8_t *const v6_src = udp6_vlan_ext + V6_OFF + 8;
static const uint8_t *const v6_dst = udp6_vlan_ext + V6_OFF + 24;

static void
test_parse(void **state)
{
	struct net_udp udp;

	assert_int_equal(net_udp_parse(udp4_rocev2 + U4_OFF, U4_LEN, &udp),
	    NET_OK);
	assert_int_equal(udp.sport, 49152);
	assert_int_equal(udp.dport, NET_UDP_PORT_ROCEV2);
	assert_int_equal(udp.length, U4_LEN);
	assert_int_equal(udp.checksum, 0x451a);
	assert_int_equal(udp.payload_len, 4);
}

static void
test_every_truncation(void **state)
{
	struct net_udp udp;
	size_t n;

	for (n = 0; n < NET_UDP_HLEN; n++)
		assert_int_equal(net_udp_parse(udp4_rocev2 + U4_OFF, n, &udp),
		    NET_E_TRUNCATED);
}

static void
test_bad_length(void **state)
{
	uint8_t d[U4_LEN];
	struct net_udp udp;

	memcpy(d, udp4_rocev2 + U4_OFF, sizeof(d));
	d[5] = 7;		/* below the header */
	assert_int_equal(net_udp_parse(d, sizeof(d), &udp), NET_E_BAD_LENGTH);
	d[5] = 0;
	assert_int_equal(net_udp_parse(d, sizeof(d), &udp), NET_E_BAD_LENGTH);
	d[5] = 13;		/* beyond what IP carries */
	assert_int_equal(net_udp_parse(d, sizeof(d), &udp), NET_E_BAD_LENGTH);
	d[5] = 8;		/* shorter than IP's: allowed */
	assert_int_equal(net_udp_parse(d, sizeof(d), &udp), NET_OK);
	assert_int_equal(udp.payload_len, 0);
}

static void
test_csum_ipv4(void **state)
{
	uint8_t d[U4_LEN];

	assert_int_equal(net_udp_csum_check4(udp4_rocev2 + U4_OFF, U4_LEN,
	    IP_A, IP_B), NET_OK);
	memcpy(d, udp4_rocev2 + U4_OFF, sizeof(d));
	net_udp_csum_set4(d, sizeof(d), IP_A, IP_B);
	assert_memory_equal(d, udp4_rocev2 + U4_OFF, sizeof(d));
	d[9] ^= 1;
	assert_int_equal(net_udp_csum_check4(d, sizeof(d), IP_A, IP_B),
	    NET_E_BAD_CHECKSUM);
	assert_int_equal(net_udp_csum_check4(udp4_rocev2 + U4_OFF, U4_LEN,
	    IP_A, IP_A), NET_E_BAD_CHECKSUM);
	d[6] = d[7] = 0;	/* none */
	assert_int_equal(net_udp_csum_check4(d, sizeof(d), IP_A, IP_B),
	    NET_OK);
}

static void
test_csum_ipv6(void **state)
{
	uint8_t d[U6_LEN];

	assert_int_equal(net_udp_csum_check6(udp6_vlan_ext + U6_OFF, U6_LEN,
	    v6_src, v6_dst), NET_OK);
	memcpy(d, udp6_vlan_ext + U6_OFF, sizeof(d));
	net_udp_csum_set6(d, sizeof(d), v6_src, v6_dst);
	assert_memory_equal(d, udp6_vlan_ext + U6_OFF, sizeof(d));
	assert_int_equal(d[6] << 8 | d[7], 0xd2a7);
	d[15] ^= 0x80;
	assert_int_equal(net_udp_csum_check6(d, sizeof(d), v6_src, v6_dst),
	    NET_E_BAD_CHECKSUM);
	assert_int_equal(net_udp_csum_check6(udp6_vlan_ext + U6_OFF, U6_LEN,
	    v6_dst, v6_src), NET_OK);	/* the sum ignores the order */
	d[6] = d[7] = 0;	/* no "none" over IPv6 */
	assert_int_equal(net_udp_csum_check6(d, sizeof(d), v6_src, v6_dst),
	    NET_E_BAD_CHECKSUM);
}

/* Payload 0x7bd3 makes the sum come out 0 (found with gen_corpus.csum). */
static void
test_computed_zero_is_sent_as_ffff(void **state)
{
	uint8_t d[10] = { 0, 1, 0, 2, 0, 10, 0, 0, 0x7b, 0xd3 };

	net_udp_csum_set4(d, sizeof(d), IP_A, IP_B);
	assert_int_equal(d[6], 0xff);
	assert_int_equal(d[7], 0xff);
	assert_int_equal(net_udp_csum_check4(d, sizeof(d), IP_A, IP_B),
	    NET_OK);
}

static void
test_build(void **state)
{
	uint8_t buf[U4_LEN];

	memcpy(buf + NET_UDP_HLEN, udp4_rocev2 + U4_OFF + NET_UDP_HLEN, 4);
	assert_int_equal(net_udp_build(buf, sizeof(buf), 49152,
	    NET_UDP_PORT_ROCEV2, 4), NET_UDP_HLEN);
	assert_int_equal(buf[6] | buf[7], 0);
	net_udp_csum_set4(buf, sizeof(buf), IP_A, IP_B);
	assert_memory_equal(buf, udp4_rocev2 + U4_OFF, sizeof(buf));
	assert_int_equal(net_udp_build(buf, NET_UDP_HLEN - 1, 1, 2, 0),
	    -ENOSPC);
	assert_int_equal(net_udp_build(buf, sizeof(buf), 1, 2, 65528),
	    -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_csum_ipv4),
		cmocka_unit_test(test_csum_ipv6),
		cmocka_unit_test(test_computed_zero_is_sent_as_ffff),
		cmocka_unit_test(test_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
