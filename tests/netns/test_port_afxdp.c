/*
 * The afxdp port on veth (h0:eth0 <-> h1:eth0): frames both ways with
 * sequence and payload checks in native, generic and auto XDP mode; against
 * a plain AF_PACKET socket; open errors; the XDP program gone after close
 * and after a failed open; close and reopen at once; rx truncation, a full
 * tx ring, carrier down, MAC and MTU. Every check of "is XDP attached" asks
 * the kernel (ip link), not the port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "port/port.h"
#include "testbed.h"

#define TEST_ETHERTYPE	0x88b5		/* IEEE local experimental */
#define TEST_MAGIC	0x6c786470u	/* "lxdp" */
#define FRAMES		500
#define WINDOW		32		/* frames in flight per direction */
#define DEADLINE_NS	(5 * 1000000000ull)

struct fixture {
	struct testbed tb;
	struct pkt_pool tx;		/* frames we build */
	struct pkt_pool rx0, rx1;	/* rx pools of the ports on h0, h1 */
	struct port *p0, *p1;
};

/* One direction of traffic: src sends count frames, dst checks them. */
struct flow {
	struct port *src, *dst;
	struct pkt_pool *pool;
	uint32_t len, count;
	uint32_t sent, next;		/* next seq to send / to receive */
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !testbed_available())
		return -1;	/* testbed_available said why on stderr */
	if (testbed_pair(&f->tb, "lxdp", 1) != 0) {
		fprintf(stderr, "test_port_afxdp: cannot build the testbed\n");
		return -1;
	}
	if (pkt_pool_init(&f->tx, 256, 2048 + PKT_HEADROOM) ||
	    pkt_pool_init(&f->rx0, 1024, 2048 + PKT_HEADROOM) ||
	    pkt_pool_init(&f->rx1, 1024, 2048 + PKT_HEADROOM))
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	port_close(f->p0);
	port_close(f->p1);
	testbed_down(&f->tb);
	/* Every pkt came back: the ports kept the ownership rules. */
	assert_int_equal(f->tx.nfree, f->tx.count);
	assert_int_equal(f->rx0.nfree, f->rx0.count);
	assert_int_equal(f->rx1.nfree, f->rx1.count);
	pkt_pool_fini(&f->tx);
	pkt_pool_fini(&f->rx0);
	pkt_pool_fini(&f->rx1);
	free(f);
	return 0;
}

static struct port_config
cfg_of(const char *ifname, enum port_xdp_mode mode)
{
	return (struct port_config){ .ifname = ifname, .xdp_mode = mode };
}

/* port_open inside host's namespace; 0 or -errno. */
static int
open_in(struct fixture *f, const char *host, const struct port_config *cfg,
    struct pkt_pool *pool, struct port **out)
{
	int h = testbed_enter(&f->tb, host);
	int err;

	assert_true(h >= 0);
	err = port_open(out, "afxdp", cfg, pool, host[1] - '0');
	testbed_leave(h);
	return err;
}

static void
open_pair(struct fixture *f, enum port_xdp_mode mode)
{
	struct port_config c = cfg_of("eth0", mode);

	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	assert_int_equal(open_in(f, "h1", &c, &f->rx1, &f->p1), 0);
}

static void
close_pair(struct fixture *f)
{
	port_close(f->p0);
	port_close(f->p1);
	f->p0 = f->p1 = NULL;
}

/* The XDP mode the kernel shows for dev in host: native, generic or none. */
static const char *
xdp_attached(struct fixture *f, const char *host, const char *dev)
{
	if (testbed_sh(&f->tb, host,
	    "ip link show dev %s | grep -Eq 'mtu [0-9]+ xdp '", dev) == 0)
		return "native";
	if (testbed_sh(&f->tb, host,
	    "ip link show dev %s | grep -Eq 'mtu [0-9]+ xdpgeneric '", dev) == 0)
		return "generic";
	if (testbed_sh(&f->tb, host,
	    "ip link show dev %s | grep -q prog/xdp", dev) == 0)
		return "unknown";
	return "none";
}

static uint8_t
pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7 + i * 13 + 1);
}

/* Ethernet header, magic, seq, len, then a pattern that depends on seq. */
static void
frame_fill(uint8_t *b, const struct port *src, const struct port *dst,
    uint32_t seq, uint32_t len)
{
	uint32_t words[3] = { htonl(TEST_MAGIC), htonl(seq), htonl(len) };
	uint16_t type = htons(TEST_ETHERTYPE);

	memcpy(b, dst->mac, 6);
	memcpy(b + 6, src->mac, 6);
	memcpy(b + 12, &type, 2);
	memcpy(b + 14, words, sizeof(words));
	for (uint32_t i = 26; i < len; i++)
		b[i] = pattern(seq, i);
}

/* A pkt of pool holding frame seq from src to dst. */
static struct pkt *
frame_new(struct pkt_pool *pool, const struct port *src,
    const struct port *dst, uint32_t seq, uint32_t len)
{
	struct pkt *p = pkt_alloc(pool);

	assert_non_null(p);
	assert_true(len >= 26 && len <= pkt_tailroom(p));
	p->len = len;
	frame_fill(p->data, src, dst, seq, len);
	return p;
}

/* Seq of one of our frames, or -1 for other traffic (MLD, ...). */
static int64_t
frame_seq(const uint8_t *b, uint32_t len)
{
	uint32_t words[3];
	uint16_t type;

	if (len < 26)
		return -1;
	memcpy(&type, b + 12, 2);
	memcpy(words, b + 14, sizeof(words));
	if (ntohs(type) != TEST_ETHERTYPE || ntohl(words[0]) != TEST_MAGIC)
		return -1;
	return ntohl(words[1]);
}

static void
frame_check(const struct flow *fl, const uint8_t *b, uint32_t len)
{
	uint32_t hdr_len;

	memcpy(&hdr_len, b + 22, 4);
	assert_int_equal(len, fl->len);
	assert_int_equal(ntohl(hdr_len), fl->len);
	assert_memory_equal(b, fl->dst->mac, 6);
	assert_memory_equal(b + 6, fl->src->mac, 6);
	for (uint32_t i = 26; i < len; i++)
		if (b[i] != pattern(fl->next, i))
			fail_msg("seq %u byte %u: %#x, want %#x", fl->next, i,
			    b[i], pattern(fl->next, i));
}

static void
flow_send(struct flow *fl)
{
	struct pkt *pkts[WINDOW];
	unsigned n = 0, sent;

	while (n < WINDOW && fl->sent + n < fl->count &&
	    fl->sent + n - fl->next < WINDOW) {
		pkts[n] = frame_new(fl->pool, fl->src, fl->dst, fl->sent + n,
		    fl->len);
		n++;
	}
	sent = port_tx_burst(fl->src, pkts, n);
	pkt_free_bulk(pkts + sent, n - sent);	/* still ours: resent later */
	fl->sent += sent;
}

static void
flow_receive(struct flow *fl)
{
	struct pkt *pkts[PKT_BURST_MAX];
	unsigned n = port_rx_burst(fl->dst, pkts, PKT_BURST_MAX);

	for (unsigned i = 0; i < n; i++) {
		int64_t seq = frame_seq(pkts[i]->data, pkts[i]->len);

		if (seq >= 0) {
			if (seq != fl->next)
				fail_msg("%s: got seq %lld, want %u",
				    fl->dst->name, (long long)seq, fl->next);
			frame_check(fl, pkts[i]->data, pkts[i]->len);
			assert_int_equal(pkts[i]->in_port, fl->dst->id);
			fl->next++;
		}
		pkt_free(pkts[i]);
	}
}

/* Receive and free everything; count our frames whatever their seq. */
static void
flow_receive_any(struct flow *fl)
{
	struct pkt *pkts[PKT_BURST_MAX];
	unsigned n = port_rx_burst(fl->dst, pkts, PKT_BURST_MAX);

	for (unsigned i = 0; i < n; i++) {
		if (frame_seq(pkts[i]->data, pkts[i]->len) >= 0)
			fl->next++;
		pkt_free(pkts[i]);
	}
}

/* Both flows at once until every frame arrived, in order, intact. */
static void
run_flows(struct flow *fl, int nflows)
{
	uint64_t deadline = now_ns() + DEADLINE_NS;
	bool done;

	do {
		done = true;
		for (int i = 0; i < nflows; i++) {
			flow_send(&fl[i]);
			flow_receive(&fl[i]);
			done &= fl[i].next == fl[i].count;
		}
		if (now_ns() > deadline)
			for (int i = 0; i < nflows; i++)
				if (fl[i].next < fl[i].count)
					fail_msg("%s -> %s, %u B: %u of %u "
					    "frames arrived", fl[i].src->name,
					    fl[i].dst->name, fl[i].len,
					    fl[i].next, fl[i].count);
	} while (!done);
}

static void
exchange(struct fixture *f, uint32_t len, uint32_t count)
{
	struct flow fl[2] = {
		{ .src = f->p0, .dst = f->p1, .pool = &f->tx, .len = len,
		  .count = count },
		{ .src = f->p1, .dst = f->p0, .pool = &f->tx, .len = len,
		  .count = count },
	};
	uint64_t tx0 = f->p0->cnt.tx_packets, tx1 = f->p1->cnt.tx_packets;

	run_flows(fl, 2);
	assert_int_equal(f->p0->cnt.tx_packets - tx0, count);
	assert_int_equal(f->p1->cnt.tx_packets - tx1, count);
	assert_int_equal(f->p0->cnt.rx_truncated + f->p1->cnt.rx_truncated, 0);
}

static void
both_ways_in_mode(struct fixture *f, enum port_xdp_mode mode,
    const char *shown)
{
	open_pair(f, mode);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), shown);
	assert_string_equal(xdp_attached(f, "h1", "eth0"), shown);
	assert_true(port_fd(f->p0) >= 0);
	assert_memory_equal(f->p0->mac, "\x02\x00\x00\x00\x00\x00", 6);
	assert_memory_equal(f->p1->mac, "\x02\x01\x00\x00\x00\x01", 6);
	assert_int_equal(f->p0->mtu, 1500);
	assert_true(f->p0->carrier);
	exchange(f, 64, FRAMES);
	exchange(f, 1500, FRAMES);
	exchange(f, 1518, FRAMES);	/* port_max_frame: one VLAN tag */
	close_pair(f);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "none");
	assert_string_equal(xdp_attached(f, "h1", "eth0"), "none");
}

static void
test_native_both_ways(void **state)
{
	both_ways_in_mode(*state, PORT_XDP_NATIVE, "native");
}

static void
test_generic_both_ways(void **state)
{
	both_ways_in_mode(*state, PORT_XDP_GENERIC, "generic");
}

/* veth has native XDP, so auto picks it. */
static void
test_auto_is_native_on_veth(void **state)
{
	both_ways_in_mode(*state, PORT_XDP_AUTO, "native");
}

/*
 * veth refuses native XDP when its peer's MTU is above about 3.5 KB (a
 * frame must fit in a page): native mode fails with what the kernel said,
 * auto falls back to generic.
 */
static void
test_auto_falls_back_to_generic(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_NATIVE);
	struct port *p = NULL;

	assert_int_equal(testbed_sh(&f->tb, "h1", "ip link set eth0 mtu 3800"),
	    0);
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -ERANGE);
	assert_null(p);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "none");
	c.xdp_mode = PORT_XDP_AUTO;
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "generic");
	c.xdp_mode = PORT_XDP_NATIVE;
	assert_int_equal(open_in(f, "h1", &c, &f->rx1, &f->p1), 0);
	exchange(f, 1500, 100);
}

/*
 * A process that dies with a port open leaves nothing behind: the kernel
 * drops the bpf_link (so the XDP program), the socket and the queue with
 * the process's fds.
 */
static void
test_nothing_left_when_process_dies(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_NATIVE);
	int ready[2], status;
	char b = 0;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct port *p;

		if (open_in(f, "h0", &c, &f->rx0, &p) == 0)
			b = 1;
		if (write(ready[1], &b, 1) != 1 || !b)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &b, 1), 1);
	close(ready[0]);
	assert_int_equal(b, 1);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "native");
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "none");
	open_pair(f, PORT_XDP_NATIVE);
	exchange(f, 64, 100);
}

/* Frames the kernel could not put in a full rx ring count as rx_dropped. */
static void
test_rx_ring_overflow_counted(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_NATIVE);
	struct flow fl;
	uint32_t sent = 0;

	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	c.rx_ring_size = 32;
	assert_int_equal(open_in(f, "h1", &c, &f->rx1, &f->p1), 0);
	fl = (struct flow){ .src = f->p0, .dst = f->p1, .pool = &f->tx,
	    .len = 64, .count = 256 };
	while (sent < 256) {	/* nobody receives meanwhile */
		fl.next = fl.sent;
		flow_send(&fl);
		sent = fl.sent;
	}
	fl.next = 0;
	for (int i = 0; i < 4096; i++)
		flow_receive_any(&fl);
	assert_true(fl.next <= 32);
	assert_true(f->p1->cnt.rx_dropped >= 256 - 32);
}

struct flood {
	struct fixture *f;
	volatile bool stop;
};

static void *
flood_run(void *arg)
{
	struct flood *fl = arg;
	struct fixture *f = fl->f;
	struct pkt *pkts[PKT_BURST_MAX];
	unsigned n;

	while (!fl->stop) {
		for (n = 0; n < PKT_BURST_MAX; n++)
			pkts[n] = frame_new(&f->tx, f->p0, f->p1, n, 64);
		n = port_tx_burst(f->p0, pkts, PKT_BURST_MAX);
		pkt_free_bulk(pkts + n, PKT_BURST_MAX - n);
	}
	return NULL;
}

/*
 * rx_burst never hands out more than asked, while another CPU fills the
 * rings (a bug once read the free fill slots twice: the second, larger
 * answer overran the caller's array).
 */
static void
test_rx_burst_bounded_under_flood(void **state)
{
	struct fixture *f = *state;
	struct flood fl = { .f = f };
	/* room for a whole rx ring: a bad answer fails the test, not the stack */
	static struct pkt *pkts[8192];
	uint64_t end = now_ns() + 1000000000ull, got = 0;
	pthread_t th;

	open_pair(f, PORT_XDP_NATIVE);
	assert_int_equal(pthread_create(&th, NULL, flood_run, &fl), 0);
	for (unsigned i = 0; now_ns() < end; i++) {
		unsigned max = 1 + i % 8;
		unsigned n = port_rx_burst(f->p1, pkts, max);

		if (n > max) {
			fl.stop = true;
			pthread_join(th, NULL);
			fail_msg("rx_burst returned %u, asked for %u", n, max);
		}
		pkt_free_bulk(pkts, n);
		got += n;
	}
	fl.stop = true;
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(got > 0);
}

/* A packet socket in h1's namespace, bound to eth0. */
static int
raw_socket_in(struct fixture *f, const char *host)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(TEST_ETHERTYPE),
	};
	int h = testbed_enter(&f->tb, host), fd;

	assert_true(h >= 0);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(TEST_ETHERTYPE));
	assert_true(fd >= 0);
	sll.sll_ifindex = if_nametoindex("eth0");
	assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	testbed_leave(h);
	return fd;
}

static void
raw_to_port(struct fixture *f, int fd, uint32_t len, uint32_t count)
{
	struct port peer = { .name = "raw" };
	struct flow fl = { .src = &peer, .dst = f->p0, .len = len,
	    .count = count };
	uint8_t b[2048];
	uint64_t deadline = now_ns() + DEADLINE_NS;

	memcpy(peer.mac, "\x02\x01\x00\x00\x00\x01", 6);
	while (fl.next < count) {
		if (fl.sent < count && fl.sent - fl.next < WINDOW) {
			frame_fill(b, &peer, f->p0, fl.sent, len);
			assert_int_equal(send(fd, b, len, 0), (ssize_t)len);
			fl.sent++;
		}
		flow_receive(&fl);
		assert_true(now_ns() < deadline);
	}
}

static void
port_to_raw(struct fixture *f, int fd, uint32_t len, uint32_t count)
{
	struct port peer = { .name = "raw" };
	struct flow fl = { .src = f->p0, .dst = &peer, .pool = &f->tx,
	    .len = len, .count = count };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t b[2048];
	ssize_t n;

	memcpy(peer.mac, "\x02\x01\x00\x00\x00\x01", 6);
	while (fl.next < count) {
		flow_send(&fl);
		if (poll(&pfd, 1, 5000) != 1)
			fail_msg("raw: %u of %u frames arrived", fl.next, count);
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n < 0 || frame_seq(b, (uint32_t)n) < 0)
			continue;
		assert_int_equal(frame_seq(b, (uint32_t)n), fl.next);
		frame_check(&fl, b, (uint32_t)n);
		fl.next++;
	}
}

/* An independent peer: the kernel's own packet socket on h1:eth0. */
static void
test_against_af_packet(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_AUTO);
	int fd;

	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	fd = raw_socket_in(f, "h1");
	raw_to_port(f, fd, 60, FRAMES);
	raw_to_port(f, fd, 1514, FRAMES);
	port_to_raw(f, fd, 64, FRAMES);
	port_to_raw(f, fd, 1500, FRAMES);
	close(fd);
}

static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("nosuch0", PORT_XDP_AUTO);
	struct port *p = NULL;

	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -ENODEV);

	/* veth has one queue */
	c = cfg_of("eth0", PORT_XDP_AUTO);
	c.queue_id = 4;
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -EINVAL);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "none");

	c = cfg_of("eth0", PORT_XDP_MODE_COUNT);
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -EINVAL);
	c = cfg_of("eth0", PORT_XDP_AUTO);
	c.rx_ring_size = 1u << 20;
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -EINVAL);

	/* The queue has a socket: the second open leaves the first alone. */
	open_pair(f, PORT_XDP_NATIVE);
	c = cfg_of("eth0", PORT_XDP_GENERIC);
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &p), -EBUSY);
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "native");
	exchange(f, 64, 64);
	assert_null(p);
}

/*
 * A two-queue veth inside h0 (mq0 <-> mq1). A second port on mq0, on the
 * free queue 1, binds its socket and then finds the XDP hook taken: its
 * open fails, and undoes the socket (queue 1 is free again afterwards).
 */
static void
test_failed_attach_undone(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("mq0", PORT_XDP_NATIVE);
	struct port *p = NULL;

	assert_int_equal(testbed_sh(&f->tb, "h0", "ip link add mq0 "
	    "numtxqueues 2 numrxqueues 2 type veth peer name mq1 "
	    "numtxqueues 2 numrxqueues 2 && ip link set mq0 up && "
	    "ip link set mq1 up"), 0);
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	c.queue_id = 1;
	assert_int_equal(open_in(f, "h0", &c, &f->rx1, &p), -EBUSY);
	c.xdp_mode = PORT_XDP_AUTO;
	assert_int_equal(open_in(f, "h0", &c, &f->rx1, &p), -EBUSY);
	assert_null(p);
	assert_string_equal(xdp_attached(f, "h0", "mq0"), "native");
	port_close(f->p0);
	f->p0 = NULL;
	assert_string_equal(xdp_attached(f, "h0", "mq0"), "none");
	c.xdp_mode = PORT_XDP_GENERIC;
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	assert_string_equal(xdp_attached(f, "h0", "mq0"), "generic");
}

/* Closing releases the queue at once: reopen without waiting. */
static void
test_reopen_at_once(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 5; i++) {
		open_pair(f, i % 2 ? PORT_XDP_GENERIC : PORT_XDP_NATIVE);
		exchange(f, 64, 100);
		close_pair(f);
	}
	assert_string_equal(xdp_attached(f, "h0", "eth0"), "none");
}

/* Frames longer than the rx pool's data room are counted, not delivered. */
static void
test_rx_truncated(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_AUTO);
	struct pkt_pool small;
	struct flow fl;

	assert_int_equal(pkt_pool_init(&small, 256, 256 + PKT_HEADROOM), 0);
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	assert_int_equal(open_in(f, "h1", &c, &small, &f->p1), 0);
	fl = (struct flow){ .src = f->p0, .dst = f->p1, .pool = &f->tx,
	    .len = 256, .count = 100 };
	run_flows(&fl, 1);
	fl = (struct flow){ .src = f->p0, .dst = f->p1, .pool = &f->tx,
	    .len = 257, .count = 100 };
	while (fl.sent < fl.count) {
		flow_send(&fl);
		flow_receive(&fl);
		fl.next = fl.sent;	/* none arrive: keep the window open */
	}
	for (uint64_t t = now_ns() + DEADLINE_NS;
	    f->p1->cnt.rx_truncated < 100 && now_ns() < t;)
		flow_receive(&fl);
	assert_int_equal(f->p1->cnt.rx_truncated, 100);
	port_close(f->p1);
	f->p1 = NULL;
	assert_int_equal(small.nfree, small.count);
	pkt_pool_fini(&small);
}

/* With every tx frame in use, tx_burst takes fewer; the caller keeps the rest. */
static void
test_tx_ring_full(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_AUTO);
	struct pkt *pkts[64];
	struct flow fl;
	unsigned sent;

	c.tx_ring_size = 32;
	assert_int_equal(open_in(f, "h0", &c, &f->rx0, &f->p0), 0);
	c.tx_ring_size = 0;
	assert_int_equal(open_in(f, "h1", &c, &f->rx1, &f->p1), 0);
	fl = (struct flow){ .src = f->p0, .dst = f->p1, .pool = &f->tx,
	    .len = 64, .count = 64 };
	for (unsigned i = 0; i < 64; i++)
		pkts[i] = frame_new(&f->tx, f->p0, f->p1, i, 64);
	sent = port_tx_burst(f->p0, pkts, 64);
	assert_int_equal(sent, 32);
	/* pkts[32..64) are still ours: send them when frames come back. */
	fl.sent = sent;
	for (uint64_t t = now_ns() + DEADLINE_NS; fl.next < 32;) {
		flow_receive(&fl);
		assert_true(now_ns() < t);
	}
	while (sent < 64)
		sent += port_tx_burst(f->p0, pkts + sent, 64 - sent);
	fl.sent = 64;
	run_flows(&fl, 1);
}

static void
test_carrier_down_drops(void **state)
{
	struct fixture *f = *state;
	struct pkt *p;

	open_pair(f, PORT_XDP_AUTO);
	port_carrier_set(f->p0, false);
	p = frame_new(&f->tx, f->p0, f->p1, 0, 64);
	assert_int_equal(port_tx_burst(f->p0, &p, 1), 1);
	assert_int_equal(f->p0->cnt.tx_dropped, 1);
	assert_int_equal(f->p0->cnt.tx_packets, 0);
	port_carrier_set(f->p0, true);
	exchange(f, 64, 10);
}

static void
test_mac_and_mtu(void **state)
{
	struct fixture *f = *state;
	struct port_config c = cfg_of("eth0", PORT_XDP_AUTO);
	const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct pkt_pool big;
	int h;

	assert_int_equal(pkt_pool_init(&big, 64, 4096 + PKT_HEADROOM), 0);
	assert_int_equal(open_in(f, "h0", &c, &big, &f->p0), 0);
	h = testbed_enter(&f->tb, "h0");	/* link.c acts in our namespace */
	assert_true(h >= 0);
	assert_int_equal(port_mac_set(f->p0, mac), 0);
	assert_int_equal(port_mtu_set(f->p0, 1400), 0);
	/* fits the pool, not an AF_XDP frame */
	assert_int_equal(port_mtu_set(f->p0, 4000), -EINVAL);
	testbed_leave(h);
	assert_int_equal(testbed_sh(&f->tb, "h0", "ip link show dev eth0 | "
	    "grep -q 'ether 02:aa:bb:cc:dd:ee'"), 0);
	assert_memory_equal(f->p0->mac, mac, 6);
	assert_memory_equal(f->p0->perm_mac, "\x02\x00\x00\x00\x00\x00", 6);
	assert_int_equal(testbed_sh(&f->tb, "h0",
	    "ip link show dev eth0 | grep -q 'mtu 1400'"), 0);
	assert_int_equal(f->p0->mtu, 1400);
	port_close(f->p0);
	f->p0 = NULL;
	pkt_pool_fini(&big);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_native_both_ways),
		T(test_generic_both_ways),
		T(test_auto_is_native_on_veth),
		T(test_auto_falls_back_to_generic),
		T(test_against_af_packet),
		T(test_open_errors),
		T(test_failed_attach_undone),
		T(test_reopen_at_once),
		T(test_rx_truncated),
		T(test_tx_ring_full),
		T(test_carrier_down_drops),
		T(test_mac_and_mtu),
		T(test_nothing_left_when_process_dies),
		T(test_rx_ring_overflow_counted),
		T(test_rx_burst_bounded_under_flood),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
