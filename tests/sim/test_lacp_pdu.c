/*
 * Slow-protocol frames into an 802.3ad LAG: the marker responder, bad
 * LACPDUs (counted per reason, state untouched), our own LACPDU looped
 * back, the transmit rate limit, and seeded random garbage.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lacp_fixture.h"
#include "lib/rng.h"

#define SEC	NSEC_PER_SEC
#define MS	NSEC_PER_MSEC

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x77, 0x01 };

/* Frames on a plain port since the last call, slow protocol ones by
 * subtype; the last marker response is kept. */
struct seen {
	unsigned lacpdus, markers, other;
	struct net_marker_info marker;
	uint8_t marker_src[6], marker_dst[6];
};

static void
take(struct lacp_fixture *lx, enum lx_side s, unsigned i, struct seen *sn)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n;

	memset(sn, 0, sizeof(*sn));
	while ((n = port_rx_burst(lx->port[s][i], burst, PKT_BURST_MAX))) {
		for (unsigned k = 0; k < n; k++) {
			const uint8_t *d = burst[k]->data;
			uint32_t len = burst[k]->len;

			if (len < 15 || d[12] != 0x88 || d[13] != 0x09)
				sn->other++;
			else if (d[14] == NET_SLOW_SUBTYPE_LACP)
				sn->lacpdus++;
			else if (d[14] == NET_SLOW_SUBTYPE_MARKER &&
			    net_marker_parse(d + 14, len - 14, &sn->marker) ==
			    NET_OK) {
				sn->markers++;
				memcpy(sn->marker_dst, d, 6);
				memcpy(sn->marker_src, d + 6, 6);
			} else
				sn->other++;
		}
		pkt_free_bulk(burst, n);
	}
}

static size_t
marker_frame(uint8_t *buf, uint8_t tlv_type, uint32_t txid)
{
	struct net_marker_info m = {
		.tlv_type = tlv_type, .requester_port = 7,
		.requester_system = { 0x02, 0, 0, 0, 0x77, 0x01 },
		.requester_transaction_id = txid,
	};
	int n = net_marker_build(buf, NET_SLOW_FRAME_LEN, peer_mac, &m);

	assert_int_equal(n, NET_SLOW_FRAME_LEN);
	return (size_t)n;
}

static void
test_marker_gets_exactly_one_response(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(1, 0x3ad);
	struct lacp_port *p;
	uint8_t frame[NET_SLOW_FRAME_LEN];
	struct seen sn;

	lx_lag(lx, LX_A, 1, &o);		/* b0: plain, plays the peer */
	p = lx_port(lx, LX_A, 0);
	lx_run(lx, 1 * SEC);
	take(lx, LX_B, 0, &sn);
	lx_inject(lx, LX_B, 0, frame, marker_frame(frame,
	    NET_MARKER_TLV_INFORMATION, 0xdeadbeef));
	lx_run(lx, 1 * MS);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.markers, 1);
	assert_int_equal(sn.other, 0);
	assert_int_equal(sn.marker.tlv_type, NET_MARKER_TLV_RESPONSE);
	assert_int_equal(sn.marker.requester_port, 7);
	assert_memory_equal(sn.marker.requester_system, peer_mac, 6);
	assert_int_equal(sn.marker.requester_transaction_id, 0xdeadbeef);
	assert_memory_equal(sn.marker_dst, net_slow_protocols_mac, 6);
	assert_memory_equal(sn.marker_src, lx->port[LX_A][0]->mac, 6);
	assert_int_equal(p->stats.marker_rx, 1);
	assert_int_equal(p->stats.marker_response_tx, 1);
	/* a response is not answered */
	lx_inject(lx, LX_B, 0, frame, marker_frame(frame,
	    NET_MARKER_TLV_RESPONSE, 1));
	lx_run(lx, 1 * MS);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.markers, 0);
	assert_int_equal(p->stats.drops[LACP_DROP_MARKER_RESPONSE], 1);
	/* nor a broken marker */
	marker_frame(frame, NET_MARKER_TLV_INFORMATION, 2);
	frame[14 + 3] = 15;		/* marker_information_length */
	lx_inject(lx, LX_B, 0, frame, sizeof(frame));
	lx_inject(lx, LX_B, 0, frame, 14 + 40);
	lx_run(lx, 1 * MS);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.markers, 0);
	assert_int_equal(p->stats.drops[LACP_DROP_BAD_TLV], 1);
	assert_int_equal(p->stats.drops[LACP_DROP_SHORT], 1);
	assert_int_equal(p->stats.marker_rx, 1);
	lx_free(lx);
}

/* A flood of Marker PDUs: 5 answers a second, the rest counted. */
static void
test_marker_responses_rate_limited(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(1, 0x3ad);
	struct lacp_port *p;
	uint8_t frame[NET_SLOW_FRAME_LEN];
	struct seen sn;

	lx_lag(lx, LX_A, 1, &o);
	p = lx_port(lx, LX_A, 0);
	lx_run(lx, 1 * SEC);
	take(lx, LX_B, 0, &sn);
	for (uint32_t i = 0; i < 50; i++) {
		lx_inject(lx, LX_B, 0, frame, marker_frame(frame,
		    NET_MARKER_TLV_INFORMATION, i));
		lx_run(lx, 10 * MS);		/* 50 in 500 ms */
	}
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.markers, 5);
	assert_int_equal(p->stats.marker_rx, 50);
	assert_int_equal(p->stats.marker_response_tx, 5);
	assert_int_equal(p->stats.drops[LACP_DROP_MARKER_RATE], 45);
	lx_run(lx, 1 * SEC);			/* a new second */
	lx_inject(lx, LX_B, 0, frame, marker_frame(frame,
	    NET_MARKER_TLV_INFORMATION, 99));
	lx_run(lx, 1 * MS);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.markers, 1);
	assert_int_equal(sn.marker.requester_transaction_id, 99);
	lx_free(lx);
}

/* A valid LACPDU from B's b0 as it would be now. */
static void
b0_lacpdu(struct lacp_fixture *lx, uint8_t *buf)
{
	struct lacp_port *b0 = lx_port(lx, LX_B, 0);
	struct net_lacpdu_info info;

	lacp_pdu_fill(b0, &info);
	assert_int_equal(net_lacpdu_build(buf, NET_SLOW_FRAME_LEN,
	    lx->port[LX_B][0]->mac, &info), NET_SLOW_FRAME_LEN);
}

struct bad_case {
	const char *what;
	unsigned off;		/* byte of the frame to change */
	uint8_t val;
	size_t len;		/* frame length to send */
	enum lacp_drop drop;
};

#define FULL	NET_SLOW_FRAME_LEN

static void
test_malformed_lacpdus_counted_state_unchanged(void **state)
{
	static const struct bad_case cases[] = {
		{ "truncated", 0, 0, 14 + 60, LACP_DROP_SHORT },
		{ "one byte", 0, 0, 15, LACP_DROP_SHORT },
		{ "header only", 0, 0, 14, LACP_DROP_SHORT },
		{ "one short", 0, 0, FULL - 1, LACP_DROP_SHORT },
		{ "subtype 7", 14, 7, FULL, LACP_DROP_BAD_SUBTYPE },
		{ "subtype 0", 14, 0, FULL, LACP_DROP_BAD_SUBTYPE },
		{ "version 0", 15, 0, FULL, LACP_DROP_BAD_VERSION },
		{ "actor tlv type", 16, 9, FULL, LACP_DROP_BAD_TLV },
		{ "actor tlv length", 17, 19, FULL, LACP_DROP_BAD_TLV },
		{ "partner tlv type", 36, 1, FULL, LACP_DROP_BAD_TLV },
		{ "collector length", 57, 0, FULL, LACP_DROP_BAD_TLV },
		{ "terminator", 72, 5, FULL, LACP_DROP_BAD_TLV },
	};
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lacp_port *a0, before;
	uint8_t frame[NET_SLOW_FRAME_LEN];
	uint64_t drops[LACP_DROP_COUNT] = { 0 };

	lx_lag(lx, LX_A, 3, &o);
	lx_lag(lx, LX_B, 3, &o);
	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	a0 = lx_port(lx, LX_A, 0);
	before = *a0;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		b0_lacpdu(lx, frame);
		frame[cases[c].off] = cases[c].val;
		lx_inject(lx, LX_B, 0, frame, cases[c].len);
		lx_run(lx, 1 * MS);
		drops[cases[c].drop]++;
		for (unsigned d = 0; d < LACP_DROP_COUNT; d++)
			if (a0->stats.drops[d] != drops[d])
				fail_msg("%s: drop %s: %" PRIu64 ", want %"
				    PRIu64, cases[c].what, lacp_drop_names[d],
				    a0->stats.drops[d], drops[d]);
	}
	/* nothing moved, not even the current_while timer */
	assert_int_equal(a0->rx_state, before.rx_state);
	assert_int_equal(a0->mux_state, before.mux_state);
	assert_int_equal(a0->selected, before.selected);
	assert_int_equal(a0->actor_oper_port_state,
	    before.actor_oper_port_state);
	assert_true(lx_info_eq(&a0->partner_oper, &before.partner_oper));
	assert_int_equal(a0->current_while_timer, before.current_while_timer);
	assert_int_equal(a0->stats.lacpdu_rx, before.stats.lacpdu_rx);
	assert_true(lx_all_in_service(lx));
	/* a good one still goes through, and restarts current_while */
	b0_lacpdu(lx, frame);
	lx_inject(lx, LX_B, 0, frame, sizeof(frame));
	lx_run(lx, 1 * MS);
	assert_int_equal(a0->stats.lacpdu_rx, before.stats.lacpdu_rx + 1);
	assert_true(a0->current_while_timer > before.current_while_timer);
	/* a later version is read as version 1 */
	b0_lacpdu(lx, frame);
	frame[15] = 2;
	frame[72] = 9;		/* a v2 TLV where v1 ends */
	lx_inject(lx, LX_B, 0, frame, sizeof(frame));
	lx_run(lx, 1 * MS);
	assert_int_equal(a0->stats.lacpdu_rx, before.stats.lacpdu_rx + 2);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

/* Our own LACPDU back on another port of ours (a loop in the wiring). */
static void
test_loopback_is_dropped(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lacp_port *a0, *a1;
	struct net_lacpdu_info info;
	uint8_t frame[NET_SLOW_FRAME_LEN];

	lx_lag(lx, LX_A, 3, &o);
	lx_lag(lx, LX_B, 3, &o);
	lx_run(lx, 3 * SEC);
	a0 = lx_port(lx, LX_A, 0);
	a1 = lx_port(lx, LX_A, 1);
	lacp_pdu_fill(a1, &info);
	net_lacpdu_build(frame, sizeof(frame), lx->port[LX_A][1]->mac, &info);
	lx_inject(lx, LX_B, 0, frame, sizeof(frame));
	lx_run(lx, 1 * MS);
	assert_int_equal(a0->stats.drops[LACP_DROP_LOOPBACK], 1);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

/*
 * NTT raised many times in a moment: at most 3 LACPDUs in any fast
 * periodic time; the last state still goes out when the window opens.
 */
static void
test_transmit_rate_limit(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(1, 0x3ad);
	struct lx_lag *a = lx_lag(lx, LX_A, 1, &o);
	struct lacp_port *p = lx_port(lx, LX_A, 0);
	struct seen sn;
	uint64_t tx;

	lx_run(lx, 10 * SEC);
	take(lx, LX_B, 0, &sn);
	tx = p->stats.lacpdu_tx;
	for (int k = 0; k < 10; k++) {
		o.lacp.lacp_rate = k % 2 ? LAG_LACP_RATE_SLOW :
		    LAG_LACP_RATE_FAST;
		assert_int_equal(lag_options_set(a->lag, &o), 0);
	}
	assert_int_equal(p->tx_state, LACP_TX_S_HOLD);
	lx_run(lx, LACP_FAST_PERIODIC_TIME - 1);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.lacpdus, 3);
	assert_int_equal(p->stats.lacpdu_tx - tx, 3);
	lx_run(lx, 1);
	take(lx, LX_B, 0, &sn);
	assert_int_equal(sn.lacpdus, 1);
	assert_int_equal(p->tx_state, LACP_TX_S_IDLE);
	/* it carries the last value: slow (k = 9) */
	assert_false(p->actor_oper_port_state & LACP_STATE_TIMEOUT);
	lx_free(lx);
}

/* Seeded garbage with the slow protocols ethertype: counted, no crash,
 * and LACP comes back once it stops. */
static void
test_random_garbage(void **state)
{
	struct lag_options o = lx_opts(true);
	struct lacp_fixture *lx = lx_new(2, lx_seed(0x9a7ba9e));
	struct rng rng;
	uint8_t frame[200];
	uint64_t dropped = 0, accepted;

	rng_seed(&rng, lx->sim.seed);
	lx_lag(lx, LX_A, 3, &o);
	lx_lag(lx, LX_B, 3, &o);
	lx_run(lx, 3 * SEC);
	accepted = lx_port(lx, LX_A, 0)->stats.lacpdu_rx;
	for (int k = 0; k < 5000; k++) {
		size_t len = 14 + rng_below(&rng, sizeof(frame) - 14);

		for (size_t j = 0; j < len; j++)
			frame[j] = (uint8_t)rng_next(&rng);
		frame[12] = 0x88;
		frame[13] = 0x09;
		if (len > 14 && k % 2)
			frame[14] = 1 + (uint8_t)rng_below(&rng, 2);
		if (len > 15 && k % 4 == 1)
			frame[15] = 1;
		lx_inject(lx, LX_B, 0, frame, len);
		if (k % 64 == 0)
			lx_run(lx, 1 * MS);
	}
	lx_run(lx, 1 * MS);
	for (unsigned d = 0; d < LACP_DROP_COUNT; d++)
		dropped += lx_port(lx, LX_A, 0)->stats.drops[d];
	/* random bytes never make the TLVs right */
	assert_int_equal(dropped, 5000);
	/* B's own LACPDUs (fast, over the few ms) are all that got in */
	assert_in_range(lx_port(lx, LX_A, 0)->stats.lacpdu_rx - accepted,
	    0, 2);
	lx_run(lx, 5 * SEC);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker_gets_exactly_one_response),
		cmocka_unit_test(test_marker_responses_rate_limited),
		cmocka_unit_test(
		    test_malformed_lacpdus_counted_state_unchanged),
		cmocka_unit_test(test_loopback_is_dropped),
		cmocka_unit_test(test_transmit_rate_limit),
		cmocka_unit_test(test_random_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
