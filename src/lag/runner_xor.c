/*
 * balance-xor and broadcast: every member with link collects and
 * distributes. balance-xor sends each flow on the lane its hash picks
 * (xmit_hash_policy); broadcast sends every frame on every member.
 */
#include "lag/runner.h"

static void
follow_link(struct lag *lag, struct lag_member *m)
{
	lag_runner_follow_link(lag, m);
}

const struct lag_runner lag_runner_loadbalance = {
	.name = "balance-xor",
	.mode = LAG_MODE_BALANCE_XOR,
	.link_changed = follow_link,
};

const struct lag_runner lag_runner_broadcast = {
	.name = "broadcast",
	.mode = LAG_MODE_BROADCAST,
	.link_changed = follow_link,
	.tx_broadcast = true,
};
