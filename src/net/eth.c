/* Ethernet II and 802.1Q/802.1ad tags. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/eth.h"

const uint8_t net_eth_broadcast[ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static void
eth_vlan_from_tci(struct net_vlan *v, uint16_t tpid, uint16_t tci)
{
	v->tpid = tpid;
	v->pcp = tci >> 13;
	v->dei = (tci >> 12) & 1;
	v->vid = tci & NET_VLAN_VID_MAX;
}

enum net_verdict
net_eth_parse(const uint8_t *buf, size_t len, struct net_eth *eth)
{
	struct net_eth_hdr h;
	struct net_vlan_hdr tag;
	size_t off = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return NET_E_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	eth->dst = buf + offsetof(struct net_eth_hdr, destination_address);
	eth->src = buf + offsetof(struct net_eth_hdr, source_address);
	eth->n_tags = 0;
	type = ntohs(h.ethertype);
	while (net_eth_is_tpid(type)) {
		if (eth->n_tags == NET_VLAN_MAX_TAGS)
			return NET_E_TOO_MANY_TAGS;
		if (len - off < NET_VLAN_HLEN)
			return NET_E_TRUNCATED;
		memcpy(&tag, buf + off, sizeof(tag));
		eth_vlan_from_tci(&eth->tags[eth->n_tags++], type,
		    ntohs(tag.tci));
		type = ntohs(tag.ethertype);
		off += NET_VLAN_HLEN;
	}
	eth->ethertype = type;
	eth->hdr_len = (uint16_t)off;
	return NET_OK;
}

static bool
eth_vlan_valid(const struct net_vlan *v)
{
	return net_eth_is_tpid(v->tpid) && v->vid <= NET_VLAN_VID_MAX &&
	    v->pcp <= NET_VLAN_PCP_MAX && v->dei <= 1;
}

int
net_eth_build(uint8_t *buf, size_t cap, const struct net_eth *eth)
{
	struct net_eth_hdr h;
	struct net_vlan_hdr tag;
	size_t off = ETH_HLEN;
	unsigned i;

	if (eth->n_tags > NET_VLAN_MAX_TAGS || net_eth_is_tpid(eth->ethertype))
		return -EINVAL;
	for (i = 0; i < eth->n_tags; i++)
		if (!eth_vlan_valid(&eth->tags[i]))
			return -EINVAL;
	if (cap < ETH_HLEN + (size_t)NET_VLAN_HLEN * eth->n_tags)
		return -ENOSPC;
	memcpy(h.destination_address, eth->dst, ETH_ALEN);
	memcpy(h.source_address, eth->src, ETH_ALEN);
	h.ethertype = htons(eth->n_tags ? eth->tags[0].tpid : eth->ethertype);
	memcpy(buf, &h, sizeof(h));
	for (i = 0; i < eth->n_tags; i++) {
		tag.tci = htons(net_vlan_tci(&eth->tags[i]));
		tag.ethertype = htons(i + 1 < eth->n_tags ?
		    eth->tags[i + 1].tpid : eth->ethertype);
		memcpy(buf + off, &tag, sizeof(tag));
		off += NET_VLAN_HLEN;
	}
	return (int)off;
}
