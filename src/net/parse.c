/* net_parse_frame: every layer of a frame in one pass. */
#include <string.h>

#include "net/parse.h"

#define TCP_HLEN_MIN	20
#define TCP_DOFF_BYTE	12	/* data offset:4 in 32-bit words */
#define SCTP_HLEN	12	/* common header */

/* Ports are the first four bytes of UDP, TCP and SCTP headers. */
static void
frame_ports(struct net_frame *f, const uint8_t *l4, size_t hlen, size_t len)
{
	f->sport = (uint16_t)(l4[0] << 8 | l4[1]);
	f->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	f->flags |= NET_F_PORTS;
	f->payload_off = f->l4_off + (uint32_t)hlen;
	f->payload_len = (uint32_t)(len - hlen);
}

/*
 * The first fragment of a datagram carries the UDP header, but its length
 * covers the fragments still to come.
 */
static enum net_verdict
frame_udp(struct net_frame *f, const uint8_t *l4, size_t len)
{
	enum net_verdict v;

	v = net_udp_parse(l4, len, &f->udp);
	if (v == NET_E_BAD_LENGTH && (f->flags & NET_F_FRAG) &&
	    f->udp.length >= NET_UDP_HLEN) {
		f->udp.payload_len = f->udp.length - NET_UDP_HLEN;
		v = NET_OK;
	} else if (v == NET_OK) {
		len = f->udp.length;
	}
	if (v != NET_OK)
		return v;
	frame_ports(f, l4, NET_UDP_HLEN, len);
	return NET_OK;
}

static enum net_verdict
frame_tcp(struct net_frame *f, const uint8_t *l4, size_t len)
{
	size_t hlen;

	if (len < TCP_HLEN_MIN)
		return NET_E_TRUNCATED;
	hlen = (size_t)(l4[TCP_DOFF_BYTE] >> 4) * 4;
	if (hlen < TCP_HLEN_MIN)
		return NET_E_BAD_HDR_LEN;
	if (hlen > len)
		return NET_E_BAD_LENGTH;
	frame_ports(f, l4, hlen, len);
	return NET_OK;
}

/* The upper layer at off, when the packet has its header (has_l4). */
static enum net_verdict
frame_l4(struct net_frame *f, const uint8_t *buf, uint32_t off, bool has_l4)
{
	const uint8_t *l4 = buf + off;
	size_t len = f->l3_off + f->l3_len - off;

	f->payload_off = off;
	f->payload_len = (uint32_t)len;
	if (!has_l4)
		return NET_OK;
	f->flags |= NET_F_L4;
	f->l4_off = off;
	switch (f->ip_proto) {
	case IPPROTO_UDP:
		return frame_udp(f, l4, len);
	case IPPROTO_TCP:
		return frame_tcp(f, l4, len);
	case IPPROTO_SCTP:
		if (len < SCTP_HLEN)
			return NET_E_TRUNCATED;
		frame_ports(f, l4, SCTP_HLEN, len);
		return NET_OK;
	default:
		return NET_OK;
	}
}

static enum net_verdict
frame_arp(struct net_frame *f, const uint8_t *buf, size_t len)
{
	enum net_verdict v;

	v = net_arp_parse(buf + f->l3_off, len - f->l3_off, &f->arp);
	if (v != NET_OK)
		return v;
	f->flags |= NET_F_ARP;
	f->l3_len = NET_ARP_LEN;
	f->payload_off = f->l3_off + NET_ARP_LEN;
	f->payload_len = 0;
	return NET_OK;
}

static enum net_verdict
frame_ipv4(struct net_frame *f, const uint8_t *buf, size_t len)
{
	enum net_verdict v;

	v = net_ipv4_parse(buf + f->l3_off, len - f->l3_off, &f->ip4);
	if (v != NET_OK)
		return v;
	f->flags |= NET_F_IPV4;
	f->l3_len = f->ip4.total_length;
	f->ip_proto = f->ip4.protocol;
	if (net_ipv4_is_fragment(&f->ip4))
		f->flags |= NET_F_FRAG;
	return frame_l4(f, buf, f->l3_off + f->ip4.hdr_len,
	    !net_ipv4_is_later_fragment(&f->ip4));
}

static enum net_verdict
frame_ipv6(struct net_frame *f, const uint8_t *buf, size_t len)
{
	enum net_verdict v;

	v = net_ipv6_parse(buf + f->l3_off, len - f->l3_off, &f->ip6);
	if (v != NET_OK)
		return v;
	f->flags |= NET_F_IPV6;
	f->l3_len = NET_IPV6_HLEN + f->ip6.payload_length;
	f->ip_proto = f->ip6.upper_protocol;
	if (net_ipv6_is_fragment(&f->ip6))
		f->flags |= NET_F_FRAG;
	return frame_l4(f, buf, f->l3_off + f->ip6.hdr_len,
	    !net_ipv6_is_later_fragment(&f->ip6) &&
	    f->ip_proto != IPPROTO_NONE);
}

enum net_verdict
net_parse_frame(const uint8_t *buf, size_t len, struct net_frame *f)
{
	enum net_verdict v;

	memset(f, 0, sizeof(*f));
	if (len > UINT32_MAX)
		return NET_E_BAD_LENGTH;
	v = net_eth_parse(buf, len, &f->eth);
	if (v != NET_OK)
		return v;
	f->ethertype = f->eth.ethertype;
	if (f->eth.n_tags) {
		f->flags |= NET_F_VLAN;
		f->vlan_id = f->eth.tags[0].vid;
		f->vlan_pcp = f->eth.tags[0].pcp;
	}
	f->l3_off = f->eth.hdr_len;
	f->l3_len = (uint32_t)(len - f->l3_off);
	f->payload_off = f->l3_off;
	f->payload_len = f->l3_len;
	switch (f->ethertype) {
	case ETH_P_ARP:
		return frame_arp(f, buf, len);
	case ETH_P_IP:
		return frame_ipv4(f, buf, len);
	case ETH_P_IPV6:
		return frame_ipv6(f, buf, len);
	default:
		return NET_OK;
	}
}
