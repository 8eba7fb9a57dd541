/*
 * Receive machine (802.1AX-2008 5.4.12, Figure 5-18): takes LACPDUs,
 * records the partner's information, and times it out with the
 * current_while timer (short or long, as our Actor LACP_Timeout asks).
 */
#include "lacp/lacp_priv.h"

const char *const lacp_rx_state_names[] = {
	[LACP_RX_S_INITIALIZE] = "INITIALIZE",
	[LACP_RX_S_PORT_DISABLED] = "PORT_DISABLED",
	[LACP_RX_S_EXPIRED] = "EXPIRED",
	[LACP_RX_S_LACP_DISABLED] = "LACP_DISABLED",
	[LACP_RX_S_DEFAULTED] = "DEFAULTED",
	[LACP_RX_S_CURRENT] = "CURRENT",
};
static_assert(ARRAY_SIZE(lacp_rx_state_names) == LACP_RX_S_COUNT,
    "rx state names");

enum lacp_rx_event {
	LACP_RX_E_NONE,
	LACP_RX_E_UCT,
	LACP_RX_E_PORT_MOVED,
	LACP_RX_E_NOT_PORT_ENABLED,
	LACP_RX_E_PORT_ENABLED,
	LACP_RX_E_LACP_ENABLED,
	LACP_RX_E_NOT_LACP_ENABLED,
	LACP_RX_E_LACPDU,
	LACP_RX_E_TIMER_EXPIRED,
	LACP_RX_E_COUNT
};

static const char *const lacp_rx_event_names[] = {
	[LACP_RX_E_NONE] = "-",
	[LACP_RX_E_UCT] = "UCT",
	[LACP_RX_E_PORT_MOVED] = "port_moved",
	[LACP_RX_E_NOT_PORT_ENABLED] = "!port_enabled",
	[LACP_RX_E_PORT_ENABLED] = "port_enabled",
	[LACP_RX_E_LACP_ENABLED] = "LACP_Enabled",
	[LACP_RX_E_NOT_LACP_ENABLED] = "!LACP_Enabled",
	[LACP_RX_E_LACPDU] = "LACPDU Received",
	[LACP_RX_E_TIMER_EXPIRED] = "current_while_timer expired",
};
static_assert(ARRAY_SIZE(lacp_rx_event_names) == LACP_RX_E_COUNT,
    "rx event names");

/* Port ID, System ID, key and Aggregation bit of one side's info. */
static bool
lacp_info_same_link(const struct net_lacp_info *a,
    const struct net_lacp_info *b)
{
	return a->port == b->port && a->port_priority == b->port_priority &&
	    lacp_system_id_eq(a->system_priority, a->system,
	    b->system_priority, b->system) && a->key == b->key &&
	    lacp_state_has(a->state, LACP_STATE_AGGREGATION) ==
	    lacp_state_has(b->state, LACP_STATE_AGGREGATION);
}

/* The partner's view of us, as its LACPDU carries it, is our own. */
static bool
lacp_pdu_partner_is_us(const struct lacp_port *p,
    const struct net_lacp_info *pi)
{
	const struct lacp_system *sys = p->sys;

	return pi->port == p->actor_port_number &&
	    pi->port_priority == p->actor_port_priority &&
	    lacp_system_id_eq(pi->system_priority, pi->system,
	    sys->params.system_priority, sys->params.system) &&
	    pi->key == p->actor_oper_port_key;
}

/*
 * recordDefault (5.4.9): the Partner Admin values become the Partner
 * operational values; Actor_Oper_Port_State.Defaulted = TRUE.
 */
static void
lacp_record_default(struct lacp_port *p)
{
	p->partner_oper = p->partner_admin;
	lacp_state_set(&p->actor_oper_port_state, LACP_STATE_DEFAULTED, true);
}

/*
 * choose_Matched (802.3ad-2000 43.4.9), which 802.1AX-2008 folds into
 * recordPDU: the partner has our information right, or it says it is an
 * Individual link.
 */
static void
lacp_choose_matched(struct lacp_port *p, const struct net_lacpdu_info *pdu)
{
	bool right = lacp_pdu_partner_is_us(p, &pdu->partner) &&
	    lacp_state_has(pdu->partner.state, LACP_STATE_AGGREGATION) ==
	    lacp_state_has(p->actor_oper_port_state, LACP_STATE_AGGREGATION);
	bool individual = !lacp_state_has(pdu->actor.state,
	    LACP_STATE_AGGREGATION);

	p->matched = right || individual;
}

/*
 * recordPDU (5.4.9): the Actor values of the LACPDU become the Partner
 * operational values; Actor_Oper_Port_State.Defaulted = FALSE. The
 * partner's Synchronization is TRUE only when matched, the PDU's Actor
 * Synchronization is TRUE, and LACP actively maintains the link: the
 * PDU's Actor LACP_Activity is TRUE, or both ours and the PDU's Partner
 * LACP_Activity are.
 */
static void
lacp_record_pdu(struct lacp_port *p, const struct net_lacpdu_info *pdu)
{
	bool active = lacp_state_has(pdu->actor.state, LACP_STATE_ACTIVITY) ||
	    (lacp_state_has(p->actor_oper_port_state, LACP_STATE_ACTIVITY) &&
	    lacp_state_has(pdu->partner.state, LACP_STATE_ACTIVITY));

	lacp_choose_matched(p, pdu);
	p->partner_oper = pdu->actor;
	lacp_state_set(&p->partner_oper.state, LACP_STATE_SYNC, p->matched &&
	    lacp_state_has(pdu->actor.state, LACP_STATE_SYNC) && active);
	lacp_state_set(&p->actor_oper_port_state, LACP_STATE_DEFAULTED, false);
}

/*
 * update_Selected (5.4.9): the PDU's Actor Port ID, System ID, Key and
 * Aggregation bit differ from the Partner operational values: Selected =
 * UNSELECTED.
 */
static void
lacp_update_selected(struct lacp_port *p, const struct net_lacpdu_info *pdu)
{
	if (!lacp_info_same_link(&pdu->actor, &p->partner_oper))
		p->selected = LACP_UNSELECTED;
}

/* update_Default_Selected: the same, with the Partner Admin values. */
static void
lacp_update_default_selected(struct lacp_port *p)
{
	if (!lacp_info_same_link(&p->partner_admin, &p->partner_oper))
		p->selected = LACP_UNSELECTED;
}

/*
 * update_NTT (5.4.9): the PDU's Partner values (Port ID, System ID, Key,
 * and the LACP_Activity, LACP_Timeout, Synchronization and Aggregation
 * bits) differ from our Actor operational values: NTT = TRUE, the
 * partner has us wrong.
 */
static void
lacp_update_ntt(struct lacp_port *p, const struct net_lacpdu_info *pdu)
{
	const uint8_t bits = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT |
	    LACP_STATE_SYNC | LACP_STATE_AGGREGATION;

	if (!lacp_pdu_partner_is_us(p, &pdu->partner) ||
	    ((pdu->partner.state ^ p->actor_oper_port_state) & bits))
		p->ntt = true;
}

/*
 * port_moved: another port of ours, disabled, last heard this partner
 * port; the link has moved here, so that port starts over.
 */
static void
lacp_note_port_moved(struct lacp_port *p, const struct net_lacp_info *a)
{
	struct lacp_system *sys = p->sys;

	for (unsigned i = 0; i < sys->nports; i++) {
		struct lacp_port *q = sys->ports[i];

		if (q != p && q->rx_state == LACP_RX_S_PORT_DISABLED &&
		    q->partner_oper.port == a->port &&
		    lacp_system_id_eq(q->partner_oper.system_priority,
		    q->partner_oper.system, a->system_priority, a->system))
			q->port_moved = true;
	}
}

static uint64_t
lacp_actor_timeout(const struct lacp_port *p)
{
	return lacp_state_has(p->actor_oper_port_state, LACP_STATE_TIMEOUT) ?
	    LACP_SHORT_TIMEOUT_TIME : LACP_LONG_TIMEOUT_TIME;
}

static enum lacp_rx_state
lacp_rx_next(const struct lacp_port *p, uint64_t now, enum lacp_rx_event *ev)
{
	enum lacp_rx_state s = p->rx_state;

	/* from anywhere: (!port_enabled) && (!port_moved) */
	*ev = LACP_RX_E_NOT_PORT_ENABLED;
	if (!p->port_enabled && !p->port_moved && s != LACP_RX_S_INITIALIZE)
		return LACP_RX_S_PORT_DISABLED;
	switch (s) {
	case LACP_RX_S_INITIALIZE:
		*ev = LACP_RX_E_UCT;
		return LACP_RX_S_PORT_DISABLED;
	case LACP_RX_S_PORT_DISABLED:
		*ev = LACP_RX_E_PORT_MOVED;
		if (p->port_moved)
			return LACP_RX_S_INITIALIZE;
		*ev = LACP_RX_E_PORT_ENABLED;
		if (p->port_enabled)
			return p->lacp_enabled ? LACP_RX_S_EXPIRED :
			    LACP_RX_S_LACP_DISABLED;
		break;
	case LACP_RX_S_LACP_DISABLED:
		*ev = LACP_RX_E_LACP_ENABLED;
		if (p->lacp_enabled)
			return LACP_RX_S_PORT_DISABLED;
		break;
	case LACP_RX_S_EXPIRED:
	case LACP_RX_S_CURRENT:
		*ev = LACP_RX_E_LACPDU;
		if (p->pdu)
			return LACP_RX_S_CURRENT;
		*ev = LACP_RX_E_TIMER_EXPIRED;
		if (lacp_timer_expired(p->current_while_timer, now))
			return s == LACP_RX_S_CURRENT ? LACP_RX_S_EXPIRED :
			    LACP_RX_S_DEFAULTED;
		break;
	case LACP_RX_S_DEFAULTED:
		*ev = LACP_RX_E_LACPDU;
		if (p->pdu)
			return LACP_RX_S_CURRENT;
		break;
	case LACP_RX_S_COUNT:
		break;
	}
	*ev = LACP_RX_E_NONE;
	return s;
}

static void
lacp_rx_enter(struct lacp_port *p, enum lacp_rx_state s, uint64_t now)
{
	uint8_t *actor = &p->actor_oper_port_state;

	if (s != LACP_RX_S_EXPIRED && s != LACP_RX_S_CURRENT)
		lacp_timer_stop(&p->current_while_timer);
	switch (s) {
	case LACP_RX_S_INITIALIZE:
		/* Selected = UNSELECTED; recordDefault();
		 * Actor_Oper_Port_State.Expired = FALSE; port_moved = FALSE */
		p->selected = LACP_UNSELECTED;
		lacp_record_default(p);
		lacp_state_set(actor, LACP_STATE_EXPIRED, false);
		p->port_moved = false;
		break;
	case LACP_RX_S_PORT_DISABLED:
		/* Partner_Oper_Port_State.Synchronization = FALSE */
		lacp_state_set(&p->partner_oper.state, LACP_STATE_SYNC, false);
		break;
	case LACP_RX_S_EXPIRED:
		/* Partner_Oper_Port_State.Synchronization = FALSE;
		 * Partner_Oper_Port_State.LACP_Timeout = Short Timeout;
		 * start current_while_timer(Short Timeout);
		 * Actor_Oper_Port_State.Expired = TRUE */
		lacp_state_set(&p->partner_oper.state, LACP_STATE_SYNC, false);
		lacp_state_set(&p->partner_oper.state, LACP_STATE_TIMEOUT,
		    true);
		lacp_timer_start(&p->current_while_timer, now,
		    LACP_SHORT_TIMEOUT_TIME);
		lacp_state_set(actor, LACP_STATE_EXPIRED, true);
		break;
	case LACP_RX_S_LACP_DISABLED:
		/* Selected = UNSELECTED; recordDefault();
		 * Partner_Oper_Port_State.Aggregation = FALSE;
		 * Actor_Oper_Port_State.Expired = FALSE */
		p->selected = LACP_UNSELECTED;
		lacp_record_default(p);
		lacp_state_set(&p->partner_oper.state, LACP_STATE_AGGREGATION,
		    false);
		lacp_state_set(actor, LACP_STATE_EXPIRED, false);
		break;
	case LACP_RX_S_DEFAULTED:
		/* update_Default_Selected(); recordDefault();
		 * Actor_Oper_Port_State.Expired = FALSE */
		lacp_update_default_selected(p);
		lacp_record_default(p);
		lacp_state_set(actor, LACP_STATE_EXPIRED, false);
		break;
	case LACP_RX_S_CURRENT:
		/* update_Selected(); update_NTT(); recordPDU();
		 * start current_while_timer(Actor_Oper_Port_State.
		 * LACP_Timeout); Actor_Oper_Port_State.Expired = FALSE */
		lacp_update_selected(p, p->pdu);
		lacp_update_ntt(p, p->pdu);
		lacp_record_pdu(p, p->pdu);
		lacp_note_port_moved(p, &p->pdu->actor);
		lacp_timer_start(&p->current_while_timer, now,
		    lacp_actor_timeout(p));
		lacp_state_set(actor, LACP_STATE_EXPIRED, false);
		p->stats.lacpdu_rx++;
		p->pdu = NULL;		/* consumed */
		break;
	case LACP_RX_S_COUNT:
		break;
	}
}

void
lacp_rx_begin(struct lacp_port *p)
{
	p->rx_state = LACP_RX_S_INITIALIZE;
	lacp_rx_enter(p, LACP_RX_S_INITIALIZE, 0);
}

/*
 * A pending LACPDU makes CURRENT enter again even from CURRENT; its entry
 * consumes the PDU, so the loop ends.
 */
bool
lacp_rx_run(struct lacp_port *p, uint64_t now)
{
	enum lacp_rx_event ev;
	enum lacp_rx_state ns;
	bool moved = false;

	while ((ns = lacp_rx_next(p, now, &ev)) != p->rx_state ||
	    ev == LACP_RX_E_LACPDU) {
		lacp_trace(p, "rx", lacp_rx_state_names[p->rx_state],
		    lacp_rx_state_names[ns], lacp_rx_event_names[ev]);
		if (p->rx_state == LACP_RX_S_CURRENT &&
		    ns == LACP_RX_S_EXPIRED)
			p->stats.partner_timeouts++;
		p->rx_state = ns;
		lacp_rx_enter(p, ns, now);
		moved = true;
	}
	return moved;
}
