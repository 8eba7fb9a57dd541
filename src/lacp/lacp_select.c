/*
 * Selection Logic (802.1AX-2008 5.4.14).
 *
 * Placing a port: an UNSELECTED port, once its mux is DETACHED, leaves
 * its aggregator and joins the one whose actor key, partner System ID and
 * partner key are its own, unless it or that aggregator is Individual
 * (Aggregation FALSE on either side, or no partner: a null partner
 * System, as Linux bonding treats it), in which case it takes a free
 * aggregator alone; its own (same number) when free, so identifiers stay
 * put.
 *
 * The active aggregator (one per system, as in bonding): among those with
 * at least max(min_links, 1) enabled ports, by bonding's ad_select rules:
 * non-Individual before Individual, with a partner before without, then
 * by bandwidth (stable, bandwidth) or by count, then bandwidth (count).
 * Port speeds are unknown to lagnic: every port counts 1, so bandwidth is
 * the count. A tie keeps the current active aggregator, else the lowest
 * identifier. stable keeps the current one as long as it has an enabled
 * port (and a partner, or the best has none either). Its ports are
 * SELECTED, every other placed port STANDBY: a standby port waits in
 * WAITING, out of sync, so the partner does not use the link either.
 * Below min_links no aggregator is active: every port is STANDBY.
 *
 * With no partner at all (a partner that sends no LACP), Linux bonding
 * enables the ports of the active aggregator anyway (one port, as each
 * is Individual); so do we, once they are ATTACHED, unless the system is
 * strict (bonding's lacp_strict).
 */
#include "lacp/lacp_priv.h"

const char *const lacp_selected_names[] = {
	[LACP_UNSELECTED] = "UNSELECTED",
	[LACP_SELECTED] = "SELECTED",
	[LACP_STANDBY] = "STANDBY",
};
static_assert(ARRAY_SIZE(lacp_selected_names) == LACP_SELECTED_COUNT,
    "selected names");

bool
lacp_agg_has_partner(const struct lacp_aggregator *agg)
{
	return !lacp_mac_is_zero(agg->partner_system);
}

static bool
lacp_agg_in_use(const struct lacp_system *sys,
    const struct lacp_aggregator *agg)
{
	for (unsigned i = 0; i < sys->nports; i++)
		if (sys->ports[i]->aggregator == agg)
			return true;
	return false;
}

unsigned
lacp_agg_active_ports(const struct lacp_system *sys,
    const struct lacp_aggregator *agg)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sys->nports; i++) {
		const struct lacp_port *p = sys->ports[i];

		n += p->aggregator == agg && p->selected != LACP_UNSELECTED &&
		    p->port_enabled;
	}
	return n;
}

static bool
lacp_port_individual(const struct lacp_port *p)
{
	return !lacp_state_has(p->actor_oper_port_state,
	    LACP_STATE_AGGREGATION) ||
	    !lacp_state_has(p->partner_oper.state, LACP_STATE_AGGREGATION) ||
	    lacp_mac_is_zero(p->partner_oper.system);
}

static bool
lacp_agg_matches(const struct lacp_aggregator *agg,
    const struct lacp_port *p)
{
	return !agg->individual && !lacp_port_individual(p) &&
	    agg->actor_oper_aggregator_key == p->actor_oper_port_key &&
	    lacp_system_id_eq(agg->partner_system_priority,
	    agg->partner_system, p->partner_oper.system_priority,
	    p->partner_oper.system) &&
	    agg->partner_oper_aggregator_key == p->partner_oper.key;
}

static void
lacp_set_selected(struct lacp_port *p, enum lacp_selected s,
    const char *why)
{
	if (p->selected == s)
		return;
	lacp_trace(p, "selection", lacp_selected_names[p->selected],
	    lacp_selected_names[s], why);
	p->selected = s;
}

void
lacp_select_leave(struct lacp_port *p)
{
	struct lacp_system *sys = p->sys;
	struct lacp_aggregator *agg = p->aggregator;
	uint16_t id;

	p->aggregator = NULL;
	if (!agg || lacp_agg_in_use(sys, agg))
		return;
	if (sys->active_agg == agg)
		sys->active_agg = NULL;
	id = agg->aggregator_identifier;
	*agg = (struct lacp_aggregator){ .aggregator_identifier = id };
}

static struct lacp_aggregator *
lacp_select_free_agg(struct lacp_system *sys, const struct lacp_port *p)
{
	struct lacp_aggregator *own = &sys->aggs[p->actor_port_number - 1];

	if (!lacp_agg_in_use(sys, own))
		return own;
	for (unsigned i = 0; i < LACP_PORTS_MAX; i++)
		if (!lacp_agg_in_use(sys, &sys->aggs[i]))
			return &sys->aggs[i];
	return NULL;	/* not reached: as many aggregators as ports */
}

static void
lacp_select_place(struct lacp_system *sys, struct lacp_port *p)
{
	struct lacp_aggregator *agg = NULL;

	lacp_select_leave(p);
	for (unsigned i = 0; i < LACP_PORTS_MAX && !agg; i++)
		if (lacp_agg_in_use(sys, &sys->aggs[i]) &&
		    lacp_agg_matches(&sys->aggs[i], p))
			agg = &sys->aggs[i];
	if (!agg) {
		agg = lacp_select_free_agg(sys, p);
		assert(agg);
		agg->individual = lacp_port_individual(p);
		agg->actor_oper_aggregator_key = p->actor_oper_port_key;
		agg->partner_system_priority = p->partner_oper.system_priority;
		memcpy(agg->partner_system, p->partner_oper.system, ETH_ALEN);
		agg->partner_oper_aggregator_key = p->partner_oper.key;
	}
	p->aggregator = agg;
	lacp_set_selected(p, LACP_STANDBY, "placed");
}

static bool
lacp_agg_eligible(const struct lacp_system *sys,
    const struct lacp_aggregator *agg)
{
	return lacp_agg_active_ports(sys, agg) >=
	    MAX(sys->params.min_links, 1u);
}

/* >0: a is the better active aggregator, <0: b, 0: as good. */
static int
lacp_agg_cmp(const struct lacp_system *sys, const struct lacp_aggregator *a,
    const struct lacp_aggregator *b)
{
	unsigned na = lacp_agg_active_ports(sys, a);
	unsigned nb = lacp_agg_active_ports(sys, b);

	if (a->individual != b->individual)
		return a->individual ? -1 : 1;
	if (lacp_agg_has_partner(a) != lacp_agg_has_partner(b))
		return lacp_agg_has_partner(a) ? 1 : -1;
	/* every policy ends on bandwidth; one unit per port (speeds
	 * unknown), so count and bandwidth compare the same */
	return (na > nb) - (na < nb);
}

static struct lacp_aggregator *
lacp_select_best(struct lacp_system *sys)
{
	struct lacp_aggregator *cur = sys->active_agg, *best = NULL;

	for (unsigned i = 0; i < LACP_PORTS_MAX; i++) {
		struct lacp_aggregator *agg = &sys->aggs[i];
		int c;

		if (!lacp_agg_in_use(sys, agg) || !lacp_agg_eligible(sys, agg))
			continue;
		c = best ? lacp_agg_cmp(sys, agg, best) : 1;
		if (c > 0 || (c == 0 && agg == cur))
			best = agg;
	}
	if (sys->params.ad_select == LACP_AD_SELECT_STABLE && cur && best &&
	    lacp_agg_eligible(sys, cur) &&
	    (lacp_agg_has_partner(cur) || !lacp_agg_has_partner(best)))
		best = cur;
	return best;
}

static bool
lacp_select_active(struct lacp_system *sys)
{
	struct lacp_aggregator *best = lacp_select_best(sys);
	bool changed = best != sys->active_agg;

	sys->active_agg = best;
	for (unsigned i = 0; i < sys->nports; i++) {
		struct lacp_port *p = sys->ports[i];
		enum lacp_selected want;

		if (p->selected == LACP_UNSELECTED)
			continue;
		want = p->aggregator == best ? LACP_SELECTED : LACP_STANDBY;
		if (p->selected != want) {
			lacp_set_selected(p, want, want == LACP_SELECTED ?
			    "active aggregator" : "not the active aggregator");
			changed = true;
		}
	}
	return changed;
}

bool
lacp_select_run(struct lacp_system *sys)
{
	bool changed = false;

	for (unsigned i = 0; i < sys->nports; i++) {
		struct lacp_port *p = sys->ports[i];

		if (p->selected == LACP_UNSELECTED &&
		    p->mux_state == LACP_MUX_S_DETACHED) {
			lacp_select_place(sys, p);
			changed = true;
		}
	}
	return lacp_select_active(sys) || changed;
}

/*
 * Ready (5.4.8): TRUE once Ready_N is TRUE for every port waiting to
 * attach to the same aggregator, so that they attach together.
 */
bool
lacp_select_ready(const struct lacp_port *p)
{
	const struct lacp_system *sys = p->sys;

	for (unsigned i = 0; i < sys->nports; i++) {
		const struct lacp_port *q = sys->ports[i];

		if (q->aggregator == p->aggregator &&
		    q->selected == LACP_SELECTED &&
		    q->mux_state == LACP_MUX_S_WAITING && !q->ready_n)
			return false;
	}
	return p->ready_n;
}

/* Linux bonding's use of a partnerless active aggregator (see above). */
static bool
lacp_port_fallback(const struct lacp_port *p)
{
	const struct lacp_system *sys = p->sys;
	const struct lacp_aggregator *agg = sys->active_agg;

	return !sys->params.strict && agg && p->aggregator == agg &&
	    !lacp_agg_has_partner(agg) && p->selected == LACP_SELECTED &&
	    p->port_enabled && p->attached;
}

bool
lacp_port_collecting(const struct lacp_port *p)
{
	if (!p->sys || !p->port_enabled)
		return false;
	return lacp_state_has(p->actor_oper_port_state,
	    LACP_STATE_COLLECTING) || lacp_port_fallback(p);
}

bool
lacp_port_distributing(const struct lacp_port *p)
{
	if (!p->sys || !p->port_enabled)
		return false;
	return lacp_state_has(p->actor_oper_port_state,
	    LACP_STATE_DISTRIBUTING) || lacp_port_fallback(p);
}
