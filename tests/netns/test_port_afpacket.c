/*
 * The afpacket backend on a veth pair between two namespaces: frames both
 * ways with payload and order checked, VLAN tags as on the wire, our own
 * transmissions never received back, truncation, overflow and pool
 * backpressure, a lone frame handed over at once, promiscuity, open
 * errors, MAC and MTU changes.
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
#include <time.h>
#include <cmocka.h>

#include "port/link.h"
#include "testbed.h"

#define ETHERTYPE_TEST	0x88b5		/* local experimental */
#define WAIT_MS		5000		/* for a frame that must come */
#define POOL_BUFS	8192
#define BUF_SIZE	2048

struct fixture {
	struct testbed tb;
	struct pkt_pool pool0, pool1, txpool;
	struct port *p0, *p1;		/* h0:eth0, h1:eth0 */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_true(testbed_available());
	assert_int_equal(testbed_pair(&f->tb, "lafp", 1), 0);
	assert_int_equal(pkt_pool_init(&f->pool0, POOL_BUFS, BUF_SIZE), 0);
	assert_int_equal(pkt_pool_init(&f->pool1, POOL_BUFS, BUF_SIZE), 0);
	assert_int_equal(pkt_pool_init(&f->txpool, POOL_BUFS, BUF_SIZE), 0);
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
	assert_int_equal(f->pool0.nfree, f->pool0.count);
	assert_int_equal(f->pool1.nfree, f->pool1.count);
	assert_int_equal(f->txpool.nfree, f->txpool.count);
	pkt_pool_fini(&f->pool0);
	pkt_pool_fini(&f->pool1);
	pkt_pool_fini(&f->txpool);
	free(f);
	return 0;
}

/* Open an afpacket port on host's ifname, from inside its namespace. */
static int
open_in(struct fixture *f, const char *host, struct port_config *cfg,
    struct pkt_pool *pool, uint32_t id, struct port **out)
{
	int h = testbed_enter(&f->tb, host);
	int err;

	assert_true(h >= 0);
	err = port_open(out, "afpacket", cfg, pool, id);
	testbed_leave(h);
	return err;
}

static void
open_pair(struct fixture *f, const struct port_config *c0,
    const struct port_config *c1)
{
	struct port_config d0 = { .ifname = "eth0" }, d1 = { .ifname = "eth0" };

	assert_int_equal(open_in(f, "h0", c0 ? (struct port_config *)c0 : &d0,
	    &f->pool0, 0, &f->p0), 0);
	assert_int_equal(open_in(f, "h1", c1 ? (struct port_config *)c1 : &d1,
	    &f->pool1, 1, &f->p1), 0);
}

/* A test frame: ETHERTYPE_TEST, a sequence number, a payload made of it. */
static void
frame_fill(uint8_t *b, uint32_t len, const struct port *from,
    const struct port *to, uint32_t seq)
{
	memcpy(b, to->mac, 6);
	memcpy(b + 6, from->mac, 6);
	b[12] = ETHERTYPE_TEST >> 8;
	b[13] = ETHERTYPE_TEST & 0xff;
	b[14] = seq >> 24;
	b[15] = seq >> 16;
	b[16] = seq >> 8;
	b[17] = seq;
	for (uint32_t i = 18; i < len; i++)
		b[i] = (uint8_t)(seq * 31 + i);
}

/* Room for a len-byte frame in an empty pkt. */
static uint8_t *
put(struct pkt *p, uint32_t len)
{
	uint8_t *b = pkt_put(p, len);

	if (!b) {
		fail_msg("no room for %u bytes", len);
		abort();	/* not reached: cmocka's fail is not noreturn */
	}
	return b;
}

static bool
is_test_frame(const struct pkt *p)
{
	return p->len >= 18 && p->data[12] == ETHERTYPE_TEST >> 8 &&
	    p->data[13] == (ETHERTYPE_TEST & 0xff);
}

static uint32_t
frame_seq(const struct pkt *p)
{
	return (uint32_t)p->data[14] << 24 | (uint32_t)p->data[15] << 16 |
	    (uint32_t)p->data[16] << 8 | p->data[17];
}

static void
frame_check(const struct pkt *p, uint32_t len, uint32_t seq)
{
	assert_int_equal(p->len, len);
	assert_int_equal(frame_seq(p), seq);
	for (uint32_t i = 18; i < len; i++)
		if (p->data[i] != (uint8_t)(seq * 31 + i))
			fail_msg("seq %u: payload differs at byte %u", seq, i);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Hand every pkt to the port, waiting briefly whenever its ring is full. */
static void
tx_all(struct port *port, struct pkt **pkts, unsigned n)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	unsigned done = 0;

	while (done < n) {
		done += port_tx_burst(port, pkts + done, n - done);
		if (done < n) {
			assert_true(now_ms() < deadline);
			poll(NULL, 0, 1);	/* TX ring full: slots come back */
		}
	}
}

/* Send n test frames of len bytes, seq0.., in bursts of PKT_BURST_MAX. */
static void
send_frames(struct fixture *f, struct port *from, const struct port *to,
    uint32_t seq0, uint32_t n, uint32_t len)
{
	struct pkt *pkts[PKT_BURST_MAX];

	for (uint32_t sent = 0; sent < n;) {
		unsigned k = MIN(n - sent, (uint32_t)PKT_BURST_MAX);

		assert_int_equal(pkt_alloc_bulk(&f->txpool, pkts, k), k);
		for (unsigned i = 0; i < k; i++) {
			frame_fill(put(pkts[i], len), len, from, to,
			    seq0 + sent + i);
		}
		tx_all(from, pkts, k);
		sent += k;
	}
}

/* Wait until the port's fd is readable; fail after WAIT_MS. */
static void
wait_rx(struct port *port)
{
	struct pollfd pfd = { .fd = port_fd(port), .events = POLLIN };

	if (poll(&pfd, 1, WAIT_MS) <= 0)
		fail_msg("%s: nothing to receive within %d ms", port->name,
		    WAIT_MS);
}

/*
 * Receive until fn has accepted `want` frames; fn returns true for the
 * frames it counts (others: ignored, e.g. the kernel's IPv6 chatter).
 */
typedef bool rx_fn(const struct pkt *p, void *arg);

static void
rx_until(struct port *port, unsigned want, rx_fn *fn, void *arg)
{
	struct pkt *pkts[PKT_BURST_MAX];
	unsigned got = 0;

	while (got < want) {
		unsigned n = port_rx_burst(port, pkts, PKT_BURST_MAX);

		if (n == 0) {
			wait_rx(port);
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(pkts[i]->in_port, port->id);
			if (fn(pkts[i], arg))
				got++;
		}
		pkt_free_bulk(pkts, n);
	}
}

struct seq_rx {
	uint32_t next, len;
	const struct port *from;
};

static bool
seq_rx_fn(const struct pkt *p, void *arg)
{
	struct seq_rx *s = arg;

	if (!is_test_frame(p) || memcmp(p->data + 6, s->from->mac, 6) != 0)
		return false;
	frame_check(p, s->len, s->next++);
	return true;
}

static void
recv_frames(struct port *port, const struct port *from, uint32_t seq0,
    uint32_t n, uint32_t len)
{
	struct seq_rx s = { .next = seq0, .len = len, .from = from };

	rx_until(port, n, seq_rx_fn, &s);
}

/* (a) Bursts both ways at once: 64 B, 1500 B, MTU-sized; order and bytes. */
static void
test_exchange_both_ways(void **state)
{
	static const uint32_t lens[] = { 64, 1500, 1514 };
	const uint32_t n = 1000;
	struct fixture *f = *state;
	uint32_t seq = 0;

	open_pair(f, NULL, NULL);
	assert_int_equal(f->p0->mtu, 1500);
	assert_true(f->p0->carrier && f->p1->carrier);
	assert_int_equal(f->p0->mtu + 14, lens[2]);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		send_frames(f, f->p0, f->p1, seq, n, lens[i]);
		send_frames(f, f->p1, f->p0, seq, n, lens[i]);
		recv_frames(f->p1, f->p0, seq, n, lens[i]);
		recv_frames(f->p0, f->p1, seq, n, lens[i]);
		seq += n;
	}
	assert_int_equal(f->p0->cnt.tx_packets, 3 * n);
	assert_int_equal(f->p1->cnt.tx_packets, 3 * n);
	assert_true(f->p0->cnt.rx_packets >= 3 * n);
	assert_int_equal(f->p0->cnt.rx_dropped + f->p1->cnt.rx_dropped, 0);
	assert_int_equal(f->p0->cnt.rx_truncated + f->p1->cnt.rx_truncated, 0);
	assert_int_equal(f->p0->cnt.tx_errors + f->p1->cnt.tx_errors, 0);
}

/* (b) The kernel strips VLAN tags on receive; the port puts them back. */
struct raw_rx {
	const uint8_t (*frames)[1600];
	const uint32_t *lens;
	unsigned next;
	const struct port *from, *to;
};

static bool
raw_rx_fn(const struct pkt *p, void *arg)
{
	struct raw_rx *r = arg;

	/* ours only: the host stacks chatter (MLD) from the same MACs */
	if (p->len < 12 || memcmp(p->data + 6, r->from->mac, 6) != 0 ||
	    memcmp(p->data, r->to->mac, 6) != 0)
		return false;
	assert_int_equal(p->len, r->lens[r->next]);
	assert_memory_equal(p->data, r->frames[r->next], p->len);
	r->next++;
	return true;
}

static uint32_t
tagged_frame(uint8_t *b, const struct port *from, const struct port *to,
    const uint16_t *tags, unsigned ntags, uint32_t len)
{
	uint32_t off = 12;

	frame_fill(b, len, from, to, 7);
	memmove(b + 12 + 4 * ntags, b + 12, len - 12 - 4 * ntags);
	for (unsigned i = 0; i < 2 * ntags; i++, off += 2) {
		b[off] = tags[i] >> 8;
		b[off + 1] = tags[i] & 0xff;
	}
	return len;
}

static void
test_vlan_tag_intact(void **state)
{
	static const uint16_t dot1q[] = { 0x8100, (5 << 13) | 100 };
	static const uint16_t qinq[] = { 0x88a8, 200, 0x8100, (1 << 12) | 300 };
	static const uint16_t prio[] = { 0x8100, 3 << 13 };
	struct fixture *f = *state;
	uint8_t frames[4][1600];
	uint32_t lens[4];
	struct pkt *pkts[4];
	struct raw_rx r = { .frames = (const uint8_t (*)[1600])frames,
	    .lens = lens };

	open_pair(f, NULL, NULL);
	lens[0] = tagged_frame(frames[0], f->p0, f->p1, dot1q, 1, 64);
	lens[1] = tagged_frame(frames[1], f->p0, f->p1, qinq, 2, 100);
	lens[2] = tagged_frame(frames[2], f->p0, f->p1, prio, 1, 80);
	lens[3] = tagged_frame(frames[3], f->p0, f->p1, dot1q, 1,
	    port_max_frame(f->p0));
	assert_int_equal(pkt_alloc_bulk(&f->txpool, pkts, 4), 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(pkt_set(pkts[i], frames[i], lens[i]), 0);
	tx_all(f->p0, pkts, 4);
	r.from = f->p0;
	r.to = f->p1;
	rx_until(f->p1, 4, raw_rx_fn, &r);
	assert_int_equal(f->p0->cnt.tx_errors, 0);
}

/* (f) Neither our transmissions nor the host stack's come back to us. */
struct own_rx {
	const struct port *self;
	unsigned own;		/* frames with our source MAC */
	unsigned arp;		/* ARP requests from the host stack */
	struct seq_rx seq;
};

static bool
own_rx_fn(const struct pkt *p, void *arg)
{
	struct own_rx *o = arg;

	if (p->len >= 14 && memcmp(p->data + 6, o->self->mac, 6) == 0)
		o->own++;
	return is_test_frame(p) && frame_seq(p) == 0xfeed;
}

/* At the peer: our test frames in order, and the ARP before them. */
static bool
peer_rx_fn(const struct pkt *p, void *arg)
{
	struct own_rx *o = arg;

	if (p->len >= 14 && memcmp(p->data + 6, o->self->mac, 6) == 0 &&
	    p->data[12] == 0x08 && p->data[13] == 0x06)
		o->arp++;
	return seq_rx_fn(p, &o->seq);
}

static void
test_own_tx_not_received(void **state)
{
	struct fixture *f = *state;
	struct own_rx o0 = { 0 }, o1 = { 0 };

	open_pair(f, NULL, NULL);
	o0.self = o1.self = f->p0;
	o1.seq = (struct seq_rx){ .len = 200, .from = f->p0 };
	/* the host stack of h0 sends ARP requests out of eth0 */
	assert_int_equal(testbed_sh(&f->tb, "h0",
	    "ip addr add 10.77.0.1/24 dev eth0"), 0);
	testbed_sh(&f->tb, "h0", "ping -c1 -W1 10.77.0.2 >/dev/null 2>&1");
	send_frames(f, f->p0, f->p1, 0, 100, 200);
	rx_until(f->p1, 100, peer_rx_fn, &o1);
	assert_true(o1.arp >= 1);
	/* the peer's marker comes after anything that could loop back */
	send_frames(f, f->p1, f->p0, 0xfeed, 1, 64);
	rx_until(f->p0, 1, own_rx_fn, &o0);
	assert_int_equal(o0.own, 0);
}

/* Frames larger than the pool's buffers: counted, dropped, nothing else. */
static void
test_rx_truncated(void **state)
{
	struct fixture *f = *state;
	struct port_config c1 = { .ifname = "eth0" };
	struct pkt_pool small;

	assert_int_equal(pkt_pool_init(&small, 64, PKT_HEADROOM + 512), 0);
	assert_int_equal(open_in(f, "h0", &(struct port_config){
	    .ifname = "eth0" }, &f->pool0, 0, &f->p0), 0);
	assert_int_equal(open_in(f, "h1", &c1, &small, 1, &f->p1), 0);
	send_frames(f, f->p0, f->p1, 0, 5, 1000);
	send_frames(f, f->p0, f->p1, 5, 5, 512);
	recv_frames(f->p1, f->p0, 5, 5, 512);
	assert_int_equal(f->p1->cnt.rx_truncated, 5);
	port_close(f->p1);
	f->p1 = NULL;
	assert_int_equal(small.nfree, small.count);
	pkt_pool_fini(&small);
}

/* A frame the port may not send is refused and counted, not queued. */
static void
test_tx_too_big(void **state)
{
	struct fixture *f = *state;
	struct pkt *pkts[2];
	uint32_t max;

	open_pair(f, NULL, NULL);
	max = port_max_frame(f->p0);
	assert_int_equal(pkt_alloc_bulk(&f->txpool, pkts, 2), 2);
	frame_fill(put(pkts[0], max + 1), max + 1, f->p0, f->p1, 1);
	put(pkts[1], 10);
	assert_int_equal(port_tx_burst(f->p0, pkts, 2), 2);
	assert_int_equal(f->p0->cnt.tx_errors, 2);
	assert_int_equal(f->p0->cnt.tx_packets, 0);
	send_frames(f, f->p0, f->p1, 2, 1, 64);
	recv_frames(f->p1, f->p0, 2, 1, 64);
}

/* Ring overflow: what the kernel dropped shows up in rx_dropped. */
static void
test_ring_overflow_counted(void **state)
{
	struct fixture *f = *state;
	struct port_config c1 = { .ifname = "eth0", .rx_ring_size = 64 };
	struct seq_rx s = { .len = 64 };
	const uint32_t n = 5000;
	unsigned got = 0;
	struct pkt *pkts[PKT_BURST_MAX];

	open_pair(f, NULL, &c1);
	send_frames(f, f->p0, f->p1, 0, n, 64);
	/* take whatever the ring kept; order holds, gaps are the drops */
	s.from = f->p0;
	for (;;) {
		unsigned k = port_rx_burst(f->p1, pkts, PKT_BURST_MAX);

		if (k == 0) {
			struct pollfd pfd = { .fd = port_fd(f->p1),
			    .events = POLLIN };

			if (poll(&pfd, 1, 100) <= 0)
				break;	/* ring drained: the test goes on */
			continue;
		}
		for (unsigned i = 0; i < k; i++)
			if (is_test_frame(pkts[i]) && frame_seq(pkts[i]) < n) {
				assert_true(frame_seq(pkts[i]) >= s.next);
				s.next = frame_seq(pkts[i]) + 1;
				got++;
			}
		pkt_free_bulk(pkts, k);
	}
	assert_true(got < n);
	/* drops are reported with the next block the kernel fills */
	send_frames(f, f->p0, f->p1, n, 1, 64);
	recv_frames(f->p1, f->p0, n, 1, 64);
	assert_true(f->p1->cnt.rx_dropped >= n - got);
	print_message("ring of %u frames: kept %u of %u, rx_dropped %llu\n",
	    c1.rx_ring_size, got, n,
	    (unsigned long long)f->p1->cnt.rx_dropped);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * A lone frame is handed over as it arrives, not when a timer says so:
 * with a TPACKET_V3 ring the kernel held it until its block's retire timer
 * (1 ms, so 0.5 ms on average), and an RDMA round trip between two lagnicd
 * took 1 ms. On veth the frame is in the peer's ring when sendto returns,
 * unless softirqs are deferred; the median leaves room for that.
 */
static void
test_lone_frame_at_once(void **state)
{
	struct fixture *f = *state;
	struct seq_rx s = { .len = 64 };
	uint64_t waited[31];

	open_pair(f, NULL, NULL);
	s.from = f->p0;
	for (uint32_t i = 0; i < ARRAY_SIZE(waited); i++) {
		uint64_t t0;

		send_frames(f, f->p0, f->p1, i, 1, 64);
		t0 = now_us();
		rx_until(f->p1, 1, seq_rx_fn, &s);
		waited[i] = now_us() - t0;
	}
	qsort(waited, ARRAY_SIZE(waited), sizeof(waited[0]), cmp_u64);
	print_message("lone frame handed over after %llu us (median), "
	    "%llu us (max)\n", (unsigned long long)waited[15],
	    (unsigned long long)waited[30]);
	assert_true(waited[15] < 200);
}

/* An empty pool leaves frames in the ring: none lost, order kept. */
static void
test_pool_empty_backpressure(void **state)
{
	struct fixture *f = *state;
	struct port_config c1 = { .ifname = "eth0" };
	struct pkt_pool tiny;
	struct pkt *pkts[PKT_BURST_MAX];
	uint32_t next = 0;

	assert_int_equal(pkt_pool_init(&tiny, 8, BUF_SIZE), 0);
	assert_int_equal(open_in(f, "h0", &(struct port_config){
	    .ifname = "eth0" }, &f->pool0, 0, &f->p0), 0);
	assert_int_equal(open_in(f, "h1", &c1, &tiny, 1, &f->p1), 0);
	send_frames(f, f->p0, f->p1, 0, 20, 100);
	while (next < 20) {
		unsigned k = port_rx_burst(f->p1, pkts, PKT_BURST_MAX);

		if (k == 0) {
			wait_rx(f->p1);
			continue;
		}
		assert_true(k <= tiny.count);
		/* the pool is empty now: the ring keeps the rest */
		if (tiny.nfree == 0)
			assert_int_equal(port_rx_burst(f->p1, pkts + k, 1), 0);
		for (unsigned i = 0; i < k; i++)
			if (is_test_frame(pkts[i]))
				frame_check(pkts[i], 100, next++);
		pkt_free_bulk(pkts, k);
	}
	assert_int_equal(f->p1->cnt.rx_dropped, 0);
	port_close(f->p1);
	f->p1 = NULL;
	pkt_pool_fini(&tiny);
}

/* The port holds the interface promiscuous while open, unless told not. */
static void
test_promisc_held(void **state)
{
	struct fixture *f = *state;
	struct port_config c1 = { .ifname = "eth0", .no_promisc = true };
	const char *on = "ip -d link show eth0 | grep -q 'promiscuity 1 '";
	const char *off = "ip -d link show eth0 | grep -q 'promiscuity 0 '";

	open_pair(f, NULL, &c1);
	assert_int_equal(testbed_sh(&f->tb, "h0", "%s", on), 0);
	assert_int_equal(testbed_sh(&f->tb, "h1", "%s", off), 0);
	port_close(f->p0);
	f->p0 = NULL;
	assert_int_equal(testbed_sh(&f->tb, "h0", "%s", off), 0);
}

/* (d) Open errors. */
static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct port_config c = { .ifname = "nosuch0" };
	struct port *p = NULL;

	assert_int_equal(open_in(f, "h0", &c, &f->pool0, 0, &p), -ENODEV);
	c.ifname = "eth0";
	c.rx_ring_size = 1u << 30;
	assert_int_equal(open_in(f, "h0", &c, &f->pool0, 0, &p), -EINVAL);
	c.rx_ring_size = 0;
	c.ifname = "a-name-far-too-long-for-linux";
	assert_int_equal(open_in(f, "h0", &c, &f->pool0, 0, &p), -EINVAL);
	assert_null(p);
}

/* (e) MAC and MTU changes are what link_query reads back. */
static void
test_set_mac_mtu(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x12, 0x34, 0x56, 0x78, 0x9a };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct fixture *f = *state;
	struct link_info li;
	struct pkt *pkt;
	int h;

	open_pair(f, NULL, NULL);
	h = testbed_enter(&f->tb, "h0");
	assert_true(h >= 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_int_equal(li.ifindex, f->p0->ifindex);
	assert_memory_equal(li.mac, f->p0->perm_mac, 6);

	assert_int_equal(link_set_mac(li.ifindex, mac), 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_memory_equal(li.mac, mac, 6);
	assert_int_equal(link_set_mtu(li.ifindex, 1400), 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_int_equal(li.mtu, 1400);
	/* the kernel's own errors come back */
	assert_int_equal(link_set_mtu(li.ifindex, 70000), -EINVAL);
	assert_int_equal(link_set_mac(li.ifindex, mcast), -EADDRNOTAVAIL);
	assert_int_equal(link_set_mtu(1 << 30, 1400), -ENODEV);

	/* through the port */
	assert_int_equal(port_mac_set(f->p0, f->p0->perm_mac), 0);
	assert_int_equal(port_mtu_set(f->p0, 1500), 0);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_memory_equal(li.mac, f->p0->perm_mac, 6);
	assert_int_equal(li.mtu, 1500);
	assert_int_equal(port_mtu_set(f->p0, 1300), 0);
	assert_int_equal(f->p0->mtu, 1300);
	assert_int_equal(port_mac_set(f->p0, mac), 0);
	assert_memory_equal(f->p0->mac, mac, 6);
	assert_int_equal(link_query("eth0", &li), 0);
	assert_memory_equal(li.mac, mac, 6);
	assert_int_equal(li.mtu, 1300);
	testbed_leave(h);

	/* the new MAC and MTU are what goes on the wire */
	send_frames(f, f->p0, f->p1, 0, 10, 1314);
	recv_frames(f->p1, f->p0, 0, 10, 1314);
	pkt = pkt_alloc(&f->txpool);
	frame_fill(put(pkt, 1500), 1500, f->p0, f->p1, 10);
	assert_int_equal(port_tx_burst(f->p0, &pkt, 1), 1);
	assert_int_equal(f->p0->cnt.tx_errors, 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exchange_both_ways),
		T(test_vlan_tag_intact),
		T(test_own_tx_not_received),
		T(test_rx_truncated),
		T(test_tx_too_big),
		T(test_ring_overflow_counted),
		T(test_lone_frame_at_once),
		T(test_pool_empty_backpressure),
		T(test_promisc_held),
		T(test_open_errors),
		T(test_set_mac_mtu),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
