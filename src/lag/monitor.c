#include "lag/monitor.h"

#include "lag/lag.h"
#include "lag/probe.h"

static bool
lag_any_member_up(const struct lag *lag)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag->members[i]->link == LAG_LINK_S_UP)
			return true;
	return false;
}

void
lag_monitor_set_link(struct lag_member *m, enum lag_link_state s)
{
	struct lag *lag = m->lag;
	bool was_up = m->link == LAG_LINK_S_UP || m->link == LAG_LINK_S_FAIL;
	bool is_up = s == LAG_LINK_S_UP || s == LAG_LINK_S_FAIL;

	m->link = s;
	if (was_up == is_up)
		return;
	if (!is_up)
		m->cnt.link_failures++;
	lag_emit(lag, &(struct lag_event){ .type = LAG_EV_LINK, .member = m,
	    .up = is_up });
	if (lag->runner->link_changed)
		lag->runner->link_changed(lag, m);
	lag_carrier_update(lag);
}

static uint64_t
ms_to_ns(uint32_t ms)
{
	return (uint64_t)ms * NSEC_PER_MSEC;
}

/*
 * The transition on what the link looks like now (carrier, and the ARP/NS
 * probes when they run). UP and FAIL count as up for the runner: a member
 * in downdelay keeps carrying traffic, as in bonding.
 */
static void
lag_monitor_input(struct lag_member *m, bool up)
{
	struct lag *lag = m->lag;
	uint64_t now = clock_now(lag->clock);

	switch (m->link) {
	case LAG_LINK_S_UP:
		if (up)
			break;
		if (lag->opt.downdelay) {
			m->link = LAG_LINK_S_FAIL;
			m->link_deadline = now + ms_to_ns(lag->opt.downdelay);
		} else {
			lag_monitor_set_link(m, LAG_LINK_S_DOWN);
		}
		break;
	case LAG_LINK_S_FAIL:
		if (up)
			m->link = LAG_LINK_S_UP;	/* recovered in time */
		break;
	case LAG_LINK_S_DOWN:
		if (!up)
			break;
		if (lag->opt.updelay && lag_any_member_up(lag)) {
			m->link = LAG_LINK_S_BACK;
			m->link_deadline = now + ms_to_ns(lag->opt.updelay);
		} else {
			lag_monitor_set_link(m, LAG_LINK_S_UP);
		}
		break;
	case LAG_LINK_S_BACK:
		if (!up)
			m->link = LAG_LINK_S_DOWN;
		break;
	case LAG_LINK_S_COUNT:
		break;
	}
}

void
lag_monitor_carrier(struct lag_member *m, bool up)
{
	m->carrier = up;
	lag_monitor_input(m, up && lag_probe_alive(m));
}

void
lag_monitor_reevaluate(struct lag_member *m)
{
	lag_monitor_input(m, m->carrier && lag_probe_alive(m));
}

static void
lag_monitor_expire(struct lag_member *m, uint64_t now)
{
	if (now < m->link_deadline)
		return;
	if (m->link == LAG_LINK_S_FAIL)
		lag_monitor_set_link(m, LAG_LINK_S_DOWN);
	else if (m->link == LAG_LINK_S_BACK)
		lag_monitor_set_link(m, LAG_LINK_S_UP);
}

/* miimon: read every port's carrier, for backends that miss events. */
static void
lag_monitor_poll(struct lag *lag, uint64_t now)
{
	if (!lag->opt.miimon || now < lag->next_miimon)
		return;
	lag->next_miimon = now + ms_to_ns(lag->opt.miimon);
	for (unsigned i = 0; i < lag->nmembers; i++) {
		struct lag_member *m = lag->members[i];

		if (m->port->carrier != m->carrier)
			lag_monitor_carrier(m, m->port->carrier);
	}
}

void
lag_monitor_tick(struct lag *lag, uint64_t now)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		lag_monitor_expire(lag->members[i], now);
	lag_monitor_poll(lag, now);
}

uint64_t
lag_monitor_next_deadline(const struct lag *lag)
{
	uint64_t t = lag->opt.miimon ? lag->next_miimon : UINT64_MAX;

	for (unsigned i = 0; i < lag->nmembers; i++) {
		const struct lag_member *m = lag->members[i];

		if (m->link == LAG_LINK_S_FAIL || m->link == LAG_LINK_S_BACK)
			t = MIN(t, m->link_deadline);
	}
	return t;
}
