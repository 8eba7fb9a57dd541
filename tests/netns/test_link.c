/*
 * link.c on real interfaces: the link monitor turns rtnetlink events into
 * carrier callbacks (peer down, local down, link deleted, overrun), and
 * watches are checked. Every wait is for an event on the monitor's fd.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "port/link.h"
#include "testbed.h"

#define WAIT_MS 10000		/* for an event that must come */

struct carrier_log {
	unsigned calls;
	bool last;
	struct link_monitor *unwatch_on_down;	/* callback unwatches */
};

struct fixture {
	struct testbed tb;
	struct pkt_pool pool;
	struct port *p0;		/* afpacket on h0:eth0 */
	struct link_monitor *mon;	/* opened in h0 */
	struct carrier_log log;
};

static void
on_carrier(struct port *port, bool up, void *arg)
{
	struct carrier_log *log = arg;

	log->calls++;
	log->last = up;
	if (!up && log->unwatch_on_down)
		link_monitor_unwatch(log->unwatch_on_down, port);
}

static int
open_in(struct fixture *f, const char *host, const char *ifname,
    struct port **out)
{
	struct port_config cfg = { .ifname = ifname, .rx_ring_size = 256,
	    .tx_ring_size = 256 };
	int h = testbed_enter(&f->tb, host);
	int err;

	assert_true(h >= 0);
	err = port_open(out, "afpacket", &cfg, &f->pool, 0);
	testbed_leave(h);
	return err;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int h;

	assert_non_null(f);
	assert_true(testbed_available());
	assert_int_equal(testbed_pair(&f->tb, "llnk", 1), 0);
	assert_int_equal(pkt_pool_init(&f->pool, 256, 2048), 0);
	assert_int_equal(open_in(f, "h0", "eth0", &f->p0), 0);
	port_set_carrier_cb(f->p0, on_carrier, &f->log);
	h = testbed_enter(&f->tb, "h0");
	assert_true(h >= 0);
	f->mon = link_monitor_open();
	testbed_leave(h);
	assert_non_null(f->mon);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	link_monitor_close(f->mon);
	port_close(f->p0);
	testbed_down(&f->tb);
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

/* Wait for the next batch of events and apply it; number handled. */
static int
next_events(struct fixture *f)
{
	struct pollfd pfd = { .fd = link_monitor_fd(f->mon), .events = POLLIN };
	int n;

	if (poll(&pfd, 1, WAIT_MS) <= 0)
		fail_msg("no link event within %d ms", WAIT_MS);
	n = link_monitor_process(f->mon);
	assert_true(n >= 0);
	return n;
}

static void
wait_carrier(struct fixture *f, struct port *port, bool want)
{
	while (port->carrier != want)
		next_events(f);
}

/* (c) Carrier follows the peer's and our own admin state, both ways. */
static void
test_carrier_peer_and_local(void **state)
{
	struct fixture *f = *state;

	assert_true(f->p0->carrier);
	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	assert_int_equal(f->log.calls, 0);	/* no change, no call */

	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	wait_carrier(f, f->p0, false);
	assert_int_equal(f->log.calls, 1);
	assert_false(f->log.last);
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 up"), 0);
	wait_carrier(f, f->p0, true);
	assert_int_equal(f->log.calls, 2);
	assert_true(f->log.last);

	assert_int_equal(testbed_sh(&f->tb, "h0", "ip link set eth0 down"), 0);
	wait_carrier(f, f->p0, false);
	assert_int_equal(f->log.calls, 3);
	assert_int_equal(testbed_sh(&f->tb, "h0", "ip link set eth0 up"), 0);
	wait_carrier(f, f->p0, true);
	assert_int_equal(f->log.calls, 4);
	assert_true(f->log.last);
	assert_int_equal(f->p0->cnt.carrier_changes, 4);

	/* unwatched: the event comes and goes, no call */
	link_monitor_unwatch(f->mon, f->p0);
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	while (next_events(f) == 0)
		;
	assert_int_equal(f->log.calls, 4);
	assert_true(f->p0->carrier);
}

/* Frames stop being sent while the monitor says the carrier is down. */
static void
test_tx_dropped_without_carrier(void **state)
{
	struct fixture *f = *state;
	struct pkt *pkt;

	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	wait_carrier(f, f->p0, false);
	pkt = pkt_alloc(&f->pool);
	assert_non_null(pkt);
	assert_non_null(pkt_put(pkt, 64));
	memset(pkt->data, 0xff, 64);
	assert_int_equal(port_tx_burst(f->p0, &pkt, 1), 1);
	assert_int_equal(f->p0->cnt.tx_dropped, 1);
	assert_int_equal(f->p0->cnt.tx_packets, 0);
}

/* Two ports on one interface both hear; a callback may unwatch itself. */
static void
test_shared_ifindex_and_reentry(void **state)
{
	struct fixture *f = *state;
	struct port other = { .ifindex = f->p0->ifindex };
	struct carrier_log olog = { .unwatch_on_down = f->mon };

	port_set_carrier_cb(&other, on_carrier, &olog);
	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	assert_int_equal(link_monitor_watch(f->mon, &other), 0);
	assert_true(other.carrier);
	assert_int_equal(olog.calls, 1);	/* false -> true at watch */

	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	wait_carrier(f, f->p0, false);
	assert_false(other.carrier);
	assert_int_equal(olog.calls, 2);
	/* `other` unwatched itself on the way down: it stays down */
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 up"), 0);
	wait_carrier(f, f->p0, true);
	assert_false(other.carrier);
	assert_int_equal(olog.calls, 2);
}

/* RTM_DELLINK: the interface goes away, so does its carrier. */
static void
test_dellink_carrier_down(void **state)
{
	struct fixture *f = *state;
	struct port *p = NULL;

	assert_int_equal(testbed_sh(&f->tb, "h0",
	    "ip link add tmpa type veth peer name tmpb && "
	    "ip link set tmpb up && ip link set tmpa up"), 0);
	assert_int_equal(open_in(f, "h0", "tmpa", &p), 0);
	port_set_carrier_cb(p, on_carrier, &f->log);
	assert_int_equal(link_monitor_watch(f->mon, p), 0);
	wait_carrier(f, p, true);
	assert_int_equal(testbed_sh(&f->tb, "h0", "ip link del tmpa"), 0);
	wait_carrier(f, p, false);
	assert_false(f->log.last);
	link_monitor_unwatch(f->mon, p);
	port_close(p);
}

/* Kernel's drop count for our netlink socket (/proc of our namespace). */
static unsigned long
netlink_drops(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	unsigned long drops = 0, pid, d;
	int eth;
	char line[256];
	FILE *fp;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	fp = fopen("/proc/thread-self/net/netlink", "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%*s %d %lu %*s %*d %*d %*d %*d %lu", &eth,
		    &pid, &d) == 3 && eth == NETLINK_ROUTE && pid == sa.nl_pid)
			drops = d;
	fclose(fp);
	return drops;
}

/* A second monitor in h0 with room for every event: the kernel's truth. */
struct witness {
	struct link_monitor *mon;
	struct port port;
};

static void
witness_open(struct fixture *f, struct witness *w)
{
	int h = testbed_enter(&f->tb, "h0");

	assert_true(h >= 0);
	w->mon = link_monitor_open();
	testbed_leave(h);
	assert_non_null(w->mon);
	w->port = (struct port){ .ifindex = f->p0->ifindex };
	assert_int_equal(link_monitor_watch(w->mon, &w->port), 0);
}

static void
witness_wait(struct witness *w, bool want)
{
	struct pollfd pfd = { .fd = link_monitor_fd(w->mon), .events = POLLIN };

	while (w->port.carrier != want) {
		if (poll(&pfd, 1, WAIT_MS) <= 0)
			fail_msg("witness: no link event within %d ms", WAIT_MS);
		assert_true(link_monitor_process(w->mon) >= 0);
	}
}

/*
 * ENOBUFS: events were lost, so every watched link is asked again, and
 * only after the events still queued (older than the answer) are applied.
 * Queued: eth0 down. Then noise on other links overruns the socket and
 * eth0's coming up is lost. Right: down, then up. Without the re-query
 * the port stays down; re-querying before draining ends down as well.
 */
static void
test_monitor_overrun_resyncs(void **state)
{
	struct fixture *f = *state;
	int fd = link_monitor_fd(f->mon), tiny = 1, h;
	struct witness w;

	witness_open(f, &w);
	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny,
	    sizeof(tiny)), 0);
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	witness_wait(&w, false);
	assert_int_equal(testbed_sh(&f->tb, "h0",
	    "ip link add n0 type veth peer name n1 && "
	    "for i in 1 2 3 4; do ip link set n0 up; ip link set n0 down; "
	    "done"), 0);
	h = testbed_enter(&f->tb, "h0");
	assert_true(h >= 0);
	assert_true(netlink_drops(fd) > 0);	/* the overrun did happen */
	testbed_leave(h);
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 up"), 0);
	witness_wait(&w, true);

	assert_true(f->p0->carrier);		/* nothing processed yet */
	next_events(f);
	assert_true(f->p0->carrier);
	assert_int_equal(f->log.calls, 2);	/* down, then up */
	assert_true(f->log.last);
	/* and the monitor keeps working afterwards */
	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 down"), 0);
	wait_carrier(f, f->p0, false);
	link_monitor_close(w.mon);
}

static void
test_watch_and_query_errors(void **state)
{
	struct fixture *f = *state;
	struct port none = { .ifindex = 0 }, gone = { .ifindex = 1 << 30 };
	struct link_info li;
	int h;

	assert_int_equal(link_monitor_watch(f->mon, &none), -EINVAL);
	assert_int_equal(link_monitor_watch(f->mon, &gone), -ENODEV);
	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	assert_int_equal(link_monitor_watch(f->mon, f->p0), -EEXIST);
	link_monitor_unwatch(f->mon, &gone);	/* not watched: no-op */
	h = testbed_enter(&f->tb, "h0");
	assert_true(h >= 0);
	assert_int_equal(link_query("nosuch0", &li), -ENODEV);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_int_equal(li.ifindex, f->p0->ifindex);
	assert_true(li.admin_up && li.carrier);
	assert_int_equal(link_promisc_hold(1 << 30), -ENODEV);
	assert_int_equal(link_set_mac(1 << 30, f->p0->mac), -ENODEV);
	testbed_leave(h);
}

/* link_set_admin is `ip link set down/up`: the monitor sees both. */
static void
test_set_admin_down_and_up(void **state)
{
	struct fixture *f = *state;
	struct link_info li;
	int h;

	assert_int_equal(link_monitor_watch(f->mon, f->p0), 0);
	h = testbed_enter(&f->tb, "h0");
	assert_true(h >= 0);
	assert_int_equal(link_set_admin(f->p0->ifindex, false), 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_false(li.admin_up);
	assert_false(li.carrier);
	testbed_leave(h);
	wait_carrier(f, f->p0, false);

	h = testbed_enter(&f->tb, "h0");
	assert_int_equal(link_set_admin(f->p0->ifindex, true), 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_true(li.admin_up);
	assert_int_equal(link_set_admin(9999, true), -ENODEV);
	assert_int_equal(link_set_admin(0, true), -EINVAL);
	testbed_leave(h);
	wait_carrier(f, f->p0, true);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_carrier_peer_and_local),
		T(test_tx_dropped_without_carrier),
		T(test_shared_ifindex_and_reentry),
		T(test_dellink_carrier_down),
		T(test_monitor_overrun_resyncs),
		T(test_watch_and_query_errors),
		T(test_set_admin_down_and_up),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
