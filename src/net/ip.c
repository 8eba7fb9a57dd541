/* IPv4, IPv6 and the Internet checksum. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/ip.h"

#define IPV6_FLOW_LABEL_MAX	0xfffff
#define IPV6_EXT_LEN_MAX	((255 + 1) * 8)

/* The walk's end fits struct net_ipv6's hdr_len. */
static_assert(NET_IPV6_HLEN + NET_IPV6_MAX_EXT * IPV6_EXT_LEN_MAX <=
    UINT16_MAX, "ipv6 hdr_len");

/* End-around carry until the sum fits in 16 bits. */
static uint32_t
csum_fold16(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/*
 * Big-endian 32-bit words may be added whole: 2^16 is 1 modulo 0xffff, so
 * the folded sum is the same as over 16-bit words (RFC 1071, 2.(B)).
 */
uint32_t
net_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;
	uint32_t w;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, sizeof(w));
		s += ntohl(w);
	}
	if (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;	/* odd byte, zero padded */
	return csum_fold16(s);
}

uint16_t
net_csum_fold(uint32_t sum)
{
	return (uint16_t)~csum_fold16(sum);
}

uint32_t
net_ipv4_pseudo_sum(uint32_t saddr, uint32_t daddr, uint8_t proto,
    uint16_t len)
{
	uint64_t s = (uint64_t)(saddr >> 16) + (saddr & 0xffff) +
	    (daddr >> 16) + (daddr & 0xffff) + proto + len;

	return csum_fold16(s);
}

uint32_t
net_ipv6_pseudo_sum(const uint8_t *saddr, const uint8_t *daddr,
    uint32_t len, uint8_t next_header)
{
	uint32_t s;

	s = net_csum_partial(saddr, NET_IPV6_ALEN, 0);
	s = net_csum_partial(daddr, NET_IPV6_ALEN, s);
	return csum_fold16((uint64_t)s + (len >> 16) + (len & 0xffff) +
	    next_header);
}

static void
ipv4_from_hdr(struct net_ipv4 *ip, const struct net_ipv4_hdr *h)
{
	uint16_t ff = ntohs(h->flags_fragment_offset);

	ip->type_of_service = h->type_of_service;
	ip->total_length = ntohs(h->total_length);
	ip->identification = ntohs(h->identification);
	ip->dont_fragment = ff & NET_IPV4_FLAG_DF;
	ip->more_fragments = ff & NET_IPV4_FLAG_MF;
	ip->fragment_offset = ff & NET_IPV4_OFFSET_MASK;
	ip->time_to_live = h->time_to_live;
	ip->protocol = h->protocol;
	ip->saddr = ntohl(h->source_address);
	ip->daddr = ntohl(h->destination_address);
	ip->hdr_len = (h->version_ihl & 0xf) * 4;
}

enum net_verdict
net_ipv4_parse(const uint8_t *buf, size_t len, struct net_ipv4 *ip)
{
	struct net_ipv4_hdr h;

	if (len < NET_IPV4_HLEN)
		return NET_E_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	if (h.version_ihl >> 4 != 4)
		return NET_E_BAD_VERSION;
	if ((h.version_ihl & 0xf) < NET_IPV4_IHL_MIN)
		return NET_E_BAD_HDR_LEN;
	ipv4_from_hdr(ip, &h);
	if (ip->hdr_len > len)
		return NET_E_TRUNCATED;
	if (ip->total_length < ip->hdr_len)
		return NET_E_BAD_LENGTH;
	if (ip->total_length > len)
		return NET_E_TRUNCATED;
	if (net_csum(buf, ip->hdr_len) != 0)
		return NET_E_BAD_CHECKSUM;
	return NET_OK;
}

static bool
ipv6_is_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	    nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS;
}

/*
 * One extension header of type `type` at buf, len bytes of IPv6 payload
 * left: its length into *hlen and the header after it into *next.
 */
static enum net_verdict
ipv6_ext_one(const uint8_t *buf, size_t len, uint8_t type,
    struct net_ipv6 *ip, size_t *hlen, uint8_t *next)
{
	struct net_ipv6_opt_hdr oh;
	struct net_ipv6_frag_hdr fh;
	uint16_t off_m;

	if (type == IPPROTO_FRAGMENT) {
		if (len < sizeof(fh))
			return NET_E_BAD_LENGTH;
		memcpy(&fh, buf, sizeof(fh));
		off_m = ntohs(fh.fragment_offset_m);
		ip->fragment = true;
		ip->fragment_offset = off_m >> 3;
		ip->more_fragments = off_m & 1;
		*hlen = sizeof(fh);
		*next = fh.next_header;
		return NET_OK;
	}
	if (len < sizeof(oh))
		return NET_E_BAD_LENGTH;
	memcpy(&oh, buf, sizeof(oh));
	*hlen = ((size_t)oh.hdr_ext_len + 1) * 8;
	if (*hlen > len)
		return NET_E_BAD_LENGTH;
	*next = oh.next_header;
	return NET_OK;
}

/* Walk the extension headers of a packet of len bytes (header included). */
static enum net_verdict
ipv6_walk_ext(const uint8_t *buf, size_t len, struct net_ipv6 *ip)
{
	size_t off = NET_IPV6_HLEN, hlen;
	uint8_t nh = ip->next_header;
	enum net_verdict v;
	unsigned n;

	for (n = 0; ipv6_is_ext(nh) && !net_ipv6_is_later_fragment(ip); n++) {
		if (n == NET_IPV6_MAX_EXT)
			return NET_E_TOO_MANY_EXT;
		v = ipv6_ext_one(buf + off, len - off, nh, ip, &hlen, &nh);
		if (v != NET_OK)
			return v;
		off += hlen;
	}
	ip->upper_protocol = nh;
	ip->hdr_len = (uint16_t)off;
	return NET_OK;
}

enum net_verdict
net_ipv6_parse(const uint8_t *buf, size_t len, struct net_ipv6 *ip)
{
	struct net_ipv6_hdr h;
	uint32_t vcf;

	if (len < NET_IPV6_HLEN)
		return NET_E_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	vcf = ntohl(h.version_class_flow);
	if (vcf >> 28 != 6)
		return NET_E_BAD_VERSION;
	ip->traffic_class = (vcf >> 20) & 0xff;
	ip->flow_label = vcf & IPV6_FLOW_LABEL_MAX;
	ip->payload_length = ntohs(h.payload_length);
	ip->next_header = h.next_header;
	ip->hop_limit = h.hop_limit;
	ip->saddr = buf + offsetof(struct net_ipv6_hdr, source_address);
	ip->daddr = buf + offsetof(struct net_ipv6_hdr, destination_address);
	ip->fragment = false;
	ip->more_fragments = false;
	ip->fragment_offset = 0;
	if (NET_IPV6_HLEN + (size_t)ip->payload_length > len)
		return NET_E_TRUNCATED;
	return ipv6_walk_ext(buf, NET_IPV6_HLEN + ip->payload_length, ip);
}

int
net_ipv4_build(uint8_t *buf, size_t cap, const struct net_ipv4 *ip,
    size_t payload_len)
{
	struct net_ipv4_hdr h;
	uint16_t ff;

	if (payload_len > NET_IP_MAXPACKET - NET_IPV4_HLEN ||
	    ip->fragment_offset > NET_IPV4_OFFSET_MASK)
		return -EINVAL;
	if (cap < NET_IPV4_HLEN)
		return -ENOSPC;
	ff = ip->fragment_offset;
	if (ip->dont_fragment)
		ff |= NET_IPV4_FLAG_DF;
	if (ip->more_fragments)
		ff |= NET_IPV4_FLAG_MF;
	h.version_ihl = 4 << 4 | NET_IPV4_IHL_MIN;
	h.type_of_service = ip->type_of_service;
	h.total_length = htons((uint16_t)(NET_IPV4_HLEN + payload_len));
	h.identification = htons(ip->identification);
	h.flags_fragment_offset = htons(ff);
	h.time_to_live = ip->time_to_live;
	h.protocol = ip->protocol;
	h.header_checksum = 0;
	h.source_address = htonl(ip->saddr);
	h.destination_address = htonl(ip->daddr);
	h.header_checksum = htons(net_csum(&h, sizeof(h)));
	memcpy(buf, &h, sizeof(h));
	return NET_IPV4_HLEN;
}

int
net_ipv6_build(uint8_t *buf, size_t cap, const struct net_ipv6 *ip,
    size_t payload_len)
{
	struct net_ipv6_hdr h;

	if (payload_len > NET_IP_MAXPACKET ||
	    ip->flow_label > IPV6_FLOW_LABEL_MAX)
		return -EINVAL;
	if (cap < NET_IPV6_HLEN)
		return -ENOSPC;
	h.version_class_flow = htonl(6u << 28 |
	    (uint32_t)ip->traffic_class << 20 | ip->flow_label);
	h.payload_length = htons((uint16_t)payload_len);
	h.next_header = ip->next_header;
	h.hop_limit = ip->hop_limit;
	memcpy(h.source_address, ip->saddr, NET_IPV6_ALEN);
	memcpy(h.destination_address, ip->daddr, NET_IPV6_ALEN);
	memcpy(buf, &h, sizeof(h));
	return NET_IPV6_HLEN;
}
