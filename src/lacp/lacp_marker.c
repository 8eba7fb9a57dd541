/*
 * Marker responder (802.1AX-2008 5.5): every Marker Information PDU is
 * answered, on the port it came in on and whatever that port's LACP
 * state, by one Marker Response PDU carrying the same Requester_Port,
 * Requester_System and Requester_Transaction_ID. We send no Marker PDUs
 * ourselves, so a Marker Response that arrives is dropped.
 */
#include "lacp/lacp_priv.h"

void
lacp_marker_input(struct lacp_port *p, const struct net_marker_info *m)
{
	struct lacp_system *sys = p->sys;
	struct net_marker_info r = *m;

	if (m->tlv_type != NET_MARKER_TLV_INFORMATION) {
		p->stats.drops[LACP_DROP_MARKER_RESPONSE]++;
		return;
	}
	p->stats.marker_rx++;
	r.version_number = NET_MARKER_VERSION;
	r.tlv_type = NET_MARKER_TLV_RESPONSE;
	if (sys->ops->tx_marker && sys->ops->tx_marker(sys, p, &r) == 0)
		p->stats.marker_response_tx++;
	else
		p->stats.tx_failed++;
}
