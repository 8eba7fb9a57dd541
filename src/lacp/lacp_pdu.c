/*
 * LACPDUs in and out: the PDU a port sends (5.4.2.2), and the dispatch of
 * a received slow-protocol PDU to the receive machine or the marker
 * responder, with a drop counter for each reason to refuse one.
 */
#include "lacp/lacp_priv.h"

const char *const lacp_drop_names[] = {
#define LACP_DROP_NAME(n, d) [LACP_DROP_##n] = #n,
	LACP_DROPS(LACP_DROP_NAME)
#undef LACP_DROP_NAME
};
static_assert(ARRAY_SIZE(lacp_drop_names) == LACP_DROP_COUNT, "drop names");

const char *const lacp_drop_descs[] = {
#define LACP_DROP_DESC(n, d) [LACP_DROP_##n] = d,
	LACP_DROPS(LACP_DROP_DESC)
#undef LACP_DROP_DESC
};
static_assert(ARRAY_SIZE(lacp_drop_descs) == LACP_DROP_COUNT, "drop descs");

void
lacp_pdu_fill(const struct lacp_port *p, struct net_lacpdu_info *pdu)
{
	const struct lacp_system *sys = p->sys;

	memset(pdu, 0, sizeof(*pdu));
	pdu->version_number = NET_LACP_VERSION;
	pdu->actor.system_priority = sys->params.system_priority;
	memcpy(pdu->actor.system, sys->params.system, ETH_ALEN);
	pdu->actor.key = p->actor_oper_port_key;
	pdu->actor.port_priority = p->actor_port_priority;
	pdu->actor.port = p->actor_port_number;
	pdu->actor.state = p->actor_oper_port_state;
	pdu->partner = p->partner_oper;
	pdu->collector_max_delay = 0;
}

static enum lacp_drop
lacp_drop_of(enum net_verdict v)
{
	switch (v) {
	case NET_E_BAD_SUBTYPE:
		return LACP_DROP_BAD_SUBTYPE;
	case NET_E_BAD_VERSION:
		return LACP_DROP_BAD_VERSION;
	case NET_E_BAD_TLV:
		return LACP_DROP_BAD_TLV;
	default:
		return LACP_DROP_SHORT;
	}
}

/* The PDU says it comes from our own system: a loop in the wiring. */
static bool
lacp_pdu_is_ours(const struct lacp_port *p, const struct net_lacpdu_info *pdu)
{
	const struct lacp_params *pa = &p->sys->params;

	return lacp_system_id_eq(pdu->actor.system_priority, pdu->actor.system,
	    pa->system_priority, pa->system);
}

static void
lacp_input_lacpdu(struct lacp_port *p, const uint8_t *buf, size_t len,
    uint64_t now)
{
	struct net_lacpdu_info pdu;
	enum net_verdict v = net_lacpdu_parse(buf, len, &pdu);

	if (v != NET_OK) {
		p->stats.drops[lacp_drop_of(v)]++;
		return;
	}
	if (lacp_pdu_is_ours(p, &pdu)) {
		p->stats.drops[LACP_DROP_LOOPBACK]++;
		return;
	}
	p->pdu = &pdu;
	lacp_rx_run(p, now);
	if (p->pdu) {		/* no state took it */
		p->stats.drops[LACP_DROP_NOT_LISTENING]++;
		p->pdu = NULL;
	}
}

static void
lacp_input_marker(struct lacp_port *p, const uint8_t *buf, size_t len,
    uint64_t now)
{
	struct net_marker_info m;
	enum net_verdict v = net_marker_parse(buf, len, &m);

	if (v != NET_OK) {
		p->stats.drops[lacp_drop_of(v)]++;
		return;
	}
	lacp_marker_input(p, &m, now);
}

void
lacp_input(struct lacp_port *p, const uint8_t *buf, size_t len, uint64_t now)
{
	if (len < 2) {
		p->stats.drops[LACP_DROP_SHORT]++;
		return;
	}
	/* no lacp_run() first: an LACPDU that arrives the very nanosecond
	 * current_while expires counts as in time */
	switch (buf[0]) {
	case NET_SLOW_SUBTYPE_LACP:
		lacp_input_lacpdu(p, buf, len, now);
		break;
	case NET_SLOW_SUBTYPE_MARKER:
		lacp_input_marker(p, buf, len, now);
		break;
	default:
		p->stats.drops[LACP_DROP_BAD_SUBTYPE]++;
		return;
	}
	lacp_run(p->sys, now);
}
