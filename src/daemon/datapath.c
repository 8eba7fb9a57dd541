/*
 * The NIC's datapath round: a burst from every member through the LAG to
 * the functions, a burst from the PF to the LAG, then the LAG's timers.
 * Every round is bounded (one burst per port), so timers are never
 * starved by traffic.
 */
#include "daemon/nic_priv.h"

#include <string.h>

#include "lib/compiler.h"
#include "lag/probe.h"
#include "port/link_addr.h"

/* Until the eSwitch: the PF takes its own MAC and group addresses. */
static bool
for_pf(const struct nic *nic, const struct pkt *pkt)
{
	return pkt->len >= 14 &&
	    ((pkt->data[0] & 1) || memcmp(pkt->data, nic->pf->mac, 6) == 0);
}

static void
pf_deliver(struct nic *nic, struct pkt **pkts, unsigned n)
{
	unsigned sent;

	for (unsigned i = 0; i < n; i++)
		nic->pf_cnt.rx_bytes += pkts[i]->len;
	sent = port_tx_burst(nic->pf, pkts, n);
	nic->pf_cnt.rx_packets += sent;
	if (sent < n) {
		for (unsigned i = sent; i < n; i++)
			nic->pf_cnt.rx_bytes -= pkts[i]->len;
		nic->pf_cnt.rx_dropped += n - sent;
		pkt_free_bulk(&pkts[sent], n - sent);
	}
}

/* One burst from a member: control frames to the LAG, the rest onwards. */
static unsigned
rx_member(struct nic *nic, struct nic_port *np)
{
	struct pkt *burst[PKT_BURST_MAX], *up[PKT_BURST_MAX];
	unsigned n, nup = 0;

	n = port_rx_burst(np->port, burst, PKT_BURST_MAX);
	for (unsigned i = 0; i < n; i++) {
		switch (lag_rx(nic->lag, np->member, burst[i])) {
		case LAG_RX_CONSUMED:
			break;
		case LAG_RX_PASS:
			if (nic->pf && for_pf(nic, burst[i])) {
				up[nup++] = burst[i];
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
	if (nup)
		pf_deliver(nic, up, nup);
	return n;
}

static unsigned
tx_pf(struct nic *nic)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n = port_rx_burst(nic->pf, burst, PKT_BURST_MAX);
	uint64_t no_member = nic->lag->cnt.tx_no_member;

	for (unsigned i = 0; i < n; i++)
		nic->pf_cnt.tx_bytes += burst[i]->len;
	nic->pf_cnt.tx_packets += n;
	if (n)
		lag_xmit(nic->lag, burst, n);
	nic->pf_cnt.tx_dropped += nic->lag->cnt.tx_no_member - no_member;
	return n;
}

static bool
ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* The PF's addresses as the source of ARP/NS probes: the first IPv4
 * address, the first global IPv6 one (else a link-local). Read again at
 * most once a second, when a probe is due. */
static void
probe_source_refresh(struct nic *nic, uint64_t now)
{
	struct link_addrs la;
	const uint8_t *v6 = NULL;

	if (!lag_probe_enabled(nic->lag) || now < nic->probe_src_next ||
	    now < lag_next_deadline(nic->lag))
		return;
	nic->probe_src_next = now + NSEC_PER_SEC;
	if (!nic->pf || link_addrs_get(nic->pf->ifindex, &la) != 0) {
		lag_probe_set_source(nic->lag, 0, NULL);
		return;
	}
	for (unsigned i = 0; i < la.n_ipv6; i++)
		if (!v6 || (ipv6_is_link_local(v6) &&
		    !ipv6_is_link_local(la.ipv6[i])))
			v6 = la.ipv6[i];
	lag_probe_set_source(nic->lag, la.n_ipv4 ? la.ipv4[0] : 0, v6);
}

bool
nic_poll(struct nic *nic)
{
	unsigned work = 0;
	uint64_t now;

	for (unsigned i = 0; i < nic->nports; i++)
		work += rx_member(nic, &nic->ports[i]);
	if (nic->pf)
		work += tx_pf(nic);
	now = clock_now(nic->env.clock);
	probe_source_refresh(nic, now);
	if (now >= lag_next_deadline(nic->lag))
		lag_tick(nic->lag);
	announce_tick(&nic->announce, now);
	return work > 0;
}

uint64_t
nic_next_deadline(struct nic *nic)
{
	return MIN(lag_next_deadline(nic->lag),
	    announce_next_deadline(&nic->announce));
}
