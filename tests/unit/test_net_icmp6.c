/* net/icmp6: ICMPv6 checksums and the unsolicited Neighbor Advertisement. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/icmp6.h"
#include "net/parse.h"

#define ICMP_OFF	(ETH_HLEN + NET_IPV6_HLEN)
#define NA_LEN		32

static const uint8_t mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t v6_a[NET_IPV6_ALEN] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* Vector from tests/fuzz/gen_corpus.py (Python, checked with tshark). */
static const uint8_t unsol_na[86] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0xf9, 0x2a, 0x20, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01,
};

static void
test_unsol_na_bytes(void **state)
{
	uint8_t buf[128];

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(net_icmp6_build_unsol_na(buf, sizeof(buf), mac_a,
	    v6_a, NULL, 0), sizeof(unsol_na));
	assert_memory_equal(buf, unsol_na, sizeof(unsol_na));
}

static void
test_csum_check(void **state)
{
	const uint8_t *src = unsol_na + ETH_HLEN + 8;
	const uint8_t *dst = unsol_na + ETH_HLEN + 24;
	uint8_t m[NA_LEN];

	assert_int_equal(net_icmp6_csum_check(unsol_na + ICMP_OFF, NA_LEN,
	    src, dst), NET_OK);
	memcpy(m, unsol_na + ICMP_OFF, sizeof(m));
	m[31] ^= 1;
	assert_int_equal(net_icmp6_csum_check(m, sizeof(m), src, dst),
	    NET_E_BAD_CHECKSUM);
	net_icmp6_csum_set(m, sizeof(m), src, dst);
	assert_int_equal(net_icmp6_csum_check(m, sizeof(m), src, dst),
	    NET_OK);
}

static void
test_unsol_na_tagged_parses(void **state)
{
	struct net_vlan tags[2] = {
		{ .tpid = ETH_P_8021AD, .vid = 7 },
		{ .tpid = ETH_P_8021Q, .pcp = 6, .vid = 42 },
	};
	struct net_frame f;
	uint8_t buf[128];
	int len;

	len = net_icmp6_build_unsol_na(buf, sizeof(buf), mac_a, v6_a, tags, 2);
	assert_int_equal(len, sizeof(unsol_na) + 8);
	assert_int_equal(net_parse_frame(buf, len, &f), NET_OK);
	assert_int_equal(f.eth.n_tags, 2);
	assert_int_equal(f.eth.tags[1].vid, 42);
	assert_int_equal(f.ip_proto, IPPROTO_ICMPV6);
	assert_int_equal(f.ip6.hop_limit, NET_ND_HOP_LIMIT);
	assert_true(f.flags & NET_F_L4);
	assert_false(f.flags & NET_F_PORTS);
	assert_memory_equal(buf + f.l4_off, unsol_na + ICMP_OFF, NA_LEN);
}

static void
test_unsol_na_errors(void **state)
{
	struct net_vlan tags[3] = { { .tpid = ETH_P_8021Q } };
	uint8_t buf[128];

	assert_int_equal(net_icmp6_build_unsol_na(buf, sizeof(unsol_na) - 1,
	    mac_a, v6_a, NULL, 0), -ENOSPC);
	assert_int_equal(net_icmp6_build_unsol_na(buf, 4, mac_a, v6_a,
	    NULL, 0), -ENOSPC);
	assert_int_equal(net_icmp6_build_unsol_na(buf, sizeof(buf), mac_a,
	    v6_a, tags, 3), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsol_na_bytes),
		cmocka_unit_test(test_csum_check),
		cmocka_unit_test(test_unsol_na_tagged_parses),
		cmocka_unit_test(test_unsol_na_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
