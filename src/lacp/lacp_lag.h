/*
 * The 802.3ad runner's state, for those who show it (lagnicctl, tests):
 * the LACP system of a LAG and the LACP port of a member.
 */
#ifndef LAGNIC_LACP_LACP_LAG_H
#define LAGNIC_LACP_LACP_LAG_H

#include "lacp/lacp.h"
#include "lag/lag.h"

/* NULL when the LAG does not run 802.3ad. */
struct lacp_system *lag_lacp_system(struct lag *lag);
struct lacp_port *lag_lacp_port(struct lag_member *m);

#endif
