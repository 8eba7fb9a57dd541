/*
 * Failover announcements: after a new member takes over, tell the network
 * where our MACs now are, as bonding's peer notifications do: for every
 * target (a function: the PF now, the VFs later) num_grat_arp gratuitous
 * ARPs for each of its IPv4 addresses and num_unsol_na unsolicited
 * neighbour advertisements for each IPv6 address, peer_notif_delay apart.
 * A target without addresses gets a RARP with its MAC (as Open vSwitch and
 * QEMU do), so the switch still learns it.
 *
 * Frames go through the LAG (lag_xmit), so they leave on the member that
 * now carries that traffic. Pure: time from the LAG's clock.
 */
#ifndef LAGNIC_LAG_ANNOUNCE_H
#define LAGNIC_LAG_ANNOUNCE_H

#include <stdbool.h>
#include <stdint.h>

#include "lag/lag.h"

#define ANNOUNCE_ADDRS_MAX	16
#define ANNOUNCE_TARGETS_MAX	128

struct announce_target {
	uint8_t mac[ETH_ALEN_];
	uint16_t vlan;			/* 0 and pcp 0: untagged */
	uint8_t pcp;			/* priority (a VF's qos) */
	uint32_t ipv4[ANNOUNCE_ADDRS_MAX];	/* host order */
	unsigned n_ipv4;
	uint8_t ipv6[ANNOUNCE_ADDRS_MAX][16];
	unsigned n_ipv6;
};

struct announce_counters {
	uint64_t garp;			/* gratuitous ARPs sent */
	uint64_t unsol_na;		/* unsolicited NAs sent */
	uint64_t rarp;			/* RARPs for targets without addresses */
	uint64_t no_buffer;		/* frames not built: pool empty */
};

struct announce {
	struct lag *lag;
	struct pkt_pool *pool;
	uint32_t num_grat_arp;
	uint32_t num_unsol_na;
	uint64_t interval_ns;		/* peer_notif_delay */
	struct announce_target targets[ANNOUNCE_TARGETS_MAX];
	unsigned ntargets;
	uint32_t round;			/* rounds sent in this announcement */
	uint32_t rounds;		/* rounds wanted; 0: idle */
	uint64_t next;			/* when the next round is due */
	struct announce_counters cnt;
};

void announce_init(struct announce *a, struct lag *lag,
    struct pkt_pool *pool);
void announce_set_counts(struct announce *a, uint32_t num_grat_arp,
    uint32_t num_unsol_na, uint32_t peer_notif_delay_ms);
/* Start (or restart) an announcement: the first round goes out now. */
void announce_start(struct announce *a);
void announce_tick(struct announce *a, uint64_t now);
uint64_t announce_next_deadline(const struct announce *a);

#endif
