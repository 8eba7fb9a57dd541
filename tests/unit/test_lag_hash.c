/* The transmit hash: which fields each policy looks at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lag/hash.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/udp.h"

struct flow {
	uint8_t dmac[6], smac[6];
	uint32_t saddr, daddr;		/* host order */
	uint16_t sport, dport;
	uint16_t frag_offset;
};

/* eth / IPv4 / UDP with 8 bytes of payload; returns the length. */
static size_t
build_udp4(uint8_t *buf, size_t cap, const struct flow *fl, size_t payload)
{
	struct net_eth eth = { .dst = fl->dmac, .src = fl->smac,
	    .ethertype = ETH_P_IP };
	struct net_ipv4 ip = { .time_to_live = 64, .protocol = 17,
	    .saddr = fl->saddr, .daddr = fl->daddr,
	    .fragment_offset = fl->frag_offset };
	int l2, l3, l4;

	l2 = net_eth_build(buf, cap, &eth);
	assert_true(l2 > 0);
	l3 = net_ipv4_build(buf + l2, cap - l2, &ip, NET_UDP_HLEN + payload);
	assert_true(l3 > 0);
	l4 = net_udp_build(buf + l2 + l3, cap - l2 - l3, fl->sport, fl->dport,
	    payload);
	assert_true(l4 > 0);
	memset(buf + l2 + l3 + l4, 0, payload);
	return (size_t)(l2 + l3 + l4) + payload;
}

static uint32_t
hash_of(enum lag_hash_policy p, const struct flow *fl)
{
	uint8_t buf[256];
	size_t len = build_udp4(buf, sizeof(buf), fl, 8);

	return lag_hash(p, buf, len);
}

static const struct flow base = {
	.dmac = { 2, 0, 0, 0, 0, 1 }, .smac = { 2, 0, 0, 0, 0, 2 },
	.saddr = 0x0a000001, .daddr = 0x0a000002, .sport = 1000, .dport = 2000,
};

static void
test_layer2_ignores_ip_and_ports(void **state)
{
	struct flow f = base;

	f.saddr = 0x0a0000ff;
	f.sport = 7;
	assert_int_equal(hash_of(LAG_HASH_LAYER2, &base),
	    hash_of(LAG_HASH_LAYER2, &f));
	f.smac[5] = 9;
	assert_int_not_equal(hash_of(LAG_HASH_LAYER2, &base),
	    hash_of(LAG_HASH_LAYER2, &f));
}

static void
test_layer23_uses_addresses_not_ports(void **state)
{
	struct flow f = base;

	f.sport = 7;
	assert_int_equal(hash_of(LAG_HASH_LAYER23, &base),
	    hash_of(LAG_HASH_LAYER23, &f));
	f.daddr = 0x0a000003;
	assert_int_not_equal(hash_of(LAG_HASH_LAYER23, &base),
	    hash_of(LAG_HASH_LAYER23, &f));
}

static void
test_layer34_uses_ports_and_is_symmetric(void **state)
{
	struct flow f = base, rev = base;

	f.sport = 1001;
	assert_int_not_equal(hash_of(LAG_HASH_LAYER34, &base),
	    hash_of(LAG_HASH_LAYER34, &f));
	rev.saddr = base.daddr;
	rev.daddr = base.saddr;
	rev.sport = base.dport;
	rev.dport = base.sport;
	memcpy(rev.smac, base.dmac, 6);
	memcpy(rev.dmac, base.smac, 6);
	for (int p = 0; p < LAG_HASH_COUNT; p++)
		if (p != LAG_HASH_VLAN_SRCMAC)	/* the sender's, by design */
			assert_int_equal(hash_of(p, &base), hash_of(p, &rev));
}

/* vlan+srcmac: a sender keeps its lane whatever it sends to. */
static void
test_vlan_srcmac_follows_the_sender_only(void **state)
{
	struct flow f = base;
	uint8_t buf[256];
	size_t len;
	uint32_t h;

	f.daddr = 0x0b000009;
	f.dport = 53;
	f.dmac[5] = 0x77;
	assert_int_equal(hash_of(LAG_HASH_VLAN_SRCMAC, &base),
	    hash_of(LAG_HASH_VLAN_SRCMAC, &f));
	f.smac[5] = 0x03;
	assert_int_not_equal(hash_of(LAG_HASH_VLAN_SRCMAC, &base),
	    hash_of(LAG_HASH_VLAN_SRCMAC, &f));
	/* the same sender in VLAN 10 is another sender */
	len = build_udp4(buf + 4, sizeof(buf) - 4, &base, 8);
	memmove(buf, buf + 4, 12);
	memcpy(buf + 12, "\x81\x00\x00\x0a", 4);
	h = lag_hash(LAG_HASH_VLAN_SRCMAC, buf, len + 4);
	assert_int_not_equal(h, hash_of(LAG_HASH_VLAN_SRCMAC, &base));
}

static void
test_layer34_fragments_hash_without_ports(void **state)
{
	struct flow a = base, b = base;

	a.frag_offset = b.frag_offset = 100;
	b.sport = 4242;	/* bytes that are not a header in a later fragment */
	assert_int_equal(hash_of(LAG_HASH_LAYER34, &a),
	    hash_of(LAG_HASH_LAYER34, &b));
}

static void
test_flows_spread_over_lanes(void **state)
{
	unsigned lanes[LAG_LANES] = { 0 }, used = 0;
	struct flow f = base;

	for (uint16_t port = 0; port < 2048; port++) {
		f.sport = (uint16_t)(10000 + port);
		lanes[hash_of(LAG_HASH_LAYER34, &f) % LAG_LANES]++;
	}
	for (unsigned l = 0; l < LAG_LANES; l++) {
		used += lanes[l] > 0;
		assert_true(lanes[l] < 32);	/* mean 8 */
	}
	assert_true(used > 240);
}

/* A VXLAN frame: outer eth/IPv4/UDP 4789, VXLAN header, inner frame. */
static size_t
build_vxlan(uint8_t *buf, size_t cap, const struct flow *inner)
{
	struct flow outer = base;
	uint8_t in[256];
	size_t in_len = build_udp4(in, sizeof(in), inner, 8);
	size_t len, hl;

	outer.dport = 4789;
	len = build_udp4(buf, cap, &outer, 8 + in_len);
	hl = len - 8 - in_len;
	memset(buf + hl, 0, 8);
	memcpy(buf + hl + 8, in, in_len);
	return len;
}

static void
test_encap_hashes_the_inner_flow(void **state)
{
	uint8_t f1[512], f2[512];
	struct flow in2 = base;
	size_t l1, l2;

	in2.sport = 5555;
	l1 = build_vxlan(f1, sizeof(f1), &base);
	l2 = build_vxlan(f2, sizeof(f2), &in2);
	assert_int_equal(l1, l2);
	/* same outer headers: the plain policy cannot tell them apart */
	assert_int_equal(lag_hash(LAG_HASH_LAYER34, f1, l1),
	    lag_hash(LAG_HASH_LAYER34, f2, l2));
	assert_int_not_equal(lag_hash(LAG_HASH_ENCAP34, f1, l1),
	    lag_hash(LAG_HASH_ENCAP34, f2, l2));
	assert_int_equal(lag_hash(LAG_HASH_ENCAP23, f1, l1),
	    lag_hash(LAG_HASH_ENCAP23, f2, l2));
}

static void
test_short_and_garbage_frames_hash_without_reading_past(void **state)
{
	uint8_t buf[256];
	size_t len = build_udp4(buf, sizeof(buf), &base, 8);

	for (size_t l = 0; l <= len; l++)
		for (int p = 0; p < LAG_HASH_COUNT; p++)
			assert_int_not_equal(lag_hash(p, buf, l), 0);
	assert_int_equal(lag_hash(LAG_HASH_LAYER34, buf, 5), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer2_ignores_ip_and_ports),
		cmocka_unit_test(test_layer23_uses_addresses_not_ports),
		cmocka_unit_test(test_layer34_uses_ports_and_is_symmetric),
		cmocka_unit_test(test_vlan_srcmac_follows_the_sender_only),
		cmocka_unit_test(test_layer34_fragments_hash_without_ports),
		cmocka_unit_test(test_flows_spread_over_lanes),
		cmocka_unit_test(test_encap_hashes_the_inner_flow),
		cmocka_unit_test(test_short_and_garbage_frames_hash_without_reading_past),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
