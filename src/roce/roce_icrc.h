/*
 * The invariant CRC of RoCEv2 (IBA Annex A17.3.3): CRC-32 (the Ethernet
 * polynomial, as zlib's crc32()) over
 *
 *	8 bytes of 0xff (standing for the LRH RoCEv2 does not have)
 *	the IP header, with the fields a router may change set to all ones:
 *	    IPv4: type of service, time to live, header checksum
 *	    IPv6: traffic class, flow label, hop limit
 *	the UDP header, its checksum set to all ones
 *	the BTH, its byte 4 (FECN, BECN, resv6: "resv8a") set to all ones
 *	the extension headers, payload and pad, up to the ICRC.
 *
 * The ICRC goes on the wire least significant byte first (like the
 * Ethernet FCS); roce_icrc_get/put read and write it that way.
 */
#ifndef LAGNIC_ROCE_ICRC_H
#define LAGNIC_ROCE_ICRC_H

#include <stddef.h>
#include <stdint.h>

/*
 * The ICRC of the IP packet at ip, len bytes long without its ICRC
 * (IPv4 or IPv6 by the version nibble; UDP and a BTH right after the IP
 * header). -EINVAL if it is neither or too short to hold the headers.
 */
int roce_icrc_calc(const uint8_t *ip, size_t len, uint32_t *icrc);

static inline uint32_t
roce_icrc_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline void
roce_icrc_put(uint8_t *p, uint32_t icrc)
{
	p[0] = (uint8_t)icrc;
	p[1] = (uint8_t)(icrc >> 8);
	p[2] = (uint8_t)(icrc >> 16);
	p[3] = (uint8_t)(icrc >> 24);
}

#endif
