/*
 * 802.3ad negotiation between two lagnic LAGs over sim wires, under the
 * virtual clock: who speaks, when ports go in service, with which state
 * bits; and what happens with a partner that sends no LACP.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lacp_fixture.h"

#define SEC	NSEC_PER_SEC
#define MS	NSEC_PER_MSEC

/* ACTIVITY | AGGREGATION | SYNC | COLLECTING | DISTRIBUTING */
#define ST_IN_SERVICE	0x3d
#define ST_TIMEOUT	LACP_STATE_TIMEOUT

static struct lacp_fixture *
two_lags(unsigned nwires, const struct lag_options *a,
    const struct lag_options *b)
{
	struct lacp_fixture *lx = lx_new(nwires, 0x3ad);
	unsigned all = (1u << nwires) - 1;

	lx_lag(lx, LX_A, all, a);
	lx_lag(lx, LX_B, all, b);
	return lx;
}

static void
assert_port_state(struct lacp_fixture *lx, enum lx_side s, unsigned i,
    uint8_t actor, uint8_t partner)
{
	struct lacp_port *p = lx_port(lx, s, i);

	assert_int_equal(p->actor_oper_port_state, actor);
	assert_int_equal(p->partner_oper.state, partner);
}

/* Both ports of each side in one aggregator, facing the other LAG. */
static void
assert_aggregated(struct lacp_fixture *lx, unsigned nwires)
{
	for (int s = 0; s < LX_SIDES; s++) {
		struct lag *other = lx->lags[!s].lag;
		struct lacp_aggregator *agg = lx_port(lx, s, 0)->aggregator;

		assert_non_null(agg);
		assert_ptr_equal(lag_lacp_system(lx->lags[s].lag)->active_agg,
		    agg);
		assert_memory_equal(agg->partner_system, other->mac, 6);
		assert_int_equal(agg->partner_system_priority, 65535);
		for (unsigned i = 0; i < nwires; i++) {
			struct lacp_port *p = lx_port(lx, s, i);

			assert_ptr_equal(p->aggregator, agg);
			assert_int_equal(p->selected, LACP_SELECTED);
			assert_int_equal(p->rx_state, LACP_RX_S_CURRENT);
			/* the partner's port is the same wire's other end */
			assert_int_equal(p->partner_oper.port,
			    lx_port(lx, !s, i)->actor_port_number);
		}
		assert_true(lx->lags[s].lag->carrier);
	}
}

static void
test_two_links_slow_rate_in_service_at_2s(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = two_lags(2, &o, &o);

	/* wait_while (2 s) holds every port until then */
	lx_run_until(lx, 2 * SEC - 1);
	for (unsigned i = 0; i < 2; i++) {
		assert_false(lx_port_in_service(lx, LX_A, i));
		assert_false(lx_port_in_service(lx, LX_B, i));
		assert_int_equal(lx_port(lx, LX_A, i)->mux_state,
		    LACP_MUX_S_WAITING);
	}
	assert_false(lx->lags[0].lag->carrier);
	lx_run_until(lx, 2 * SEC);
	assert_true(lx_all_in_service(lx));
	for (unsigned i = 0; i < 2; i++) {
		assert_port_state(lx, LX_A, i, ST_IN_SERVICE, ST_IN_SERVICE);
		assert_port_state(lx, LX_B, i, ST_IN_SERVICE, ST_IN_SERVICE);
		/* the partner asks for the long timeout: slow periodic */
		assert_int_equal(lx_port(lx, LX_A, i)->ptx_state,
		    LACP_PTX_S_SLOW_PERIODIC);
		assert_int_equal(lx_port(lx, LX_A, i)->mux_state,
		    LACP_MUX_S_COLL_DIST);
	}
	assert_aggregated(lx, 2);
	/* traffic spreads over both links */
	lx_send(&lx->lags[0], 256, 0);
	assert_int_equal(lx_take_rx(&lx->lags[1], 0), 128);
	assert_int_equal(lx_take_rx(&lx->lags[1], 1), 128);
	lx_send(&lx->lags[1], 256, 0);
	assert_int_equal(lx_take_rx(&lx->lags[0], 0) +
	    lx_take_rx(&lx->lags[0], 1), 256);
	/* and it stays so: nothing moves for minutes */
	lx_run(lx, 300 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_port_state(lx, LX_A, 0, ST_IN_SERVICE, ST_IN_SERVICE);
	lx_free(lx);
}

static void
test_two_links_fast_rate(void **state)
{
	struct lag_options o = lx_opts(true);
	struct lacp_fixture *lx = two_lags(2, &o, &o);
	uint64_t tx;

	lx_run_until(lx, 2 * SEC);
	assert_true(lx_all_in_service(lx));
	for (unsigned i = 0; i < 2; i++) {
		assert_port_state(lx, LX_A, i, ST_IN_SERVICE | ST_TIMEOUT,
		    ST_IN_SERVICE | ST_TIMEOUT);
		assert_port_state(lx, LX_B, i, ST_IN_SERVICE | ST_TIMEOUT,
		    ST_IN_SERVICE | ST_TIMEOUT);
		assert_int_equal(lx_port(lx, LX_B, i)->ptx_state,
		    LACP_PTX_S_FAST_PERIODIC);
	}
	assert_aggregated(lx, 2);
	/* one LACPDU a second per port once settled */
	tx = lx_port(lx, LX_A, 0)->stats.lacpdu_tx;
	lx_run(lx, 10 * SEC);
	assert_int_equal(lx_port(lx, LX_A, 0)->stats.lacpdu_tx - tx, 10);
	lx_free(lx);
}

/* Linux bonding's slow A with a fast B: each sends at the other's ask. */
static void
test_mixed_rates(void **state)
{
	struct lag_options a = lx_opts(false), b = lx_opts(true);
	struct lacp_fixture *lx = two_lags(2, &a, &b);

	lx_run_until(lx, 2 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_port_state(lx, LX_A, 0, ST_IN_SERVICE,
	    ST_IN_SERVICE | ST_TIMEOUT);
	assert_port_state(lx, LX_B, 0, ST_IN_SERVICE | ST_TIMEOUT,
	    ST_IN_SERVICE);
	assert_int_equal(lx_port(lx, LX_A, 0)->ptx_state,
	    LACP_PTX_S_FAST_PERIODIC);
	assert_int_equal(lx_port(lx, LX_B, 0)->ptx_state,
	    LACP_PTX_S_SLOW_PERIODIC);
	lx_free(lx);
}

static void
test_independent_mux(void **state)
{
	struct lag_options o = lx_opts(true);
	struct lacp_fixture *lx;

	o.lacp.coupled_control = false;
	lx = two_lags(2, &o, &o);
	lx_run_until(lx, 2 * SEC);
	for (int s = 0; s < LX_SIDES; s++)
		for (unsigned i = 0; i < 2; i++)
			assert_int_equal(lx_port(lx, s, i)->mux_state,
			    LACP_MUX_S_DISTRIBUTING);
	assert_true(lx_all_in_service(lx));
	/* DISTRIBUTING asks for no LACPDU: the next periodic one tells */
	lx_run(lx, 1 * SEC);
	assert_port_state(lx, LX_A, 1, ST_IN_SERVICE | ST_TIMEOUT,
	    ST_IN_SERVICE | ST_TIMEOUT);
	/* back to coupled at run time: the mux moves on */
	o.lacp.coupled_control = true;
	assert_int_equal(lag_options_set(lx->lags[0].lag, &o), 0);
	assert_int_equal(lx_port(lx, LX_A, 0)->mux_state,
	    LACP_MUX_S_COLL_DIST);
	lx_run(lx, 1 * SEC);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

static void
test_active_passive_negotiates(void **state)
{
	struct lag_options a = lx_opts(false), b = lx_opts(false);
	struct lacp_fixture *lx;

	b.lacp.lacp_active = false;
	lx = two_lags(2, &a, &b);
	lx_run_until(lx, 2 * SEC);
	assert_true(lx_all_in_service(lx));
	for (unsigned i = 0; i < 2; i++) {
		assert_port_state(lx, LX_A, i, ST_IN_SERVICE,
		    ST_IN_SERVICE & ~LACP_STATE_ACTIVITY);
		assert_port_state(lx, LX_B, i,
		    ST_IN_SERVICE & ~LACP_STATE_ACTIVITY, ST_IN_SERVICE);
		/* spoken to by an active partner, the passive one talks */
		assert_int_equal(lx_port(lx, LX_B, i)->ptx_state,
		    LACP_PTX_S_SLOW_PERIODIC);
	}
	assert_aggregated(lx, 2);
	lx_run(lx, 200 * SEC);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

static void
check_passive_passive(bool strict)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx;

	o.lacp.lacp_active = false;
	o.lacp.lacp_strict = strict;
	lx = two_lags(2, &o, &o);
	lx_run(lx, 100 * SEC);
	for (int s = 0; s < LX_SIDES; s++) {
		unsigned fallback = 0;

		for (unsigned i = 0; i < 2; i++) {
			struct lacp_port *p = lx_port(lx, s, i);

			assert_int_equal(p->stats.lacpdu_tx, 0);
			assert_int_equal(p->stats.lacpdu_rx, 0);
			assert_int_equal(p->rx_state, LACP_RX_S_DEFAULTED);
			assert_int_equal(p->ptx_state, LACP_PTX_S_NO_PERIODIC);
			assert_false(lx_port_in_service(lx, s, i));
			assert_int_equal(p->partner_oper.state, 0);
			assert_false(p->actor_oper_port_state &
			    (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING));
			fallback += lx_member(lx, s, i)->distributing;
		}
		assert_int_equal(fallback, strict ? 0 : 1);
		assert_int_equal(lx->lags[s].lag->carrier, !strict);
	}
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(lx->wire[i]->cnt[SIM_A_TO_B].sent +
		    lx->wire[i]->cnt[SIM_B_TO_A].sent, 0);
	lx_free(lx);
}

static void
test_passive_passive_does_not_negotiate(void **state)
{
	check_passive_passive(false);
	check_passive_passive(true);
}

/* The LACPDU on the wire: addresses and every field. */
static void
test_lacpdu_on_the_wire(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(1, 0x3ad);
	struct lx_lag *a = lx_lag(lx, LX_A, 1, &o);
	struct pkt *burst[PKT_BURST_MAX];
	struct net_lacpdu_info info;
	unsigned n;

	lx_run(lx, 1 * MS);
	n = port_rx_burst(lx->port[LX_B][0], burst, PKT_BURST_MAX);
	assert_int_equal(n, 1);
	assert_int_equal(burst[0]->len, NET_SLOW_FRAME_LEN);
	assert_memory_equal(burst[0]->data, net_slow_protocols_mac, 6);
	assert_memory_equal(burst[0]->data + 6, lx->port[LX_A][0]->mac, 6);
	assert_int_equal(burst[0]->data[12] << 8 | burst[0]->data[13], 0x8809);
	assert_int_equal(net_lacpdu_parse(burst[0]->data + 14,
	    burst[0]->len - 14, &info), NET_OK);
	assert_int_equal(info.actor.system_priority, 65535);
	assert_memory_equal(info.actor.system, a->lag->mac, 6);
	assert_int_equal(info.actor.key, lacp_port_key(0));
	assert_int_equal(info.actor.key, 1);
	assert_int_equal(info.actor.port_priority, 255);
	assert_int_equal(info.actor.port, 1);
	/* EXPIRED and DEFAULTED until a partner is heard */
	assert_int_equal(info.actor.state, LACP_STATE_ACTIVITY |
	    LACP_STATE_AGGREGATION | LACP_STATE_DEFAULTED |
	    LACP_STATE_EXPIRED);
	assert_int_equal(info.partner.state, LACP_STATE_TIMEOUT);
	pkt_free_bulk(burst, n);
	lx_free(lx);
}

/* Options reach the wire: priorities, keys, ad_actor_system. */
static void
test_system_and_port_options(void **state)
{
	static const uint8_t sys_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
	struct lag_options a = lx_opts(false), b = lx_opts(false);
	struct lacp_fixture *lx;
	struct lacp_port *pa;

	a.lacp.ad_actor_sys_prio = 100;
	a.lacp.ad_user_port_key = 7;
	memcpy(a.lacp.ad_actor_system, sys_mac, 6);
	a.lacp.nports = 1;
	strcpy(a.lacp.ports[0].port, "a1");
	a.lacp.ports[0].port_priority = 10;
	lx = two_lags(2, &a, &b);
	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	pa = lx_port(lx, LX_B, 1);
	assert_int_equal(pa->partner_oper.system_priority, 100);
	assert_memory_equal(pa->partner_oper.system, sys_mac, 6);
	assert_int_equal(pa->partner_oper.key, 7 << 6 | 1);
	assert_int_equal(pa->partner_oper.port_priority, 10);
	assert_int_equal(lx_port(lx, LX_B, 0)->partner_oper.port_priority,
	    255);
	/* a bad value is refused as a whole */
	a.lacp.ad_user_port_key = 1024;
	assert_int_equal(lag_options_set(lx->lags[0].lag, &a), -EINVAL);
	a.lacp.ad_user_port_key = 7;
	a.lacp.ad_actor_sys_prio = 0;
	assert_int_equal(lag_options_set(lx->lags[0].lag, &a), -EINVAL);
	a.lacp.ad_actor_sys_prio = 100;
	a.lacp.ad_actor_system[0] = 0x01;	/* multicast */
	assert_int_equal(lag_options_set(lx->lags[0].lag, &a), -EINVAL);
	a.lacp.ad_actor_system[0] = 0x02;
	a.lacp.nports = 2;
	strcpy(a.lacp.ports[1].port, "a1");	/* twice */
	assert_int_equal(lag_options_set(lx->lags[0].lag, &a), -EINVAL);
	/* a new port priority at run time goes out at once; the Port ID
	 * changed, so the partner selects that port again (update_Selected)
	 * and it waits wait_while before it is back */
	a.lacp.nports = 1;
	a.lacp.ports[0].port_priority = 20;
	assert_int_equal(lag_options_set(lx->lags[0].lag, &a), 0);
	lx_run(lx, 1 * MS);
	assert_int_equal(pa->partner_oper.port_priority, 20);
	assert_true(lx_port_in_service(lx, LX_B, 0));
	assert_false(lx_port_in_service(lx, LX_B, 1));
	lx_run(lx, 2 * SEC);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

static void
check_no_lacp_partner(bool strict)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lx_lag *a;
	struct lacp_port *p0, *p1;

	o.lacp.lacp_strict = strict;
	a = lx_lag(lx, LX_A, 3, &o);	/* b0, b1: plain ports */
	p0 = lx_port(lx, LX_A, 0);
	p1 = lx_port(lx, LX_A, 1);
	lx_run_until(lx, 3 * SEC - 1);
	assert_int_equal(p0->rx_state, LACP_RX_S_EXPIRED);
	lx_run_until(lx, 3 * SEC);
	for (unsigned i = 0; i < 2; i++) {
		struct lacp_port *p = lx_port(lx, LX_A, i);

		/* individual: each alone in its own aggregator */
		assert_int_equal(p->rx_state, LACP_RX_S_DEFAULTED);
		assert_true(p->aggregator->individual);
		assert_false(lacp_agg_has_partner(p->aggregator));
		assert_false(p->actor_oper_port_state &
		    (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING));
	}
	assert_ptr_not_equal(p0->aggregator, p1->aggregator);
	/* Linux bonding: the active aggregator's (one) port carries
	 * traffic all the same; lacp_strict: none does */
	assert_int_equal(p0->mux_state, LACP_MUX_S_ATTACHED);
	assert_int_equal(p0->selected, LACP_SELECTED);
	assert_int_equal(p1->selected, LACP_STANDBY);
	assert_int_equal(lx_member(lx, LX_A, 0)->distributing, !strict);
	assert_int_equal(lx_member(lx, LX_A, 0)->collecting, !strict);
	assert_false(lx_member(lx, LX_A, 1)->distributing);
	assert_int_equal(a->lag->carrier, !strict);
	lx_send(a, 100, 0);
	assert_int_equal(lx->wire[0]->cnt[SIM_A_TO_B].delivered -
	    p0->stats.lacpdu_tx, strict ? 0 : 100);
	/* it keeps asking, slowly: the default partner is long timeout */
	assert_int_equal(p0->ptx_state, LACP_PTX_S_SLOW_PERIODIC);
	/* the fallback moves with the carrier, like active-backup */
	sim_carrier_set(lx->wire[0], false);
	lx_run(lx, 2 * SEC);
	assert_int_equal(lx_member(lx, LX_A, 1)->distributing, !strict);
	assert_int_equal(a->lag->carrier, !strict);
	lx_free(lx);
}

static void
test_partner_without_lacp(void **state)
{
	check_no_lacp_partner(false);
	check_no_lacp_partner(true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_links_slow_rate_in_service_at_2s),
		cmocka_unit_test(test_two_links_fast_rate),
		cmocka_unit_test(test_mixed_rates),
		cmocka_unit_test(test_independent_mux),
		cmocka_unit_test(test_active_passive_negotiates),
		cmocka_unit_test(test_passive_passive_does_not_negotiate),
		cmocka_unit_test(test_lacpdu_on_the_wire),
		cmocka_unit_test(test_system_and_port_options),
		cmocka_unit_test(test_partner_without_lacp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
