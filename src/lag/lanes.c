/*
 * The lane table. lag_lanes_update() spreads the LAG_LANES lanes evenly
 * over the distributing members, moving as few as it can: a lane whose
 * member still distributes (and is not above its share) stays put, so a
 * failover moves only the dead member's lanes and a member coming back
 * takes lanes only from those above their share.
 */
#include <string.h>

#include "lag/lag.h"

struct lanes_plan {
	unsigned ndist;
	uint8_t order[LAG_MEMBERS_MAX];		/* distributing member indices */
	uint16_t target[LAG_MEMBERS_MAX];	/* by member index */
	uint16_t kept[LAG_MEMBERS_MAX];
};

static void
lanes_plan_init(const struct lag *lag, struct lanes_plan *p)
{
	unsigned share, extra, k = 0;

	*p = (struct lanes_plan){ 0 };
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag->members[i]->distributing)
			p->order[p->ndist++] = (uint8_t)i;
	if (p->ndist == 0)
		return;
	share = LAG_LANES / p->ndist;
	extra = LAG_LANES % p->ndist;
	for (unsigned j = 0; j < p->ndist; j++, k++)
		p->target[p->order[j]] = (uint16_t)(share + (k < extra));
}

/* First pass: keep what may stay; returns how many lanes came off a
 * member that no longer distributes (a failover). */
static unsigned
lanes_keep(struct lag *lag, struct lanes_plan *p, uint8_t *next)
{
	unsigned lost = 0;

	for (unsigned l = 0; l < LAG_LANES; l++) {
		uint8_t i = lag->lanes[l];

		next[l] = LAG_NO_MEMBER;
		if (i == LAG_NO_MEMBER)
			continue;
		if (!lag->members[i]->distributing) {
			lost++;
			continue;
		}
		if (p->kept[i] < p->target[i]) {
			next[l] = i;
			p->kept[i]++;
		}
	}
	return lost;
}

/* Second pass: free lanes go to members below their share, in order. */
static void
lanes_fill(struct lanes_plan *p, uint8_t *next)
{
	unsigned j = 0;

	if (p->ndist == 0)
		return;
	for (unsigned l = 0; l < LAG_LANES; l++) {
		if (next[l] != LAG_NO_MEMBER)
			continue;
		while (p->kept[p->order[j]] >= p->target[p->order[j]])
			j++;
		next[l] = p->order[j];
		p->kept[p->order[j]]++;
	}
}

void
lag_lanes_commit(struct lag *lag, const uint8_t *next, bool failover)
{
	if (memcmp(next, lag->lanes, LAG_LANES) == 0)
		return;
	memcpy(lag->lanes, next, LAG_LANES);
	for (unsigned i = 0; i < lag->nmembers; i++)
		lag->members[i]->nlanes = 0;
	for (unsigned l = 0; l < LAG_LANES; l++)
		if (next[l] != LAG_NO_MEMBER)
			lag->members[next[l]]->nlanes++;
	lag->lanes_gen++;
	if (failover)
		lag->cnt.failovers++;
	lag_emit(lag, &(struct lag_event){ .type = LAG_EV_LANES });
}

void
lag_lanes_update(struct lag *lag)
{
	struct lanes_plan plan;
	uint8_t next[LAG_LANES];
	unsigned lost;

	if (lag->runner->lanes_update) {
		lag->runner->lanes_update(lag);
		return;
	}
	lanes_plan_init(lag, &plan);
	lost = lanes_keep(lag, &plan, next);
	lanes_fill(&plan, next);
	lag_lanes_commit(lag, next, lost && plan.ndist);
}
