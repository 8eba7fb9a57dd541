/* VLAN edits on a frame in place: push or pop the outer 802.1Q tag. */
#include "esw/esw_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#define ESW_MACS_LEN	(2 * ETH_ALEN)

static int
esw_vlan_push(struct pkt *pkt, uint16_t tci)
{
	uint16_t be[2] = { htons(ETH_P_8021Q), htons(tci) };
	uint8_t *d;

	if (pkt->len < ESW_MACS_LEN)
		return -EINVAL;
	d = pkt_push(pkt, NET_VLAN_HLEN);
	if (!d)
		return -ENOSPC;
	/* the MACs move to the front; the old ethertype ends the tag */
	memmove(d, d + NET_VLAN_HLEN, ESW_MACS_LEN);
	memcpy(d + ESW_MACS_LEN, be, sizeof(be));
	return 0;
}

static int
esw_vlan_pop(struct pkt *pkt)
{
	uint16_t tpid;

	if (pkt->len < ETH_HLEN + NET_VLAN_HLEN)
		return -EINVAL;
	tpid = (uint16_t)(pkt->data[ESW_MACS_LEN] << 8 |
	    pkt->data[ESW_MACS_LEN + 1]);
	if (!net_eth_is_tpid(tpid))
		return -EINVAL;
	memmove(pkt->data + NET_VLAN_HLEN, pkt->data, ESW_MACS_LEN);
	pkt_pull(pkt, NET_VLAN_HLEN);
	return 0;
}

int
esw_vlan_apply(struct pkt *pkt, const struct esw_vlan_edit *edit)
{
	switch (edit->op) {
	case ESW_VLAN_PUSH:
		return esw_vlan_push(pkt, edit->tci);
	case ESW_VLAN_POP:
		return esw_vlan_pop(pkt);
	default:
		return 0;
	}
}
