/* The neighbour cache (neigh.h). */
#include "net/neigh.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "net/arp.h"
#include "net/icmp6.h"
#include "net/ip.h"

static const uint8_t v4_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void
neigh_init(struct neigh *nb)
{
	memset(nb, 0, sizeof(*nb));
}

bool
neigh_ip_is_v4(const uint8_t ip[16], uint32_t *v4)
{
	if (memcmp(ip, v4_prefix, sizeof(v4_prefix)) != 0)
		return false;
	*v4 = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
	    (uint32_t)ip[14] << 8 | ip[15];
	return true;
}

static struct neigh_entry *
find(struct neigh *nb, const uint8_t ip[16])
{
	for (unsigned i = 0; i < nb->n; i++)
		if (memcmp(nb->e[i].ip, ip, 16) == 0)
			return &nb->e[i];
	return NULL;
}

/* ip's entry, a new one, or the oldest one taken over. */
static struct neigh_entry *
slot(struct neigh *nb, const uint8_t ip[16])
{
	struct neigh_entry *e = find(nb, ip), *old;

	if (e)
		return e;
	if (nb->n < NEIGH_MAX) {
		e = &nb->e[nb->n++];
	} else {
		e = old = &nb->e[0];
		for (unsigned i = 1; i < NEIGH_MAX; i++)
			if (nb->e[i].learnt < old->learnt)
				e = old = &nb->e[i];
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->ip, ip, 16);
	return e;
}

static void
learn(struct neigh *nb, const uint8_t ip[16], const uint8_t *mac,
    uint64_t now)
{
	struct neigh_entry *e;

	if (mac[0] & 1)			/* no multicast or broadcast MAC */
		return;
	e = slot(nb, ip);
	memcpy(e->mac, mac, ETH_ALEN);
	e->known = true;
	e->learnt = now;
	nb->cnt.learnt++;
}

static void
snoop_arp(struct neigh *nb, const uint8_t *l3, size_t len, uint64_t now)
{
	struct net_arp arp;
	uint8_t ip[16];

	if (net_arp_parse(l3, len, &arp) != NET_OK || arp.spa == 0)
		return;
	memcpy(ip, v4_prefix, sizeof(v4_prefix));
	ip[12] = (uint8_t)(arp.spa >> 24);
	ip[13] = (uint8_t)(arp.spa >> 16);
	ip[14] = (uint8_t)(arp.spa >> 8);
	ip[15] = (uint8_t)arp.spa;
	learn(nb, ip, arp.sha, now);
}

/* A neighbour advertisement: its target is at the frame's source MAC. */
static void
snoop_na(struct neigh *nb, const uint8_t *src, const uint8_t *l3,
    size_t len, uint64_t now)
{
	const uint8_t *target;
	uint8_t type;

	if (len <= NET_IPV6_HLEN || (l3[0] >> 4) != 6 ||
	    l3[6] != IPPROTO_ICMPV6 || l3[NET_IPV6_HLEN] != NET_ICMP6_NA)
		return;
	if (net_icmp6_nd_parse(l3 + NET_IPV6_HLEN, len - NET_IPV6_HLEN, &type,
	    &target) != NET_OK || type != NET_ICMP6_NA)
		return;
	learn(nb, target, src, now);
}

void
neigh_snoop(struct neigh *nb, const uint8_t *frame, size_t len, uint64_t now)
{
	struct net_eth eth;

	if (len < ETH_HLEN || net_eth_parse(frame, len, &eth) != NET_OK)
		return;
	if (eth.ethertype == ETH_P_ARP)
		snoop_arp(nb, frame + eth.hdr_len, len - eth.hdr_len, now);
	else if (eth.ethertype == ETH_P_IPV6)
		snoop_na(nb, eth.src, frame + eth.hdr_len, len - eth.hdr_len,
		    now);
}

int
neigh_lookup(struct neigh *nb, const uint8_t ip[16], uint64_t now,
    uint8_t mac[ETH_ALEN], bool *ask)
{
	struct neigh_entry *e = find(nb, ip);

	*ask = false;
	if (e && e->known && now - e->learnt < NEIGH_TTL) {
		memcpy(mac, e->mac, ETH_ALEN);
		return 0;
	}
	nb->cnt.misses++;
	if (!e || e->known) {		/* never asked, or expired */
		e = slot(nb, ip);
		e->known = false;
		*ask = true;
	} else if (now - e->learnt >= NEIGH_ASK_INTERVAL) {
		*ask = true;
	}
	if (*ask) {
		e->learnt = now;
		nb->cnt.asked++;
	}
	return -EAGAIN;
}
