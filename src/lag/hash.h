/*
 * Transmit hash for balance-xor and 802.3ad, with the fields of Linux
 * bonding's xmit_hash_policy:
 *   layer2    source and destination MAC, ethertype
 *   layer2+3  + IP source and destination
 *   layer3+4  IP addresses and TCP/UDP ports (no ports for fragments);
 *             layer2 for non-IP frames
 *   encap2+3, encap3+4  as layer2+3 / layer3+4 on the inner headers of a
 *             VXLAN (UDP 4789) frame; on others, as the plain policy
 *   vlan+srcmac  the outer VLAN ID and the source MAC: every frame of a
 *             sender (a VM's MAC) on one lane
 * The value is spread over 32 bits; callers take it modulo what they need.
 */
#ifndef LAGNIC_LAG_HASH_H
#define LAGNIC_LAG_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "lag/lag.h"

uint32_t lag_hash(enum lag_hash_policy policy, const uint8_t *frame,
    size_t len);

#endif
