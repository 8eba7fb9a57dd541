/*
 * The "afpacket" port backend: a Linux interface opened raw through
 * AF_PACKET sockets with mmap'd rings.
 *
 * RX: one socket (ETH_P_ALL, bound to the interface) with a TPACKET_V2
 * ring of fixed slots. The kernel hands each frame over as it arrives (its
 * slot TP_STATUS_USER) and wakes a poller at once; rx_burst walks the ring
 * slot by slot, copies each frame into a pkt of port->pool and gives the
 * slot back. When the pool is empty the frame stays in the ring (the next
 * burst takes it); when the ring is full the kernel drops and counts, and
 * we add its count to rx_dropped when it flags a frame TP_STATUS_LOSING.
 * Why not TPACKET_V3, which packs frames into blocks: the kernel hands a
 * block over (and wakes the poller) only when it is full or its retire
 * timer expires, 1 ms at the least. Under light load every frame waited
 * for that timer: an RDMA round trip between two lagnicd took 1 ms where
 * the wire takes tens of microseconds (libpcap's immediate mode takes V2
 * for the same reason). The ring's memory is the same (frames x slot).
 * The kernel strips a VLAN tag into the frame header (TP_STATUS_VLAN_VALID);
 * we put the tag back so that lagnic sees the frame as it was on the wire.
 * PACKET_IGNORE_OUTGOING: we never see frames sent on the interface,
 * ours or the host stack's. Unless cfg->keep_host_stack, the host stack
 * gets none of the received frames (stack_mute.h), as on a bonding slave.
 *
 * TX: a second socket with a TPACKET_V2 TX ring, bound with protocol 0.
 * tx_burst copies each pkt into a free ring slot, marks it
 * TP_STATUS_SEND_REQUEST and kicks the kernel once per burst with
 * sendto(MSG_DONTWAIT); the kernel builds the skbs on the ring pages
 * themselves, so the one copy is pkt -> ring. Why this and not:
 *  - sendmmsg: one msghdr and iovec per frame, each copied in and turned
 *    into an skb by a copy, per-message checks; the ring costs the same
 *    memcpy we do anyway and one syscall per burst with nothing to build.
 *  - a V3 TX ring on the RX socket: V3 TX is V2's fixed-size frames
 *    (tp_next_offset must be 0), so it gains nothing, while a socket has
 *    one version and one set of options for both rings. On its own socket
 *    the TX ring gets its own geometry (frame-sized slots) and
 *    PACKET_QDISC_BYPASS and PACKET_LOSS stay off the RX socket, and a
 *    protocol 0 socket is never handed a received frame.
 * A slot comes back (TP_STATUS_AVAILABLE) when the kernel frees the skb;
 * when none is free, tx_burst takes fewer frames and the caller keeps the
 * rest. PACKET_LOSS: a frame the kernel refuses is skipped, not left to
 * block the ring.
 *
 * mac_set/mtu_set go through rtnetlink (link.c) and, like link.h, act in
 * the calling thread's namespace: call them from the namespace the port
 * was opened in. port->carrier is kept by the link monitor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "port/link.h"
#include "port/stack_mute.h"

#define AFP_RX_RING_DEFAULT	8192	/* frames: a preempted vCPU loses none */
#define AFP_TX_RING_DEFAULT	2048	/* frames in flight; full = backpressure */
#define AFP_RING_MAX		(1u << 20)
#define AFP_RX_BLOCK_MIN	(64u << 10)
#define AFP_TX_BLOCK_MIN	(64u << 10)
/* V2 frame header, sockaddr_ll and alignment in front of a frame. */
#define AFP_RX_FRAME_OVERHEAD	128
/* V2 TX: without PACKET_TX_HAS_OFF the frame starts after the header. */
#define AFP_TX_DATA_OFF	(TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define AFP_VLAN_HLEN		4
#define AFP_MACS_LEN		(2 * ETH_ALEN)

struct afp_ring {
	uint8_t *map;
	size_t map_len;
	uint32_t block_size;
	uint32_t block_nr;
	uint32_t frame_size;
	uint32_t frame_nr;
};

struct port_afpacket {
	int rx_fd;
	int tx_fd;
	int promisc_fd;			/* -1 with no_promisc */
	struct port_stack_mute mute;	/* unused with keep_host_stack */
	struct afp_ring rx;
	struct afp_ring tx;
	/* RX: next slot to take, TX: next slot to fill (the kernel walks
	 * each ring in the same order) */
	uint32_t rx_head;
	uint32_t tx_head;
	uint32_t tx_room;		/* largest frame a slot holds */
};

static int
afp_setopt(int fd, int opt, int val)
{
	if (setsockopt(fd, SOL_PACKET, opt, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

static int
afp_bind(int fd, int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};

	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

/*
 * Ring geometry: `frames` slots of at least `slot` bytes, in blocks of at
 * least `block_min` bytes. Sizes are powers of two so blocks hold whole
 * slots and the kernel's page-order allocations waste nothing.
 */
static void
afp_ring_size(struct afp_ring *r, uint32_t frames, uint32_t slot,
    uint32_t block_min)
{
	uint32_t per_block;

	r->frame_size = round_up_pow2(slot);
	r->block_size = MAX(round_up_pow2(block_min), r->frame_size);
	per_block = r->block_size / r->frame_size;
	r->block_nr = MAX((frames + per_block - 1) / per_block, 2u);
	r->frame_nr = r->block_nr * per_block;
	r->map_len = (size_t)r->block_size * r->block_nr;
}

static int
afp_ring_map(struct afp_ring *r, int fd)
{
	void *map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);

	if (map == MAP_FAILED)
		return -errno;
	r->map = map;
	return 0;
}

static int
afp_rx_setup(int fd, struct afp_ring *r)
{
	struct tpacket_req req = {
		.tp_block_size = r->block_size,
		.tp_block_nr = r->block_nr,
		.tp_frame_size = r->frame_size,
		.tp_frame_nr = r->frame_nr,
	};
	int err;

	err = afp_setopt(fd, PACKET_VERSION, TPACKET_V2);
	if (!err)
		err = afp_setopt(fd, PACKET_IGNORE_OUTGOING, 1);
	if (err)
		return err;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		return -errno;
	return afp_ring_map(r, fd);
}

/* The RX socket is bound last, when the ring is there to take frames. */
static int
afp_rx_open(struct port_afpacket *ap, int ifindex)
{
	int fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	err = afp_rx_setup(fd, &ap->rx);
	if (err)
		goto fail_close;
	err = afp_bind(fd, ifindex, ETH_P_ALL);
	if (err)
		goto fail_unmap;
	/* commit: nothing below may fail */
	ap->rx_fd = fd;
	return 0;
fail_unmap:
	munmap(ap->rx.map, ap->rx.map_len);
fail_close:
	close(fd);
	return err;
}

static int
afp_tx_setup(int fd, struct afp_ring *r)
{
	struct tpacket_req req = {
		.tp_block_size = r->block_size,
		.tp_block_nr = r->block_nr,
		.tp_frame_size = r->frame_size,
		.tp_frame_nr = r->frame_nr,
	};
	int err;

	err = afp_setopt(fd, PACKET_VERSION, TPACKET_V2);
	if (!err)
		err = afp_setopt(fd, PACKET_QDISC_BYPASS, 1);
	if (!err)
		err = afp_setopt(fd, PACKET_LOSS, 1);
	if (err)
		return err;
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		return -errno;
	return afp_ring_map(r, fd);
}

static int
afp_tx_open(struct port_afpacket *ap, int ifindex)
{
	int fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = afp_tx_setup(fd, &ap->tx);
	if (err)
		goto fail_close;
	err = afp_bind(fd, ifindex, 0);
	if (err)
		goto fail_unmap;
	/* commit: nothing below may fail */
	ap->tx_fd = fd;
	return 0;
fail_unmap:
	munmap(ap->tx.map, ap->tx.map_len);
fail_close:
	close(fd);
	return err;
}

static void
afp_ring_close(struct afp_ring *r, int fd)
{
	munmap(r->map, r->map_len);
	close(fd);
}

/* Sizes from the config and the pool; -EINVAL for absurd ring sizes. */
static int
afp_geometry(struct port_afpacket *ap, const struct port *port,
    const struct port_config *cfg)
{
	uint32_t rx = cfg->rx_ring_size ? cfg->rx_ring_size :
	    AFP_RX_RING_DEFAULT;
	uint32_t tx = cfg->tx_ring_size ? cfg->tx_ring_size :
	    AFP_TX_RING_DEFAULT;
	uint32_t room = pkt_pool_data_room(port->pool);

	if (rx > AFP_RING_MAX || tx > AFP_RING_MAX || room > (1u << 24))
		return -EINVAL;
	afp_ring_size(&ap->rx, rx, AFP_RX_FRAME_OVERHEAD + room,
	    AFP_RX_BLOCK_MIN);
	afp_ring_size(&ap->tx, tx, TPACKET_ALIGN(AFP_TX_DATA_OFF + room),
	    AFP_TX_BLOCK_MIN);
	ap->tx_room = ap->tx.frame_size - AFP_TX_DATA_OFF;
	return 0;
}

static int
port_afpacket_open(struct port *port, const struct port_config *cfg)
{
	struct port_afpacket *ap = port->priv;
	struct link_info li;
	int err;

	err = afp_geometry(ap, port, cfg);
	if (err)
		return err;
	err = link_query(cfg->ifname, &li);
	if (err)
		return err;
	err = afp_rx_open(ap, li.ifindex);
	if (err)
		return err;
	err = afp_tx_open(ap, li.ifindex);
	if (err)
		goto fail_close_rx;
	ap->promisc_fd = -1;
	if (!cfg->no_promisc) {
		err = link_promisc_hold(li.ifindex);
		if (err < 0)
			goto fail_close_tx;
		ap->promisc_fd = err;
	}
	ap->mute = (struct port_stack_mute){ .prog_fd = -1, .link_fd = -1 };
	if (!cfg->keep_host_stack) {
		err = port_stack_mute(li.ifindex, &ap->mute);
		if (err)
			goto fail_unpromisc;
	}
	/* commit: nothing below may fail */
	port->ifindex = li.ifindex;
	memcpy(port->mac, li.mac, ETH_ALEN_);
	memcpy(port->perm_mac, li.mac, ETH_ALEN_);	/* restored on leave */
	port->mtu = li.mtu;
	port->carrier = li.carrier;
	return 0;
fail_unpromisc:
	if (ap->promisc_fd >= 0)
		close(ap->promisc_fd);
fail_close_tx:
	afp_ring_close(&ap->tx, ap->tx_fd);
fail_close_rx:
	afp_ring_close(&ap->rx, ap->rx_fd);
	return err;
}

static void
port_afpacket_close(struct port *port)
{
	struct port_afpacket *ap = port->priv;

	port_stack_unmute(&ap->mute);
	if (ap->promisc_fd >= 0)
		close(ap->promisc_fd);
	afp_ring_close(&ap->tx, ap->tx_fd);
	afp_ring_close(&ap->rx, ap->rx_fd);
}

/* RX */

/* Slot i of a ring: blocks hold whole slots, none spans two blocks. */
static struct tpacket2_hdr *
afp_slot(const struct afp_ring *r, uint32_t i)
{
	uint32_t per_block = r->block_size / r->frame_size;

	return (struct tpacket2_hdr *)(r->map +
	    (size_t)(i / per_block) * r->block_size +
	    (size_t)(i % per_block) * r->frame_size);
}

/* Frames the kernel dropped for want of ring room (reading resets them). */
static void
afp_rx_read_drops(struct port *port, struct port_afpacket *ap)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(ap->rx_fd, SOL_PACKET, PACKET_STATISTICS, &st,
	    &len) == 0)
		port->cnt.rx_dropped += st.tp_drops;
}

/* The frame at the ring's head, or NULL while the kernel has the slot. */
static struct tpacket2_hdr *
afp_rx_head(struct port *port, struct port_afpacket *ap)
{
	struct tpacket2_hdr *h = afp_slot(&ap->rx, ap->rx_head);
	uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

	if (!(status & TP_STATUS_USER))
		return NULL;
	if (status & TP_STATUS_LOSING)
		afp_rx_read_drops(port, ap);
	return h;
}

/* Give the head slot back to the kernel. */
static void
afp_rx_release(struct port_afpacket *ap, struct tpacket2_hdr *h)
{
	__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	ap->rx_head = (ap->rx_head + 1) % ap->rx.frame_nr;
}

/* Length on the wire: the kernel took a VLAN tag out of the frame. */
static uint32_t
afp_rx_wire_len(const struct tpacket2_hdr *h)
{
	return h->tp_snaplen +
	    (h->tp_status & TP_STATUS_VLAN_VALID ? AFP_VLAN_HLEN : 0);
}

/* Copy a ring frame into pkt, putting a stripped VLAN tag back. */
static void
afp_rx_copy(struct pkt *pkt, const struct tpacket2_hdr *h)
{
	const uint8_t *frame = (const uint8_t *)h + h->tp_mac;
	uint16_t tag[2];

	pkt->len = afp_rx_wire_len(h);
	if (!(h->tp_status & TP_STATUS_VLAN_VALID)) {
		memcpy(pkt->data, frame, h->tp_snaplen);
		return;
	}
	tag[0] = htons(h->tp_status & TP_STATUS_VLAN_TPID_VALID ?
	    h->tp_vlan_tpid : ETH_P_8021Q);
	tag[1] = htons(h->tp_vlan_tci);
	memcpy(pkt->data, frame, AFP_MACS_LEN);
	memcpy(pkt->data + AFP_MACS_LEN, tag, AFP_VLAN_HLEN);
	memcpy(pkt->data + AFP_MACS_LEN + AFP_VLAN_HLEN, frame + AFP_MACS_LEN,
	    h->tp_snaplen - AFP_MACS_LEN);
}

/*
 * Take the frame at the ring's head: *out is a pkt, or NULL for a frame
 * dropped and counted. -ENOBUFS when the pool is empty (frame left).
 */
static int
afp_rx_take(struct port *port, const struct tpacket2_hdr *h,
    struct pkt **out)
{
	uint32_t len = afp_rx_wire_len(h);
	struct pkt *pkt;

	*out = NULL;
	if (h->tp_snaplen < h->tp_len ||
	    len > pkt_pool_data_room(port->pool)) {
		port->cnt.rx_truncated++;
		return 0;
	}
	if (h->tp_snaplen < AFP_MACS_LEN) {
		port->cnt.rx_errors++;
		return 0;
	}
	pkt = pkt_alloc(port->pool);
	if (!pkt)
		return -ENOBUFS;
	afp_rx_copy(pkt, h);
	pkt->in_port = port->id;
	port_count_rx(port, pkt->len);
	*out = pkt;
	return 0;
}

static unsigned
port_afpacket_rx_burst(struct port *port, struct pkt **pkts, unsigned max)
{
	struct port_afpacket *ap = port->priv;
	struct tpacket2_hdr *h;
	uint64_t now = 0;
	unsigned n = 0;

	while (n < max && (h = afp_rx_head(port, ap))) {
		struct pkt *pkt;

		if (afp_rx_take(port, h, &pkt) < 0)
			break;
		afp_rx_release(ap, h);
		if (!pkt)
			continue;
		if (n == 0)
			now = clock_now(port->clock);
		pkt->rx_ts_ns = now;
		pkts[n++] = pkt;
	}
	return n;
}

/* TX */

/* Queue one frame in the ring; false when no slot is free. */
static bool
afp_tx_put(struct port_afpacket *ap, const struct pkt *pkt)
{
	struct tpacket2_hdr *h = afp_slot(&ap->tx, ap->tx_head);

	if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
	    TP_STATUS_AVAILABLE)
		return false;
	memcpy((uint8_t *)h + AFP_TX_DATA_OFF, pkt->data, pkt->len);
	h->tp_len = pkt->len;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
	    __ATOMIC_RELEASE);
	ap->tx_head = (ap->tx_head + 1) % ap->tx.frame_nr;
	return true;
}

static unsigned
port_afpacket_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	struct port_afpacket *ap = port->priv;
	unsigned i, queued = 0;
	bool full = false;

	for (i = 0; i < n; i++) {
		struct pkt *pkt = pkts[i];

		if (pkt->len < ETH_HLEN || pkt->len > port_max_frame(port) ||
		    pkt->len > ap->tx_room) {
			port->cnt.tx_errors++;
		} else if (!port->carrier) {
			port->cnt.tx_dropped++;
		} else if (afp_tx_put(ap, pkt)) {
			port_count_tx(port, pkt->len);
			queued++;
		} else {
			full = true;	/* the caller keeps the rest */
			break;
		}
		pkt_free(pkt);
	}
	/*
	 * One kick per burst. Errors are the interface's (down, gone): the
	 * frames stay queued and leave with the next kick that works, which
	 * is also why a full ring is kicked with nothing new in it.
	 */
	if (queued || full)
		sendto(ap->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	return i;
}

static int
port_afpacket_fd(struct port *port)
{
	struct port_afpacket *ap = port->priv;

	return ap->rx_fd;
}

const struct port_ops port_afpacket_ops = {
	.name = "afpacket",
	.priv_size = sizeof(struct port_afpacket),
	.open = port_afpacket_open,
	.close = port_afpacket_close,
	.rx_burst = port_afpacket_rx_burst,
	.tx_burst = port_afpacket_tx_burst,
	.fd = port_afpacket_fd,
	.mac_set = link_port_mac_set,
	.mtu_set = link_port_mtu_set,
};
