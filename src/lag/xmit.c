/*
 * The LAG's datapath: lag_rx() is the first stop of every received frame,
 * lag_xmit() takes a burst of frames from the functions to the members.
 */
#include "lag/hash.h"
#include "lag/lag.h"
#include "lag/probe.h"

#define ETH_P_SLOW_ 0x8809

static bool
is_slow_protocol(const struct pkt *pkt)
{
	return pkt->len >= 14 &&
	    ((pkt->data[12] << 8) | pkt->data[13]) == ETH_P_SLOW_;
}

/*
 * The ARP/NS probes see every frame (a backup's too). Slow protocols go
 * to the runner whatever the member's state (a port that is not
 * collecting still negotiates); everything else needs a collecting member.
 */
enum lag_rx_verdict
lag_rx(struct lag *lag, struct lag_member *m, struct pkt *pkt)
{
	lag_probe_rx(lag, m, pkt);
	if (is_slow_protocol(pkt)) {
		if (lag->runner->rx_control &&
		    lag->runner->rx_control(lag, m, pkt))
			return LAG_RX_CONSUMED;
		m->cnt.rx_drops[LAG_RX_DROP_SLOW_PROTO]++;
		return LAG_RX_DROP;
	}
	if (!m->collecting) {
		m->cnt.rx_drops[LAG_RX_DROP_NOT_COLLECTING]++;
		return LAG_RX_DROP;
	}
	if (lag->runner->rx_accept && !lag->runner->rx_accept(lag, m, pkt)) {
		m->cnt.rx_drops[LAG_RX_DROP_NOT_ACTIVE_MULTICAST]++;
		return LAG_RX_DROP;
	}
	return LAG_RX_PASS;
}

/* Per-member bursts being gathered. */
struct xmit_batch {
	struct pkt *pkts[LAG_MEMBERS_MAX][PKT_BURST_MAX];
	unsigned n[LAG_MEMBERS_MAX];
};

static void
xmit_flush(struct lag *lag, struct xmit_batch *b, unsigned i)
{
	struct lag_member *m = lag->members[i];
	unsigned sent;

	if (b->n[i] == 0)
		return;
	sent = port_tx_burst(m->port, b->pkts[i], b->n[i]);
	m->cnt.tx_packets += sent;
	if (sent < b->n[i]) {
		m->cnt.tx_dropped += b->n[i] - sent;
		pkt_free_bulk(&b->pkts[i][sent], b->n[i] - sent);
	}
	b->n[i] = 0;
}

static void
xmit_add(struct lag *lag, struct xmit_batch *b, struct lag_member *m,
    struct pkt *pkt)
{
	unsigned i = m->index;

	b->pkts[i][b->n[i]++] = pkt;
	if (b->n[i] == PKT_BURST_MAX)
		xmit_flush(lag, b, i);
}

static enum lag_hash_policy
xmit_policy(const struct lag *lag)
{
	return lag->runner->tx_hash_fixed ? lag->runner->tx_hash :
	    lag->opt.xmit_hash_policy;
}

/* The member of the frame's lane; the lane's load is counted. */
static struct lag_member *
xmit_pick(struct lag *lag, struct pkt *pkt)
{
	uint32_t lane;

	if (lag->runner->tx_pick)
		return lag->runner->tx_pick(lag, pkt);
	if (!pkt->hash)
		pkt->hash = lag_hash(xmit_policy(lag), pkt->data, pkt->len);
	lane = pkt->hash % LAG_LANES;
	lag->lane_tx_bytes[lane] += pkt->len;
	return lag_lane_member(lag, lane);
}

/* A copy for every distributing member but the last, which gets pkt. */
static void
xmit_broadcast(struct lag *lag, struct xmit_batch *b, struct pkt *pkt)
{
	struct lag_member *last = NULL;

	for (unsigned i = 0; i < lag->nmembers; i++) {
		struct lag_member *m = lag->members[i];
		struct pkt *copy;

		if (!m->distributing)
			continue;
		if (last) {
			copy = pkt_clone(pkt, pkt->pool);
			if (copy)
				xmit_add(lag, b, last, copy);
			else
				last->cnt.tx_dropped++;
		}
		last = m;
	}
	if (last) {
		xmit_add(lag, b, last, pkt);
	} else {
		lag->cnt.tx_no_member++;
		pkt_free(pkt);
	}
}

void
lag_xmit(struct lag *lag, struct pkt **pkts, unsigned n)
{
	struct xmit_batch b;

	for (unsigned i = 0; i < lag->nmembers; i++)
		b.n[i] = 0;
	for (unsigned k = 0; k < n; k++) {
		struct lag_member *m;

		if (lag->runner->tx_broadcast) {
			xmit_broadcast(lag, &b, pkts[k]);
			continue;
		}
		m = xmit_pick(lag, pkts[k]);
		if (!m) {
			lag->cnt.tx_no_member++;
			pkt_free(pkts[k]);
			continue;
		}
		xmit_add(lag, &b, m, pkts[k]);
	}
	for (unsigned i = 0; i < lag->nmembers; i++)
		xmit_flush(lag, &b, i);
}
