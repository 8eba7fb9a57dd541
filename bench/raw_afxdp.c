/*
 * raw_afxdp: the baseline for `lagnic-portperf --backend afxdp`. A plain
 * libxdp AF_XDP socket, copy mode (veth refuses zero-copy) with
 * need_wakeup, and nothing of lagnic's datapath. tx writes frames straight
 * into UMEM and kicks with sendto(); rx recycles each buffer to the fill
 * ring at once and sleeps in poll() when the ring is empty. tx loads no
 * XDP program (it receives nothing); rx lets libxdp attach its default.
 *
 * Same command line, test frames and report as lagnic-portperf
 * (src/tools/perf.h), so the ratio of the two measures lagnic's port layer.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "raw_util.h"
#include "tools/perf.h"

#define XRAW_HEADROOM	256		/* XDP_PACKET_HEADROOM, copy mode rx */
#define XRAW_DRAIN_NS	(100 * NSEC_PER_MSEC)
#define XRAW_END_GAP_NS	(1 * NSEC_PER_MSEC)

static const struct perf_tool xraw_tool = {
	.name = "raw_afxdp",
	.backend = "afxdp",
};

static const uint32_t xraw_xdp_flags[] = {
	[PERF_XDP_AUTO] = 0,
	[PERF_XDP_NATIVE] = XDP_FLAGS_DRV_MODE,
	[PERF_XDP_GENERIC] = XDP_FLAGS_SKB_MODE,
};
static_assert(ARRAY_SIZE(xraw_xdp_flags) == PERF_XDP_COUNT, "xdp flags");

struct xraw {
	struct raw_if ifc;
	int promisc_fd;
	uint8_t *area;			/* UMEM */
	size_t area_len;
	uint32_t frame_size, nframes;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	int fd;
	uint64_t *free;			/* tx: frames the kernel does not hold */
	uint32_t nfree;
	uint64_t kicks;
};

static int
xraw_umem(struct xraw *x, const struct perf_opts *o)
{
	/* rx: twice the ring, so the fill ring still has buffers when the
	 * rx ring is full; tx: the tx ring's worth */
	uint32_t nframes = o->mode == PERF_M_RX ? 2 * o->ring : o->ring;
	struct xsk_umem_config uc = {
		.fill_size = nframes,
		.comp_size = o->ring,
		.frame_size = x->frame_size,
	};

	x->nframes = nframes;
	x->area_len = (size_t)x->nframes * x->frame_size;
	x->area = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -ENOMEM;
	}
	x->free = calloc(x->nframes, sizeof(*x->free));
	if (!x->free)
		return -ENOMEM;
	return xsk_umem__create(&x->umem, x->area, x->area_len, &x->fill,
	    &x->comp, &uc);
}

static int
xraw_socket(struct xraw *x, const struct perf_opts *o)
{
	bool rx = o->mode == PERF_M_RX;
	struct xsk_socket_config sc = {
		.rx_size = o->ring,
		.tx_size = o->ring,
		.libxdp_flags = rx ? 0 : XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = xraw_xdp_flags[o->xdp_mode],
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	int err;

	err = xsk_socket__create(&x->xsk, o->ifname, o->queue, x->umem,
	    rx ? &x->rx : NULL, rx ? NULL : &x->tx, &sc);
	if (err)
		return err;
	x->fd = xsk_socket__fd(x->xsk);
	return 0;
}

/* rx: every frame to the fill ring; tx: every frame free. */
static int
xraw_frames_give(struct xraw *x, bool rx)
{
	uint32_t idx = 0;

	if (!rx) {
		for (uint32_t i = 0; i < x->nframes; i++)
			x->free[i] = (uint64_t)i * x->frame_size;
		x->nfree = x->nframes;
		return 0;
	}
	if (xsk_ring_prod__reserve(&x->fill, x->nframes, &idx) != x->nframes)
		return -ENOSPC;
	for (uint32_t i = 0; i < x->nframes; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
		    (uint64_t)i * x->frame_size;
	xsk_ring_prod__submit(&x->fill, x->nframes);
	return 0;
}

static void
xraw_close(struct xraw *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_len);
	free(x->free);
	if (x->promisc_fd >= 0)
		close(x->promisc_fd);
}

/* --size against the link and the UMEM frame: 0 or the exit status. */
static int
xraw_sizes(struct xraw *x, const struct perf_opts *o)
{
	if (o->mode == PERF_M_TX &&
	    raw_check_size(xraw_tool.name, o->size, &x->ifc))
		return 2;
	x->frame_size = o->size + XRAW_HEADROOM <= 2048 ? 2048 : 4096;
	if (o->size + XRAW_HEADROOM <= x->frame_size)
		return 0;
	fprintf(stderr, "%s: --size %u: this baseline sends at most %u B\n",
	    xraw_tool.name, o->size, 4096 - XRAW_HEADROOM);
	return 2;
}

/* 0, or the exit status. */
static int
xraw_open(struct xraw *x, const struct perf_opts *o)
{
	int err;

	memset(x, 0, sizeof(*x));
	x->promisc_fd = x->fd = -1;
	err = raw_if_query(o->ifname, &x->ifc);
	if (!err && xraw_sizes(x, o))
		return 2;
	if (!err && o->mode == PERF_M_RX) {
		x->promisc_fd = raw_promisc_hold(x->ifc.ifindex);
		err = x->promisc_fd < 0 ? x->promisc_fd : 0;
	}
	if (!err)
		err = xraw_umem(x, o);
	if (!err)
		err = xraw_socket(x, o);
	if (!err)
		err = xraw_frames_give(x, o->mode == PERF_M_RX);
	if (!err)
		return 0;
	fprintf(stderr, "%s: %s: %s\n", xraw_tool.name, o->ifname,
	    strerror(-err));
	xraw_close(x);
	return 1;
}

static void
xraw_kick(struct xraw *x)
{
	x->kicks++;
	sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
}

/* Take back the frames the kernel has sent. */
static void
xraw_complete(struct xraw *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->comp, x->nframes, &idx);

	for (uint32_t i = 0; i < n; i++)
		x->free[x->nfree++] = *xsk_ring_cons__comp_addr(&x->comp,
		    idx + i);
	xsk_ring_cons__release(&x->comp, n);
}

/* Up to n frames onto the tx ring, data or end markers from flow0 on. */
static unsigned
xraw_tx_burst(struct xraw *x, struct perf_tx *tx, unsigned n, bool end,
    uint32_t flow0)
{
	uint32_t idx = 0;

	n = MIN(n, x->nfree);
	if (n == 0 || xsk_ring_prod__reserve(&x->tx, n, &idx) != n) {
		xraw_kick(x);
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
		uint8_t *buf;

		d->addr = x->free[--x->nfree];
		d->len = tx->opts->size;
		buf = xsk_umem__get_data(x->area, d->addr);
		if (end)
			perf_tx_build_end(tx, flow0 + i, buf);
		else
			perf_tx_build(tx, buf);
	}
	xsk_ring_prod__submit(&x->tx, n);
	if (xsk_ring_prod__needs_wakeup(&x->tx))
		xraw_kick(x);
	return n;
}

/* Until the kernel gave every frame back, or for a while. */
static void
xraw_drain(struct xraw *x)
{
	uint64_t deadline = raw_now_ns() + XRAW_DRAIN_NS;

	while (x->nfree < x->nframes && raw_now_ns() < deadline) {
		xraw_kick(x);
		xraw_complete(x);
	}
}

static void
xraw_tx_end(struct xraw *x, struct perf_tx *tx)
{
	uint32_t flows = tx->opts->flows, f = 0, tries = 0;

	while (f < flows && tries++ < 4096) {
		xraw_complete(x);
		f += xraw_tx_burst(x, tx, MIN(PERF_BURST_MAX, flows - f),
		    true, f);
	}
	tx->end_markers += f;
	xraw_drain(x);
}

static void
xraw_tx_loop(struct xraw *x, struct perf_tx *tx)
{
	uint64_t now, wait;
	unsigned n;

	while (!perf_stop && !perf_tx_done(tx, now = raw_now_ns())) {
		xraw_complete(x);
		n = perf_tx_budget(tx, now, tx->opts->burst);
		if (n) {
			perf_tx_sent(tx, xraw_tx_burst(x, tx, n, false, 0),
			    now);
			continue;
		}
		wait = perf_tx_wait_ns(tx, now);
		if (wait > 20 * NSEC_PER_USEC)
			perf_sleep_ns(MIN(wait, 10 * NSEC_PER_MSEC));
	}
	xraw_drain(x);
}

/* Socket statistics into pc; returns tx frames the kernel refused. */
static uint64_t
xraw_counters(struct xraw *x, struct perf_counters *pc)
{
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);

	getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len);
	perf_counters_add(pc, "rx_dropped", st.rx_dropped);
	perf_counters_add(pc, "rx_invalid_descs", st.rx_invalid_descs);
	perf_counters_add(pc, "tx_invalid_descs", st.tx_invalid_descs);
	perf_counters_add(pc, "rx_ring_full", st.rx_ring_full);
	perf_counters_add(pc, "rx_fill_ring_empty_descs",
	    st.rx_fill_ring_empty_descs);
	perf_counters_add(pc, "tx_ring_empty_descs", st.tx_ring_empty_descs);
	perf_counters_add(pc, "kicks", x->kicks);
	return st.tx_invalid_descs;
}

static int
xraw_tx(struct xraw *x, const struct perf_opts *o)
{
	struct perf_counters pc = { 0 };
	struct perf_tx tx;
	int err;

	err = perf_tx_init(&tx, o, x->ifc.mac, raw_now_ns());
	if (err)
		return err;
	xraw_tx_loop(x, &tx);
	for (unsigned i = 0; i < PERF_END_ROUNDS; i++) {
		perf_sleep_ns(XRAW_END_GAP_NS);
		xraw_tx_end(x, &tx);
	}
	err = perf_report_tx(stdout, &xraw_tool, o, &tx,
	    xraw_counters(x, &pc), &pc);
	perf_tx_fini(&tx);
	return err;
}

/* Account n received frames and hand their buffers back to the kernel. */
static void
xraw_rx_burst(struct xraw *x, struct perf_rx *rx, uint32_t idx, uint32_t n,
    uint64_t now)
{
	uint32_t fidx = 0;

	while (xsk_ring_prod__reserve(&x->fill, n, &fidx) != n)
		;	/* cannot stay full: the fill ring holds every frame */
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx,
		    idx + i);

		perf_rx_frame(rx, xsk_umem__get_data(x->area, d->addr),
		    d->len, now);
		*xsk_ring_prod__fill_addr(&x->fill, fidx + i) =
		    d->addr & ~(uint64_t)(x->frame_size - 1);
	}
	xsk_ring_cons__release(&x->rx, n);
	xsk_ring_prod__submit(&x->fill, n);
}

static void
xraw_rx_loop(struct xraw *x, struct perf_rx *rx)
{
	unsigned idle = 0;
	uint32_t idx = 0, n;
	uint64_t now;

	while (!perf_stop && !perf_rx_done(rx, now = raw_now_ns())) {
		n = xsk_ring_cons__peek(&x->rx, rx->opts->burst, &idx);
		if (n) {
			xraw_rx_burst(x, rx, idx, n, now);
			idle = 0;
			continue;
		}
		if (xsk_ring_prod__needs_wakeup(&x->fill)) {
			x->kicks++;
			recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		}
		if (++idle >= PERF_IDLE_SPINS)
			perf_wait_readable(x->fd, perf_rx_wait_ns(rx, now));
	}
}

static int
xraw_rx(struct xraw *x, const struct perf_opts *o)
{
	struct perf_counters pc = { 0 };
	struct perf_rx rx;
	int err;

	perf_rx_init(&rx, o, raw_now_ns());
	fprintf(stderr, "%s: rx ready on %s\n", xraw_tool.name, o->ifname);
	xraw_rx_loop(x, &rx);
	xraw_counters(x, &pc);
	err = perf_report_rx(stdout, &xraw_tool, o, &rx, &pc);
	perf_rx_fini(&rx);
	return err;
}

int
main(int argc, char **argv)
{
	struct perf_opts o;
	struct xraw x;
	int err;

	err = perf_opts_parse(&o, &xraw_tool, argc, argv);
	if (err)
		return err > 0 ? 0 : 2;
	if (perf_signals_install())
		return 1;
	err = xraw_open(&x, &o);
	if (err)
		return err;
	err = o.mode == PERF_M_TX ? xraw_tx(&x, &o) : xraw_rx(&x, &o);
	xraw_close(&x);
	return err ? 1 : 0;
}
