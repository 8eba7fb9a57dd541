/*
 * libFuzzer target: the LACPDU and Marker PDU parsers on any bytes (the
 * input is the PDU, what follows the ethertype). A PDU that parses is
 * built again and must parse to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/slow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static void
check_lacp_info(const struct net_lacp_info *a, const struct net_lacp_info *b)
{
	CHECK(a->system_priority == b->system_priority);
	CHECK(memcmp(a->system, b->system, ETH_ALEN) == 0);
	CHECK(a->key == b->key && a->port_priority == b->port_priority);
	CHECK(a->port == b->port && a->state == b->state);
}

static void
lacpdu_round_trip(const struct net_lacpdu_info *in)
{
	static const uint8_t src[ETH_ALEN] = { 0x02 };
	struct net_lacpdu_info out;
	uint8_t buf[NET_SLOW_FRAME_LEN];

	CHECK(net_lacpdu_build(buf, sizeof(buf), src, in) == sizeof(buf));
	CHECK(net_lacpdu_parse(buf + ETH_HLEN, NET_LACPDU_LEN, &out) ==
	    NET_OK);
	CHECK(out.version_number == NET_LACP_VERSION);
	check_lacp_info(&in->actor, &out.actor);
	check_lacp_info(&in->partner, &out.partner);
	CHECK(in->collector_max_delay == out.collector_max_delay);
}

static void
marker_round_trip(const struct net_marker_info *in)
{
	static const uint8_t src[ETH_ALEN] = { 0x02 };
	struct net_marker_info out;
	uint8_t buf[NET_SLOW_FRAME_LEN];

	CHECK(net_marker_build(buf, sizeof(buf), src, in) == sizeof(buf));
	CHECK(net_marker_parse(buf + ETH_HLEN, NET_MARKER_PDU_LEN, &out) ==
	    NET_OK);
	CHECK(out.tlv_type == in->tlv_type);
	CHECK(out.requester_port == in->requester_port);
	CHECK(memcmp(out.requester_system, in->requester_system,
	    ETH_ALEN) == 0);
	CHECK(out.requester_transaction_id == in->requester_transaction_id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_lacpdu_info lacp;
	struct net_marker_info marker;
	enum net_verdict v;

	v = net_lacpdu_parse(data, size, &lacp);
	CHECK((unsigned)v < NET_VERDICT_COUNT);
	if (v == NET_OK) {
		CHECK(size >= NET_LACPDU_LEN && lacp.version_number >= 1);
		lacpdu_round_trip(&lacp);
	}
	v = net_marker_parse(data, size, &marker);
	CHECK((unsigned)v < NET_VERDICT_COUNT);
	if (v == NET_OK) {
		CHECK(size >= NET_MARKER_PDU_LEN);
		marker_round_trip(&marker);
	}
	return 0;
}
