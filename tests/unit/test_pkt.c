#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/pkt.h"

static void
test_pool_exhaustion_and_reuse(void **state)
{
	struct pkt_pool pool;
	struct pkt *a[4], *extra;

	assert_int_equal(pkt_pool_init(&pool, 4, 512), 0);
	assert_int_equal(pkt_alloc_bulk(&pool, a, 4), 4);
	extra = pkt_alloc(&pool);
	assert_null(extra);
	assert_int_equal(pool.alloc_fail, 1);
	pkt_free(a[2]);
	extra = pkt_alloc(&pool);
	assert_ptr_equal(extra, a[2]);
	a[2] = extra;
	pkt_free_bulk(a, 4);
	assert_int_equal(pool.nfree, 4);
	pkt_pool_fini(&pool);
}

static void
test_bulk_is_all_or_nothing(void **state)
{
	struct pkt_pool pool;
	struct pkt *a[8];

	assert_int_equal(pkt_pool_init(&pool, 4, 512), 0);
	assert_int_equal(pkt_alloc_bulk(&pool, a, 5), 0);
	assert_int_equal(pool.nfree, 4);
	pkt_pool_fini(&pool);
}

static void
test_push_pull_put_bounds(void **state)
{
	struct pkt_pool pool;
	struct pkt *p;
	uint32_t room;

	assert_int_equal(pkt_pool_init(&pool, 1, 512), 0);
	p = pkt_alloc(&pool);
	room = pkt_tailroom(p);
	assert_int_equal(room, 512 - PKT_HEADROOM);
	assert_non_null(pkt_put(p, 100));
	assert_null(pkt_put(p, room - 99));
	assert_non_null(pkt_push(p, PKT_HEADROOM));
	assert_null(pkt_push(p, 1));
	assert_int_equal(p->len, 100 + PKT_HEADROOM);
	assert_non_null(pkt_pull(p, p->len));
	assert_null(pkt_pull(p, 1));
	assert_int_equal(pkt_set(p, p->buf, 512), -ENOSPC);
	pkt_free(p);
	pkt_pool_fini(&pool);
}

static void
test_bad_pool_parameters(void **state)
{
	struct pkt_pool pool;

	assert_int_equal(pkt_pool_init(&pool, 0, 2048), -EINVAL);
	assert_int_equal(pkt_pool_init(&pool, 8, PKT_HEADROOM), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_exhaustion_and_reuse),
		cmocka_unit_test(test_bulk_is_all_or_nothing),
		cmocka_unit_test(test_push_pull_put_bounds),
		cmocka_unit_test(test_bad_pool_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
