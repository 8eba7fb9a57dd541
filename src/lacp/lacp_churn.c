/*
 * Churn Detection machines (802.1AX-2008 5.4.17, Figures 5-23 and 5-24):
 * one watches our Synchronization, one the partner's; either that stays
 * FALSE for Churn_Detection_Time (60 s) while the port is enabled is a
 * churn, reported (counted, and in the owner's events) but acted on by
 * no other machine.
 */
#include "lacp/lacp_priv.h"

const char *const lacp_actor_churn_state_names[] = {
	[LACP_CHURN_S_MONITOR] = "ACTOR_CHURN_MONITOR",
	[LACP_CHURN_S_NO_CHURN] = "NO_ACTOR_CHURN",
	[LACP_CHURN_S_CHURN] = "ACTOR_CHURN",
};
static_assert(ARRAY_SIZE(lacp_actor_churn_state_names) == LACP_CHURN_S_COUNT,
    "actor churn state names");

const char *const lacp_partner_churn_state_names[] = {
	[LACP_CHURN_S_MONITOR] = "PARTNER_CHURN_MONITOR",
	[LACP_CHURN_S_NO_CHURN] = "NO_PARTNER_CHURN",
	[LACP_CHURN_S_CHURN] = "PARTNER_CHURN",
};
static_assert(ARRAY_SIZE(lacp_partner_churn_state_names) ==
    LACP_CHURN_S_COUNT, "partner churn state names");

enum lacp_churn_event {
	LACP_CHURN_E_NONE,
	LACP_CHURN_E_NOT_PORT_ENABLED,
	LACP_CHURN_E_SYNC,
	LACP_CHURN_E_NOT_SYNC,
	LACP_CHURN_E_TIMER_EXPIRED,
	LACP_CHURN_E_COUNT
};

static const char *const lacp_churn_event_names[] = {
	[LACP_CHURN_E_NONE] = "-",
	[LACP_CHURN_E_NOT_PORT_ENABLED] = "!port_enabled",
	[LACP_CHURN_E_SYNC] = "Synchronization",
	[LACP_CHURN_E_NOT_SYNC] = "!Synchronization",
	[LACP_CHURN_E_TIMER_EXPIRED] = "churn_timer expired",
};
static_assert(ARRAY_SIZE(lacp_churn_event_names) == LACP_CHURN_E_COUNT,
    "churn event names");

/* The two machines differ only in the variables they look at. */
struct lacp_churn {
	const char *machine;
	const char *const *names;
	enum lacp_churn_state *state;
	uint64_t *timer;
	bool *churn;			/* Actor_Churn, Partner_Churn */
	uint64_t *count;
	bool sync;			/* the Synchronization it watches */
};

static enum lacp_churn_state
lacp_churn_next(const struct lacp_port *p, const struct lacp_churn *c,
    uint64_t now, enum lacp_churn_event *ev)
{
	/* from anywhere: BEGIN + !port_enabled */
	*ev = LACP_CHURN_E_NOT_PORT_ENABLED;
	if (!p->port_enabled)
		return LACP_CHURN_S_MONITOR;
	switch (*c->state) {
	case LACP_CHURN_S_MONITOR:
		*ev = LACP_CHURN_E_SYNC;
		if (c->sync)
			return LACP_CHURN_S_NO_CHURN;
		*ev = LACP_CHURN_E_TIMER_EXPIRED;
		if (lacp_timer_expired(*c->timer, now))
			return LACP_CHURN_S_CHURN;
		break;
	case LACP_CHURN_S_NO_CHURN:
		*ev = LACP_CHURN_E_NOT_SYNC;
		if (!c->sync)
			return LACP_CHURN_S_MONITOR;
		break;
	case LACP_CHURN_S_CHURN:
		*ev = LACP_CHURN_E_SYNC;
		if (c->sync)
			return LACP_CHURN_S_NO_CHURN;
		break;
	case LACP_CHURN_S_COUNT:
		break;
	}
	*ev = LACP_CHURN_E_NONE;
	return *c->state;
}

static void
lacp_churn_enter(const struct lacp_churn *c, enum lacp_churn_state s,
    uint64_t now)
{
	switch (s) {
	case LACP_CHURN_S_MONITOR:
		/* Actor_Churn = FALSE;
		 * Start actor_churn_timer(Churn_Detection_Time) */
		*c->churn = false;
		lacp_timer_start(c->timer, now, LACP_CHURN_DETECTION_TIME);
		break;
	case LACP_CHURN_S_NO_CHURN:
		/* Actor_Churn = FALSE */
		*c->churn = false;
		lacp_timer_stop(c->timer);
		break;
	case LACP_CHURN_S_CHURN:
		/* Actor_Churn = TRUE */
		*c->churn = true;
		lacp_timer_stop(c->timer);
		(*c->count)++;
		break;
	case LACP_CHURN_S_COUNT:
		break;
	}
}

/*
 * The global transition on !port_enabled enters MONITOR again and again,
 * restarting the timer; in effect the timer runs from the moment the
 * port is enabled. While disabled we keep it stopped and start it then.
 */
static void
lacp_churn_machine(struct lacp_port *p, const struct lacp_churn *c,
    uint64_t now)
{
	enum lacp_churn_event ev;
	enum lacp_churn_state ns;

	if (!p->port_enabled) {
		if (*c->state != LACP_CHURN_S_MONITOR)
			lacp_trace(p, c->machine, c->names[*c->state],
			    c->names[LACP_CHURN_S_MONITOR], "!port_enabled");
		*c->state = LACP_CHURN_S_MONITOR;
		*c->churn = false;
		lacp_timer_stop(c->timer);
		return;
	}
	if (*c->state == LACP_CHURN_S_MONITOR && *c->timer == LACP_TIMER_OFF)
		lacp_timer_start(c->timer, now, LACP_CHURN_DETECTION_TIME);
	while ((ns = lacp_churn_next(p, c, now, &ev)) != *c->state) {
		lacp_trace(p, c->machine, c->names[*c->state], c->names[ns],
		    lacp_churn_event_names[ev]);
		*c->state = ns;
		lacp_churn_enter(c, ns, now);
	}
}

static struct lacp_churn
lacp_churn_actor(struct lacp_port *p)
{
	return (struct lacp_churn){
		.machine = "actor_churn",
		.names = lacp_actor_churn_state_names,
		.state = &p->actor_churn_state,
		.timer = &p->actor_churn_timer,
		.churn = &p->actor_churn,
		.count = &p->stats.actor_churn,
		.sync = lacp_state_has(p->actor_oper_port_state,
		    LACP_STATE_SYNC),
	};
}

static struct lacp_churn
lacp_churn_partner(struct lacp_port *p)
{
	return (struct lacp_churn){
		.machine = "partner_churn",
		.names = lacp_partner_churn_state_names,
		.state = &p->partner_churn_state,
		.timer = &p->partner_churn_timer,
		.churn = &p->partner_churn,
		.count = &p->stats.partner_churn,
		.sync = lacp_state_has(p->partner_oper.state, LACP_STATE_SYNC),
	};
}

void
lacp_churn_begin(struct lacp_port *p)
{
	p->actor_churn_state = LACP_CHURN_S_MONITOR;
	p->partner_churn_state = LACP_CHURN_S_MONITOR;
	p->actor_churn = p->partner_churn = false;
	lacp_timer_stop(&p->actor_churn_timer);
	lacp_timer_stop(&p->partner_churn_timer);
}

void
lacp_churn_run(struct lacp_port *p, uint64_t now)
{
	struct lacp_churn actor = lacp_churn_actor(p);
	struct lacp_churn partner = lacp_churn_partner(p);

	lacp_churn_machine(p, &actor, now);
	lacp_churn_machine(p, &partner, now);
}
