/*
 * A LAG over sim wires: host A's ports a0..aN-1 are the LAG's members,
 * host B's ports b0..bN-1 are plain ports that observe what crosses.
 * The LAG's timers run as a sim node, in virtual time.
 */
#ifndef LAGNIC_TESTS_LAG_FIXTURE_H
#define LAGNIC_TESTS_LAG_FIXTURE_H

#include "lag/lag.h"
#include "port/sim.h"

#define LF_WIRES_MAX 4
#define LF_EVENTS_MAX 256

struct lag_fixture {
	struct sim sim;
	struct pkt_pool pool_a, pool_b;
	unsigned nwires;
	struct sim_wire *wire[LF_WIRES_MAX];
	struct port *a[LF_WIRES_MAX], *b[LF_WIRES_MAX];
	struct lag *lag;
	struct lag_event events[LF_EVENTS_MAX];
	unsigned nevents;
};

struct lag_fixture *lf_new(unsigned nwires, const struct lag_options *opt);
void lf_free(struct lag_fixture *lf);
/* Add a0..a(n-1) to the LAG. */
void lf_add_members(struct lag_fixture *lf);
/* Send n frames with the given flow hashes through the LAG. */
void lf_send(struct lag_fixture *lf, unsigned n, uint32_t hash_base);
/* Frames received on b[i] since the last call (and freed). */
unsigned lf_recv(struct lag_fixture *lf, unsigned i);
/* Count events of a type seen so far. */
unsigned lf_count_events(const struct lag_fixture *lf, enum lag_event_type t);

#endif
