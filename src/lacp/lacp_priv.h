/* Shared between the machines of src/lacp; not for the owner. */
#ifndef LAGNIC_LACP_LACP_PRIV_H
#define LAGNIC_LACP_LACP_PRIV_H

#include <string.h>

#include "lacp/lacp.h"

/* Each returns true if its machine (or the logic) moved. */
bool lacp_rx_run(struct lacp_port *p, uint64_t now);
bool lacp_ptx_run(struct lacp_port *p, uint64_t now);
bool lacp_select_run(struct lacp_system *sys);
bool lacp_mux_run(struct lacp_port *p, uint64_t now);
void lacp_churn_run(struct lacp_port *p, uint64_t now);
void lacp_tx_run(struct lacp_port *p, uint64_t now);

/* BEGIN: put each machine in its first state and run its entry actions. */
void lacp_rx_begin(struct lacp_port *p);
void lacp_ptx_begin(struct lacp_port *p);
void lacp_mux_begin(struct lacp_port *p);
void lacp_tx_begin(struct lacp_port *p);
void lacp_churn_begin(struct lacp_port *p);

/* The mux of a port in a collecting state changes control variant. */
void lacp_mux_control_changed(struct lacp_port *p);

/* Selection: Ready for p's aggregator (5.4.8), and leaving it. */
bool lacp_select_ready(const struct lacp_port *p);
void lacp_select_leave(struct lacp_port *p);

/* Transmit machine: the earliest time it may send, if it holds. */
uint64_t lacp_tx_deadline(const struct lacp_port *p);

void lacp_marker_input(struct lacp_port *p, const struct net_marker_info *m,
    uint64_t now);

/* A transition, for the debug log. */
void lacp_trace(const struct lacp_port *p, const char *machine,
    const char *from, const char *to, const char *why);

static inline void
lacp_timer_start(uint64_t *timer, uint64_t now, uint64_t duration)
{
	*timer = now + duration;
}

static inline void
lacp_timer_stop(uint64_t *timer)
{
	*timer = LACP_TIMER_OFF;
}

static inline bool
lacp_timer_expired(uint64_t timer, uint64_t now)
{
	return timer != LACP_TIMER_OFF && now >= timer;
}

static inline bool
lacp_state_has(uint8_t state, uint8_t bit)
{
	return (state & bit) != 0;
}

static inline void
lacp_state_set(uint8_t *state, uint8_t bit, bool on)
{
	if (on)
		*state |= bit;
	else
		*state &= (uint8_t)~bit;
}

/* Same System ID: priority and MAC. */
static inline bool
lacp_system_id_eq(uint16_t prio_a, const uint8_t *mac_a, uint16_t prio_b,
    const uint8_t *mac_b)
{
	return prio_a == prio_b && memcmp(mac_a, mac_b, ETH_ALEN) == 0;
}

static inline bool
lacp_mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return memcmp(mac, zero, ETH_ALEN) == 0;
}

#endif
