/*
 * The 802.3ad part of the state: the LAG's LACP system and each member's
 * LACP port (actor and partner information, machine states, counters), as
 * JSON values for the rows of state.c. null when the LAG runs another mode.
 */
#include "ctl/state_priv.h"

#include <ctype.h>
#include <stdio.h>

#include "lacp/lacp_lag.h"

/* Actor_State / Partner_State bits, 802.1AX 5.4.2.2, by bit number. */
static const char *const lacp_state_bit_names[] = {
	"activity", "timeout", "aggregation", "synchronization",
	"collecting", "distributing", "defaulted", "expired",
};
static_assert(ARRAY_SIZE(lacp_state_bit_names) == 8, "LACP state bits");

json_t *
ctl_lacp_state_json(uint8_t state)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < 8; i++)
		if ((state & (1u << i)) && json_array_append_new(a,
		    json_string(lacp_state_bit_names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
mac_json(const uint8_t *m)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
	return json_string(buf);
}

static json_t *
lower_json(const char *s)
{
	char buf[32];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *
info_json(uint16_t sys_prio, const uint8_t *system, uint16_t key,
    uint16_t port_prio, uint16_t port, uint8_t state)
{
	return json_pack("{s:i, s:o, s:i, s:i, s:i, s:o}",
	    "system_priority", sys_prio, "system", mac_json(system),
	    "key", key, "port_priority", port_prio, "port", port,
	    "state", ctl_lacp_state_json(state));
}

static json_t *
actor_json(const struct lacp_port *p)
{
	return info_json(p->sys->params.system_priority, p->sys->params.system,
	    p->actor_oper_port_key, p->actor_port_priority,
	    p->actor_port_number, p->actor_oper_port_state);
}

static json_t *
partner_json(const struct lacp_port *p)
{
	const struct net_lacp_info *i = &p->partner_oper;

	return info_json(i->system_priority, i->system, i->key,
	    i->port_priority, i->port, i->state);
}

static json_t *
agg_id_json(const struct lacp_aggregator *agg)
{
	return agg ? json_integer(agg->aggregator_identifier) : json_null();
}

/* The LAG's LACP system; null if not 802.3ad. */
json_t *
ctl_lacp_system_json(const struct lag *lag)
{
	const struct lacp_system *sys = lag ?
	    lag_lacp_system((struct lag *)lag) : NULL;
	const struct lacp_aggregator *agg;

	if (!sys)
		return json_null();
	agg = sys->active_agg;
	return json_pack("{s:i, s:o, s:o, s:o}",
	    "system_priority", sys->params.system_priority,
	    "system", mac_json(sys->params.system),
	    "active_aggregator", agg_id_json(agg),
	    "partner_system", agg && lacp_agg_has_partner(agg) ?
	    mac_json(agg->partner_system) : json_null());
}

/* A member's LACP port; null if not 802.3ad. */
json_t *
ctl_lacp_port_json(const struct lag_member *m)
{
	const struct lacp_port *p = lag_lacp_port((struct lag_member *)m);

	if (!p || !p->sys)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
	    "aggregator", agg_id_json(p->aggregator),
	    "selected", lower_json(lacp_selected_names[p->selected]),
	    "mux", lower_json(lacp_mux_state_names[p->mux_state]),
	    "rx", lower_json(lacp_rx_state_names[p->rx_state]),
	    "actor", actor_json(p), "partner", partner_json(p),
	    "actor_churn", p->actor_churn, "partner_churn", p->partner_churn);
}

static json_t *
drops_json(const struct lacp_port_stats *st)
{
	json_t *j = json_object();

	for (unsigned i = 0; j && i < LACP_DROP_COUNT; i++) {
		json_t *name = lower_json(lacp_drop_names[i]);

		if (!name || json_object_set_new(j, json_string_value(name),
		    json_integer((json_int_t)st->drops[i]))) {
			json_decref(j);
			j = NULL;
		}
		json_decref(name);
	}
	return j;
}

/* A member's LACP counters; null if not 802.3ad. */
json_t *
ctl_lacp_counters_json(const struct lag_member *m)
{
	const struct lacp_port *p = lag_lacp_port((struct lag_member *)m);
	const struct lacp_port_stats *st;

	if (!p)
		return json_null();
	st = &p->stats;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
	    "lacpdu_rx", (json_int_t)st->lacpdu_rx,
	    "lacpdu_tx", (json_int_t)st->lacpdu_tx,
	    "marker_rx", (json_int_t)st->marker_rx,
	    "marker_response_tx", (json_int_t)st->marker_response_tx,
	    "tx_failed", (json_int_t)st->tx_failed,
	    "partner_timeouts", (json_int_t)st->partner_timeouts,
	    "actor_churn", (json_int_t)st->actor_churn,
	    "partner_churn", (json_int_t)st->partner_churn,
	    "drops", drops_json(st));
}
