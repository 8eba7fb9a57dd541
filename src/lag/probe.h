/*
 * ARP and IPv6 neighbour-solicitation link probes: bonding's ARP monitor
 * (arp_interval, arp_ip_target, arp_validate, arp_all_targets,
 * arp_missed_max) and its ns_ip6_target.
 *
 * Every arp_interval, an ARP request for each arp_ip_target and an NS for
 * each ns_ip6_target go out, from the PF's address (lag_probe_set_source;
 * 0.0.0.0 / :: without one), on: every member with carrier in balance-rr,
 * balance-xor and broadcast; the active member in active-backup, or, with
 * no active member, one member per interval in turn (as bonding: members
 * share a MAC, so probing several at once would make a switch's table
 * flap). A member is alive when what it received in the last
 * arp_missed_max intervals (and half a one, bonding's slack) counts:
 *  - arp_validate none: any frame; filter: any ARP or ND frame;
 *  - validated (active/backup/all and their filter_ forms, for the
 *    member's role): an ARP between a target and the PF's address, or an
 *    NA or NS for a target; from any target (arp_all_targets any) or from
 *    every one (all).
 * In the modes without an active member every member has the active role.
 * The link the LAG acts on is carrier AND alive (carrier still counts at
 * once, from rtnetlink), through updelay/downdelay as ever.
 */
#ifndef LAGNIC_LAG_PROBE_H
#define LAGNIC_LAG_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "lag/lag.h"

static inline bool
lag_probe_enabled(const struct lag *lag)
{
	return lag->opt.arp_interval != 0;
}

/* What a member's received frame tells the probes; any frame. */
void lag_probe_rx(struct lag *lag, struct lag_member *m,
    const struct pkt *pkt);
void lag_probe_tick(struct lag *lag, uint64_t now);
uint64_t lag_probe_next_deadline(const struct lag *lag);
/* Options changed or a member joined: start over (members not alive). */
void lag_probe_reset(struct lag *lag);
void lag_probe_member_reset(struct lag_member *m);
/* true when probes are off */
bool lag_probe_alive(const struct lag_member *m);

#endif
