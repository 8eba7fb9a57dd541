/* The LAG core under virtual time: link states, delays, modes, lanes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lag_fixture.h"

#define MS NSEC_PER_MSEC

static struct lag_options
opts(enum lag_mode mode)
{
	struct lag_options o;

	lag_options_default(&o);
	o.mode = mode;
	return o;
}

static void
test_ab_first_up_is_active_and_fails_over_at_once(void **state)
{
	struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
	struct lag_fixture *lf = lf_new(2, &o);

	lf_add_members(lf);
	assert_ptr_equal(lf->lag->active->port, lf->a[0]);
	assert_true(lf->lag->carrier);
	lf_send(lf, 100, 0);
	assert_int_equal(lf_recv(lf, 0), 100);
	assert_int_equal(lf_recv(lf, 1), 0);

	sim_carrier_set(lf->wire[0], false);
	/* no downdelay: the carrier event itself moves the lanes */
	assert_ptr_equal(lf->lag->active->port, lf->a[1]);
	assert_ptr_equal(lag_lane_member(lf->lag, 7)->port, lf->a[1]);
	assert_int_equal(lf->lag->cnt.failovers, 1);
	lf_send(lf, 100, 0);
	assert_int_equal(lf_recv(lf, 1), 100);
	assert_int_equal(lf_count_events(lf, LAG_EV_ACTIVE), 2);
	lf_free(lf);
}

static void
test_ab_primary_reselect(void **state)
{
	static const struct {
		enum lag_primary_reselect reselect;
		unsigned active_after_return;
	} cases[] = {
		{ LAG_RESELECT_ALWAYS, 1 },
		{ LAG_RESELECT_BETTER, 0 },	/* speeds unknown: equal */
		{ LAG_RESELECT_FAILURE, 0 },
	};

	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
		struct lag_fixture *lf;

		strcpy(o.primary, "a1");
		o.primary_reselect = cases[c].reselect;
		lf = lf_new(2, &o);
		lf_add_members(lf);
		/* when enslaved, the primary is made active */
		assert_ptr_equal(lf->lag->active->port, lf->a[1]);
		sim_carrier_set(lf->wire[1], false);
		assert_ptr_equal(lf->lag->active->port, lf->a[0]);
		sim_carrier_set(lf->wire[1], true);
		assert_ptr_equal(lf->lag->active->port,
		    lf->a[cases[c].active_after_return]);
		/* failure of the current one always goes to the primary */
		sim_carrier_set(lf->wire[0], false);
		assert_ptr_equal(lf->lag->active->port, lf->a[1]);
		lf_free(lf);
	}
}

static void
test_downdelay_keeps_member_until_it_expires(void **state)
{
	struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
	struct lag_fixture *lf;

	o.downdelay = 200;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	sim_carrier_set(lf->wire[0], false);
	assert_int_equal(lf->lag->members[0]->link, LAG_LINK_S_FAIL);
	assert_ptr_equal(lf->lag->active->port, lf->a[0]);
	sim_run_for(&lf->sim, 199 * MS);
	assert_ptr_equal(lf->lag->active->port, lf->a[0]);
	sim_run_for(&lf->sim, 1 * MS);
	assert_int_equal(lf->lag->members[0]->link, LAG_LINK_S_DOWN);
	assert_ptr_equal(lf->lag->active->port, lf->a[1]);
	lf_free(lf);
}

static void
test_downdelay_recovery_in_time_is_no_failure(void **state)
{
	struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
	struct lag_fixture *lf;

	o.downdelay = 200;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	sim_carrier_set(lf->wire[0], false);
	sim_run_for(&lf->sim, 100 * MS);
	sim_carrier_set(lf->wire[0], true);
	sim_run_for(&lf->sim, 500 * MS);
	assert_int_equal(lf->lag->members[0]->link, LAG_LINK_S_UP);
	assert_int_equal(lf->lag->members[0]->cnt.link_failures, 0);
	assert_ptr_equal(lf->lag->active->port, lf->a[0]);
	assert_int_equal(lf_count_events(lf, LAG_EV_LINK), 2); /* 2 initial ups */
	lf_free(lf);
}

static void
test_updelay_and_its_skip_when_nothing_is_up(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf;

	o.updelay = 300;
	lf = lf_new(2, &o);
	/* first member: nothing up, so no updelay */
	assert_int_equal(lag_member_add(lf->lag, lf->a[0]), 0);
	assert_int_equal(lf->lag->members[0]->link, LAG_LINK_S_UP);
	/* second member: waits */
	assert_int_equal(lag_member_add(lf->lag, lf->a[1]), 0);
	assert_int_equal(lf->lag->members[1]->link, LAG_LINK_S_BACK);
	assert_false(lf->lag->members[1]->distributing);
	sim_run_for(&lf->sim, 299 * MS);
	assert_int_equal(lf->lag->members[1]->link, LAG_LINK_S_BACK);
	sim_run_for(&lf->sim, 1 * MS);
	assert_int_equal(lf->lag->members[1]->link, LAG_LINK_S_UP);
	assert_true(lf->lag->members[1]->distributing);
	/* carrier lost during updelay: back to down, no up event */
	sim_carrier_set(lf->wire[1], false);
	sim_carrier_set(lf->wire[1], true);
	sim_run_for(&lf->sim, 100 * MS);
	sim_carrier_set(lf->wire[1], false);
	sim_run_for(&lf->sim, 1000 * MS);
	assert_int_equal(lf->lag->members[1]->link, LAG_LINK_S_DOWN);
	lf_free(lf);
}

static void
test_miimon_finds_a_change_without_event(void **state)
{
	struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
	struct lag_fixture *lf;

	o.miimon = 100;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	sim_run_for(&lf->sim, 10 * MS);
	/* a backend that reports no events: the carrier flips silently */
	lf->a[0]->carrier = false;
	sim_run_for(&lf->sim, 80 * MS);
	assert_ptr_equal(lf->lag->active->port, lf->a[0]);
	sim_run_for(&lf->sim, 20 * MS);
	assert_ptr_equal(lf->lag->active->port, lf->a[1]);
	lf_free(lf);
}

static unsigned
lanes_of(const struct lag *lag, unsigned member)
{
	unsigned n = 0;

	for (unsigned l = 0; l < LAG_LANES; l++)
		n += lag->lanes[l] == member;
	return n;
}

static void
test_lanes_move_only_from_the_lost_member(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf = lf_new(3, &o);
	uint8_t before[LAG_LANES];

	lf_add_members(lf);
	for (unsigned i = 0; i < 3; i++)
		assert_in_range(lanes_of(lf->lag, i), 85, 86);
	memcpy(before, lf->lag->lanes, sizeof(before));
	sim_carrier_set(lf->wire[1], false);
	for (unsigned l = 0; l < LAG_LANES; l++) {
		if (before[l] != 1)
			assert_int_equal(lf->lag->lanes[l], before[l]);
		else
			assert_int_not_equal(lf->lag->lanes[l], 1);
	}
	assert_int_equal(lanes_of(lf->lag, 0) + lanes_of(lf->lag, 2), LAG_LANES);
	assert_in_range(lanes_of(lf->lag, 0), 128, 128);

	memcpy(before, lf->lag->lanes, sizeof(before));
	sim_carrier_set(lf->wire[1], true);
	for (unsigned i = 0; i < 3; i++)
		assert_in_range(lanes_of(lf->lag, i), 85, 86);
	/* a lane moved only if it went to the member that came back */
	for (unsigned l = 0; l < LAG_LANES; l++)
		if (lf->lag->lanes[l] != before[l])
			assert_int_equal(lf->lag->lanes[l], 1);
	lf_free(lf);
}

static void
test_xor_spreads_by_hash(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf = lf_new(2, &o);

	lf_add_members(lf);
	lf_send(lf, 256, 0);	/* one frame per lane */
	assert_int_equal(lf_recv(lf, 0), 128);
	assert_int_equal(lf_recv(lf, 1), 128);
	/* the same flow always takes the same member */
	lf_send(lf, 10, 5);
	lf_send(lf, 10, 5);
	assert_int_equal(lf_recv(lf, 0) + lf_recv(lf, 1), 20);
	lf_free(lf);
}

static bool
is_member(const struct lag_member *m, void *arg)
{
	return m->index == *(const unsigned *)arg;
}

/* A lane of the member asked for (a QP's NUMA affinity), spread by the
 * salt; none when that member carries no lane (dead, or backup). */
static void
test_lane_pick_spreads_over_the_wanted_member(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf = lf_new(2, &o);
	bool seen[LAG_LANES] = { false };
	unsigned want = 1, distinct = 0;

	lf_add_members(lf);
	for (uint32_t salt = 0; salt < 128; salt++) {
		uint32_t l = lag_lane_pick(lf->lag, is_member, &want, salt);

		assert_true(l < LAG_LANES);
		assert_int_equal(lf->lag->lanes[l], 1);
		distinct += !seen[l];
		seen[l] = true;
	}
	assert_int_equal(distinct, 128);	/* all of its lanes */
	sim_carrier_set(lf->wire[1], false);
	assert_int_equal(lag_lane_pick(lf->lag, is_member, &want, 7),
	    LAG_LANES);
	lf_free(lf);
}

static void
test_broadcast_copies_to_every_member(void **state)
{
	struct lag_options o = opts(LAG_MODE_BROADCAST);
	struct lag_fixture *lf = lf_new(3, &o);

	lf_add_members(lf);
	lf_send(lf, 50, 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(lf_recv(lf, i), 50);
	sim_carrier_set(lf->wire[2], false);
	lf_send(lf, 50, 0);
	assert_int_equal(lf_recv(lf, 0), 50);
	assert_int_equal(lf_recv(lf, 1), 50);
	assert_int_equal(lf_recv(lf, 2), 0);
	lf_free(lf);
}

static void
test_rr_packets_per_slave(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_RR);
	struct lag_fixture *lf;

	o.packets_per_slave = 3;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	lf_send(lf, 3, 0);
	assert_int_equal(lf_recv(lf, 0), 3);
	assert_int_equal(lf_recv(lf, 1), 0);
	lf_send(lf, 3, 0);
	assert_int_equal(lf_recv(lf, 0), 0);
	assert_int_equal(lf_recv(lf, 1), 3);
	lf_send(lf, 60, 0);
	assert_int_equal(lf_recv(lf, 0), 30);
	assert_int_equal(lf_recv(lf, 1), 30);
	sim_carrier_set(lf->wire[0], false);
	lf_send(lf, 10, 0);
	assert_int_equal(lf_recv(lf, 1), 10);
	lf_free(lf);
}

static void
test_rx_drops_on_inactive_member(void **state)
{
	struct lag_options o = opts(LAG_MODE_ACTIVE_BACKUP);
	struct lag_fixture *lf = lf_new(2, &o);
	struct pkt *p;
	uint8_t frame[60] = { 0 };

	lf_add_members(lf);
	p = pkt_alloc(&lf->pool_a);
	pkt_set(p, frame, sizeof(frame));
	assert_int_equal(lag_rx(lf->lag, lf->lag->members[0], p), LAG_RX_PASS);
	assert_int_equal(lag_rx(lf->lag, lf->lag->members[1], p), LAG_RX_DROP);
	assert_int_equal(lf->lag->members[1]->cnt.rx_drops[LAG_RX_DROP_NOT_COLLECTING], 1);
	frame[12] = 0x88;
	frame[13] = 0x09;	/* slow protocols: no LACP runner here */
	pkt_set(p, frame, sizeof(frame));
	assert_int_equal(lag_rx(lf->lag, lf->lag->members[1], p), LAG_RX_DROP);
	assert_int_equal(lf->lag->members[1]->cnt.rx_drops[LAG_RX_DROP_SLOW_PROTO], 1);
	pkt_free(p);
	lf_free(lf);
}

static void
test_min_links_and_lag_carrier(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf;

	o.min_links = 2;
	lf = lf_new(3, &o);
	lf_add_members(lf);
	assert_true(lf->lag->carrier);
	sim_carrier_set(lf->wire[0], false);
	assert_true(lf->lag->carrier);
	sim_carrier_set(lf->wire[1], false);
	assert_false(lf->lag->carrier);
	sim_carrier_set(lf->wire[1], true);
	assert_true(lf->lag->carrier);
	assert_int_equal(lf_count_events(lf, LAG_EV_CARRIER), 3);
	lf_free(lf);
}

static void
test_member_errors(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf = lf_new(2, &o);
	struct lag *other;

	assert_int_equal(lag_member_add(lf->lag, lf->a[0]), 0);
	assert_int_equal(lag_member_add(lf->lag, lf->a[0]), -EBUSY);
	assert_int_equal(lag_member_del(lf->lag, lf->a[1]), -ENOENT);
	/* a port in one LAG cannot join another */
	assert_int_equal(lag_create(&other, "lag1", &o, sim_clock(&lf->sim),
	    &lf->pool_a), 0);
	assert_int_equal(lag_member_add(other, lf->a[0]), -EBUSY);
	lag_destroy(other);
	assert_int_equal(lag_member_del(lf->lag, lf->a[0]), 0);
	assert_int_equal(lf->lag->nmembers, 0);
	assert_false(lf->lag->carrier);
	for (unsigned l = 0; l < LAG_LANES; l++)
		assert_int_equal(lf->lag->lanes[l], LAG_NO_MEMBER);
	o.mode = LAG_MODE_COUNT;
	assert_int_equal(lag_create(&other, "x", &o, sim_clock(&lf->sim),
	    &lf->pool_a), -EINVAL);
	lf_free(lf);
}

static void
test_member_del_keeps_other_lanes(void **state)
{
	struct lag_options o = opts(LAG_MODE_BALANCE_XOR);
	struct lag_fixture *lf = lf_new(3, &o);

	lf_add_members(lf);
	assert_int_equal(lag_member_del(lf->lag, lf->a[0]), 0);
	assert_int_equal(lf->lag->nmembers, 2);
	assert_ptr_equal(lf->lag->members[0]->port, lf->a[1]);
	assert_int_equal(lanes_of(lf->lag, 0) + lanes_of(lf->lag, 1), LAG_LANES);
	lf_send(lf, 256, 0);
	assert_int_equal(lf_recv(lf, 0), 0);
	assert_int_equal(lf_recv(lf, 1) + lf_recv(lf, 2), 256);
	lf_free(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ab_first_up_is_active_and_fails_over_at_once),
		cmocka_unit_test(test_ab_primary_reselect),
		cmocka_unit_test(test_downdelay_keeps_member_until_it_expires),
		cmocka_unit_test(test_downdelay_recovery_in_time_is_no_failure),
		cmocka_unit_test(test_updelay_and_its_skip_when_nothing_is_up),
		cmocka_unit_test(test_miimon_finds_a_change_without_event),
		cmocka_unit_test(test_lanes_move_only_from_the_lost_member),
		cmocka_unit_test(test_xor_spreads_by_hash),
		cmocka_unit_test(test_lane_pick_spreads_over_the_wanted_member),
		cmocka_unit_test(test_broadcast_copies_to_every_member),
		cmocka_unit_test(test_rr_packets_per_slave),
		cmocka_unit_test(test_rx_drops_on_inactive_member),
		cmocka_unit_test(test_min_links_and_lag_carrier),
		cmocka_unit_test(test_member_errors),
		cmocka_unit_test(test_member_del_keeps_other_lanes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
