/* net/slow: LACPDU and Marker PDU (IEEE 802.1AX-2008 5.4.2, 5.5.3). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/rng.h"
#include "net/slow.h"

static const uint8_t mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

/* Vectors from tests/fuzz/gen_corpus.py (Python, checked with tshark). */
static const uint8_t lacpdu[124] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0x09, 0x01, 0x01, 0x01, 0x14, 0x80, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x0d, 0x00, 0xff, 0x00, 0x02, 0x3d, 0x00, 0x00, 0x00,
	0x02, 0x14, 0x00, 0x7f, 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x00, 0x21,
	0x00, 0x80, 0x01, 0x05, 0x0f, 0x00, 0x00, 0x00, 0x03, 0x10, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t marker_info[124] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0x09, 0x02, 0x01, 0x01, 0x10, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t *const lacp_pdu = lacpdu + ETH_HLEN;
static const uint8_t *const marker_pdu = marker_info + ETH_HLEN;

static const struct net_lacpdu_info lacp_expected = {
	.version_number = 1,
	.actor = {
		.system_priority = 0x8000,
		.system = { 0x02, 0, 0, 0, 0, 0x01 },
		.key = 13, .port_priority = 255, .port = 2,
		.state = NET_LACP_STATE_ACTIVITY | NET_LACP_STATE_AGGREGATION |
		    NET_LACP_STATE_SYNCHRONIZATION |
		    NET_LACP_STATE_COLLECTING | NET_LACP_STATE_DISTRIBUTING,
	},
	.partner = {
		.system_priority = 127,
		.system = { 0x02, 0, 0, 0, 0, 0xaa },
		.key = 33, .port_priority = 128, .port = 261,
		.state = NET_LACP_STATE_ACTIVITY | NET_LACP_STATE_TIMEOUT |
		    NET_LACP_STATE_AGGREGATION |
		    NET_LACP_STATE_SYNCHRONIZATION,
	},
	.collector_max_delay = 5,
};

static void
assert_lacp_info_equal(const struct net_lacp_info *a,
    const struct net_lacp_info *b)
{
	assert_int_equal(a->system_priority, b->system_priority);
	assert_memory_equal(a->system, b->system, ETH_ALEN);
	assert_int_equal(a->key, b->key);
	assert_int_equal(a->port_priority, b->port_priority);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->state, b->state);
}

static void
assert_lacpdu_info_equal(const struct net_lacpdu_info *a,
    const struct net_lacpdu_info *b)
{
	assert_int_equal(a->version_number, b->version_number);
	assert_lacp_info_equal(&a->actor, &b->actor);
	assert_lacp_info_equal(&a->partner, &b->partner);
	assert_int_equal(a->collector_max_delay, b->collector_max_delay);
}

static void
test_lacpdu_parse(void **state)
{
	struct net_lacpdu_info info;

	assert_int_equal(net_lacpdu_parse(lacp_pdu, NET_LACPDU_LEN, &info),
	    NET_OK);
	assert_lacpdu_info_equal(&info, &lacp_expected);
}

static void
test_lacpdu_build_bytes(void **state)
{
	uint8_t buf[256];

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(net_lacpdu_build(buf, sizeof(buf), mac_a,
	    &lacp_expected), NET_SLOW_FRAME_LEN);
	assert_int_equal(sizeof(lacpdu), NET_SLOW_FRAME_LEN);
	assert_memory_equal(buf, lacpdu, sizeof(lacpdu));
	assert_int_equal(buf[NET_SLOW_FRAME_LEN], 0xee);
	assert_int_equal(net_lacpdu_build(buf, NET_SLOW_FRAME_LEN - 1, mac_a,
	    &lacp_expected), -ENOSPC);
}

static void
lacp_info_random(struct net_lacp_info *i, struct rng *r)
{
	uint64_t v = rng_next(r);

	i->system_priority = (uint16_t)v;
	memcpy(i->system, &v, ETH_ALEN);
	v = rng_next(r);
	i->key = (uint16_t)v;
	i->port_priority = (uint16_t)(v >> 16);
	i->port = (uint16_t)(v >> 32);
	i->state = (uint8_t)(v >> 48);
}

static void
test_lacpdu_round_trip(void **state)
{
	struct net_lacpdu_info in = { .version_number = 1 }, out;
	uint8_t buf[NET_SLOW_FRAME_LEN];
	struct rng r;
	int i;

	rng_seed(&r, 0x1ac9);	/* fixed: a failure reproduces as is */
	for (i = 0; i < 1000; i++) {
		lacp_info_random(&in.actor, &r);
		lacp_info_random(&in.partner, &r);
		in.collector_max_delay = (uint16_t)rng_next(&r);
		assert_int_equal(net_lacpdu_build(buf, sizeof(buf), mac_a,
		    &in), sizeof(buf));
		assert_int_equal(net_lacpdu_parse(buf + ETH_HLEN,
		    sizeof(buf) - ETH_HLEN, &out), NET_OK);
		assert_lacpdu_info_equal(&out, &in);
	}
}

static void
test_lacpdu_every_truncation(void **state)
{
	struct net_lacpdu_info info;
	size_t n;

	for (n = 0; n < NET_LACPDU_LEN; n++)
		assert_int_equal(net_lacpdu_parse(lacp_pdu, n, &info),
		    NET_E_TRUNCATED);
}

/* The LACPDU vector with one octet changed, and 4 octets of padding. */
static enum net_verdict
lacpdu_parse_with(size_t off, uint8_t val)
{
	uint8_t p[NET_LACPDU_LEN + 4] = { 0 };
	struct net_lacpdu_info info;

	memcpy(p, lacp_pdu, NET_LACPDU_LEN);
	p[off] = val;
	return net_lacpdu_parse(p, sizeof(p), &info);
}

#define LACP_OFF(f)	offsetof(struct net_lacpdu, f)

static void
test_lacpdu_malformed(void **state)
{
	assert_int_equal(lacpdu_parse_with(0, NET_SLOW_SUBTYPE_MARKER),
	    NET_E_BAD_SUBTYPE);
	assert_int_equal(lacpdu_parse_with(0, 0), NET_E_BAD_SUBTYPE);
	assert_int_equal(lacpdu_parse_with(1, 0), NET_E_BAD_VERSION);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(actor.tlv_type),
	    NET_LACP_TLV_PARTNER), NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(actor.information_length),
	    19), NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(partner.tlv_type),
	    NET_LACP_TLV_ACTOR), NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(
	    LACP_OFF(partner.information_length), 21), NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(collector.tlv_type), 4),
	    NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(
	    LACP_OFF(collector.collector_information_length), 15),
	    NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(tlv_type_terminator), 5),
	    NET_E_BAD_TLV);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(terminator_length), 2),
	    NET_E_BAD_TLV);
	/* reserved octets are not checked */
	assert_int_equal(lacpdu_parse_with(LACP_OFF(actor.reserved), 0xff),
	    NET_OK);
	assert_int_equal(lacpdu_parse_with(LACP_OFF(reserved) + 49, 0xff),
	    NET_OK);
}

/* Version 2 may put other TLVs where version 1 has its terminator. */
static void
test_lacpdu_later_version(void **state)
{
	uint8_t p[NET_LACPDU_LEN];
	struct net_lacpdu_info info;

	memcpy(p, lacp_pdu, sizeof(p));
	p[1] = 2;
	p[LACP_OFF(tlv_type_terminator)] = 4;	/* Port Algorithm TLV */
	p[LACP_OFF(terminator_length)] = 6;
	assert_int_equal(net_lacpdu_parse(p, sizeof(p), &info), NET_OK);
	assert_int_equal(info.version_number, 2);
	assert_int_equal(info.actor.key, 13);
	p[LACP_OFF(actor.tlv_type)] = 9;
	assert_int_equal(net_lacpdu_parse(p, sizeof(p), &info), NET_E_BAD_TLV);
}

static void
test_marker_parse_and_build(void **state)
{
	struct net_marker_info info, back;
	uint8_t buf[NET_SLOW_FRAME_LEN];

	assert_int_equal(net_marker_parse(marker_pdu, NET_MARKER_PDU_LEN,
	    &info), NET_OK);
	assert_int_equal(info.version_number, 1);
	assert_int_equal(info.tlv_type, NET_MARKER_TLV_INFORMATION);
	assert_int_equal(info.requester_port, 7);
	assert_memory_equal(info.requester_system, mac_a, ETH_ALEN);
	assert_int_equal(info.requester_transaction_id, 0xdeadbeef);
	assert_int_equal(net_marker_build(buf, sizeof(buf), mac_a, &info),
	    sizeof(buf));
	assert_memory_equal(buf, marker_info, sizeof(marker_info));

	/* the responder echoes the information as a response */
	info.tlv_type = NET_MARKER_TLV_RESPONSE;
	assert_int_equal(net_marker_build(buf, sizeof(buf), mac_a, &info),
	    sizeof(buf));
	assert_int_equal(net_marker_parse(buf + ETH_HLEN, NET_MARKER_PDU_LEN,
	    &back), NET_OK);
	assert_int_equal(back.tlv_type, NET_MARKER_TLV_RESPONSE);
	assert_int_equal(back.requester_transaction_id, 0xdeadbeef);
	assert_int_equal(back.requester_port, 7);
	assert_memory_equal(buf + ETH_HLEN + 3, marker_pdu + 3,
	    NET_MARKER_PDU_LEN - 3);
}

static void
test_marker_build_errors(void **state)
{
	struct net_marker_info info = { .tlv_type = 3 };
	uint8_t buf[NET_SLOW_FRAME_LEN];

	assert_int_equal(net_marker_build(buf, sizeof(buf), mac_a, &info),
	    -EINVAL);
	info.tlv_type = NET_MARKER_TLV_INFORMATION;
	assert_int_equal(net_marker_build(buf, sizeof(buf) - 1, mac_a, &info),
	    -ENOSPC);
}

static enum net_verdict
marker_parse_with(size_t off, uint8_t val)
{
	uint8_t p[NET_MARKER_PDU_LEN];
	struct net_marker_info info;

	memcpy(p, marker_pdu, sizeof(p));
	p[off] = val;
	return net_marker_parse(p, sizeof(p), &info);
}

#define MARKER_OFF(f)	offsetof(struct net_marker_pdu, f)

static void
test_marker_malformed(void **state)
{
	struct net_marker_info info;
	size_t n;

	for (n = 0; n < NET_MARKER_PDU_LEN; n++)
		assert_int_equal(net_marker_parse(marker_pdu, n, &info),
		    NET_E_TRUNCATED);
	assert_int_equal(net_marker_parse(lacp_pdu, NET_LACPDU_LEN, &info),
	    NET_E_BAD_SUBTYPE);
	assert_int_equal(marker_parse_with(1, 0), NET_E_BAD_VERSION);
	assert_int_equal(marker_parse_with(MARKER_OFF(tlv_type), 0),
	    NET_E_BAD_TLV);
	assert_int_equal(marker_parse_with(MARKER_OFF(tlv_type), 3),
	    NET_E_BAD_TLV);
	assert_int_equal(marker_parse_with(
	    MARKER_OFF(marker_information_length), 15), NET_E_BAD_TLV);
	assert_int_equal(marker_parse_with(MARKER_OFF(tlv_type_terminator),
	    1), NET_E_BAD_TLV);
	assert_int_equal(marker_parse_with(MARKER_OFF(terminator_length), 1),
	    NET_E_BAD_TLV);
	assert_int_equal(marker_parse_with(MARKER_OFF(pad), 0xff), NET_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lacpdu_parse),
		cmocka_unit_test(test_lacpdu_build_bytes),
		cmocka_unit_test(test_lacpdu_round_trip),
		cmocka_unit_test(test_lacpdu_every_truncation),
		cmocka_unit_test(test_lacpdu_malformed),
		cmocka_unit_test(test_lacpdu_later_version),
		cmocka_unit_test(test_marker_parse_and_build),
		cmocka_unit_test(test_marker_build_errors),
		cmocka_unit_test(test_marker_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
