/* UDP over IPv4 and IPv6. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "net/ip.h"
#include "net/udp.h"

#define UDP_CSUM_OFF	offsetof(struct net_udp_hdr, checksum)

enum net_verdict
net_udp_parse(const uint8_t *buf, size_t len, struct net_udp *udp)
{
	struct net_udp_hdr h;

	if (len < NET_UDP_HLEN)
		return NET_E_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	udp->sport = ntohs(h.source_port);
	udp->dport = ntohs(h.destination_port);
	udp->length = ntohs(h.length);
	udp->checksum = ntohs(h.checksum);
	if (udp->length < NET_UDP_HLEN || udp->length > len)
		return NET_E_BAD_LENGTH;
	udp->payload_len = udp->length - NET_UDP_HLEN;
	return NET_OK;
}

int
net_udp_build(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
    size_t payload_len)
{
	struct net_udp_hdr h;

	if (payload_len > UINT16_MAX - NET_UDP_HLEN)
		return -EINVAL;
	if (cap < NET_UDP_HLEN)
		return -ENOSPC;
	h.source_port = htons(sport);
	h.destination_port = htons(dport);
	h.length = htons((uint16_t)(NET_UDP_HLEN + payload_len));
	h.checksum = 0;
	memcpy(buf, &h, sizeof(h));
	return NET_UDP_HLEN;
}

/* Store a computed checksum; 0 would read as "none" (RFC 768). */
static void
udp_csum_store(uint8_t *udp, uint32_t sum)
{
	uint16_t c = net_csum_fold(sum);

	c = htons(c ? c : 0xffff);
	memcpy(udp + UDP_CSUM_OFF, &c, sizeof(c));
}

static void
udp_csum_clear(uint8_t *udp, size_t len)
{
	assert(len >= NET_UDP_HLEN && len <= UINT16_MAX);
	memset(udp + UDP_CSUM_OFF, 0, sizeof(uint16_t));
}

static uint16_t
udp_csum_field(const uint8_t *udp)
{
	uint16_t c;

	memcpy(&c, udp + UDP_CSUM_OFF, sizeof(c));
	return c;
}

void
net_udp_csum_set4(uint8_t *udp, size_t len, uint32_t saddr, uint32_t daddr)
{
	uint32_t s = net_ipv4_pseudo_sum(saddr, daddr, IPPROTO_UDP,
	    (uint16_t)len);

	udp_csum_clear(udp, len);
	udp_csum_store(udp, net_csum_partial(udp, len, s));
}

void
net_udp_csum_set6(uint8_t *udp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr)
{
	uint32_t s = net_ipv6_pseudo_sum(saddr, daddr, (uint32_t)len,
	    IPPROTO_UDP);

	udp_csum_clear(udp, len);
	udp_csum_store(udp, net_csum_partial(udp, len, s));
}

enum net_verdict
net_udp_csum_check4(const uint8_t *udp, size_t len, uint32_t saddr,
    uint32_t daddr)
{
	uint32_t s;

	assert(len >= NET_UDP_HLEN && len <= UINT16_MAX);
	if (udp_csum_field(udp) == 0)
		return NET_OK;
	s = net_ipv4_pseudo_sum(saddr, daddr, IPPROTO_UDP, (uint16_t)len);
	if (net_csum_fold(net_csum_partial(udp, len, s)) != 0)
		return NET_E_BAD_CHECKSUM;
	return NET_OK;
}

enum net_verdict
net_udp_csum_check6(const uint8_t *udp, size_t len, const uint8_t *saddr,
    const uint8_t *daddr)
{
	uint32_t s;

	assert(len >= NET_UDP_HLEN && len <= UINT16_MAX);
	if (udp_csum_field(udp) == 0)
		return NET_E_BAD_CHECKSUM;
	s = net_ipv6_pseudo_sum(saddr, daddr, (uint32_t)len, IPPROTO_UDP);
	if (net_csum_fold(net_csum_partial(udp, len, s)) != 0)
		return NET_E_BAD_CHECKSUM;
	return NET_OK;
}
