/*
 * link.c without root: rtnetlink queries need no privilege, so lo in the
 * current namespace is read and cross-checked against the ioctls, and
 * the monitor's watch is exercised on a hand-made port.
 */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "port/link.h"

static void
ioctl_lo(unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(ifr, 0, sizeof(*ifr));
	strcpy(ifr->ifr_name, "lo");
	assert_int_equal(ioctl(fd, req, ifr), 0);
	close(fd);
}

static void
test_query_lo_matches_ioctls(void **state)
{
	static const uint8_t zero[ETH_ALEN_];
	struct link_info li;
	struct ifreq ifr;

	assert_int_equal(link_query("lo", &li), 0);
	assert_int_equal(li.ifindex, (int)if_nametoindex("lo"));
	ioctl_lo(SIOCGIFMTU, &ifr);
	assert_int_equal(li.mtu, ifr.ifr_mtu);
	ioctl_lo(SIOCGIFFLAGS, &ifr);
	assert_int_equal(li.admin_up, !!(ifr.ifr_flags & IFF_UP));
	assert_memory_equal(li.mac, zero, ETH_ALEN_);
	/* lo that is up always has its lower layer */
	assert_int_equal(li.carrier, li.admin_up);
}

static void
test_query_errors(void **state)
{
	struct link_info li;

	assert_int_equal(link_query("nosuch-if0", &li), -ENODEV);
	assert_int_equal(link_query("", &li), -EINVAL);
	assert_int_equal(link_query(NULL, &li), -EINVAL);
	assert_int_equal(link_query("0123456789abcdefX", &li), -EINVAL);
	assert_int_equal(link_set_mtu(0, 1500), -EINVAL);
	assert_int_equal(link_set_mac(-1, (uint8_t[ETH_ALEN_]){ 2 }), -EINVAL);
	assert_int_equal(link_promisc_hold(0), -EINVAL);
}

static void
test_afpacket_open_no_interface(void **state)
{
	struct port_config cfg = { .ifname = "nosuch-if0" };
	struct pkt_pool pool;
	struct port *p = NULL;

	assert_int_equal(pkt_pool_init(&pool, 4, 2048), 0);
	assert_int_equal(port_open(&p, "afpacket", &cfg, &pool, 0), -ENODEV);
	assert_null(p);
	pkt_pool_fini(&pool);
}

static void
on_carrier(struct port *port, bool up, void *arg)
{
	unsigned *calls = arg;

	(*calls)++;
}

static void
test_monitor_watch_lo(void **state)
{
	struct link_monitor *mon = link_monitor_open();
	struct port lo = { .ifindex = (int)if_nametoindex("lo") };
	struct port gone = { .ifindex = 1 << 30 }, none = { 0 };
	struct link_info li;
	unsigned calls = 0;

	assert_non_null(mon);
	assert_true(link_monitor_fd(mon) >= 0);
	assert_int_equal(link_query("lo", &li), 0);
	port_set_carrier_cb(&lo, on_carrier, &calls);
	assert_int_equal(link_monitor_watch(mon, &lo), 0);
	assert_int_equal(lo.carrier, li.carrier);
	assert_int_equal(calls, li.carrier ? 1 : 0);
	assert_int_equal(link_monitor_watch(mon, &lo), -EEXIST);
	assert_int_equal(link_monitor_watch(mon, &gone), -ENODEV);
	assert_int_equal(link_monitor_watch(mon, &none), -EINVAL);
	assert_true(link_monitor_process(mon) >= 0);	/* never blocks */
	link_monitor_unwatch(mon, &lo);
	link_monitor_unwatch(mon, &lo);
	link_monitor_close(mon);
	link_monitor_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_lo_matches_ioctls),
		cmocka_unit_test(test_query_errors),
		cmocka_unit_test(test_afpacket_open_no_interface),
		cmocka_unit_test(test_monitor_watch_lo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
