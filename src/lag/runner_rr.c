/*
 * balance-rr: frames go to the distributing members in turn,
 * packets_per_slave at a time (0: a random member for each frame).
 * Lanes are still kept for users that need a stable member (QPs).
 */
#include "lag/runner.h"
#include "lib/rng.h"

struct rr_priv {
	unsigned next;		/* member index to try first */
	uint32_t sent;		/* frames sent on it in this turn */
	struct rng rng;
};

static int
rr_init(struct lag *lag)
{
	struct rr_priv *rr = lag->runner_priv;

	rng_seed(&rr->rng, 0x726f756e64ULL);
	return 0;
}

static struct lag_member *
rr_nth_distributing(struct lag *lag, unsigned from)
{
	for (unsigned k = 0; k < lag->nmembers; k++) {
		struct lag_member *m = lag->members[(from + k) % lag->nmembers];

		if (m->distributing)
			return m;
	}
	return NULL;
}

static struct lag_member *
rr_pick(struct lag *lag, struct pkt *pkt)
{
	struct rr_priv *rr = lag->runner_priv;
	uint32_t per = lag->opt.packets_per_slave;
	struct lag_member *m;

	if (lag->nmembers == 0)
		return NULL;
	if (per == 0)
		return rr_nth_distributing(lag,
		    (unsigned)rng_below(&rr->rng, lag->nmembers));
	m = rr_nth_distributing(lag, rr->next % lag->nmembers);
	if (!m)
		return NULL;
	if (m->index != rr->next % lag->nmembers)
		rr->sent = 0;		/* skipped a member: new turn */
	rr->next = m->index;
	if (++rr->sent >= per) {
		rr->sent = 0;
		rr->next = m->index + 1;
	}
	return m;
}

static void
follow_link(struct lag *lag, struct lag_member *m)
{
	lag_runner_follow_link(lag, m);
}

const struct lag_runner lag_runner_roundrobin = {
	.name = "balance-rr",
	.mode = LAG_MODE_BALANCE_RR,
	.priv_size = sizeof(struct rr_priv),
	.init = rr_init,
	.link_changed = follow_link,
	.tx_pick = rr_pick,
};
