/*
 * raw_afpacket: the baseline for `lagnic-portperf --backend afpacket`.
 * A plain AF_PACKET socket and nothing of lagnic's datapath: tx hands
 * bursts to sendmmsg() (qdisc bypassed, as a packet generator does), rx
 * walks a TPACKET_V3 ring and sleeps in poll() when it is empty.
 *
 * Same command line, test frames and report as lagnic-portperf
 * (src/tools/perf.h): building and accounting a frame costs the same here
 * and there, so the ratio of the two measures lagnic's port layer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "raw_util.h"
#include "tools/perf.h"

#define RAW_BLOCK_SIZE	(1u << 20)
#define RAW_FRAME_SIZE	2048		/* V3 packs frames; this sizes the ring */
#define RAW_BLOCK_TOV_MS 2		/* a partly filled block is retired */
#define RAW_END_GAP_NS	(1 * NSEC_PER_MSEC)

static const struct perf_tool raw_tool = {
	.name = "raw_afpacket",
	.backend = "afpacket",
};

struct raw {
	int fd;
	int promisc_fd;
	struct raw_if ifc;
	uint8_t *ring;			/* rx: TPACKET_V3 blocks */
	struct tpacket_req3 req;
	unsigned block;			/* next block to read */
	uint64_t enobufs;		/* tx: sendmmsg retried */
};

static int
raw_rx_ring(struct raw *r, uint32_t ring)
{
	int v = TPACKET_V3;
	size_t len;

	r->req.tp_block_size = RAW_BLOCK_SIZE;
	r->req.tp_frame_size = RAW_FRAME_SIZE;
	r->req.tp_block_nr = MAX(4u, ring / (RAW_BLOCK_SIZE / RAW_FRAME_SIZE));
	r->req.tp_frame_nr = r->req.tp_block_nr *
	    (RAW_BLOCK_SIZE / RAW_FRAME_SIZE);
	r->req.tp_retire_blk_tov = RAW_BLOCK_TOV_MS;
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &r->req,
	    sizeof(r->req)))
		return -errno;
	len = (size_t)r->req.tp_block_size * r->req.tp_block_nr;
	r->ring = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_POPULATE, r->fd, 0);
	return r->ring == MAP_FAILED ? -errno : 0;
}

static int
raw_socket(struct raw *r, const struct perf_opts *o)
{
	bool rx = o->mode == PERF_M_RX;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = rx ? htons(ETH_P_ALL) : 0,
		.sll_ifindex = r->ifc.ifindex,
	};
	int one = 1;

	/* protocol 0 until bound: no frame of another interface gets in */
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return -errno;
	if (!rx && setsockopt(r->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one)))
		return -errno;
	if (rx && (setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) || raw_rx_ring(r, o->ring)))
		return -errno;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

static void
raw_close(struct raw *r)
{
	if (r->ring && r->ring != MAP_FAILED)
		munmap(r->ring, (size_t)r->req.tp_block_size *
		    r->req.tp_block_nr);
	if (r->fd >= 0)
		close(r->fd);
	if (r->promisc_fd >= 0)
		close(r->promisc_fd);
}

/* 0, or the exit status. */
static int
raw_open(struct raw *r, const struct perf_opts *o)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = r->promisc_fd = -1;
	err = raw_if_query(o->ifname, &r->ifc);
	if (!err && o->mode == PERF_M_TX &&
	    raw_check_size(raw_tool.name, o->size, &r->ifc))
		return 2;
	if (!err && o->mode == PERF_M_RX) {
		r->promisc_fd = raw_promisc_hold(r->ifc.ifindex);
		err = r->promisc_fd < 0 ? r->promisc_fd : 0;
	}
	if (!err)
		err = raw_socket(r, o);
	if (!err)
		return 0;
	fprintf(stderr, "%s: %s: %s\n", raw_tool.name, o->ifname,
	    strerror(-err));
	raw_close(r);
	return 1;
}

/* Send msgs[0..n) in order; frames sent (fewer only on a signal). */
static unsigned
raw_send(struct raw *r, struct mmsghdr *msgs, unsigned n)
{
	unsigned off = 0;
	int k;

	while (off < n && !perf_stop) {
		k = sendmmsg(r->fd, msgs + off, n - off, 0);
		if (k > 0)
			off += (unsigned)k;
		else if (errno == ENOBUFS)
			r->enobufs++;
		else if (errno != EINTR && errno != EAGAIN)
			break;
	}
	return off;
}

struct raw_burst {
	struct mmsghdr msgs[PERF_BURST_MAX];
	struct iovec iov[PERF_BURST_MAX];
	uint32_t flow[PERF_BURST_MAX];
	uint8_t *bufs;
};

static int
raw_burst_init(struct raw_burst *b, uint32_t size)
{
	memset(b, 0, sizeof(*b));
	b->bufs = malloc((size_t)PERF_BURST_MAX * size);
	if (!b->bufs)
		return -ENOMEM;
	for (unsigned i = 0; i < PERF_BURST_MAX; i++) {
		b->iov[i].iov_base = b->bufs + (size_t)i * size;
		b->iov[i].iov_len = size;
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static void
raw_tx_end(struct raw *r, struct raw_burst *b, struct perf_tx *tx)
{
	uint32_t flows = tx->opts->flows;

	for (uint32_t f = 0; f < flows; f += PERF_BURST_MAX) {
		unsigned n = MIN(PERF_BURST_MAX, flows - f);

		for (unsigned i = 0; i < n; i++)
			perf_tx_build_end(tx, f + i, b->iov[i].iov_base);
		tx->end_markers += raw_send(r, b->msgs, n);
	}
}

static void
raw_tx_loop(struct raw *r, struct raw_burst *b, struct perf_tx *tx)
{
	uint64_t now, wait;
	unsigned n, sent;

	while (!perf_stop && !perf_tx_done(tx, now = raw_now_ns())) {
		n = perf_tx_budget(tx, now, tx->opts->burst);
		if (n == 0) {
			wait = perf_tx_wait_ns(tx, now);
			if (wait > 20 * NSEC_PER_USEC)
				perf_sleep_ns(MIN(wait, 10 * NSEC_PER_MSEC));
			continue;
		}
		for (unsigned i = 0; i < n; i++)
			b->flow[i] = perf_tx_build(tx, b->iov[i].iov_base);
		sent = raw_send(r, b->msgs, n);
		for (unsigned i = n; i-- > sent;)
			perf_tx_unbuild(tx, b->flow[i]);
		perf_tx_sent(tx, sent, raw_now_ns());
	}
}

static int
raw_tx(struct raw *r, const struct perf_opts *o)
{
	struct perf_counters pc = { 0 };
	struct raw_burst b;
	struct perf_tx tx;
	int err;

	if (raw_burst_init(&b, o->size))
		return -ENOMEM;
	err = perf_tx_init(&tx, o, r->ifc.mac, raw_now_ns());
	if (err)
		goto fail_free;
	raw_tx_loop(r, &b, &tx);
	for (unsigned i = 0; i < PERF_END_ROUNDS; i++) {
		perf_sleep_ns(RAW_END_GAP_NS);
		raw_tx_end(r, &b, &tx);
	}
	perf_counters_add(&pc, "enobufs_retries", r->enobufs);
	err = perf_report_tx(stdout, &raw_tool, o, &tx, 0, &pc);
	perf_tx_fini(&tx);
fail_free:
	free(b.bufs);
	return err;
}

/* Account every frame of a block the kernel handed over. */
static void
raw_rx_block(struct perf_rx *rx, struct tpacket_block_desc *bd,
    uint64_t now)
{
	uint8_t *p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;

	for (uint32_t i = 0; i < bd->hdr.bh1.num_pkts; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)p;

		perf_rx_frame(rx, p + h->tp_mac, h->tp_snaplen, now);
		p += h->tp_next_offset;
	}
}

static void
raw_rx_loop(struct raw *r, struct perf_rx *rx)
{
	struct tpacket_block_desc *bd;
	unsigned idle = 0;
	uint64_t now;

	while (!perf_stop && !perf_rx_done(rx, now = raw_now_ns())) {
		bd = (struct tpacket_block_desc *)(r->ring +
		    (size_t)r->block * r->req.tp_block_size);
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
			if (++idle >= PERF_IDLE_SPINS)
				perf_wait_readable(r->fd,
				    perf_rx_wait_ns(rx, now));
			continue;
		}
		idle = 0;
		raw_rx_block(rx, bd, now);
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
		r->block = (r->block + 1) % r->req.tp_block_nr;
	}
}

static int
raw_rx(struct raw *r, const struct perf_opts *o)
{
	struct perf_counters pc = { 0 };
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st);
	struct perf_rx rx;
	int err;

	perf_rx_init(&rx, o, raw_now_ns());
	fprintf(stderr, "%s: rx ready on %s\n", raw_tool.name, o->ifname);
	raw_rx_loop(r, &rx);
	getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	perf_counters_add(&pc, "tp_packets", st.tp_packets);
	perf_counters_add(&pc, "tp_drops", st.tp_drops);
	perf_counters_add(&pc, "tp_freeze_q_cnt", st.tp_freeze_q_cnt);
	err = perf_report_rx(stdout, &raw_tool, o, &rx, &pc);
	perf_rx_fini(&rx);
	return err;
}

int
main(int argc, char **argv)
{
	struct perf_opts o;
	struct raw r;
	int err;

	err = perf_opts_parse(&o, &raw_tool, argc, argv);
	if (err)
		return err > 0 ? 0 : 2;
	if (perf_signals_install())
		return 1;
	err = raw_open(&r, &o);
	if (err)
		return err;
	err = o.mode == PERF_M_TX ? raw_tx(&r, &o) : raw_rx(&r, &o);
	raw_close(&r);
	return err ? 1 : 0;
}
