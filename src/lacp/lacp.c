/*
 * The LACP system: its parameters, its ports and aggregators, and the run
 * loop. The machines of 5.4 share variables and move concurrently; here
 * they run in a fixed order (receive, periodic, selection, mux), again
 * and again until none moves, then churn and transmit, so a PDU carries
 * the state they settled in.
 */
#include <errno.h>

#include "lacp/lacp_priv.h"
#include "lib/log.h"

/* Far more than any sequence of transitions needs; a cycle is a bug. */
#define LACP_RUN_ROUNDS_MAX	32

/*
 * Partner_Admin_*: what a port assumes of a partner it has not heard.
 * Null System, key 0 and every state bit FALSE: passive (so a passive
 * actor stays silent until spoken to), long timeout, Individual, out of
 * sync.
 */
static const struct net_lacp_info lacp_partner_admin_default;

void
lacp_trace(const struct lacp_port *p, const char *machine, const char *from,
    const char *to, const char *why)
{
	log_debug("lacp %s (port %u): %s %s -> %s (%s)",
	    p->name ? p->name : "?", p->actor_port_number, machine, from, to,
	    why);
}

uint16_t
lacp_port_key(uint16_t user_port_key)
{
	return (uint16_t)((user_port_key & 0x3ff) << 6 | 1);
}

static uint8_t
lacp_admin_state(const struct lacp_params *pa)
{
	uint8_t s = LACP_STATE_AGGREGATION;

	lacp_state_set(&s, LACP_STATE_ACTIVITY, pa->active);
	lacp_state_set(&s, LACP_STATE_TIMEOUT, pa->short_timeout);
	return s;
}

void
lacp_system_init(struct lacp_system *sys, const struct lacp_params *pa,
    const struct lacp_ops *ops, void *arg)
{
	memset(sys, 0, sizeof(*sys));
	sys->params = *pa;
	sys->ops = ops;
	sys->arg = arg;
	for (unsigned i = 0; i < LACP_PORTS_MAX; i++)
		sys->aggs[i].aggregator_identifier = (uint16_t)(i + 1);
}

/* Activity and timeout follow the parameters; a change is sent. */
static void
lacp_port_admin_state(struct lacp_port *p)
{
	const uint8_t admin_bits = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT |
	    LACP_STATE_AGGREGATION;
	uint8_t admin = lacp_admin_state(&p->sys->params);
	uint8_t oper = (uint8_t)((p->actor_oper_port_state & ~admin_bits) |
	    admin);

	p->actor_admin_port_state = admin;
	if (oper != p->actor_oper_port_state) {
		p->actor_oper_port_state = oper;
		p->ntt = true;
	}
}

void
lacp_system_set_params(struct lacp_system *sys, const struct lacp_params *pa)
{
	bool new_id = !lacp_system_id_eq(pa->system_priority, pa->system,
	    sys->params.system_priority, sys->params.system);
	bool new_control = pa->coupled_control != sys->params.coupled_control;

	sys->params = *pa;
	for (unsigned i = 0; i < sys->nports; i++) {
		struct lacp_port *p = sys->ports[i];

		lacp_port_admin_state(p);
		if (new_control)
			lacp_mux_control_changed(p);
		if (new_id) {
			p->selected = LACP_UNSELECTED;
			p->ntt = true;
		}
	}
}

int
lacp_port_add(struct lacp_system *sys, struct lacp_port *p,
    uint16_t port_number, uint16_t port_priority, uint16_t key)
{
	if (sys->nports == LACP_PORTS_MAX || port_number == 0 ||
	    port_number > LACP_PORTS_MAX)
		return -ENOSPC;
	for (unsigned i = 0; i < sys->nports; i++)
		if (sys->ports[i]->actor_port_number == port_number)
			return -EEXIST;
	/* commit: nothing below may fail */
	memset(p, 0, sizeof(*p));
	p->sys = sys;
	p->actor_port_number = port_number;
	p->actor_port_priority = port_priority;
	p->actor_admin_port_key = p->actor_oper_port_key = key;
	p->actor_admin_port_state = p->actor_oper_port_state =
	    lacp_admin_state(&sys->params);
	p->partner_admin = lacp_partner_admin_default;
	p->lacp_enabled = true;		/* full duplex is assumed */
	p->current_while_timer = p->periodic_timer = LACP_TIMER_OFF;
	p->wait_while_timer = LACP_TIMER_OFF;
	sys->ports[sys->nports++] = p;
	/* BEGIN */
	lacp_rx_begin(p);
	lacp_ptx_begin(p);
	lacp_mux_begin(p);
	lacp_tx_begin(p);
	lacp_churn_begin(p);
	return 0;
}

void
lacp_port_del(struct lacp_port *p)
{
	struct lacp_system *sys = p->sys;
	unsigned i = 0;

	if (!sys)
		return;
	lacp_select_leave(p);
	while (sys->ports[i] != p)
		i++;
	for (; i + 1 < sys->nports; i++)
		sys->ports[i] = sys->ports[i + 1];
	sys->ports[--sys->nports] = NULL;
	p->sys = NULL;
}

/*
 * The Transmit machine cleared the NTT that BEGIN set (DETACHED) while
 * the port was disabled; a port coming up asks for it again, so its first
 * LACPDU leaves at once instead of a periodic time later (a passive port
 * still stays silent: NO_PERIODIC clears it).
 */
void
lacp_port_set_enabled(struct lacp_port *p, bool enabled)
{
	if (enabled && !p->port_enabled)
		p->ntt = true;
	p->port_enabled = enabled;
}

void
lacp_port_set_admin(struct lacp_port *p, uint16_t port_priority,
    uint16_t key)
{
	if (p->actor_port_priority != port_priority) {
		p->actor_port_priority = port_priority;
		p->ntt = true;
	}
	if (p->actor_oper_port_key != key) {
		p->actor_admin_port_key = p->actor_oper_port_key = key;
		p->selected = LACP_UNSELECTED;
		p->ntt = true;
	}
}

static bool
lacp_run_round(struct lacp_system *sys, uint64_t now)
{
	bool moved = false;

	for (unsigned i = 0; i < sys->nports; i++) {
		moved |= lacp_rx_run(sys->ports[i], now);
		moved |= lacp_ptx_run(sys->ports[i], now);
	}
	moved |= lacp_select_run(sys);
	for (unsigned i = 0; i < sys->nports; i++)
		moved |= lacp_mux_run(sys->ports[i], now);
	return moved;
}

void
lacp_run(struct lacp_system *sys, uint64_t now)
{
	unsigned rounds = 0;

	while (lacp_run_round(sys, now)) {
		if (++rounds == LACP_RUN_ROUNDS_MAX) {
			sys->run_overflows++;
			log_warn("lacp: machines still moving after %u rounds",
			    rounds);
			break;
		}
	}
	for (unsigned i = 0; i < sys->nports; i++) {
		lacp_churn_run(sys->ports[i], now);
		lacp_tx_run(sys->ports[i], now);
	}
}

static uint64_t
lacp_port_deadline(const struct lacp_port *p)
{
	uint64_t t = p->current_while_timer;

	t = MIN(t, p->periodic_timer);
	t = MIN(t, p->wait_while_timer);
	t = MIN(t, p->actor_churn_timer);
	t = MIN(t, p->partner_churn_timer);
	return MIN(t, lacp_tx_deadline(p));
}

uint64_t
lacp_next_deadline(const struct lacp_system *sys)
{
	uint64_t t = LACP_TIMER_OFF;

	for (unsigned i = 0; i < sys->nports; i++)
		t = MIN(t, lacp_port_deadline(sys->ports[i]));
	return t;
}
