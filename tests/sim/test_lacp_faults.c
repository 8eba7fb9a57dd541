/*
 * 802.3ad over faulty sim wires: seeded loss, reordering, duplication
 * (and, apart, corruption: the sim has no FCS, so a flipped bit reaches
 * the parser). Each run prints its seed; LAGNIC_SEED=... reruns one.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lacp_fixture.h"

#define SEC	NSEC_PER_SEC
#define MS	NSEC_PER_MSEC

static const struct sim_fault lossy = {
	.drop_pct = 10, .dup_pct = 10,
	.reorder_pct = 20, .reorder_window_ns = 50 * MS,
	.delay_ns = 100 * NSEC_PER_USEC,
};

static void
faults_everywhere(struct lacp_fixture *lx, const struct sim_fault *f)
{
	for (unsigned i = 0; i < lx->nwires; i++) {
		sim_fault_set(lx->wire[i], SIM_A_TO_B, f);
		sim_fault_set(lx->wire[i], SIM_B_TO_A, f);
	}
}

/* Time until every port is in service, in 10 ms steps; max if never. */
static uint64_t
time_to_converge(struct lacp_fixture *lx, uint64_t max)
{
	uint64_t t0 = lx_now(lx);

	while (!lx_all_in_service(lx) && lx_now(lx) - t0 < max)
		lx_run(lx, 10 * MS);
	return lx_all_in_service(lx) ? lx_now(lx) - t0 : max;
}

/* Ports that left service while the faults went on (LACP events). */
static unsigned
flaps(const struct lx_lag *l, unsigned from)
{
	unsigned n = 0;

	for (unsigned i = from; i < l->nev; i++)
		n += l->ev[i].type == LAG_EV_LACP &&
		    (l->ev[i].lacp.actor_old & LACP_STATE_DISTRIBUTING) &&
		    !(l->ev[i].lacp.actor_new & LACP_STATE_DISTRIBUTING);
	return n;
}

static void
check_lossy(uint64_t seed, bool fast)
{
	struct lag_options o = lx_opts(fast);
	struct lacp_fixture *lx = lx_new(3, seed);
	uint64_t t, limit = fast ? 10 * SEC : 40 * SEC;
	unsigned from[2], n, up = 0;

	faults_everywhere(lx, &lossy);
	lx_lag(lx, LX_A, 7, &o);
	lx_lag(lx, LX_B, 7, &o);
	t = time_to_converge(lx, limit);
	if (t >= limit) {
		lx_dump(lx);
		fail_msg("seed 0x%" PRIx64 " (%s): no convergence in %" PRIu64
		    " s", seed, fast ? "fast" : "slow",
		    (uint64_t)(limit / SEC));
	}
	print_message("seed 0x%" PRIx64 " %s: converged in %" PRIu64 " ms\n",
	    seed, fast ? "fast" : "slow", (uint64_t)(t / MS));
	/*
	 * And keeps it, mostly: a port leaves service when 3 periodic
	 * LACPDUs in a row are lost (or 2 and the next one is late), and
	 * comes back at the next one that arrives.
	 */
	from[0] = lx->lags[0].nev;
	from[1] = lx->lags[1].nev;
	for (int k = 0; k < 12000; k++) {
		lx_run(lx, 10 * MS);
		up += lx_all_in_service(lx);
	}
	n = flaps(&lx->lags[0], from[0]) + flaps(&lx->lags[1], from[1]);
	print_message("seed 0x%" PRIx64 " %s: %u ports left service in 120 s,"
	    " all in service %u.%u%% of the time\n", seed,
	    fast ? "fast" : "slow", n, up / 120, up / 12 % 10);
	assert_true(up >= 12000 * 97 / 100);
	/* whatever happened, it is back in service shortly */
	t = time_to_converge(lx, limit);
	assert_true(t < limit);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(lx_port(lx, LX_A, i)->actor_oper_port_state,
		    0x3d | (fast ? LACP_STATE_TIMEOUT : 0));
		assert_ptr_equal(lx_port(lx, LX_A, i)->aggregator,
		    lx_port(lx, LX_A, 0)->aggregator);
	}
	lx_free(lx);
}

static void
test_converges_under_loss_reorder_dup(void **state)
{
	uint64_t base = lx_seed(0x10553);

	for (uint64_t k = 0; k < 8; k++) {
		check_lossy(base + k, true);
		check_lossy(base + k, false);
	}
}

/* Corrupted frames: counted or taken for what they say; never a crash,
 * and a clean wire brings the aggregation back. */
static void
test_corruption_then_recovery(void **state)
{
	struct lag_options o = lx_opts(true);
	uint64_t seed = lx_seed(0xc0ffee);
	struct lacp_fixture *lx = lx_new(2, seed);
	uint64_t drops = 0;

	faults_everywhere(lx, &(struct sim_fault){ .corrupt_pct = 30 });
	lx_lag(lx, LX_A, 3, &o);
	lx_lag(lx, LX_B, 3, &o);
	lx_run(lx, 120 * SEC);
	for (int s = 0; s < LX_SIDES; s++)
		for (unsigned i = 0; i < 2; i++)
			for (unsigned d = 0; d < LACP_DROP_COUNT; d++)
				drops += lx_port(lx, s, i)->stats.drops[d];
	print_message("seed 0x%" PRIx64 ": %" PRIu64 " corrupt PDUs dropped\n",
	    seed, drops);
	assert_true(drops > 0);
	faults_everywhere(lx, &(struct sim_fault){ 0 });
	/* a corrupted System ID may have taken a port elsewhere: at most
	 * a current_while, a periodic time and wait_while to come back */
	assert_true(time_to_converge(lx, 10 * SEC) < 10 * SEC);
	lx_free(lx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges_under_loss_reorder_dup),
		cmocka_unit_test(test_corruption_then_recovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
