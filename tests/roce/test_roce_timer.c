/* The engine's timer heap: order, re-arming, cancelling, ties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lib/rng.h"
#include "roce/roce_timer.h"

#define N 500

struct t {
	struct roce_timer tm;
	uint64_t fired_at;
	unsigned fired;
	unsigned order;		/* nfired when it fired */
};

static uint64_t last_fire;
static unsigned nfired;

static void
fire(struct roce_timer *tm, uint64_t now)
{
	struct t *t = (struct t *)tm;

	assert_true(tm->when <= now);
	assert_true(tm->when >= last_fire);	/* in time order */
	last_fire = tm->when;
	t->fired_at = now;
	t->fired++;
	t->order = ++nfired;
}

static void
test_random_arm_cancel(void **state)
{
	static struct t ts[N];
	struct roce_timers h;
	struct rng r;
	uint64_t expect[N];

	rng_seed(&r, 42);
	roce_timers_init(&h);
	assert_int_equal(roce_timers_reserve(&h, N), 0);
	for (int i = 0; i < N; i++) {
		roce_timer_init(&ts[i].tm, fire);
		expect[i] = UINT64_MAX;
	}
	/* arm, re-arm and cancel at random; remember the last word */
	for (int k = 0; k < 5000; k++) {
		int i = (int)rng_below(&r, N);

		if (rng_below(&r, 4) == 0) {
			roce_timer_cancel(&h, &ts[i].tm);
			expect[i] = UINT64_MAX;
		} else {
			expect[i] = 1 + rng_below(&r, 1000000);
			assert_int_equal(roce_timer_arm(&h, &ts[i].tm,
			    expect[i]), 0);
		}
	}
	last_fire = 0;
	nfired = 0;
	roce_timers_run(&h, 500000);
	roce_timers_run(&h, UINT64_MAX - 1);
	for (int i = 0; i < N; i++) {
		assert_false(roce_timer_armed(&ts[i].tm));
		assert_int_equal(ts[i].fired, expect[i] != UINT64_MAX);
	}
	assert_int_equal(roce_timers_next(&h), UINT64_MAX);
	roce_timers_fini(&h);
}

static void
test_ties_fire_in_arming_order(void **state)
{
	struct t a = { 0 }, b = { 0 };
	struct roce_timers h;

	roce_timers_init(&h);
	roce_timer_init(&a.tm, fire);
	roce_timer_init(&b.tm, fire);
	assert_int_equal(roce_timer_arm(&h, &b.tm, 10), 0);
	assert_int_equal(roce_timer_arm(&h, &a.tm, 10), 0);
	assert_int_equal(roce_timers_next(&h), 10);
	last_fire = 0;
	roce_timers_run(&h, 9);
	assert_int_equal(a.fired + b.fired, 0);
	roce_timers_run(&h, 10);
	assert_int_equal(a.fired + b.fired, 2);
	assert_true(b.order < a.order);
	roce_timers_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_arm_cancel),
		cmocka_unit_test(test_ties_fire_in_arming_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
