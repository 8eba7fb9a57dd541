/* net/arp: ARP packets and gratuitous ARP frames. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/arp.h"

#define IP_A	0xc0000201	/* 192.0.2.1 */
#define IP_B	0xc0000202

static const uint8_t mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t zero_mac[ETH_ALEN];

/* Vectors from tests/fuzz/gen_corpus.py (Python, checked with tshark). */
static const uint8_t arp_request[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};
static const uint8_t garp[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t garp_vlan[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0x60, 0x64, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
	0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_parse_request(void **state)
{
	struct net_arp arp;

	assert_int_equal(net_arp_parse(arp_request + ETH_HLEN,
	    sizeof(arp_request) - ETH_HLEN, &arp), NET_OK);
	assert_int_equal(arp.op, NET_ARP_OP_REQUEST);
	assert_memory_equal(arp.sha, mac_a, ETH_ALEN);
	assert_memory_equal(arp.tha, zero_mac, ETH_ALEN);
	assert_int_equal(arp.spa, IP_A);
	assert_int_equal(arp.tpa, IP_B);
}

static void
test_build_request(void **state)
{
	struct net_arp arp = {
		.op = NET_ARP_OP_REQUEST, .sha = mac_a, .spa = IP_A,
		.tha = zero_mac, .tpa = IP_B,
	};
	uint8_t buf[NET_ARP_LEN];

	assert_int_equal(net_arp_build(buf, sizeof(buf), &arp), NET_ARP_LEN);
	assert_memory_equal(buf, arp_request + ETH_HLEN, NET_ARP_LEN);
	assert_int_equal(net_arp_build(buf, NET_ARP_LEN - 1, &arp), -ENOSPC);
}

static void
test_every_truncation(void **state)
{
	struct net_arp arp;
	size_t n;

	for (n = 0; n < NET_ARP_LEN; n++)
		assert_int_equal(net_arp_parse(arp_request + ETH_HLEN, n,
		    &arp), NET_E_TRUNCATED);
}

/* Byte offset in the ARP packet, a value that makes it not Ethernet/IPv4. */
static void
test_not_ethernet_ipv4(void **state)
{
	static const struct { size_t off; uint8_t val; } bad[] = {
		{ 1, 6 },	/* ar_hrd: IEEE 802 */
		{ 2, 0x86 },	/* ar_pro: 0x8600 */
		{ 4, 8 },	/* ar_hln */
		{ 5, 16 },	/* ar_pln */
	};
	uint8_t p[NET_ARP_LEN];
	struct net_arp arp;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(p, arp_request + ETH_HLEN, sizeof(p));
		p[bad[i].off] = bad[i].val;
		assert_int_equal(net_arp_parse(p, sizeof(p), &arp),
		    NET_E_BAD_ARP);
	}
}

static void
test_garp(void **state)
{
	struct net_vlan tag = { .tpid = ETH_P_8021Q, .pcp = 3, .vid = 100 };
	uint8_t buf[128];

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(net_arp_build_garp(buf, sizeof(buf), mac_a, IP_A,
	    NULL, 0), ETH_ZLEN);
	assert_memory_equal(buf, garp, sizeof(garp));
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(net_arp_build_garp(buf, sizeof(buf), mac_a, IP_A,
	    &tag, 1), ETH_ZLEN);
	assert_memory_equal(buf, garp_vlan, sizeof(garp_vlan));
}

static void
test_garp_errors(void **state)
{
	struct net_vlan tags[3] = { { .tpid = ETH_P_8021Q } };
	uint8_t buf[128];

	assert_int_equal(net_arp_build_garp(buf, ETH_ZLEN - 1, mac_a, IP_A,
	    NULL, 0), -ENOSPC);
	assert_int_equal(net_arp_build_garp(buf, 10, mac_a, IP_A, NULL, 0),
	    -ENOSPC);
	assert_int_equal(net_arp_build_garp(buf, sizeof(buf), mac_a, IP_A,
	    tags, 3), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_not_ethernet_ipv4),
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_garp_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
