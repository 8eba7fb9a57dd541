/*
 * The NIC's datapath round: a burst from every member through the LAG and
 * the eSwitch to the functions; a burst from every function (PF, VFs)
 * through the eSwitch to other functions (hairpin) or to its TX queue;
 * the scheduler's nodes to the LAG; then the LAG's timers. Every round is
 * bounded (a burst per port, a few per node), so timers are never starved
 * by traffic. What a burst brings for a function is handed to its port at
 * the burst's end, all at once (a TAP writes the lot with one system
 * call), in the order it came.
 */
#include "daemon/nic_priv.h"

#include <assert.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon/loop.h"
#include "esw/esw.h"
#include "lib/compiler.h"
#include "lag/probe.h"
#include "net/arp.h"
#include "net/icmp6.h"
#include "net/ip.h"
#include "txs/txs.h"
#include "port/link_addr.h"

/* The port that takes vport v's frames; NULL: none (no PF TAP). */
static struct port *
vport_port(struct nic *nic, unsigned v)
{
	if (v == ESW_VPORT_PF)
		return nic->pf;
	return nic->vfs[esw_vport_vf(v)].port;
}

static void
fn_rx_dropped(struct nic *nic, unsigned v)
{
	if (v == ESW_VPORT_PF)
		nic->pf_cnt.rx_dropped++;
	else
		nic->vfs[esw_vport_vf(v)].rx_dropped++;
}

/* Hand vport v's gathered frames to its port in one burst. */
static void
fn_out_flush_one(struct nic *nic, unsigned v)
{
	struct nic_fn_out *o = &nic->fn_out[v];
	struct port *port = vport_port(nic, v);
	uint64_t bytes = 0;
	unsigned sent;

	for (unsigned i = 0; i < o->n; i++)
		bytes += o->pkts[i]->len;
	sent = port_tx_burst(port, o->pkts, o->n);
	for (unsigned i = sent; i < o->n; i++) {
		bytes -= o->pkts[i]->len;
		fn_rx_dropped(nic, v);
		pkt_free(o->pkts[i]);
	}
	if (v == ESW_VPORT_PF) {
		nic->pf_cnt.rx_packets += sent;
		nic->pf_cnt.rx_bytes += bytes;
	}
	nic->fn_out_held -= o->n;
	o->n = 0;
}

/* Every function's gathered frames to its port, in the order gathered. */
static void
fn_out_flush(struct nic *nic)
{
	for (unsigned i = 0; i < nic->fn_out_nvports; i++)
		fn_out_flush_one(nic, nic->fn_out_vports[i]);
	nic->fn_out_nvports = 0;
	assert(nic->fn_out_held == 0);
}

/* One frame to a function's interface (the eSwitch counted it): into its
 * batch, which fn_out_flush hands on at the end of the burst. */
static void
fn_deliver(struct nic *nic, unsigned v, struct pkt *pkt)
{
	struct nic_fn_out *o;

	if (!vport_port(nic, v)) {
		pkt_free(pkt);
		return;
	}
	assert(v < ARRAY_SIZE(nic->fn_out));
	o = &nic->fn_out[v];
	if (o->n == 0)
		nic->fn_out_vports[nic->fn_out_nvports++] = (uint8_t)v;
	o->pkts[o->n++] = pkt;
	nic->fn_out_held++;
	if (o->n == ARRAY_SIZE(o->pkts) || nic->fn_out_held >= NIC_FN_OUT_HELD)
		fn_out_flush(nic);
}

/*
 * Carry out a decision: a copy to each destination vport, with its VLAN
 * edit, and the frame itself to the last destination (up: the sender's
 * TX queue).
 */
static void
esw_forward(struct nic *nic, const struct esw_fwd *fwd, struct pkt *pkt,
    struct txs_queue *up)
{
	unsigned v, next;

	for (v = esw_fwd_next(fwd, 0); v < ESW_VPORTS_MAX; v = next) {
		bool last;
		struct pkt *copy;

		next = esw_fwd_next(fwd, v + 1);
		last = next >= ESW_VPORTS_MAX && !fwd->uplink;
		copy = last ? pkt : pkt_clone(pkt, &nic->pool);
		if (!copy || esw_vlan_apply(copy, esw_fwd_edit(nic->esw, fwd,
		    v))) {
			fn_rx_dropped(nic, v);
			if (copy)
				pkt_free(copy);
			continue;
		}
		fn_deliver(nic, v, copy);
	}
	if (!fwd->uplink)
		return;
	if (!up || esw_vlan_apply(pkt, esw_fwd_uplink_edit(fwd))) {
		pkt_free(pkt);
		return;
	}
	txs_enqueue(up, &pkt, 1);
}

/* One burst from a member: control frames to the LAG, the rest onwards. */
static unsigned
rx_member(struct nic *nic, struct nic_port *np)
{
	struct pkt *burst[PKT_BURST_MAX];
	struct esw_fwd fwd;
	unsigned n;

	n = port_rx_burst(np->port, burst, PKT_BURST_MAX);
	for (unsigned i = 0; i < n; i++) {
		switch (lag_rx(nic->lag, np->member, burst[i])) {
		case LAG_RX_CONSUMED:
			break;
		case LAG_RX_PASS:
			if (nic_rdma_rx(nic, burst[i]))
				break;
			if (esw_from_uplink(nic->esw, burst[i], &fwd)) {
				esw_forward(nic, &fwd, burst[i], NULL);
				break;
			}
			nic->rx_not_for_us++;
			pkt_free(burst[i]);
			break;
		case LAG_RX_DROP:
			pkt_free(burst[i]);
			break;
		}
	}
	fn_out_flush(nic);
	return n;
}

static void
learn_ipv4(struct announce_target *t, uint32_t a)
{
	for (unsigned i = 0; i < t->n_ipv4; i++)
		if (t->ipv4[i] == a)
			return;
	if (a && t->n_ipv4 < ANNOUNCE_ADDRS_MAX)
		t->ipv4[t->n_ipv4++] = a;
}

static void
learn_ipv6(struct announce_target *t, const uint8_t *a)
{
	static const uint8_t any[16];

	for (unsigned i = 0; i < t->n_ipv6; i++)
		if (memcmp(t->ipv6[i], a, 16) == 0)
			return;
	if (memcmp(a, any, 16) != 0 && t->n_ipv6 < ANNOUNCE_ADDRS_MAX)
		memcpy(t->ipv6[t->n_ipv6++], a, 16);
}

/* A VF's addresses, from the ARP and ND it sends (untagged, as a VF
 * does), for the announcements after a failover. */
static void
vf_learn(struct nic_vf *vf, const struct pkt *pkt)
{
	const uint8_t *d = pkt->data;
	uint16_t type = pkt->len >= 14 ? (uint16_t)(d[12] << 8 | d[13]) : 0;
	struct net_arp arp;

	if (type == ETH_P_ARP && net_arp_parse(d + 14, pkt->len - 14, &arp) ==
	    NET_OK && memcmp(arp.sha, vf->cfg.esw.mac, ETH_ALEN_) == 0)
		learn_ipv4(&vf->who, arp.spa);
	if (type == ETH_P_IPV6 && pkt->len > 14 + NET_IPV6_HLEN &&
	    d[14 + 6] == IPPROTO_ICMPV6 &&
	    (d[14 + NET_IPV6_HLEN] == NET_ICMP6_NS ||
	    d[14 + NET_IPV6_HLEN] == NET_ICMP6_NA))
		learn_ipv6(&vf->who, d + 14 + 8);
}

/* One burst a function sent: through the eSwitch, locally or up. */
static unsigned
tx_fn(struct nic *nic, unsigned v, struct port *port, struct txs_queue *q)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n = port_rx_burst(port, burst, PKT_BURST_MAX);
	struct esw_fwd fwd;

	for (unsigned i = 0; i < n; i++) {
		if (v == ESW_VPORT_PF) {
			nic->pf_cnt.tx_packets++;
			nic->pf_cnt.tx_bytes += burst[i]->len;
		}
		if (!esw_from_vport(nic->esw, v, burst[i], &fwd)) {
			if (v == ESW_VPORT_PF)
				nic->pf_cnt.tx_dropped++;
			pkt_free(burst[i]);
			continue;
		}
		if (v != ESW_VPORT_PF)
			vf_learn(&nic->vfs[esw_vport_vf(v)], burst[i]);
		esw_forward(nic, &fwd, burst[i], q);
	}
	fn_out_flush(nic);
	return n;
}

/*
 * Back-pressure: a VF whose TX queue is (nearly) full, throttled by its
 * max_tx_rate, is not read until the queue drains; its fd leaves the
 * loop's interest meanwhile, so the loop sleeps until the scheduler's next
 * deadline instead of spinning on a readable TAP. The TAP's own queue
 * then fills and stops the sender's qdisc, so TCP slows down rather than
 * losing frames.
 */
static void
vf_pause(struct nic *nic, struct nic_vf *vf, bool pause)
{
	vf->paused = pause;
	vf->readable = !pause;
	if (nic->env.loop && port_fd(vf->port) >= 0)
		loop_fd_mod(nic->env.loop, port_fd(vf->port),
		    pause ? 0 : EPOLLIN);
}

static void
vfs_resume(struct nic *nic)
{
	for (unsigned n = 0; n < NIC_VFS_MAX; n++) {
		struct nic_vf *vf = &nic->vfs[n];

		if (vf->used && vf->paused &&
		    txs_queue_len(vf->txq) <= NIC_TXQ_RESUME)
			vf_pause(nic, vf, false);
	}
}

static unsigned
tx_functions(struct nic *nic)
{
	unsigned work = 0;

	/* in a loop, only when it saw the TAP ready (level-triggered: one
	 * with frames left is seen again) */
	if (nic->pf && (!nic->env.loop || nic->pf_readable)) {
		unsigned got = tx_fn(nic, ESW_VPORT_PF, nic->pf, nic->pf_txq);

		nic->pf_readable = got == PKT_BURST_MAX;
		work += got;
	}
	for (unsigned n = 0; n < NIC_VFS_MAX; n++) {
		struct nic_vf *vf = &nic->vfs[n];
		unsigned got;

		/* in a loop, only the TAPs it saw ready (level-triggered:
		 * one with frames left is seen again) */
		if (!vf->used || vf->paused ||
		    (nic->env.loop && !vf->readable))
			continue;
		if (txs_queue_len(vf->txq) > NIC_TXQ_PAUSE) {
			vf_pause(nic, vf, true);
			continue;
		}
		got = tx_fn(nic, esw_vf_vport(n), vf->port, vf->txq);
		vf->readable = got == PKT_BURST_MAX;
		work += got;
	}
	return work;
}

#define NIC_SCHED_BURSTS	8	/* per node and round */

/* What a node's queues may send now, through the LAG's member pick. */
static unsigned
sched_node(struct nic *nic, struct txs_node *node, uint64_t now)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n, work = 0;

	for (unsigned b = 0; b < NIC_SCHED_BURSTS; b++) {
		n = txs_dequeue(node, now, burst, PKT_BURST_MAX, NULL);
		if (n)
			lag_xmit(nic->lag, burst, n);
		work += n;
		if (n < PKT_BURST_MAX)
			break;
	}
	return work;
}

static unsigned
tx_sched(struct nic *nic, uint64_t now)
{
	unsigned work = sched_node(nic, nic->park, now);

	for (unsigned i = 0; i < nic->nports; i++)
		work += sched_node(nic, nic->ports[i].node, now);
	return work;
}

static bool
ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* The PF's addresses as the source of ARP/NS probes: the first IPv4
 * address, the first global IPv6 one (else a link-local). */
static void
probe_source_set(struct nic *nic, const struct link_addrs *la)
{
	const uint8_t *v6 = NULL;

	for (unsigned i = 0; i < la->n_ipv6; i++)
		if (!v6 || (ipv6_is_link_local(v6) &&
		    !ipv6_is_link_local(la->ipv6[i])))
			v6 = la->ipv6[i];
	lag_probe_set_source(nic->lag, la->n_ipv4 ? la->ipv4[0] : 0, v6);
}

/* The PF's addresses, read at most once a second for those that follow
 * them: the probes' source, the RDMA device's GIDs. */
static void
pf_addrs_refresh(struct nic *nic, uint64_t now)
{
	struct link_addrs la = { 0 };
	bool probes = lag_probe_enabled(nic->lag);

	if ((!probes && !nic->roce) || now < nic->pf_addrs_next)
		return;
	nic->pf_addrs_next = now + NSEC_PER_SEC;
	if (nic->pf && link_addrs_get(nic->pf->ifindex, &la) != 0)
		la = (struct link_addrs){ 0 };
	if (probes)
		probe_source_set(nic, &la);
	nic_rdma_gids_update(nic, &la);
}

bool
nic_poll(struct nic *nic)
{
	unsigned work = 0;
	uint64_t now;

	for (unsigned i = 0; i < nic->nports; i++)
		work += rx_member(nic, &nic->ports[i]);
	work += tx_functions(nic);
	now = clock_now(nic->env.clock);
	work += tx_sched(nic, now);
	vfs_resume(nic);
	pf_addrs_refresh(nic, now);
	work += nic_rdma_poll(nic, now);
	if (now >= lag_next_deadline(nic->lag))
		lag_tick(nic->lag);
	announce_tick(&nic->announce, now);
	return work > 0;
}

uint64_t
nic_next_deadline(struct nic *nic)
{
	uint64_t next = MIN(lag_next_deadline(nic->lag),
	    announce_next_deadline(&nic->announce));

	next = MIN(next, nic_rdma_next_deadline(nic));
	if (nic->roce)		/* its GIDs follow the PF's addresses */
		next = MIN(next, nic->pf_addrs_next);
	/* throttled queues: wake when the first may send again */
	return MIN(next, txs_next_deadline(nic->txs));
}
