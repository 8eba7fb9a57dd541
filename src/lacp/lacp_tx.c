/*
 * Transmit machine (802.1AX-2008 5.4.16). The text defines no states; we
 * name the four it describes:
 *   OFF       "When the Periodic machine is in the NO_PERIODIC state, the
 *             Transmit machine shall not transmit any LACPDUs, and set the
 *             value of NTT to FALSE" (the same when LACP or the port is
 *             disabled);
 *   IDLE      NTT is FALSE;
 *   HOLD      NTT is TRUE but "no more than three LACPDUs may be
 *             transmitted in any Fast_Periodic_Time interval": wait for
 *             the oldest of the last three to leave the interval;
 *   TRANSMIT  send one LACPDU with the current information, NTT = FALSE.
 * It runs after every other machine has settled, so a PDU carries the
 * state they reached.
 */
#include "lacp/lacp_priv.h"

const char *const lacp_tx_state_names[] = {
	[LACP_TX_S_OFF] = "OFF",
	[LACP_TX_S_IDLE] = "IDLE",
	[LACP_TX_S_HOLD] = "HOLD",
	[LACP_TX_S_TRANSMIT] = "TRANSMIT",
};
static_assert(ARRAY_SIZE(lacp_tx_state_names) == LACP_TX_S_COUNT,
    "tx state names");

enum lacp_tx_event {
	LACP_TX_E_NONE,
	LACP_TX_E_NO_PERIODIC,
	LACP_TX_E_NOT_NTT,
	LACP_TX_E_NTT_LIMITED,
	LACP_TX_E_NTT,
	LACP_TX_E_COUNT
};

static const char *const lacp_tx_event_names[] = {
	[LACP_TX_E_NONE] = "-",
	[LACP_TX_E_NO_PERIODIC] = "NO_PERIODIC or disabled",
	[LACP_TX_E_NOT_NTT] = "!NTT",
	[LACP_TX_E_NTT_LIMITED] = "NTT, 3 sent in Fast_Periodic_Time",
	[LACP_TX_E_NTT] = "NTT",
};
static_assert(ARRAY_SIZE(lacp_tx_event_names) == LACP_TX_E_COUNT,
    "tx event names");

/* The oldest of the last three sends left the window (or never was). */
static bool
lacp_tx_allowed(const struct lacp_port *p, uint64_t now)
{
	uint64_t oldest = p->tx_log[p->tx_slot];

	return oldest == LACP_TIMER_OFF ||
	    now >= oldest + LACP_FAST_PERIODIC_TIME;
}

uint64_t
lacp_tx_deadline(const struct lacp_port *p)
{
	if (p->tx_state != LACP_TX_S_HOLD)
		return LACP_TIMER_OFF;
	return p->tx_log[p->tx_slot] + LACP_FAST_PERIODIC_TIME;
}

static enum lacp_tx_state
lacp_tx_next(const struct lacp_port *p, uint64_t now, enum lacp_tx_event *ev)
{
	*ev = LACP_TX_E_NO_PERIODIC;
	if (!p->port_enabled || !p->lacp_enabled ||
	    p->ptx_state == LACP_PTX_S_NO_PERIODIC)
		return LACP_TX_S_OFF;
	*ev = LACP_TX_E_NOT_NTT;
	if (!p->ntt)
		return LACP_TX_S_IDLE;
	*ev = LACP_TX_E_NTT_LIMITED;
	if (!lacp_tx_allowed(p, now))
		return LACP_TX_S_HOLD;
	*ev = LACP_TX_E_NTT;
	return LACP_TX_S_TRANSMIT;
}

static void
lacp_tx_transmit(struct lacp_port *p, uint64_t now)
{
	struct lacp_system *sys = p->sys;
	struct net_lacpdu_info pdu;

	lacp_pdu_fill(p, &pdu);
	if (sys->ops->tx_lacpdu(sys, p, &pdu) == 0)
		p->stats.lacpdu_tx++;
	else
		p->stats.tx_failed++;	/* like a loss on the wire */
	p->tx_log[p->tx_slot] = now;
	p->tx_slot = (p->tx_slot + 1) % LACP_TX_PER_FAST_PERIOD;
}

static void
lacp_tx_enter(struct lacp_port *p, enum lacp_tx_state s, uint64_t now)
{
	switch (s) {
	case LACP_TX_S_OFF:
		p->ntt = false;
		break;
	case LACP_TX_S_TRANSMIT:
		lacp_tx_transmit(p, now);
		p->ntt = false;
		break;
	case LACP_TX_S_IDLE:
	case LACP_TX_S_HOLD:
	case LACP_TX_S_COUNT:
		break;
	}
}

void
lacp_tx_begin(struct lacp_port *p)
{
	for (unsigned i = 0; i < LACP_TX_PER_FAST_PERIOD; i++)
		p->tx_log[i] = LACP_TIMER_OFF;
	p->tx_slot = 0;
	p->tx_state = LACP_TX_S_OFF;
}

void
lacp_tx_run(struct lacp_port *p, uint64_t now)
{
	enum lacp_tx_event ev;
	enum lacp_tx_state ns;

	while ((ns = lacp_tx_next(p, now, &ev)) != p->tx_state) {
		if (ns != LACP_TX_S_TRANSMIT &&
		    p->tx_state != LACP_TX_S_TRANSMIT)
			lacp_trace(p, "tx", lacp_tx_state_names[p->tx_state],
			    lacp_tx_state_names[ns], lacp_tx_event_names[ev]);
		p->tx_state = ns;
		lacp_tx_enter(p, ns, now);
	}
	if (p->tx_state == LACP_TX_S_OFF)
		p->ntt = false;		/* set since, still unsent */
}
