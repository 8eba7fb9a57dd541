/* The runners, one per mode (runner_*.c), and what they share. */
#ifndef LAGNIC_LAG_RUNNER_H
#define LAGNIC_LAG_RUNNER_H

#include "lag/lag.h"

extern const struct lag_runner lag_runner_roundrobin;
extern const struct lag_runner lag_runner_activebackup;
extern const struct lag_runner lag_runner_loadbalance;
extern const struct lag_runner lag_runner_broadcast;
extern const struct lag_runner lag_runner_lacp;
extern const struct lag_runner lag_runner_slb;

/* UP and FAIL (in downdelay) both carry traffic. */
static inline bool
lag_member_link_up(const struct lag_member *m)
{
	return m->link == LAG_LINK_S_UP || m->link == LAG_LINK_S_FAIL;
}

/*
 * For the modes where every member with link is in service (balance-rr,
 * balance-xor, broadcast): collect and distribute on link up.
 */
void lag_runner_follow_link(struct lag *lag, struct lag_member *m);

#endif
