/*
 * Periodic Transmission machine (802.1AX-2008 5.4.13, Figure 5-19): asks
 * for an LACPDU every fast (1 s) or slow (30 s) period, at the rate the
 * PARTNER's LACP_Timeout asks for; nothing when both sides are passive.
 */
#include "lacp/lacp_priv.h"

const char *const lacp_ptx_state_names[] = {
	[LACP_PTX_S_NO_PERIODIC] = "NO_PERIODIC",
	[LACP_PTX_S_FAST_PERIODIC] = "FAST_PERIODIC",
	[LACP_PTX_S_SLOW_PERIODIC] = "SLOW_PERIODIC",
	[LACP_PTX_S_PERIODIC_TX] = "PERIODIC_TX",
};
static_assert(ARRAY_SIZE(lacp_ptx_state_names) == LACP_PTX_S_COUNT,
    "ptx state names");

enum lacp_ptx_event {
	LACP_PTX_E_NONE,
	LACP_PTX_E_UCT,
	LACP_PTX_E_DISABLED,		/* !LACP_Enabled, !port_enabled */
	LACP_PTX_E_BOTH_PASSIVE,
	LACP_PTX_E_TIMER_EXPIRED,
	LACP_PTX_E_PARTNER_SHORT,
	LACP_PTX_E_PARTNER_LONG,
	LACP_PTX_E_COUNT
};

static const char *const lacp_ptx_event_names[] = {
	[LACP_PTX_E_NONE] = "-",
	[LACP_PTX_E_UCT] = "UCT",
	[LACP_PTX_E_DISABLED] = "!port_enabled or !LACP_Enabled",
	[LACP_PTX_E_BOTH_PASSIVE] = "Actor and Partner PASSIVE",
	[LACP_PTX_E_TIMER_EXPIRED] = "periodic_timer expired",
	[LACP_PTX_E_PARTNER_SHORT] = "Partner LACP_Timeout = Short",
	[LACP_PTX_E_PARTNER_LONG] = "Partner LACP_Timeout = Long",
};
static_assert(ARRAY_SIZE(lacp_ptx_event_names) == LACP_PTX_E_COUNT,
    "ptx event names");

static bool
lacp_partner_short(const struct lacp_port *p)
{
	return lacp_state_has(p->partner_oper.state, LACP_STATE_TIMEOUT);
}

static enum lacp_ptx_state
lacp_ptx_next(const struct lacp_port *p, uint64_t now, enum lacp_ptx_event *ev)
{
	bool expired = lacp_timer_expired(p->periodic_timer, now);

	/* from anywhere: BEGIN + !LACP_Enabled + !port_enabled +
	 * (Actor PASSIVE * Partner PASSIVE) */
	*ev = LACP_PTX_E_DISABLED;
	if (!p->lacp_enabled || !p->port_enabled)
		return LACP_PTX_S_NO_PERIODIC;
	*ev = LACP_PTX_E_BOTH_PASSIVE;
	if (!lacp_state_has(p->actor_oper_port_state, LACP_STATE_ACTIVITY) &&
	    !lacp_state_has(p->partner_oper.state, LACP_STATE_ACTIVITY))
		return LACP_PTX_S_NO_PERIODIC;
	switch (p->ptx_state) {
	case LACP_PTX_S_NO_PERIODIC:
		*ev = LACP_PTX_E_UCT;
		return LACP_PTX_S_FAST_PERIODIC;
	case LACP_PTX_S_FAST_PERIODIC:
		*ev = LACP_PTX_E_PARTNER_LONG;
		if (!lacp_partner_short(p))
			return LACP_PTX_S_SLOW_PERIODIC;
		*ev = LACP_PTX_E_TIMER_EXPIRED;
		if (expired)
			return LACP_PTX_S_PERIODIC_TX;
		break;
	case LACP_PTX_S_SLOW_PERIODIC:
		*ev = LACP_PTX_E_PARTNER_SHORT;
		if (lacp_partner_short(p))
			return LACP_PTX_S_PERIODIC_TX;
		*ev = LACP_PTX_E_TIMER_EXPIRED;
		if (expired)
			return LACP_PTX_S_PERIODIC_TX;
		break;
	case LACP_PTX_S_PERIODIC_TX:
		*ev = lacp_partner_short(p) ? LACP_PTX_E_PARTNER_SHORT :
		    LACP_PTX_E_PARTNER_LONG;
		return lacp_partner_short(p) ? LACP_PTX_S_FAST_PERIODIC :
		    LACP_PTX_S_SLOW_PERIODIC;
	case LACP_PTX_S_COUNT:
		break;
	}
	*ev = LACP_PTX_E_NONE;
	return p->ptx_state;
}

static void
lacp_ptx_enter(struct lacp_port *p, enum lacp_ptx_state s, uint64_t now)
{
	switch (s) {
	case LACP_PTX_S_NO_PERIODIC:
		/* Stop periodic_timer */
		lacp_timer_stop(&p->periodic_timer);
		break;
	case LACP_PTX_S_FAST_PERIODIC:
		/* Start periodic_timer(fast_periodic_time) */
		lacp_timer_start(&p->periodic_timer, now,
		    LACP_FAST_PERIODIC_TIME);
		break;
	case LACP_PTX_S_SLOW_PERIODIC:
		/* Start periodic_timer(slow_periodic_time) */
		lacp_timer_start(&p->periodic_timer, now,
		    LACP_SLOW_PERIODIC_TIME);
		break;
	case LACP_PTX_S_PERIODIC_TX:
		/* NTT = TRUE */
		p->ntt = true;
		break;
	case LACP_PTX_S_COUNT:
		break;
	}
}

void
lacp_ptx_begin(struct lacp_port *p)
{
	p->ptx_state = LACP_PTX_S_NO_PERIODIC;
	lacp_ptx_enter(p, LACP_PTX_S_NO_PERIODIC, 0);
}

bool
lacp_ptx_run(struct lacp_port *p, uint64_t now)
{
	enum lacp_ptx_event ev;
	enum lacp_ptx_state ns;
	bool moved = false;

	while ((ns = lacp_ptx_next(p, now, &ev)) != p->ptx_state) {
		lacp_trace(p, "ptx", lacp_ptx_state_names[p->ptx_state],
		    lacp_ptx_state_names[ns], lacp_ptx_event_names[ev]);
		p->ptx_state = ns;
		lacp_ptx_enter(p, ns, now);
		moved = true;
	}
	return moved;
}
