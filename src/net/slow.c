/* LACPDU and Marker PDU, IEEE 802.1AX-2008 5.4.2 and 5.5.3. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/slow.h"

const uint8_t net_slow_protocols_mac[ETH_ALEN] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02
};

/* Subtype and version are the first two octets of every slow PDU. */
static enum net_verdict
slow_check_head(const uint8_t *buf, size_t len, size_t pdu_len,
    uint8_t subtype)
{
	if (len < pdu_len)
		return NET_E_TRUNCATED;
	if (buf[0] != subtype)
		return NET_E_BAD_SUBTYPE;
	if (buf[1] == 0)
		return NET_E_BAD_VERSION;
	return NET_OK;
}

static bool
lacp_tlv_ok(const struct net_lacp_tlv_info *tlv, uint8_t type)
{
	return tlv->tlv_type == type &&
	    tlv->information_length == NET_LACP_INFO_LEN;
}

static void
lacp_info_from_tlv(struct net_lacp_info *info,
    const struct net_lacp_tlv_info *tlv)
{
	info->system_priority = ntohs(tlv->system_priority);
	memcpy(info->system, tlv->system, ETH_ALEN);
	info->key = ntohs(tlv->key);
	info->port_priority = ntohs(tlv->port_priority);
	info->port = ntohs(tlv->port);
	info->state = tlv->state;
}

static bool
lacpdu_tlvs_ok(const struct net_lacpdu *pdu)
{
	if (!lacp_tlv_ok(&pdu->actor, NET_LACP_TLV_ACTOR) ||
	    !lacp_tlv_ok(&pdu->partner, NET_LACP_TLV_PARTNER))
		return false;
	if (pdu->collector.tlv_type != NET_LACP_TLV_COLLECTOR ||
	    pdu->collector.collector_information_length !=
	    NET_LACP_COLLECTOR_LEN)
		return false;
	if (pdu->version_number > NET_LACP_VERSION)
		return true;	/* later versions put more TLVs here */
	return pdu->tlv_type_terminator == NET_LACP_TLV_TERMINATOR &&
	    pdu->terminator_length == 0;
}

enum net_verdict
net_lacpdu_parse(const uint8_t *buf, size_t len, struct net_lacpdu_info *info)
{
	struct net_lacpdu pdu;
	enum net_verdict v;

	v = slow_check_head(buf, len, sizeof(pdu), NET_SLOW_SUBTYPE_LACP);
	if (v != NET_OK)
		return v;
	memcpy(&pdu, buf, sizeof(pdu));
	if (!lacpdu_tlvs_ok(&pdu))
		return NET_E_BAD_TLV;
	info->version_number = pdu.version_number;
	lacp_info_from_tlv(&info->actor, &pdu.actor);
	lacp_info_from_tlv(&info->partner, &pdu.partner);
	info->collector_max_delay = ntohs(pdu.collector.collector_max_delay);
	return NET_OK;
}

static bool
marker_tlvs_ok(const struct net_marker_pdu *pdu)
{
	if ((pdu->tlv_type != NET_MARKER_TLV_INFORMATION &&
	    pdu->tlv_type != NET_MARKER_TLV_RESPONSE) ||
	    pdu->marker_information_length != NET_MARKER_INFO_LEN)
		return false;
	if (pdu->version_number > NET_MARKER_VERSION)
		return true;
	return pdu->tlv_type_terminator == NET_MARKER_TLV_TERMINATOR &&
	    pdu->terminator_length == 0;
}

enum net_verdict
net_marker_parse(const uint8_t *buf, size_t len, struct net_marker_info *info)
{
	struct net_marker_pdu pdu;
	enum net_verdict v;

	v = slow_check_head(buf, len, sizeof(pdu), NET_SLOW_SUBTYPE_MARKER);
	if (v != NET_OK)
		return v;
	memcpy(&pdu, buf, sizeof(pdu));
	if (!marker_tlvs_ok(&pdu))
		return NET_E_BAD_TLV;
	info->version_number = pdu.version_number;
	info->tlv_type = pdu.tlv_type;
	info->requester_port = ntohs(pdu.requester_port);
	memcpy(info->requester_system, pdu.requester_system, ETH_ALEN);
	info->requester_transaction_id = ntohl(pdu.requester_transaction_id);
	return NET_OK;
}

/* The untagged MAC header of a slow protocol frame. */
static int
slow_eth_build(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN])
{
	struct net_eth eth = {
		.dst = net_slow_protocols_mac, .src = src,
		.ethertype = ETH_P_SLOW,
	};

	if (cap < NET_SLOW_FRAME_LEN)
		return -ENOSPC;
	return net_eth_build(buf, cap, &eth);
}

static void
lacp_tlv_from_info(struct net_lacp_tlv_info *tlv, uint8_t type,
    const struct net_lacp_info *info)
{
	tlv->tlv_type = type;
	tlv->information_length = NET_LACP_INFO_LEN;
	tlv->system_priority = htons(info->system_priority);
	memcpy(tlv->system, info->system, ETH_ALEN);
	tlv->key = htons(info->key);
	tlv->port_priority = htons(info->port_priority);
	tlv->port = htons(info->port);
	tlv->state = info->state;
}

int
net_lacpdu_build(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN],
    const struct net_lacpdu_info *info)
{
	struct net_lacpdu pdu;
	int l2;

	l2 = slow_eth_build(buf, cap, src);
	if (l2 < 0)
		return l2;
	memset(&pdu, 0, sizeof(pdu));
	pdu.subtype = NET_SLOW_SUBTYPE_LACP;
	pdu.version_number = NET_LACP_VERSION;
	lacp_tlv_from_info(&pdu.actor, NET_LACP_TLV_ACTOR, &info->actor);
	lacp_tlv_from_info(&pdu.partner, NET_LACP_TLV_PARTNER, &info->partner);
	pdu.collector.tlv_type = NET_LACP_TLV_COLLECTOR;
	pdu.collector.collector_information_length = NET_LACP_COLLECTOR_LEN;
	pdu.collector.collector_max_delay = htons(info->collector_max_delay);
	pdu.tlv_type_terminator = NET_LACP_TLV_TERMINATOR;
	memcpy(buf + l2, &pdu, sizeof(pdu));
	return l2 + (int)sizeof(pdu);
}

int
net_marker_build(uint8_t *buf, size_t cap, const uint8_t src[ETH_ALEN],
    const struct net_marker_info *info)
{
	struct net_marker_pdu pdu;
	int l2;

	if (info->tlv_type != NET_MARKER_TLV_INFORMATION &&
	    info->tlv_type != NET_MARKER_TLV_RESPONSE)
		return -EINVAL;
	l2 = slow_eth_build(buf, cap, src);
	if (l2 < 0)
		return l2;
	memset(&pdu, 0, sizeof(pdu));
	pdu.subtype = NET_SLOW_SUBTYPE_MARKER;
	pdu.version_number = NET_MARKER_VERSION;
	pdu.tlv_type = info->tlv_type;
	pdu.marker_information_length = NET_MARKER_INFO_LEN;
	pdu.requester_port = htons(info->requester_port);
	memcpy(pdu.requester_system, info->requester_system, ETH_ALEN);
	pdu.requester_transaction_id = htonl(info->requester_transaction_id);
	memcpy(buf + l2, &pdu, sizeof(pdu));
	return l2 + (int)sizeof(pdu);
}
