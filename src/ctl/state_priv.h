/* Inside the state rendering: shared by state.c and state_lacp.c. */
#ifndef LAGNIC_CTL_STATE_PRIV_H
#define LAGNIC_CTL_STATE_PRIV_H

#include "ctl/state.h"

/* New references; JSON null when the LAG does not run 802.3ad. */
json_t *ctl_lacp_system_json(const struct lag *lag);
json_t *ctl_lacp_port_json(const struct lag_member *m);
json_t *ctl_lacp_counters_json(const struct lag_member *m);
/* The names of the bits set in an Actor/Partner_State byte. */
json_t *ctl_lacp_state_json(uint8_t state);

#endif
