#include "lag/runner.h"

#include <stddef.h>

static const struct lag_runner *const lag_runners[LAG_MODE_COUNT] = {
	[LAG_MODE_BALANCE_RR] = &lag_runner_roundrobin,
	[LAG_MODE_ACTIVE_BACKUP] = &lag_runner_activebackup,
	[LAG_MODE_BALANCE_XOR] = &lag_runner_loadbalance,
	[LAG_MODE_BROADCAST] = &lag_runner_broadcast,
	[LAG_MODE_8023AD] = &lag_runner_lacp,
	[LAG_MODE_BALANCE_SLB] = &lag_runner_slb,
};

const struct lag_runner *
lag_runner_find(enum lag_mode mode)
{
	return mode < LAG_MODE_COUNT ? lag_runners[mode] : NULL;
}

void
lag_runner_follow_link(struct lag *lag, struct lag_member *m)
{
	bool up = lag_member_link_up(m);

	m->collecting = up;
	m->distributing = up;
	lag_lanes_update(lag);
}
