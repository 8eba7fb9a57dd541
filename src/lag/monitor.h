/*
 * Member link monitoring: carrier events (immediate), miimon polling of the
 * port's carrier, and the updelay/downdelay state machine between them and
 * the runner. Bonding's semantics: a carrier loss is confirmed after
 * downdelay, a carrier return after updelay; updelay is skipped when no
 * member is up (nothing to wait for).
 */
#ifndef LAGNIC_LAG_MONITOR_H
#define LAGNIC_LAG_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

struct lag;
struct lag_member;
enum lag_link_state;

/* The port reported carrier up or down (event or poll). */
void lag_monitor_carrier(struct lag_member *m, bool up);
/* The probes' verdict on m changed: run the transition again. */
void lag_monitor_reevaluate(struct lag_member *m);
/* Force a link state (member removal); tells the runner if it matters. */
void lag_monitor_set_link(struct lag_member *m, enum lag_link_state s);
void lag_monitor_tick(struct lag *lag, uint64_t now);
uint64_t lag_monitor_next_deadline(const struct lag *lag);

#endif
