/*
 * Marker responder (802.1AX-2008 5.5): every Marker Information PDU is
 * answered, on the port it came in on and whatever that port's LACP
 * state, by one Marker Response PDU carrying the same Requester_Port,
 * Requester_System and Requester_Transaction_ID. We send no Marker PDUs
 * ourselves, so a Marker Response that arrives is dropped.
 *
 * A port sends at most 10 slow-protocol frames a second (802.3 Annex
 * 43B); LACP's periodic machine keeps within 3 per fast period, so
 * responses get the other 5: a peer flooding us with Marker PDUs gets 5
 * answers a second and the rest are counted, not answered.
 */
#include "lacp/lacp_priv.h"

#define LACP_MARKER_RESPONSES_PER_SEC	5

/* true if a response may go out now; counts it */
static bool
lacp_marker_rate_ok(struct lacp_port *p, uint64_t now)
{
	if (now - p->marker_window >= NSEC_PER_SEC || now < p->marker_window) {
		p->marker_window = now;
		p->marker_responses = 0;
	}
	if (p->marker_responses >= LACP_MARKER_RESPONSES_PER_SEC)
		return false;
	p->marker_responses++;
	return true;
}

void
lacp_marker_input(struct lacp_port *p, const struct net_marker_info *m,
    uint64_t now)
{
	struct lacp_system *sys = p->sys;
	struct net_marker_info r = *m;

	if (m->tlv_type != NET_MARKER_TLV_INFORMATION) {
		p->stats.drops[LACP_DROP_MARKER_RESPONSE]++;
		return;
	}
	p->stats.marker_rx++;
	if (!lacp_marker_rate_ok(p, now)) {
		p->stats.drops[LACP_DROP_MARKER_RATE]++;
		return;
	}
	r.version_number = NET_MARKER_VERSION;
	r.tlv_type = NET_MARKER_TLV_RESPONSE;
	if (sys->ops->tx_marker && sys->ops->tx_marker(sys, p, &r) == 0)
		p->stats.marker_response_tx++;
	else
		p->stats.tx_failed++;
}
