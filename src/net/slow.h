/*
 * IEEE 802.3 Slow Protocols (ethertype 0x8809, to 01-80-C2-00-00-02):
 * the LACPDU and the Marker PDU of IEEE 802.1AX-2008 (5.4.2, 5.5.3),
 * version 1. Both are 110 octets after the MAC header.
 *
 * Parsers take the PDU (what follows the ethertype); builders write the
 * whole untagged frame. A PDU with a version number above 1 is read as
 * version 1 (its first TLVs are laid out the same); only version 1 must
 * carry its terminator where version 1 puts it. Fields are host order.
 */
#ifndef LAGNIC_NET_SLOW_H
#define LAGNIC_NET_SLOW_H

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/eth.h"
#include "net/verdict.h"

#define NET_SLOW_SUBTYPE_LACP		1
#define NET_SLOW_SUBTYPE_MARKER		2
#define NET_LACP_VERSION		1
#define NET_MARKER_VERSION		1
#define NET_LACPDU_LEN			110
#define NET_MARKER_PDU_LEN		110
#define NET_SLOW_FRAME_LEN		(ETH_HLEN + NET_LACPDU_LEN)

#define NET_LACP_TLV_TERMINATOR		0
#define NET_LACP_TLV_ACTOR		1
#define NET_LACP_TLV_PARTNER		2
#define NET_LACP_TLV_COLLECTOR		3
#define NET_LACP_INFO_LEN		20	/* actor and partner */
#define NET_LACP_COLLECTOR_LEN		16
#define NET_MARKER_TLV_TERMINATOR	0
#define NET_MARKER_TLV_INFORMATION	1
#define NET_MARKER_TLV_RESPONSE		2
#define NET_MARKER_INFO_LEN		16

/* Actor_State / Partner_State bits (802.1AX-2008 5.4.2.2 m) */
#define NET_LACP_STATE_ACTIVITY		0x01	/* LACP_Activity */
#define NET_LACP_STATE_TIMEOUT		0x02	/* short timeout */
#define NET_LACP_STATE_AGGREGATION	0x04
#define NET_LACP_STATE_SYNCHRONIZATION	0x08
#define NET_LACP_STATE_COLLECTING	0x10
#define NET_LACP_STATE_DISTRIBUTING	0x20
#define NET_LACP_STATE_DEFAULTED	0x40
#define NET_LACP_STATE_EXPIRED		0x80

/* Actor or Partner Information TLV */
struct net_lacp_tlv_info {
	uint8_t  tlv_type;
	uint8_t  information_length;	/* 20 */
	uint16_t system_priority;
	uint8_t  system[ETH_ALEN];
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t  state;
	uint8_t  reserved[3];
} __packed;
static_assert(sizeof(struct net_lacp_tlv_info) == NET_LACP_INFO_LEN,
    "lacp actor/partner tlv");

struct net_lacp_tlv_collector {
	uint8_t  tlv_type;
	uint8_t  collector_information_length;	/* 16 */
	uint16_t collector_max_delay;	/* tens of microseconds */
	uint8_t  reserved[12];
} __packed;
static_assert(sizeof(struct net_lacp_tlv_collector) == NET_LACP_COLLECTOR_LEN,
    "lacp collector tlv");

struct net_lacpdu {
	uint8_t subtype;
	uint8_t version_number;
	struct net_lacp_tlv_info actor;
	struct net_lacp_tlv_info partner;
	struct net_lacp_tlv_collector collector;
	uint8_t tlv_type_terminator;
	uint8_t terminator_length;
	uint8_t reserved[50];
} __packed;
static_assert(sizeof(struct net_lacpdu) == NET_LACPDU_LEN, "lacpdu");

struct net_marker_pdu {
	uint8_t  subtype;
	uint8_t  version_number;
	uint8_t  tlv_type;		/* information or response */
	uint8_t  marker_information_length;	/* 16 */
	uint16_t requester_port;
	uint8_t  requester_system[ETH_ALEN];
	uint32_t requester_transaction_id;
	uint8_t  pad[2];
	uint8_t  tlv_type_terminator;
	uint8_t  terminator_length;
	uint8_t  reserved[90];
} __packed;
static_assert(sizeof(struct net_marker_pdu) == NET_MARKER_PDU_LEN,
    "marker pdu");

/* One side's information, as carried by the actor and partner TLVs. */
struct net_lacp_info {
	uint16_t system_priority;
	uint8_t  system[ETH_ALEN];
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t  state;
};

struct net_lacpdu_info {
	uint8_t version_number;		/* the builder writes 1 */
	struct net_lacp_info actor;
	struct net_lacp_info partner;
	uint16_t collector_max_delay;
};

struct net_marker_info {
	uint8_t  version_number;	/* the builder writes 1 */
	uint8_t  tlv_type;		/* NET_MARKER_TLV_* */
	uint16_t requester_port;
	uint8_t  requester_system[ETH_ALEN];
	uint32_t requester_transaction_id;
};

extern const uint8_t net_slow_protocols_mac[ETH_ALEN];

/* NET_E_TRUNCATED, _BAD_SUBTYPE, _BAD_VERSION (0) or _BAD_TLV. */
enum net_verdict net_lacpdu_parse(const uint8_t *buf, size_t len,
    struct net_lacpdu_info *info);
enum net_verdict net_marker_parse(const uint8_t *buf, size_t len,
    struct net_marker_info *info);

/* A whole frame from src: NET_SLOW_FRAME_LEN, -ENOSPC or -EINVAL. */
int net_lacpdu_build(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN],
    const struct net_lacpdu_info *info);
int net_marker_build(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN],
    const struct net_marker_info *info);

#endif
