#include "lag/announce.h"

#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/icmp6.h"

#define ETH_P_RARP_ 0x8035

void
announce_init(struct announce *a, struct lag *lag, struct pkt_pool *pool)
{
	memset(a, 0, sizeof(*a));
	a->lag = lag;
	a->pool = pool;
	a->num_grat_arp = 1;
	a->num_unsol_na = 1;
}

void
announce_set_counts(struct announce *a, uint32_t num_grat_arp,
    uint32_t num_unsol_na, uint32_t peer_notif_delay_ms)
{
	a->num_grat_arp = num_grat_arp;
	a->num_unsol_na = num_unsol_na;
	a->interval_ns = (uint64_t)peer_notif_delay_ms * NSEC_PER_MSEC;
}

void
announce_start(struct announce *a)
{
	a->round = 0;
	a->rounds = MAX(a->num_grat_arp, a->num_unsol_na);
	a->next = clock_now(a->lag->clock);
	announce_tick(a, a->next);
}

/* A RARP request "who is mac", from mac, as QEMU announces a guest; in
 * the target's VLAN. */
static int
build_rarp(uint8_t *buf, size_t cap, const uint8_t *mac,
    const struct net_vlan *tags, unsigned n_tags)
{
	struct net_arp arp = { .op = 3, .sha = mac, .tha = mac };	/* RARP */
	struct net_eth eth = { .dst = net_eth_broadcast, .src = mac,
	    .n_tags = n_tags, .ethertype = ETH_P_RARP_ };
	int h, n;

	if (n_tags > NET_VLAN_MAX_TAGS)
		return -EINVAL;
	memcpy(eth.tags, tags, n_tags * sizeof(*tags));
	if (cap < ETH_ZLEN + n_tags * NET_VLAN_HLEN)
		return -ENOSPC;
	memset(buf, 0, ETH_ZLEN + n_tags * NET_VLAN_HLEN);
	h = net_eth_build(buf, cap, &eth);
	if (h < 0)
		return h;
	n = net_arp_build(buf + h, cap - (size_t)h, &arp);
	return n < 0 ? n : (int)MAX((size_t)(h + n),
	    ETH_ZLEN + n_tags * NET_VLAN_HLEN);
}

/* Tags for a target's VLAN and priority (none for 0 and 0; a priority
 * tag, VLAN 0, for a priority alone, as the function's own frames). */
static unsigned
target_tags(const struct announce_target *t, struct net_vlan *tag)
{
	if (!t->vlan && !t->pcp)
		return 0;
	*tag = (struct net_vlan){ .tpid = ETH_P_8021Q, .vid = t->vlan,
	    .pcp = t->pcp };
	return 1;
}

/* Gather one frame; NULL when the pool is empty (counted). */
static struct pkt *
frame_new(struct announce *a)
{
	struct pkt *p = pkt_alloc(a->pool);

	if (!p)
		a->cnt.no_buffer++;
	return p;
}

static void
frame_push(struct announce *a, struct pkt **out, unsigned *n, struct pkt *p,
    int len)
{
	if (len <= 0) {
		pkt_free(p);
		return;
	}
	p->len = (uint32_t)len;
	out[(*n)++] = p;
	if (*n == PKT_BURST_MAX) {
		lag_xmit(a->lag, out, *n);
		*n = 0;
	}
}

/* This round's frames for one target. */
static void
announce_target(struct announce *a, const struct announce_target *t,
    struct pkt **out, unsigned *n)
{
	struct net_vlan tag;
	unsigned ntags = target_tags(t, &tag);
	struct pkt *p;

	for (unsigned i = 0; a->round < a->num_grat_arp && i < t->n_ipv4; i++) {
		if (!(p = frame_new(a)))
			return;
		frame_push(a, out, n, p, net_arp_build_garp(p->data,
		    pkt_tailroom(p), t->mac, t->ipv4[i], &tag, ntags));
		a->cnt.garp++;
	}
	for (unsigned i = 0; a->round < a->num_unsol_na && i < t->n_ipv6; i++) {
		if (!(p = frame_new(a)))
			return;
		frame_push(a, out, n, p, net_icmp6_build_unsol_na(p->data,
		    pkt_tailroom(p), t->mac, t->ipv6[i], &tag, ntags));
		a->cnt.unsol_na++;
	}
	if (t->n_ipv4 == 0 && t->n_ipv6 == 0 && (p = frame_new(a))) {
		frame_push(a, out, n, p, build_rarp(p->data, pkt_tailroom(p),
		    t->mac, &tag, ntags));
		a->cnt.rarp++;
	}
}

void
announce_tick(struct announce *a, uint64_t now)
{
	struct pkt *out[PKT_BURST_MAX];
	unsigned n = 0;

	if (a->round >= a->rounds || now < a->next)
		return;
	for (unsigned i = 0; i < a->ntargets; i++)
		announce_target(a, &a->targets[i], out, &n);
	if (n)
		lag_xmit(a->lag, out, n);
	a->round++;
	a->next = now + a->interval_ns;
	/* with no delay, every round goes out now */
	if (a->interval_ns == 0)
		announce_tick(a, now);
}

uint64_t
announce_next_deadline(const struct announce *a)
{
	return a->round < a->rounds ? a->next : UINT64_MAX;
}
