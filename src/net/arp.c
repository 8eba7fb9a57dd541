/* ARP for Ethernet and IPv4. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/arp.h"

static const uint8_t arp_zero_mac[ETH_ALEN];

enum net_verdict
net_arp_parse(const uint8_t *buf, size_t len, struct net_arp *arp)
{
	struct net_arp_hdr h;

	if (len < NET_ARP_LEN)
		return NET_E_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	if (ntohs(h.ar_hrd) != NET_ARP_HRD_ETHER ||
	    ntohs(h.ar_pro) != ETH_P_IP ||
	    h.ar_hln != ETH_ALEN || h.ar_pln != sizeof(h.ar_spa))
		return NET_E_BAD_ARP;
	arp->op = ntohs(h.ar_op);
	arp->sha = buf + offsetof(struct net_arp_hdr, ar_sha);
	arp->tha = buf + offsetof(struct net_arp_hdr, ar_tha);
	memcpy(&arp->spa, h.ar_spa, sizeof(arp->spa));
	memcpy(&arp->tpa, h.ar_tpa, sizeof(arp->tpa));
	arp->spa = ntohl(arp->spa);
	arp->tpa = ntohl(arp->tpa);
	return NET_OK;
}

int
net_arp_build(uint8_t *buf, size_t cap, const struct net_arp *arp)
{
	struct net_arp_hdr h;
	uint32_t spa = htonl(arp->spa), tpa = htonl(arp->tpa);

	if (cap < NET_ARP_LEN)
		return -ENOSPC;
	h.ar_hrd = htons(NET_ARP_HRD_ETHER);
	h.ar_pro = htons(ETH_P_IP);
	h.ar_hln = ETH_ALEN;
	h.ar_pln = sizeof(h.ar_spa);
	h.ar_op = htons(arp->op);
	memcpy(h.ar_sha, arp->sha, ETH_ALEN);
	memcpy(h.ar_spa, &spa, sizeof(spa));
	memcpy(h.ar_tha, arp->tha, ETH_ALEN);
	memcpy(h.ar_tpa, &tpa, sizeof(tpa));
	memcpy(buf, &h, sizeof(h));
	return NET_ARP_LEN;
}

int
net_arp_build_request(uint8_t *buf, size_t cap, const uint8_t mac[ETH_ALEN],
    uint32_t spa, uint32_t tpa, const struct net_vlan *tags, unsigned n_tags)
{
	struct net_eth eth = {
		.dst = net_eth_broadcast, .src = mac,
		.n_tags = n_tags, .ethertype = ETH_P_ARP,
	};
	struct net_arp arp = {
		.op = NET_ARP_OP_REQUEST, .sha = mac, .spa = spa,
		.tha = arp_zero_mac, .tpa = tpa,
	};
	int l2, len;

	if (n_tags > NET_VLAN_MAX_TAGS)
		return -EINVAL;
	if (n_tags)
		memcpy(eth.tags, tags, n_tags * sizeof(*tags));
	l2 = net_eth_build(buf, cap, &eth);
	if (l2 < 0)
		return l2;
	len = l2 + NET_ARP_LEN;
	if ((size_t)MAX(len, ETH_ZLEN) > cap)
		return -ENOSPC;
	net_arp_build(buf + l2, cap - l2, &arp);
	if (len < ETH_ZLEN) {
		memset(buf + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	return len;
}

int
net_arp_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[ETH_ALEN],
    uint32_t ip, const struct net_vlan *tags, unsigned n_tags)
{
	return net_arp_build_request(buf, cap, mac, ip, ip, tags, n_tags);
}
