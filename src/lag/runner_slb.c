/*
 * balance-slb, as Open vSwitch's source load balancing: a LAG the switch
 * knows nothing about (no LACP, no static LAG on its side).
 *
 * TX: every sender -- the PF, each VF -- hashes by its source MAC and
 * VLAN to one lane, so it leaves by one member and the switch learns it
 * there. Every rebalance_interval the lanes are moved from the busiest
 * member to the least busy by the bytes they carried, one lane at a time
 * while that narrows the gap. A dead member's lanes go at once to the
 * least loaded living ones. Every move is a LAG_EV_LANES event: the owner
 * announces the moved senders' MACs on their new member, so the switch's
 * table follows.
 * RX: unicast on any member (each MAC comes back where it was learnt);
 * the switch floods broadcast and multicast to every member, so only one
 * -- the LAG's active member -- takes them, and the rest are dropped.
 */
#include <string.h>

#include "lag/runner.h"

struct slb {
	uint64_t next_rebalance;	/* 0: not scheduled yet */
};

static struct slb *
slb_of(struct lag *lag)
{
	return lag->runner_priv;
}

/* Bytes per member on the current table (distributing members only). */
static void
slb_loads(const struct lag *lag, const uint8_t *lanes, uint64_t *load)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		load[i] = 0;
	for (unsigned l = 0; l < LAG_LANES; l++)
		if (lanes[l] != LAG_NO_MEMBER)
			load[lanes[l]] += lag->lane_tx_bytes[l];
}

/* The distributing member with the least (most) load; -1 if none. */
static int
slb_extreme(const struct lag *lag, const uint64_t *load, bool most)
{
	int best = -1;

	for (unsigned i = 0; i < lag->nmembers; i++) {
		if (!lag->members[i]->distributing)
			continue;
		if (best < 0 || (most ? load[i] > load[best] :
		    load[i] < load[best]))
			best = (int)i;
	}
	return best;
}

/* Lanes of members out of service go to the least loaded in service;
 * the others stay where they are. */
static void
slb_lanes_update(struct lag *lag)
{
	uint8_t next[LAG_LANES];
	uint64_t load[LAG_MEMBERS_MAX];
	bool moved_off = false;
	int to;

	memcpy(next, lag->lanes, sizeof(next));
	slb_loads(lag, next, load);
	for (unsigned l = 0; l < LAG_LANES; l++) {
		uint8_t i = next[l];

		if (i != LAG_NO_MEMBER && lag->members[i]->distributing)
			continue;
		to = slb_extreme(lag, load, false);
		moved_off |= i != LAG_NO_MEMBER && to >= 0;
		next[l] = to < 0 ? LAG_NO_MEMBER : (uint8_t)to;
		if (to >= 0)	/* spread idle lanes too: count each */
			load[to] += lag->lane_tx_bytes[l] + 1;
	}
	lag_lanes_commit(lag, next, moved_off);
}

/* The lane of `from` whose bytes come nearest half the gap, or -1. */
static int
slb_lane_to_move(const struct lag *lag, const uint8_t *next, unsigned from,
    uint64_t gap)
{
	uint64_t best_left = gap;
	int best = -1;

	for (unsigned l = 0; l < LAG_LANES; l++) {
		uint64_t b = lag->lane_tx_bytes[l], left;

		if (next[l] != from || b == 0 || b >= gap)
			continue;
		/* the gap after the move: |gap - 2b| */
		left = gap > 2 * b ? gap - 2 * b : 2 * b - gap;
		if (left < best_left) {
			best_left = left;
			best = (int)l;
		}
	}
	return best;
}

static void
slb_rebalance(struct lag *lag)
{
	uint8_t next[LAG_LANES];
	uint64_t load[LAG_MEMBERS_MAX];

	memcpy(next, lag->lanes, sizeof(next));
	slb_loads(lag, next, load);
	for (unsigned step = 0; step < LAG_LANES; step++) {
		int hi = slb_extreme(lag, load, true);
		int lo = slb_extreme(lag, load, false);
		int lane;

		if (hi < 0 || hi == lo)
			break;
		lane = slb_lane_to_move(lag, next, (unsigned)hi,
		    load[hi] - load[lo]);
		if (lane < 0)
			break;
		next[lane] = (uint8_t)lo;
		load[hi] -= lag->lane_tx_bytes[lane];
		load[lo] += lag->lane_tx_bytes[lane];
	}
	lag_lanes_commit(lag, next, false);
	memset(lag->lane_tx_bytes, 0, sizeof(lag->lane_tx_bytes));
}

/* The member that takes broadcast and multicast: the first in service,
 * kept while it stays in service. */
static void
slb_active_update(struct lag *lag)
{
	if (lag->active && lag->active->collecting)
		return;
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag->members[i]->collecting) {
			lag_set_active(lag, lag->members[i]);
			return;
		}
	lag_set_active(lag, NULL);
}

static void
slb_link_changed(struct lag *lag, struct lag_member *m)
{
	lag_runner_follow_link(lag, m);
	slb_active_update(lag);
}

static void
slb_member_del(struct lag *lag, struct lag_member *m)
{
	m->collecting = m->distributing = false;
	slb_active_update(lag);
}

static void
slb_tick(struct lag *lag, uint64_t now)
{
	struct slb *s = slb_of(lag);

	if (!lag->opt.rebalance_interval)
		return;
	if (s->next_rebalance && now >= s->next_rebalance)
		slb_rebalance(lag);
	if (!s->next_rebalance || now >= s->next_rebalance)
		s->next_rebalance = now +
		    (uint64_t)lag->opt.rebalance_interval * NSEC_PER_MSEC;
}

static uint64_t
slb_next_deadline(struct lag *lag)
{
	struct slb *s = slb_of(lag);

	if (!lag->opt.rebalance_interval)
		return UINT64_MAX;
	return s->next_rebalance;	/* 0 (now) schedules the first */
}

static void
slb_options_changed(struct lag *lag)
{
	slb_of(lag)->next_rebalance = 0;
}

static bool
slb_rx_accept(struct lag *lag, struct lag_member *m, const struct pkt *pkt)
{
	bool group = pkt->len >= 6 && (pkt->data[0] & 1);

	return !group || lag->active == m;
}

const struct lag_runner lag_runner_slb = {
	.name = "balance-slb",
	.mode = LAG_MODE_BALANCE_SLB,
	.priv_size = sizeof(struct slb),
	.member_del = slb_member_del,
	.link_changed = slb_link_changed,
	.tick = slb_tick,
	.next_deadline = slb_next_deadline,
	.options_changed = slb_options_changed,
	.rx_accept = slb_rx_accept,
	.tx_hash = LAG_HASH_VLAN_SRCMAC,
	.tx_hash_fixed = true,
	.lanes_update = slb_lanes_update,
};
