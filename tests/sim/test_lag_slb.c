/*
 * balance-slb under virtual time: senders pinned by source MAC, a dead
 * member's senders moved (and only those), load rebalancing, and
 * broadcast taken on one member only.
 */
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
#define SENDERS 8

static struct lag_options
slb_opts(uint32_t rebalance_ms)
{
	struct lag_options o;

	lag_options_default(&o);
	o.mode = LAG_MODE_BALANCE_SLB;
	o.rebalance_interval = rebalance_ms;
	return o;
}

static void
sender_mac(unsigned s, uint8_t *mac)
{
	const uint8_t m[6] = { 0x02, 0x5b, 0, 0, 0, (uint8_t)(0x10 + s) };

	memcpy(mac, m, 6);
}

/* n frames of len bytes from sender s, hashed by the LAG (hash 0). */
static void
send_from(struct lag_fixture *lf, unsigned s, unsigned n, uint32_t len)
{
	uint8_t frame[1514] = { 0x02, 0xee, 0, 0, 0, 0x99 };
	struct pkt *p;

	sender_mac(s, frame + 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	for (unsigned i = 0; i < n; i++) {
		p = pkt_alloc(&lf->pool_a);
		assert_non_null(p);
		pkt_set(p, frame, len);
		lag_xmit(lf->lag, &p, 1);
	}
	sim_run_for(&lf->sim, NSEC_PER_USEC);
}

/* Which b-port did sender s's frames reach? -1 if several or none. */
static int
member_of_sender(struct lag_fixture *lf, unsigned s)
{
	int where = -1;

	for (unsigned i = 0; i < lf->nwires; i++)
		lf_recv(lf, i);
	send_from(lf, s, 4, 64);
	for (unsigned i = 0; i < lf->nwires; i++) {
		unsigned n = lf_recv(lf, i);

		if (n == 4 && where < 0)
			where = (int)i;
		else if (n)
			return -1;
	}
	return where;
}

static struct lag_fixture *
slb_new(uint32_t rebalance_ms)
{
	struct lag_options o = slb_opts(rebalance_ms);
	struct lag_fixture *lf = lf_new(2, &o);

	lf_add_members(lf);
	sim_run_for(&lf->sim, 1 * MS);
	return lf;
}

/* Spread the senders: run traffic, let one rebalance happen. */
static void
load_and_rebalance(struct lag_fixture *lf, uint32_t rebalance_ms)
{
	for (unsigned s = 0; s < SENDERS; s++)
		send_from(lf, s, 20, 1000);
	sim_run_for(&lf->sim, (uint64_t)rebalance_ms * MS);
	for (unsigned i = 0; i < lf->nwires; i++)
		lf_recv(lf, i);
}

static void
test_each_sender_leaves_by_one_member(void **state)
{
	struct lag_fixture *lf = slb_new(100);
	unsigned on[2] = { 0, 0 };

	load_and_rebalance(lf, 100);
	for (unsigned s = 0; s < SENDERS; s++) {
		int m = member_of_sender(lf, s);

		assert_true(m == 0 || m == 1);
		on[m]++;
	}
	/* after a rebalance both members carry senders */
	assert_true(on[0] > 0 && on[1] > 0);
	lf_free(lf);
}

/* Equal senders end up split evenly (within one sender's load). */
static void
test_rebalance_evens_the_load(void **state)
{
	struct lag_fixture *lf = slb_new(100);
	unsigned bytes[2] = { 0, 0 };

	/* both came up at once: the first member holds every lane */
	for (unsigned s = 0; s < SENDERS; s++)
		assert_int_equal(member_of_sender(lf, s), 0);
	load_and_rebalance(lf, 100);
	for (unsigned s = 0; s < SENDERS; s++)
		bytes[member_of_sender(lf, s)]++;
	assert_true(bytes[0] >= SENDERS / 2 - 1 && bytes[0] <= SENDERS / 2 + 1);
	assert_true(lf_count_events(lf, LAG_EV_LANES) >= 2);
	lf_free(lf);
}

/* A dead member's senders move to the living one; the others stay. */
static void
test_failover_moves_only_the_dead_members_senders(void **state)
{
	struct lag_fixture *lf = slb_new(100);
	int before[SENDERS];
	uint64_t failovers;
	unsigned on1, moved = 0;

	load_and_rebalance(lf, 100);
	for (unsigned s = 0; s < SENDERS; s++) {
		before[s] = member_of_sender(lf, s);
		moved += before[s] == 1;
	}
	assert_true(moved > 0);
	failovers = lf->lag->cnt.failovers;
	sim_carrier_set(lf->wire[1], false);
	sim_run_for(&lf->sim, 1 * MS);
	assert_int_equal(lf->lag->cnt.failovers, failovers + 1);
	for (unsigned s = 0; s < SENDERS; s++)
		assert_int_equal(member_of_sender(lf, s), 0);
	/* back: nobody moves until the next rebalance with traffic */
	sim_carrier_set(lf->wire[1], true);
	sim_run_for(&lf->sim, 1 * MS);
	for (unsigned s = 0; s < SENDERS; s++)
		assert_int_equal(member_of_sender(lf, s), 0);
	/* the next rebalance with traffic gives it senders again, and
	 * moves only from the member that had them all */
	load_and_rebalance(lf, 100);
	on1 = 0;
	for (unsigned s = 0; s < SENDERS; s++)
		on1 += member_of_sender(lf, s) == 1;
	assert_true(on1 >= SENDERS / 2 - 1 && on1 <= SENDERS / 2 + 1);
	lf_free(lf);
}

/* Rebalancing off: lanes stay where they are whatever the load. */
static void
test_no_rebalance_when_off(void **state)
{
	struct lag_fixture *lf = slb_new(0);

	load_and_rebalance(lf, 500);
	for (unsigned s = 0; s < SENDERS; s++)
		assert_int_equal(member_of_sender(lf, s), 0);
	assert_int_equal(lag_next_deadline(lf->lag), UINT64_MAX);
	lf_free(lf);
}

static enum lag_rx_verdict
rx_on(struct lag_fixture *lf, unsigned member, const uint8_t *dst)
{
	uint8_t frame[60] = { 0 };
	struct pkt *p = pkt_alloc(&lf->pool_a);
	enum lag_rx_verdict v;

	memcpy(frame, dst, 6);
	frame[6] = 0x02;
	frame[12] = 0x88;
	frame[13] = 0xb5;
	pkt_set(p, frame, sizeof(frame));
	v = lag_rx(lf->lag, lf->lag->members[member], p);
	pkt_free(p);
	return v;
}

/* The switch floods broadcasts to every member: one takes them. */
static void
test_broadcast_taken_on_the_active_member_only(void **state)
{
	struct lag_fixture *lf = slb_new(100);
	const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	const uint8_t ucast[6] = { 0x02, 0x5b, 0, 0, 0, 1 };
	unsigned other;

	assert_non_null(lf->lag->active);
	other = lf->lag->active->index ^ 1;
	assert_int_equal(rx_on(lf, lf->lag->active->index, bcast), LAG_RX_PASS);
	assert_int_equal(rx_on(lf, other, bcast), LAG_RX_DROP);
	assert_int_equal(rx_on(lf, other, mcast), LAG_RX_DROP);
	assert_int_equal(rx_on(lf, other, ucast), LAG_RX_PASS);
	assert_int_equal(lf->lag->members[other]->cnt.rx_drops[
	    LAG_RX_DROP_NOT_ACTIVE_MULTICAST], 2);
	/* the active member dies: the other takes broadcasts */
	sim_carrier_set(lf->wire[lf->lag->active->index], false);
	sim_run_for(&lf->sim, 1 * MS);
	assert_int_equal(lf->lag->active->index, other);
	assert_int_equal(rx_on(lf, other, bcast), LAG_RX_PASS);
	lf_free(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_sender_leaves_by_one_member),
		cmocka_unit_test(test_rebalance_evens_the_load),
		cmocka_unit_test(test_failover_moves_only_the_dead_members_senders),
		cmocka_unit_test(test_no_rebalance_when_off),
		cmocka_unit_test(test_broadcast_taken_on_the_active_member_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
