#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/heap.h"
#include "lib/rng.h"

static void
test_pops_in_time_then_insertion_order(void **state)
{
	struct heap h;
	struct heap_item it;
	struct rng rng;
	uint64_t last_when = 0, last_seq = 0;

	assert_int_equal(heap_init(&h, 1000), 0);
	rng_seed(&rng, 42);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(heap_push(&h, rng_below(&rng, 50), NULL, i), 0);
	assert_int_equal(heap_push(&h, 0, NULL, 0), -ENOSPC);
	for (int i = 0; i < 1000; i++) {
		assert_true(heap_pop(&h, &it));
		assert_true(it.when >= last_when);
		if (i > 0 && it.when == last_when)
			assert_true(it.seq > last_seq);
		last_when = it.when;
		last_seq = it.seq;
	}
	assert_false(heap_pop(&h, &it));
	heap_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pops_in_time_then_insertion_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
