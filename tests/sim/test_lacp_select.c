/*
 * 802.3ad Selection Logic between lagnic LAGs over sim wires: a partner
 * whose System ID changes, aggregators to different partners coming and
 * going under ad_select stable/bandwidth/count, min_links, a member
 * leaving.
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

static bool
saw_mux(const struct lx_lag *l, unsigned from, const struct lag_member *m,
    const char *mux)
{
	for (unsigned i = from; i < l->nev; i++)
		if (l->ev[i].type == LAG_EV_LACP && l->ev[i].member == m &&
		    strcmp(l->ev[i].lacp.mux, mux) == 0)
			return true;
	return false;
}

/* B's System ID changes: A selects again, to an aggregator facing it. */
static void
test_partner_change_reselects(void **state)
{
	static const uint8_t new_mac[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };
	struct lag_options o = lx_opts(false), ob = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lx_lag *a = lx_lag(lx, LX_A, 3, &o);
	struct lx_lag *b = lx_lag(lx, LX_B, 3, &ob);
	unsigned nev;
	uint64_t t;

	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_memory_equal(lx_port(lx, LX_A, 0)->aggregator->partner_system,
	    b->lag->mac, 6);
	nev = a->nev;
	memcpy(ob.lacp.ad_actor_system, new_mac, 6);
	assert_int_equal(lag_options_set(b->lag, &ob), 0);
	t = lx_now(lx);
	/* the new ID went out at once: A dropped the old aggregation */
	lx_run(lx, 1 * MS);
	for (unsigned i = 0; i < 2; i++) {
		struct lacp_port *p = lx_port(lx, LX_A, i);

		assert_false(lx_port_in_service(lx, LX_A, i));
		assert_memory_equal(p->partner_oper.system, new_mac, 6);
		assert_true(saw_mux(a, nev, lx_member(lx, LX_A, i),
		    "WAITING"));
	}
	assert_false(a->lag->carrier);
	/* and formed the new one after wait_while */
	lx_run_until(lx, t + LACP_AGGREGATE_WAIT_TIME + 1 * MS);
	assert_true(lx_all_in_service(lx));
	assert_ptr_equal(lx_port(lx, LX_A, 0)->aggregator,
	    lx_port(lx, LX_A, 1)->aggregator);
	assert_memory_equal(lx_port(lx, LX_A, 0)->aggregator->partner_system,
	    new_mac, 6);
	assert_true(a->lag->carrier);
	lx_free(lx);
}

/*
 * A over a0, a1, a2; a0 goes to B1 (another system), a1 and a2 to B2:
 * two aggregators on A, {a0} and {a1, a2}.
 */
static struct lacp_fixture *
two_partners(enum lag_ad_select sel)
{
	struct lag_options o = lx_opts(true), ob = lx_opts(true);
	struct lacp_fixture *lx = lx_new(3, 0x3ad);

	o.lacp.ad_select = sel;
	lx_lag(lx, LX_A, 7, &o);
	lx_lag(lx, LX_B, 1, &ob);
	lx_lag(lx, LX_B, 6, &ob);
	lx_run(lx, 3 * SEC);
	assert_ptr_not_equal(lx_port(lx, LX_A, 0)->aggregator,
	    lx_port(lx, LX_A, 1)->aggregator);
	assert_ptr_equal(lx_port(lx, LX_A, 1)->aggregator,
	    lx_port(lx, LX_A, 2)->aggregator);
	return lx;
}

/* Which of A's ports are in service, as bits; the partner agrees. */
static unsigned
a_in_service(struct lacp_fixture *lx)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < 3; i++) {
		bool a = lx_port_in_service(lx, LX_A, i);

		assert_int_equal(a, lx_port_in_service(lx, LX_B, i));
		bits |= (unsigned)a << i;
	}
	return bits;
}

static void
check_select_by_size(enum lag_ad_select sel)
{
	struct lacp_fixture *lx = two_partners(sel);
	struct lacp_port *a0 = lx_port(lx, LX_A, 0);

	/* the bigger aggregator wins; a0 waits, out of sync */
	assert_int_equal(a_in_service(lx), 6);
	assert_int_equal(a0->selected, LACP_STANDBY);
	assert_int_equal(a0->mux_state, LACP_MUX_S_WAITING);
	assert_false(a0->actor_oper_port_state & LACP_STATE_SYNC);
	/* its links go: the other aggregator takes over at once */
	sim_carrier_set(lx->wire[1], false);
	/* 1 port and 1 port: a tie, the current one stays */
	assert_int_equal(a_in_service(lx), 4);
	sim_carrier_set(lx->wire[2], false);
	lx_run(lx, 10 * MS);
	assert_int_equal(a_in_service(lx), 1);
	assert_true(lx->lags[0].lag->carrier);
	/* one comes back: a tie, the current one stays */
	sim_carrier_set(lx->wire[1], true);
	lx_run(lx, 3 * SEC);
	assert_int_equal(a_in_service(lx), 1);
	/* both: bigger again, A moves back */
	sim_carrier_set(lx->wire[2], true);
	lx_run(lx, 3 * SEC);
	assert_int_equal(a_in_service(lx), 6);
	assert_int_equal(a0->selected, LACP_STANDBY);
	lx_free(lx);
}

static void
test_ad_select_count(void **state)
{
	check_select_by_size(LAG_AD_SELECT_PORTS);
}

/* Port speeds are unknown: bandwidth counts 1 per port, as count. */
static void
test_ad_select_bandwidth(void **state)
{
	check_select_by_size(LAG_AD_SELECT_BANDWIDTH);
}

/*
 * stable: the first aggregator with a partner keeps the job until it
 * has no port left, however big the other grows.
 */
static void
test_ad_select_stable(void **state)
{
	struct lacp_fixture *lx = two_partners(LAG_AD_SELECT_STABLE);

	assert_int_equal(a_in_service(lx), 1);
	sim_carrier_set(lx->wire[0], false);
	lx_run(lx, 10 * MS);
	assert_int_equal(a_in_service(lx), 6);
	sim_carrier_set(lx->wire[0], true);
	lx_run(lx, 10 * SEC);
	assert_int_equal(a_in_service(lx), 6);
	/* changing ad_select at run time takes effect at once */
	{
		struct lag_options o = lx->lags[0].lag->opt;

		sim_carrier_set(lx->wire[1], false);
		sim_carrier_set(lx->wire[2], false);
		lx_run(lx, 10 * MS);
		assert_int_equal(a_in_service(lx), 1);
		sim_carrier_set(lx->wire[1], true);
		sim_carrier_set(lx->wire[2], true);
		lx_run(lx, 3 * SEC);
		assert_int_equal(a_in_service(lx), 1);
		o.lacp.ad_select = LAG_AD_SELECT_PORTS;
		assert_int_equal(lag_options_set(lx->lags[0].lag, &o), 0);
		lx_run(lx, 10 * MS);
		assert_int_equal(a_in_service(lx), 6);
	}
	lx_free(lx);
}

/* Below min_links the aggregator is not enabled: carrier down. */
static void
test_min_links(void **state)
{
	struct lag_options o = lx_opts(true), ob = lx_opts(true);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lx_lag *a, *b;

	o.min_links = 2;
	a = lx_lag(lx, LX_A, 3, &o);
	b = lx_lag(lx, LX_B, 3, &ob);
	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_true(a->lag->carrier);
	sim_carrier_set(lx->wire[0], false);
	/* the survivor detaches: out of sync, so B stops using it too */
	assert_false(a->lag->carrier);
	assert_false(lx_member(lx, LX_A, 1)->distributing);
	assert_int_equal(lx_port(lx, LX_A, 1)->selected, LACP_STANDBY);
	lx_run(lx, 1 * MS);
	assert_false(lx_port_in_service(lx, LX_B, 1));
	assert_true(b->lag->carrier == false);
	lx_send(a, 10, 0);
	assert_int_equal(lx_take_rx(b, 1), 0);
	assert_int_equal(a->lag->cnt.tx_no_member, 10);
	sim_carrier_set(lx->wire[0], true);
	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_true(a->lag->carrier);
	assert_true(lx_count_events(a, LAG_EV_CARRIER) >= 3);
	lx_free(lx);
}

/*
 * A member removed from A's LAG says goodbye (Aggregation FALSE): B
 * unselects that port at once rather than after a timeout.
 */
static void
test_member_removal_tells_the_partner(void **state)
{
	struct lag_options o = lx_opts(false);
	struct lacp_fixture *lx = lx_new(2, 0x3ad);
	struct lx_lag *a = lx_lag(lx, LX_A, 3, &o);
	struct lx_lag *b = lx_lag(lx, LX_B, 3, &o);
	struct lacp_port *b1 = lx_port(lx, LX_B, 1);

	lx_run(lx, 3 * SEC);
	assert_true(lx_all_in_service(lx));
	assert_int_equal(lag_member_del(a->lag, lx->port[LX_A][1]), 0);
	lx->lag_of[LX_A][1] = NULL;
	a->mask = 1;
	lx_run(lx, 1 * MS);
	assert_false(lx_port_in_service(lx, LX_B, 1));
	assert_false(b1->partner_oper.state & LACP_STATE_AGGREGATION);
	assert_true(lx_port_in_service(lx, LX_B, 0));
	/* everything on the remaining link */
	lx_send(b, 256, 0);
	assert_int_equal(lx_take_rx(a, 0), 256);
	/* the port, now plain, sends nothing more; b1 times out quietly */
	lx_run(lx, 100 * SEC);
	assert_int_equal(b1->rx_state, LACP_RX_S_DEFAULTED);
	assert_true(lx_port_in_service(lx, LX_B, 0));
	lx_free(lx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partner_change_reselects),
		cmocka_unit_test(test_ad_select_count),
		cmocka_unit_test(test_ad_select_bandwidth),
		cmocka_unit_test(test_ad_select_stable),
		cmocka_unit_test(test_min_links),
		cmocka_unit_test(test_member_removal_tells_the_partner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
