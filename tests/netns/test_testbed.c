/* The test bed itself: hosts appear, links carry traffic, down removes all. */
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "testbed.h"

static bool
netns_exists(const struct testbed *tb, const char *host)
{
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s-%s", tb->name, host);
	return access(path, F_OK) == 0;
}

static void
test_pair_links_ping_and_teardown(void **state)
{
	struct testbed tb = { 0 };
	int h;

	assert_true(testbed_available());
	assert_int_equal(testbed_pair(&tb, "ltb", 2), 0);
	assert_true(netns_exists(&tb, "h0"));
	assert_true(netns_exists(&tb, "h1"));

	h = testbed_enter(&tb, "h1");
	assert_true(h >= 0);
	assert_int_not_equal(if_nametoindex("eth0"), 0);
	assert_int_not_equal(if_nametoindex("eth1"), 0);
	assert_int_equal(if_nametoindex("eth2"), 0);
	testbed_leave(h);
	/* back home: the testbed's interfaces are not here */
	assert_int_equal(if_nametoindex("eth1"), 0);

	assert_int_equal(testbed_sh(&tb, "h0", "ip addr add 10.9.0.1/24 dev eth1"), 0);
	assert_int_equal(testbed_sh(&tb, "h1", "ip addr add 10.9.0.2/24 dev eth1"), 0);
	assert_int_equal(testbed_sh(&tb, "h0", "ping -c1 -W2 10.9.0.2 >/dev/null"), 0);
	assert_int_not_equal(testbed_sh(&tb, "h0", "exit 3"), 0);

	testbed_down(&tb);
	assert_false(netns_exists(&tb, "h0"));
	assert_false(netns_exists(&tb, "h1"));
}

static void
test_star_through_bridge(void **state)
{
	struct testbed tb = { 0 };

	assert_int_equal(testbed_star(&tb, "ltb", 3, 1, true), 0);
	assert_true(netns_exists(&tb, "sw"));
	assert_int_equal(testbed_sh(&tb, "h0", "ip addr add 10.9.1.1/24 dev eth0"), 0);
	assert_int_equal(testbed_sh(&tb, "h2", "ip addr add 10.9.1.3/24 dev eth0"), 0);
	assert_int_equal(testbed_sh(&tb, "h0", "ping -c1 -W2 10.9.1.3 >/dev/null"), 0);
	testbed_down(&tb);
	assert_false(netns_exists(&tb, "sw"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_links_ping_and_teardown),
		cmocka_unit_test(test_star_through_bridge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
