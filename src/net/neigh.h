/*
 * A neighbour cache for lagnicd's own use: the MAC of an IP address on
 * the PF's link, for RDMA peers named by GID only (verbs applications give
 * a destination GID, as hardware RoCE resolves the MAC in the kernel).
 *
 * Learnt by snooping the ARP packets and IPv6 neighbour advertisements
 * that reach the PF from the wire (the kernel's own resolutions over lag0
 * fill it as a side effect); on a miss the owner sends an ARP request or
 * a neighbour solicitation itself, at most one per address every
 * NEIGH_ASK_INTERVAL. Addresses in the IPv6 form of a GID (IPv4-mapped for
 * IPv4). Entries expire after NEIGH_TTL; the oldest goes when full. Pure:
 * time is a parameter.
 */
#ifndef LAGNIC_NET_NEIGH_H
#define LAGNIC_NET_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "net/eth.h"

#define NEIGH_MAX		256
#define NEIGH_TTL		(300 * NSEC_PER_SEC)
#define NEIGH_ASK_INTERVAL	(100 * NSEC_PER_MSEC)

struct neigh_entry {
	uint8_t ip[16];
	uint8_t mac[ETH_ALEN];
	bool known;			/* else: asked, no answer yet */
	uint64_t learnt;		/* or when it was asked */
};

struct neigh_counters {
	uint64_t learnt;		/* entries written from the wire */
	uint64_t asked;			/* requests the owner was told to send */
	uint64_t misses;		/* lookups without an answer */
};

struct neigh {
	struct neigh_entry e[NEIGH_MAX];
	unsigned n;
	struct neigh_counters cnt;
};

void neigh_init(struct neigh *nb);
/* Learn from one frame from the wire (any frame: the others cost a few
 * compares). Never reads past len. */
void neigh_snoop(struct neigh *nb, const uint8_t *frame, size_t len,
    uint64_t now);
/* The MAC of ip into mac: 0; or -EAGAIN, and *ask when the owner should
 * send a request for it now. */
int neigh_lookup(struct neigh *nb, const uint8_t ip[16], uint64_t now,
    uint8_t mac[ETH_ALEN], bool *ask);
/* ip in IPv4-mapped form (::ffff:a.b.c.d): its address, host order. */
bool neigh_ip_is_v4(const uint8_t ip[16], uint32_t *v4);

#endif
