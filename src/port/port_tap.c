/*
 * TAP as a port. A TAP takes and gives one frame per read()/write(), and
 * on a virtual machine each system call costs as much as the frame's own
 * work in the kernel; so a burst goes through io_uring: rx_burst posts a
 * batch of reads, tx_burst a chain of writes, each batch with ONE
 * io_uring_enter that also waits for its completions. Every request is
 * RWF_NOWAIT: it completes inline (a read finds a frame or -EAGAIN, it
 * never parks a poll), so nothing stays posted between bursts, frames come
 * out in the TAP's order, and the loop still polls the TAP's fd itself
 * (port_fd), which is what lets it sleep when idle and lets a VF's fd
 * leave the loop's interest (back-pressure). Without io_uring (seccomp,
 * kernel.io_uring_disabled, an old kernel, or LAGNIC_TAP_NO_URING set) it
 * is one read() per received frame and one write() per sent one, as it
 * says in the log. MAC and MTU changes go through rtnetlink like the other
 * backends.
 */
#include "port/port_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/log.h"
#include "port/link.h"

/* SQ entries: a whole burst of reads or writes at once. */
#define TAP_URING_DEPTH		PKT_BURST_MAX
/* Reads posted when the last batch came back short: what a burst asks
 * for follows what the TAP held (a read that finds nothing costs little,
 * but not nothing). */
#define TAP_RX_BATCH_MIN	4
/* io_uring_enter failing for want of memory (or a signal) so many times
 * in a row: give the ring up. */
#define TAP_URING_TRIES		1000

struct port_tap {
	int fd;
	bool uring;			/* else one read()/write() a frame */
	unsigned rx_batch;		/* reads the next burst posts */
	struct io_uring ring;
};

static int
tap_attach(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * io_uring for this TAP: flags as new as the kernel takes (every SQE gets
 * its CQE; no IPI for task work, which only ever runs while we wait in
 * io_uring_enter). 0 or -errno.
 */
static int
tap_uring_init(struct port_tap *pt)
{
	static const unsigned flags[] = {
		IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN, 0,
	};
	int e = -ENOSYS;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		e = io_uring_queue_init(TAP_URING_DEPTH, &pt->ring, flags[i]);
		if (e != -EINVAL)
			break;
	}
	return e;
}

static bool
tap_uring_transient(int e)
{
	return e == -EINTR || e == -EAGAIN || e == -EBUSY;
}

/*
 * Submit what is prepared (want requests, user_data 0..want) and wait for
 * all their completions: res[i] is request i's result, order[k] the k-th
 * completed. 0 or -errno: the ring failed, requests may be missing.
 */
static int
tap_uring_run(struct port_tap *pt, unsigned want, int *res, uint8_t *order)
{
	unsigned seen = 0, tries = 0;

	while (seen < want) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		int e = io_uring_submit_and_wait(&pt->ring, want - seen);

		if (e < 0 && (!tap_uring_transient(e) ||
		    ++tries > TAP_URING_TRIES))
			return e;
		io_uring_for_each_cqe(&pt->ring, head, cqe) {
			uint64_t i = io_uring_cqe_get_data64(cqe);

			n++;
			if (i >= want)		/* not ours: cannot happen */
				continue;
			res[i] = cqe->res;
			order[seen++] = (uint8_t)i;
		}
		io_uring_cq_advance(&pt->ring, n);
	}
	return 0;
}

/* The ring failed: one read()/write() a frame from now on. */
static void
tap_uring_fail(struct port *port, int e)
{
	struct port_tap *pt = port->priv;

	log_err("%s: tap: io_uring failed (%s): one read()/write() per frame "
	    "from now on", port->name, strerror(-e));
	io_uring_queue_exit(&pt->ring);
	pt->uring = false;
}

/*
 * Can this TAP be read through the ring without blocking? A read with
 * RWF_NOWAIT must be taken (-EAGAIN: the TAP has nothing yet; a frame is
 * dropped: its carrier was still down, nobody sent it to us). 0 or -errno.
 */
static int
tap_uring_probe(struct port *port)
{
	struct port_tap *pt = port->priv;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&pt->ring);
	uint8_t buf[2048], order[1];
	int res = 0, e;

	io_uring_prep_read(sqe, pt->fd, buf, sizeof(buf), 0);
	sqe->rw_flags = RWF_NOWAIT;
	io_uring_sqe_set_data64(sqe, 0);
	e = tap_uring_run(pt, 1, &res, order);
	if (e)
		return e;
	/* the kernel cannot read this file without blocking */
	return res == -EOPNOTSUPP || res == -EINVAL ? res : 0;
}

static void
tap_uring_start(struct port *port)
{
	struct port_tap *pt = port->priv;
	int e;

	if (getenv("LAGNIC_TAP_NO_URING")) {
		log_info("%s: tap: no io_uring (LAGNIC_TAP_NO_URING is set): "
		    "one read()/write() per frame", port->name);
		return;
	}
	e = tap_uring_init(pt);
	if (!e) {
		e = tap_uring_probe(port);
		if (e)
			io_uring_queue_exit(&pt->ring);
	}
	if (e) {
		log_info("%s: tap: no io_uring (%s): one read()/write() per "
		    "frame", port->name, strerror(-e));
		return;
	}
	pt->uring = true;
	pt->rx_batch = TAP_RX_BATCH_MIN;
}

static int
port_tap_open(struct port *port, const struct port_config *cfg)
{
	struct port_tap *pt = port->priv;
	struct link_info li;
	int err;

	pt->fd = tap_attach(cfg->ifname);
	if (pt->fd < 0)
		return pt->fd;
	err = link_query(cfg->ifname, &li);
	if (err)
		goto fail_close;
	port->ifindex = li.ifindex;
	memcpy(port->mac, li.mac, ETH_ALEN_);
	memcpy(port->perm_mac, li.mac, ETH_ALEN_);
	port->mtu = li.mtu;
	/* ours to set: down until the LAG says otherwise */
	err = port_tap_set_carrier(port, false);
	if (err)
		goto fail_close;
	/* commit: nothing below may fail (without io_uring: read/write) */
	tap_uring_start(port);
	return 0;
fail_close:
	close(pt->fd);
	return err;
}

static void
port_tap_close(struct port *port)
{
	struct port_tap *pt = port->priv;

	if (pt->uring)
		io_uring_queue_exit(&pt->ring);
	close(pt->fd);
}

/* One frame read (len > 0), or a read that found nothing or failed. */
static bool
tap_rx_one(struct port *port, struct pkt *p, ssize_t len, int err)
{
	if (len <= 0) {
		pkt_free(p);
		if (len < 0 && err != EAGAIN && err != EINTR)
			port->cnt.rx_errors++;
		return false;
	}
	p->len = (uint32_t)len;
	p->in_port = port->id;
	port_count_rx(port, p->len);
	return true;
}

/* A batch of reads, one io_uring_enter; frames in completion order,
 * which is the TAP's (each read takes the frame at the queue's head when
 * it runs, and they run one after the other). */
static unsigned
tap_uring_rx(struct port *port, struct pkt **pkts, unsigned max)
{
	struct port_tap *pt = port->priv;
	struct pkt *bufs[TAP_URING_DEPTH];
	unsigned want = MIN(MIN(max, pt->rx_batch), TAP_URING_DEPTH), k, n = 0;
	int res[TAP_URING_DEPTH], e;
	uint8_t order[TAP_URING_DEPTH];

	for (k = 0; k < want; k++) {
		struct io_uring_sqe *sqe;

		bufs[k] = pkt_alloc(port->pool);
		if (!bufs[k]) {
			port->cnt.rx_dropped++;
			break;
		}
		sqe = io_uring_get_sqe(&pt->ring);	/* the SQ holds a burst */
		io_uring_prep_read(sqe, pt->fd, bufs[k]->data,
		    pkt_tailroom(bufs[k]), 0);
		sqe->rw_flags = RWF_NOWAIT;
		io_uring_sqe_set_data64(sqe, k);
	}
	if (k == 0)
		return 0;
	e = tap_uring_run(pt, k, res, order);
	if (e) {
		tap_uring_fail(port, e);	/* the frames read are lost */
		for (unsigned i = 0; i < k; i++)
			pkt_free(bufs[i]);
		return 0;
	}
	for (unsigned i = 0; i < k; i++) {
		struct pkt *p = bufs[order[i]];
		int r = res[order[i]];

		if (tap_rx_one(port, p, r, r < 0 ? -r : 0))
			pkts[n++] = p;
	}
	pt->rx_batch = n == want ? MIN(2 * want, TAP_URING_DEPTH) :
	    MAX(2 * n, TAP_RX_BATCH_MIN);
	return n;
}

static unsigned
port_tap_rx_burst(struct port *port, struct pkt **pkts, unsigned max)
{
	struct port_tap *pt = port->priv;
	unsigned n = 0;

	if (pt->uring)
		return tap_uring_rx(port, pkts, max);
	while (n < max) {
		struct pkt *p = pkt_alloc(port->pool);
		ssize_t len;

		if (!p) {
			port->cnt.rx_dropped++;
			break;
		}
		len = read(pt->fd, p->data, pkt_tailroom(p));
		if (!tap_rx_one(port, p, len, errno))
			break;
		pkts[n++] = p;
	}
	return n;
}

/*
 * One chain of writes from pkts[0..n), one io_uring_enter. Linked, so a
 * write that fails cancels the ones after it: nothing is sent past a
 * frame that was not. Returns how many were taken (sent, or failed and
 * freed); *stop: the TAP said -EAGAIN at pkts[ret] (the caller's again).
 */
static unsigned
tap_uring_tx_chain(struct port *port, struct pkt **pkts, unsigned n,
    bool *stop)
{
	struct port_tap *pt = port->priv;
	int res[TAP_URING_DEPTH], e;
	uint8_t order[TAP_URING_DEPTH];
	unsigned i;

	n = MIN(n, TAP_URING_DEPTH);
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&pt->ring);

		io_uring_prep_write(sqe, pt->fd, pkts[i]->data, pkts[i]->len, 0);
		sqe->rw_flags = RWF_NOWAIT;
		if (i + 1 < n)
			sqe->flags |= IOSQE_IO_LINK;
		io_uring_sqe_set_data64(sqe, i);
	}
	e = tap_uring_run(pt, n, res, order);
	if (e) {
		/* which were written is unknown: count them all failed */
		tap_uring_fail(port, e);
		for (i = 0; i < n; i++) {
			port->cnt.tx_errors++;
			pkt_free(pkts[i]);
		}
		return n;
	}
	for (i = 0; i < n; i++) {
		if (res[i] == -EAGAIN || res[i] == -ECANCELED) {
			*stop = res[i] == -EAGAIN;
			return i;
		}
		if (res[i] < 0) {
			port->cnt.tx_errors++;
			pkt_free(pkts[i]);
			return i + 1;	/* the rest were cancelled */
		}
		port_count_tx(port, pkts[i]->len);
		pkt_free(pkts[i]);
	}
	return n;
}

static unsigned
port_tap_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	struct port_tap *pt = port->priv;
	bool stop = false;
	unsigned i = 0;

	while (pt->uring && i < n && !stop)
		i += tap_uring_tx_chain(port, pkts + i, n - i, &stop);
	if (stop)
		return i;	/* the host is not reading: caller drops */
	for (; i < n; i++) {
		ssize_t w = write(pt->fd, pkts[i]->data, pkts[i]->len);

		if (w < 0 && errno == EAGAIN)
			break;		/* the host is not reading: caller drops */
		if (w < 0)
			port->cnt.tx_errors++;
		else
			port_count_tx(port, pkts[i]->len);
		pkt_free(pkts[i]);
	}
	return i;
}

static int
port_tap_fd(struct port *port)
{
	return ((struct port_tap *)port->priv)->fd;
}

int
port_tap_set_carrier(struct port *port, bool up)
{
	struct port_tap *pt = port->priv;
	unsigned int on = up;

	if (ioctl(pt->fd, TUNSETCARRIER, &on) < 0)
		return -errno;
	port_carrier_set(port, up);
	return 0;
}

int
port_tap_set_mac(struct port *port, const uint8_t mac[ETH_ALEN_])
{
	struct port_tap *pt = port->priv;
	struct ifreq ifr = { 0 };

	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN_);
	if (ioctl(pt->fd, SIOCSIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(port->mac, mac, ETH_ALEN_);
	return 0;
}

const struct port_ops port_tap_ops = {
	.name = "tap",
	.priv_size = sizeof(struct port_tap),
	.open = port_tap_open,
	.close = port_tap_close,
	.rx_burst = port_tap_rx_burst,
	.tx_burst = port_tap_tx_burst,
	.fd = port_tap_fd,
	.mac_set = link_port_mac_set,
	.mtu_set = link_port_mtu_set,
};
