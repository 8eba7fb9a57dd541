/* The RoCEv2 invariant CRC (Annex A17.3.3), on zlib's CRC-32. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "net/ip.h"
#include "net/udp.h"
#include "roce/roce_hdr.h"
#include "roce/roce_icrc.h"

#define IPV4_HLEN_MAX	60
#define LRH_LEN		8	/* the pseudo LRH: 8 bytes of 0xff */
/* The masked copy: the longest IP header, UDP, BTH. */
#define MASKED_MAX	(IPV4_HLEN_MAX + NET_UDP_HLEN + ROCE_BTH_LEN)

static const uint8_t lrh_ones[LRH_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The variant fields of an IPv4 header: TOS, TTL, header checksum. */
static void
icrc_mask_ipv4(uint8_t *h)
{
	h[offsetof(struct net_ipv4_hdr, type_of_service)] = 0xff;
	h[offsetof(struct net_ipv4_hdr, time_to_live)] = 0xff;
	memset(h + offsetof(struct net_ipv4_hdr, header_checksum), 0xff, 2);
}

/* IPv6: traffic class and flow label (all of the first word but the
 * version), hop limit. */
static void
icrc_mask_ipv6(uint8_t *h)
{
	h[0] |= 0x0f;
	h[1] = h[2] = h[3] = 0xff;
	h[offsetof(struct net_ipv6_hdr, hop_limit)] = 0xff;
}

/* Length of the IP header at ip, or 0 if not IPv4/IPv6 we can cover. */
static size_t
icrc_ip_hlen(const uint8_t *ip, size_t len)
{
	size_t hlen;

	if (len < 1)
		return 0;
	switch (ip[0] >> 4) {
	case 4:
		hlen = (size_t)(ip[0] & 0xf) * 4;
		return hlen >= NET_IPV4_HLEN ? hlen : 0;
	case 6:
		return NET_IPV6_HLEN;
	default:
		return 0;
	}
}

int
roce_icrc_calc(const uint8_t *ip, size_t len, uint32_t *icrc)
{
	uint8_t m[MASKED_MAX];
	size_t hlen = icrc_ip_hlen(ip, len), mlen;
	uLong crc;

	mlen = hlen + NET_UDP_HLEN + ROCE_BTH_LEN;
	if (hlen == 0 || len < mlen || len > UINT32_MAX)
		return -EINVAL;
	memcpy(m, ip, mlen);
	if (ip[0] >> 4 == 6)
		icrc_mask_ipv6(m);
	else
		icrc_mask_ipv4(m);
	memset(m + hlen + offsetof(struct net_udp_hdr, checksum), 0xff, 2);
	m[hlen + NET_UDP_HLEN + ROCE_BTH_RESV8A_OFF] = 0xff;
	crc = crc32(0L, lrh_ones, LRH_LEN);
	crc = crc32(crc, m, (uInt)mlen);
	crc = crc32(crc, ip + mlen, (uInt)(len - mlen));
	*icrc = (uint32_t)crc;
	return 0;
}
