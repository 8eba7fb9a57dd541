/*
 * 802.3ad timeouts under the virtual clock, to the nanosecond: the
 * partner falls silent, the receive machine goes EXPIRED after 3 fast or
 * slow periodic times, then DEFAULTED; a carrier cut moves traffic at
 * once and leaves the other link's LACP alone; churn after 60 s.
 */
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

static struct lacp_fixture *
converged(const struct lag_options *o)
{
	struct lacp_fixture *lx = lx_new(2, 0x3ad);

	lx_lag(lx, LX_A, 3, o);
	lx_lag(lx, LX_B, 3, o);
	lx_run(lx, 5 * SEC);
	assert_true(lx_all_in_service(lx));
	return lx;
}

static unsigned
lanes_of(struct lag *lag, struct lag_member *m)
{
	unsigned n = 0;

	for (unsigned l = 0; l < LAG_LANES; l++)
		n += lag_lane_member(lag, l) == m;
	return n;
}

/*
 * Silence B->A on wire 0 right after an LACPDU crossed it at t: A's a0
 * stays CURRENT until t + timeout - 1, is EXPIRED (and out of service)
 * at t + timeout, DEFAULTED at t + timeout + 3 s (EXPIRED's short
 * timeout).
 */
static void
check_partner_timeout(bool fast)
{
	struct lag_options o = lx_opts(fast);
	struct lacp_fixture *lx = converged(&o);
	uint64_t timeout = fast ? LACP_SHORT_TIMEOUT_TIME :
	    LACP_LONG_TIMEOUT_TIME;
	struct lacp_port *a0 = lx_port(lx, LX_A, 0);
	struct lag_member *m0 = lx_member(lx, LX_A, 0);
	struct lag *lag = lx->lags[0].lag;
	uint64_t t;

	t = lx_run_until_delivery(lx, 0, SIM_B_TO_A, 31 * SEC);
	sim_fault_set(lx->wire[0], SIM_B_TO_A,
	    &(struct sim_fault){ .drop_pct = 100 });

	lx_run_until(lx, t + timeout - 1);
	assert_int_equal(a0->rx_state, LACP_RX_S_CURRENT);
	assert_int_equal(a0->stats.partner_timeouts, 0);
	assert_true(lx_port_in_service(lx, LX_A, 0));
	assert_int_equal(lanes_of(lag, m0), LAG_LANES / 2);

	lx_run_until(lx, t + timeout);
	assert_int_equal(a0->rx_state, LACP_RX_S_EXPIRED);
	assert_int_equal(a0->stats.partner_timeouts, 1);
	assert_true(a0->actor_oper_port_state & LACP_STATE_EXPIRED);
	assert_false(a0->partner_oper.state & LACP_STATE_SYNC);
	assert_true(a0->partner_oper.state & LACP_STATE_TIMEOUT);
	assert_false(m0->distributing);
	assert_int_equal(a0->mux_state, LACP_MUX_S_ATTACHED);
	/* every lane on the other link, the LAG still up */
	assert_int_equal(lanes_of(lag, lx_member(lx, LX_A, 1)), LAG_LANES);
	assert_true(lag->carrier);
	assert_true(lx_port_in_service(lx, LX_A, 1));
	/* expired, it asks fast: the partner timeout is short now */
	assert_int_equal(a0->ptx_state, LACP_PTX_S_FAST_PERIODIC);

	lx_run_until(lx, t + timeout + LACP_SHORT_TIMEOUT_TIME - 1);
	assert_int_equal(a0->rx_state, LACP_RX_S_EXPIRED);
	lx_run_until(lx, t + timeout + LACP_SHORT_TIMEOUT_TIME);
	assert_int_equal(a0->rx_state, LACP_RX_S_DEFAULTED);
	assert_int_equal(a0->stats.partner_timeouts, 1);	/* one silence */
	assert_true(a0->actor_oper_port_state & LACP_STATE_DEFAULTED);
	assert_false(a0->actor_oper_port_state & LACP_STATE_EXPIRED);
	assert_int_equal(a0->partner_oper.state, 0);
	/* defaulted: individual, not the active aggregator: standby */
	assert_int_equal(a0->selected, LACP_STANDBY);
	assert_false(m0->distributing);
	/* A told B (A->B still works): B stops using the link too */
	lx_run(lx, 10 * MS);
	assert_false(lx_port_in_service(lx, LX_B, 0));
	assert_true(lx_port_in_service(lx, LX_B, 1));

	/* the partner is heard again (at its next periodic LACPDU, fast or
	 * slow): back in service wait_while after that */
	sim_fault_set(lx->wire[0], SIM_B_TO_A, &(struct sim_fault){ 0 });
	lx_run(lx, (fast ? LACP_FAST_PERIODIC_TIME : LACP_SLOW_PERIODIC_TIME) +
	    LACP_AGGREGATE_WAIT_TIME + 10 * MS);
	assert_true(lx_all_in_service(lx));
	lx_free(lx);
}

static void
test_partner_timeout_fast_3s(void **state)
{
	check_partner_timeout(true);
}

static void
test_partner_timeout_slow_90s(void **state)
{
	check_partner_timeout(false);
}

/*
 * Carrier lost on one link: its member leaves service in the carrier
 * event itself (no time passes); the survivor's LACP does not move.
 */
static void
test_carrier_cut_moves_lanes_at_once(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = converged(&o);
	struct lx_lag *a = &lx->lags[0], *b = &lx->lags[1];
	struct lacp_port before = *lx_port(lx, LX_A, 1);
	struct lacp_port *a1 = lx_port(lx, LX_A, 1);
	unsigned nev = a->nev;
	uint64_t now = lx_now(lx);

	sim_carrier_set(lx->wire[0], false);
	assert_int_equal(lx_now(lx), now);
	assert_false(lx_member(lx, LX_A, 0)->distributing);
	assert_int_equal(lanes_of(a->lag, lx_member(lx, LX_A, 1)), LAG_LANES);
	assert_int_equal(lanes_of(b->lag, lx_member(lx, LX_B, 1)), LAG_LANES);
	assert_true(a->lag->carrier);
	assert_int_equal(lx_port(lx, LX_A, 0)->rx_state,
	    LACP_RX_S_PORT_DISABLED);
	lx_send(a, 256, 0);
	assert_int_equal(lx_take_rx(b, 1), 256);
	lx_send(b, 256, 0);
	assert_int_equal(lx_take_rx(a, 1), 256);

	/* the survivor: same states, same partner, no event about it */
	lx_run(lx, 100 * SEC);
	assert_int_equal(a1->rx_state, before.rx_state);
	assert_int_equal(a1->mux_state, before.mux_state);
	assert_int_equal(a1->selected, LACP_SELECTED);
	assert_ptr_equal(a1->aggregator, before.aggregator);
	assert_int_equal(a1->actor_oper_port_state,
	    before.actor_oper_port_state);
	assert_true(lx_info_eq(&a1->partner_oper, &before.partner_oper));
	for (unsigned i = nev; i < a->nev; i++)
		if (a->ev[i].type == LAG_EV_LACP)
			assert_ptr_not_equal(a->ev[i].member,
			    lx_member(lx, LX_A, 1));

	/* back: the port kept its aggregator, so no wait_while again; the
	 * first LACPDU goes out when the port comes up */
	sim_carrier_set(lx->wire[0], true);
	lx_run(lx, 1 * MS);
	assert_true(lx_all_in_service(lx));
	assert_int_equal(lanes_of(a->lag, lx_member(lx, LX_A, 0)),
	    LAG_LANES / 2);
	lx_free(lx);
}

/*
 * Churn: no Synchronization for Churn_Detection_Time. With min_links 3
 * and 2 links, A attaches nothing (actor churn); B's ports never see A in
 * sync (partner churn). Both from the moment the ports came up (t = 0).
 */
static void
test_churn_after_60s_without_sync(void **state)
{
	struct lag_options a = lx_opts(false), b = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lx_lag *la, *lb;

	a.min_links = 3;
	la = lx_lag(lx, LX_A, 3, &a);
	lb = lx_lag(lx, LX_B, 3, &b);
	lx_run_until(lx, LACP_CHURN_DETECTION_TIME - 1);
	for (unsigned i = 0; i < 2; i++) {
		struct lacp_port *pa = lx_port(lx, LX_A, i);
		struct lacp_port *pb = lx_port(lx, LX_B, i);

		assert_int_equal(pa->selected, LACP_STANDBY);
		assert_int_equal(pa->actor_churn_state, LACP_CHURN_S_MONITOR);
		assert_false(pa->actor_churn);
		assert_int_equal(pb->partner_churn_state, LACP_CHURN_S_MONITOR);
		/* B is in sync itself; A sees that */
		assert_int_equal(pb->actor_churn_state, LACP_CHURN_S_NO_CHURN);
		assert_int_equal(pa->partner_churn_state,
		    LACP_CHURN_S_NO_CHURN);
	}
	assert_false(la->lag->carrier);
	lx_run_until(lx, LACP_CHURN_DETECTION_TIME);
	for (unsigned i = 0; i < 2; i++) {
		struct lacp_port *pa = lx_port(lx, LX_A, i);
		struct lacp_port *pb = lx_port(lx, LX_B, i);

		assert_int_equal(pa->actor_churn_state, LACP_CHURN_S_CHURN);
		assert_true(pa->actor_churn);
		assert_int_equal(pa->stats.actor_churn, 1);
		assert_int_equal(pb->partner_churn_state, LACP_CHURN_S_CHURN);
		assert_true(pb->partner_churn);
	}
	/* the events say so */
	assert_true(la->ev[la->nev - 1].lacp.actor_churn);
	assert_true(lb->ev[lb->nev - 1].lacp.partner_churn);

	/* min_links met: in sync, no churn */
	a.min_links = 2;
	assert_int_equal(lag_options_set(la->lag, &a), 0);
	lx_run(lx, 1 * SEC);
	assert_true(lx_all_in_service(lx));
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(lx_port(lx, LX_A, i)->actor_churn_state,
		    LACP_CHURN_S_NO_CHURN);
		assert_int_equal(lx_port(lx, LX_B, i)->partner_churn_state,
		    LACP_CHURN_S_NO_CHURN);
	}
	assert_true(la->lag->carrier);
	lx_free(lx);
}

/* A partner that sends no LACP: partner churn, never actor churn. */
static void
test_churn_with_silent_partner(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(1, 0x3ad);
	struct lacp_port *p;

	lx_lag(lx, LX_A, 1, &o);
	p = lx_port(lx, LX_A, 0);
	lx_run_until(lx, LACP_CHURN_DETECTION_TIME);
	assert_int_equal(p->partner_churn_state, LACP_CHURN_S_CHURN);
	assert_int_equal(p->actor_churn_state, LACP_CHURN_S_NO_CHURN);
	lx_free(lx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partner_timeout_fast_3s),
		cmocka_unit_test(test_partner_timeout_slow_90s),
		cmocka_unit_test(test_carrier_cut_moves_lanes_at_once),
		cmocka_unit_test(test_churn_after_60s_without_sync),
		cmocka_unit_test(test_churn_with_silent_partner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
