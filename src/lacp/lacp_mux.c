/*
 * Mux machine (802.1AX-2008 5.4.15): attaches the port to the aggregator
 * Selection chose, then lets it collect and distribute once the partner
 * is in sync.
 *
 * Two variants, by the system's coupled_control (bonding's option, whose
 * default is coupled):
 *   coupled (Figure 5-16): DETACHED, WAITING, ATTACHED, COLL_DIST; one
 *	state collects and distributes;
 *   independent (Figure 5-15): DETACHED, WAITING, ATTACHED, COLLECTING,
 *	DISTRIBUTING; distribution starts only once the partner collects.
 *
 * Enable/Disable_Collecting/Distributing are the actor state bits: the
 * owner reads them after the run (lacp_port_collecting/_distributing).
 */
#include "lacp/lacp_priv.h"

const char *const lacp_mux_state_names[] = {
	[LACP_MUX_S_DETACHED] = "DETACHED",
	[LACP_MUX_S_WAITING] = "WAITING",
	[LACP_MUX_S_ATTACHED] = "ATTACHED",
	[LACP_MUX_S_COLLECTING] = "COLLECTING",
	[LACP_MUX_S_DISTRIBUTING] = "DISTRIBUTING",
	[LACP_MUX_S_COLL_DIST] = "COLLECTING_DISTRIBUTING",
};
static_assert(ARRAY_SIZE(lacp_mux_state_names) == LACP_MUX_S_COUNT,
    "mux state names");

enum lacp_mux_event {
	LACP_MUX_E_NONE,
	LACP_MUX_E_SELECTED,
	LACP_MUX_E_STANDBY,
	LACP_MUX_E_UNSELECTED,
	LACP_MUX_E_READY,
	LACP_MUX_E_SYNC,
	LACP_MUX_E_NOT_SYNC,
	LACP_MUX_E_COLLECTING,
	LACP_MUX_E_NOT_COLLECTING,
	LACP_MUX_E_COUNT
};

static const char *const lacp_mux_event_names[] = {
	[LACP_MUX_E_NONE] = "-",
	[LACP_MUX_E_SELECTED] = "Selected == SELECTED",
	[LACP_MUX_E_STANDBY] = "Selected == STANDBY",
	[LACP_MUX_E_UNSELECTED] = "Selected == UNSELECTED",
	[LACP_MUX_E_READY] = "Selected == SELECTED && Ready",
	[LACP_MUX_E_SYNC] = "Partner.Sync",
	[LACP_MUX_E_NOT_SYNC] = "!Partner.Sync",
	[LACP_MUX_E_COLLECTING] = "Partner.Collecting",
	[LACP_MUX_E_NOT_COLLECTING] = "!Partner.Collecting",
};
static_assert(ARRAY_SIZE(lacp_mux_event_names) == LACP_MUX_E_COUNT,
    "mux event names");

static bool
lacp_partner_has(const struct lacp_port *p, uint8_t bit)
{
	return lacp_state_has(p->partner_oper.state, bit);
}

/*
 * Leaving a collecting state: UNSELECTED, STANDBY, the partner out of
 * sync (and, for DISTRIBUTING, the partner not collecting).
 */
static bool
lacp_mux_must_leave(const struct lacp_port *p, bool need_collecting,
    enum lacp_mux_event *ev)
{
	*ev = p->selected == LACP_UNSELECTED ? LACP_MUX_E_UNSELECTED :
	    LACP_MUX_E_STANDBY;
	if (p->selected != LACP_SELECTED)
		return true;
	*ev = LACP_MUX_E_NOT_SYNC;
	if (!lacp_partner_has(p, LACP_STATE_SYNC))
		return true;
	*ev = LACP_MUX_E_NOT_COLLECTING;
	return need_collecting && !lacp_partner_has(p, LACP_STATE_COLLECTING);
}

static enum lacp_mux_state
lacp_mux_next(const struct lacp_port *p, enum lacp_mux_event *ev)
{
	bool coupled = p->sys->params.coupled_control;

	switch (p->mux_state) {
	case LACP_MUX_S_DETACHED:
		*ev = p->selected == LACP_SELECTED ? LACP_MUX_E_SELECTED :
		    LACP_MUX_E_STANDBY;
		if (p->selected != LACP_UNSELECTED)
			return LACP_MUX_S_WAITING;
		break;
	case LACP_MUX_S_WAITING:
		*ev = LACP_MUX_E_UNSELECTED;
		if (p->selected == LACP_UNSELECTED)
			return LACP_MUX_S_DETACHED;
		*ev = LACP_MUX_E_READY;
		if (p->selected == LACP_SELECTED && lacp_select_ready(p))
			return LACP_MUX_S_ATTACHED;
		break;
	case LACP_MUX_S_ATTACHED:
		*ev = p->selected == LACP_UNSELECTED ? LACP_MUX_E_UNSELECTED :
		    LACP_MUX_E_STANDBY;
		if (p->selected != LACP_SELECTED)
			return LACP_MUX_S_DETACHED;
		*ev = LACP_MUX_E_SYNC;
		if (lacp_partner_has(p, LACP_STATE_SYNC))
			return coupled ? LACP_MUX_S_COLL_DIST :
			    LACP_MUX_S_COLLECTING;
		break;
	case LACP_MUX_S_COLLECTING:
		if (lacp_mux_must_leave(p, false, ev))
			return LACP_MUX_S_ATTACHED;
		*ev = LACP_MUX_E_COLLECTING;
		if (lacp_partner_has(p, LACP_STATE_COLLECTING))
			return LACP_MUX_S_DISTRIBUTING;
		break;
	case LACP_MUX_S_DISTRIBUTING:
		if (lacp_mux_must_leave(p, true, ev))
			return LACP_MUX_S_COLLECTING;
		break;
	case LACP_MUX_S_COLL_DIST:
		if (lacp_mux_must_leave(p, false, ev))
			return LACP_MUX_S_ATTACHED;
		break;
	case LACP_MUX_S_COUNT:
		break;
	}
	*ev = LACP_MUX_E_NONE;
	return p->mux_state;
}

static void
lacp_mux_set(struct lacp_port *p, bool sync, bool collecting,
    bool distributing)
{
	lacp_state_set(&p->actor_oper_port_state, LACP_STATE_SYNC, sync);
	lacp_state_set(&p->actor_oper_port_state, LACP_STATE_COLLECTING,
	    collecting);
	lacp_state_set(&p->actor_oper_port_state, LACP_STATE_DISTRIBUTING,
	    distributing);
}

static void
lacp_mux_enter(struct lacp_port *p, enum lacp_mux_state s, uint64_t now)
{
	switch (s) {
	case LACP_MUX_S_DETACHED:
		/* Detach_Mux_From_Aggregator();
		 * Actor.Sync = FALSE; Disable_Distributing();
		 * Actor.Distributing = FALSE; Actor.Collecting = FALSE;
		 * Disable_Collecting(); NTT = TRUE */
		p->attached = false;
		lacp_mux_set(p, false, false, false);
		lacp_timer_stop(&p->wait_while_timer);
		p->ntt = true;
		break;
	case LACP_MUX_S_WAITING:
		/* Start wait_while_timer */
		lacp_timer_start(&p->wait_while_timer, now,
		    LACP_AGGREGATE_WAIT_TIME);
		p->ready_n = false;
		break;
	case LACP_MUX_S_ATTACHED:
		/* Attach_Mux_To_Aggregator(); Actor.Sync = TRUE;
		 * Actor.Collecting = FALSE; Disable_Collecting();
		 * (coupled: Disable_Collecting_Distributing();
		 * Actor.Distributing = FALSE) NTT = TRUE */
		p->attached = true;
		lacp_mux_set(p, true, false, false);
		p->ntt = true;
		break;
	case LACP_MUX_S_COLLECTING:
		/* Enable_Collecting(); Actor.Collecting = TRUE;
		 * Disable_Distributing(); Actor.Distributing = FALSE;
		 * NTT = TRUE */
		lacp_mux_set(p, true, true, false);
		p->ntt = true;
		break;
	case LACP_MUX_S_DISTRIBUTING:
		/* Actor.Distributing = TRUE; Enable_Distributing() */
		lacp_mux_set(p, true, true, true);
		break;
	case LACP_MUX_S_COLL_DIST:
		/* Actor.Distributing = TRUE;
		 * Enable_Collecting_Distributing(); Actor.Collecting = TRUE;
		 * NTT = TRUE */
		lacp_mux_set(p, true, true, true);
		p->ntt = true;
		break;
	case LACP_MUX_S_COUNT:
		break;
	}
}

void
lacp_mux_begin(struct lacp_port *p)
{
	p->mux_state = LACP_MUX_S_DETACHED;
	lacp_mux_enter(p, LACP_MUX_S_DETACHED, 0);
}

/* wait_while_timer expired: Ready_N = TRUE. */
static void
lacp_mux_timers(struct lacp_port *p, uint64_t now)
{
	if (lacp_timer_expired(p->wait_while_timer, now)) {
		lacp_timer_stop(&p->wait_while_timer);
		p->ready_n = true;
	}
}

bool
lacp_mux_run(struct lacp_port *p, uint64_t now)
{
	enum lacp_mux_event ev;
	enum lacp_mux_state ns;
	bool moved = false;

	lacp_mux_timers(p, now);
	while ((ns = lacp_mux_next(p, &ev)) != p->mux_state) {
		lacp_trace(p, "mux", lacp_mux_state_names[p->mux_state],
		    lacp_mux_state_names[ns], lacp_mux_event_names[ev]);
		p->mux_state = ns;
		lacp_mux_enter(p, ns, now);
		moved = true;
	}
	return moved;
}

/*
 * coupled_control changed: a port in a collecting state of the other
 * variant goes back to ATTACHED, and moves on in the new one.
 */
void
lacp_mux_control_changed(struct lacp_port *p)
{
	switch (p->mux_state) {
	case LACP_MUX_S_COLLECTING:
	case LACP_MUX_S_DISTRIBUTING:
	case LACP_MUX_S_COLL_DIST:
		lacp_trace(p, "mux", lacp_mux_state_names[p->mux_state],
		    lacp_mux_state_names[LACP_MUX_S_ATTACHED],
		    "coupled_control changed");
		p->mux_state = LACP_MUX_S_ATTACHED;
		lacp_mux_enter(p, LACP_MUX_S_ATTACHED, 0);
		break;
	default:
		break;
	}
}
