/* net/eth: MAC header and VLAN tags. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/eth.h"

/* Vectors from tests/fuzz/gen_corpus.py (Python, checked with tshark). */
static const uint8_t arp_request[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};
static const uint8_t qinq_tcp4[69] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0xa8, 0x20, 0xc8, 0x81, 0x00, 0x41, 0x2c, 0x08, 0x00, 0x46, 0x00,
	0x00, 0x2f, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x8f, 0xc0, 0x00,
	0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x01, 0x01, 0x01, 0x01, 0x00, 0x50,
	0x9c, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x10,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63,
};

static void
test_parse_untagged(void **state)
{
	struct net_eth eth;

	assert_int_equal(net_eth_parse(arp_request, sizeof(arp_request), &eth),
	    NET_OK);
	assert_ptr_equal(eth.dst, arp_request);
	assert_ptr_equal(eth.src, arp_request + 6);
	assert_int_equal(eth.n_tags, 0);
	assert_int_equal(eth.ethertype, ETH_P_ARP);
	assert_int_equal(eth.hdr_len, ETH_HLEN);
}

static void
test_parse_qinq(void **state)
{
	struct net_eth eth;

	assert_int_equal(net_eth_parse(qinq_tcp4, sizeof(qinq_tcp4), &eth),
	    NET_OK);
	assert_int_equal(eth.n_tags, 2);
	assert_int_equal(eth.tags[0].tpid, ETH_P_8021AD);
	assert_int_equal(eth.tags[0].pcp, 1);
	assert_int_equal(eth.tags[0].dei, 0);
	assert_int_equal(eth.tags[0].vid, 200);
	assert_int_equal(eth.tags[1].tpid, ETH_P_8021Q);
	assert_int_equal(eth.tags[1].pcp, 2);
	assert_int_equal(eth.tags[1].vid, 300);
	assert_int_equal(eth.ethertype, ETH_P_IP);
	assert_int_equal(eth.hdr_len, 22);
}

static void
test_dei_and_vid_max(void **state)
{
	uint8_t f[18];
	struct net_eth eth;

	memcpy(f, arp_request, 12);
	memcpy(f + 12, "\x81\x00\xff\xff\x08\x06", 6);
	assert_int_equal(net_eth_parse(f, sizeof(f), &eth), NET_OK);
	assert_int_equal(eth.tags[0].pcp, 7);
	assert_int_equal(eth.tags[0].dei, 1);
	assert_int_equal(eth.tags[0].vid, 4095);
	assert_int_equal(net_vlan_tci(&eth.tags[0]), 0xffff);
}

static void
test_third_tag_refused(void **state)
{
	uint8_t f[26];
	struct net_eth eth;

	memcpy(f, qinq_tcp4, 20);
	memcpy(f + 20, "\x81\x00\x00\x05\x08\x00", 6);	/* a third tag */
	assert_int_equal(net_eth_parse(f, sizeof(f), &eth),
	    NET_E_TOO_MANY_TAGS);
}

static void
test_8023_length_is_not_an_error(void **state)
{
	uint8_t f[ETH_ZLEN] = { 0 };
	struct net_eth eth;

	f[12] = 0x00;
	f[13] = 0x26;		/* an LLC frame of 38 bytes */
	assert_int_equal(net_eth_parse(f, sizeof(f), &eth), NET_OK);
	assert_true(eth.ethertype < NET_ETHERTYPE_MIN);
}

static void
test_every_truncation(void **state)
{
	struct net_eth eth;
	size_t n;

	for (n = 0; n < 22; n++)
		assert_int_equal(net_eth_parse(qinq_tcp4, n, &eth),
		    NET_E_TRUNCATED);
	assert_int_equal(net_eth_parse(qinq_tcp4, 22, &eth), NET_OK);
}

static void
test_build_round_trip(void **state)
{
	struct net_eth eth, back;
	uint8_t buf[32];

	assert_int_equal(net_eth_parse(qinq_tcp4, sizeof(qinq_tcp4), &eth),
	    NET_OK);
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), 22);
	assert_memory_equal(buf, qinq_tcp4, 22);
	assert_int_equal(net_eth_parse(buf, 22, &back), NET_OK);
	assert_int_equal(back.n_tags, 2);
	assert_int_equal(back.tags[1].vid, 300);

	eth.n_tags = 0;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), ETH_HLEN);
	assert_memory_equal(buf, qinq_tcp4, 12);
	assert_memory_equal(buf + 12, "\x08\x00", 2);
}

static void
test_build_errors(void **state)
{
	struct net_eth eth;
	uint8_t buf[32];

	assert_int_equal(net_eth_parse(qinq_tcp4, sizeof(qinq_tcp4), &eth),
	    NET_OK);
	assert_int_equal(net_eth_build(buf, 21, &eth), -ENOSPC);
	eth.tags[1].vid = 4096;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), -EINVAL);
	eth.tags[1].vid = 1;
	eth.tags[0].tpid = ETH_P_IP;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), -EINVAL);
	eth.tags[0].tpid = ETH_P_8021Q;
	eth.tags[0].pcp = 8;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), -EINVAL);
	eth.tags[0].pcp = 0;
	eth.n_tags = 3;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), -EINVAL);
	/* a TPID as ethertype would announce a tag that is not there */
	eth.n_tags = 0;
	eth.ethertype = ETH_P_8021AD;
	assert_int_equal(net_eth_build(buf, sizeof(buf), &eth), -EINVAL);
}

/* The X-macro makes one drop counter per reason. */
struct drops {
#define DROP_FIELD(name, field, desc) uint64_t field;
	NET_VERDICTS(DROP_FIELD)
#undef DROP_FIELD
};
static_assert(sizeof(struct drops) == 8 * (NET_VERDICT_COUNT - 1),
    "one counter per drop reason");

static void
test_verdict_names(void **state)
{
	struct drops d = { .bad_tlv = 1 };
	int v;

	assert_int_equal(d.bad_tlv + d.truncated, 1);

	assert_string_equal(net_verdict_name(NET_OK), "OK");
	assert_string_equal(net_verdict_name(NET_E_TRUNCATED), "TRUNCATED");
	assert_string_equal(net_verdict_name(NET_E_TOO_MANY_EXT),
	    "TOO_MANY_EXT");
	assert_string_equal(net_verdict_name(NET_VERDICT_COUNT), "?");
	for (v = 0; v < NET_VERDICT_COUNT; v++) {
		assert_non_null(net_verdict_name(v));
		assert_true(strlen(net_verdict_desc(v)) > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_untagged),
		cmocka_unit_test(test_parse_qinq),
		cmocka_unit_test(test_dei_and_vid_max),
		cmocka_unit_test(test_third_tag_refused),
		cmocka_unit_test(test_8023_length_is_not_an_error),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_build_round_trip),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
