/*
 * sim: an in-memory world of Ethernet wires under a virtual clock.
 *
 * A wire joins two ends (side A and side B). A "sim" port (port_sim_ops)
 * attaches to one end by name. Each direction of a wire has its own fault
 * settings (struct sim_fault): drop, duplicate, reorder, delay, corrupt;
 * a wire's carrier can be cut and restored. Every random choice comes from
 * one seeded generator, so a run is reproduced by its seed.
 *
 * Time only moves in sim_run_until()/sim_run_for(): frames due by then are
 * delivered in time order, and every registered node (a daemon instance, a
 * test's traffic generator) is polled after each step and asked for the
 * next time it wants to run.
 */
#ifndef LAGNIC_PORT_SIM_H
#define LAGNIC_PORT_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/heap.h"
#include "lib/rng.h"
#include "port/port.h"

#define SIM_WIRES_MAX	64
#define SIM_NODES_MAX	16
#define SIM_INFLIGHT_MAX 65536

enum sim_dir { SIM_A_TO_B, SIM_B_TO_A, SIM_DIR_COUNT };

struct sim_fault {
	double drop_pct;		/* frames lost */
	double dup_pct;			/* frames delivered twice */
	double reorder_pct;		/* frames held back ... */
	uint64_t reorder_window_ns;	/* ... by up to this much, so later
					 * frames overtake them */
	double corrupt_pct;		/* frames with one bit flipped */
	uint64_t delay_ns;		/* one-way latency of every frame */
};

/* name, description */
#define SIM_DIR_COUNTERS(_)						\
	_(sent,        "frames put on the wire")			\
	_(delivered,   "frames handed to the receiving port")		\
	_(dropped,     "frames lost by the drop fault")			\
	_(duplicated,  "extra copies made by the dup fault")		\
	_(reordered,   "frames held back by the reorder fault")	\
	_(corrupted,   "frames with a flipped bit")			\
	_(no_carrier,  "frames lost because the carrier was down")	\
	_(no_receiver, "frames with no port attached at the far end")	\
	_(overflow,    "frames lost: in-flight queue or pool full")

struct sim_dir_counters {
#define SIM_COUNTER_FIELD(name, desc) uint64_t name;
	SIM_DIR_COUNTERS(SIM_COUNTER_FIELD)
#undef SIM_COUNTER_FIELD
};

struct sim_wire;

struct sim_end {
	char name[IF_NAMESIZE];
	struct sim_wire *wire;
	enum sim_dir tx_dir;		/* direction of frames this end sends */
	struct port *port;		/* attached port, or NULL */
};

struct sim_wire {
	struct sim *sim;
	unsigned index;			/* in sim->wires[] */
	struct sim_end end[2];		/* [0] side A, [1] side B */
	bool carrier;
	struct sim_fault fault[SIM_DIR_COUNT];
	struct sim_dir_counters cnt[SIM_DIR_COUNT];
};

struct sim_node {
	/* Called after every step with the current time. */
	void (*poll)(void *arg, uint64_t now);
	/* Next time the node needs to run; UINT64_MAX if none. */
	uint64_t (*next_deadline)(void *arg);
	void *arg;
};

struct sim {
	struct vclock clock;
	uint64_t seed;
	struct rng rng;
	struct heap inflight;		/* frames on the wires, by arrival */
	struct sim_wire *wires[SIM_WIRES_MAX];
	unsigned nwires;
	struct sim_node nodes[SIM_NODES_MAX];
	unsigned nnodes;
};

int sim_init(struct sim *sim, uint64_t seed);
/* Frees frames still in flight (their pools must still exist); close the
 * ports attached to the wires first. */
void sim_fini(struct sim *sim);

static inline const struct clock *
sim_clock(struct sim *sim)
{
	return &sim->clock.base;
}

/* A wire between ends named a and b (carrier up, no faults); NULL on error. */
struct sim_wire *sim_wire_add(struct sim *sim, const char *a, const char *b);
struct sim_end *sim_end_find(struct sim *sim, const char *name);

void sim_fault_set(struct sim_wire *w, enum sim_dir dir,
    const struct sim_fault *f);
/* Cable pulled (false) or plugged (true): both attached ports see it. */
void sim_carrier_set(struct sim_wire *w, bool up);

int sim_node_add(struct sim *sim, const struct sim_node *node);

void sim_run_until(struct sim *sim, uint64_t t_ns);
void sim_run_for(struct sim *sim, uint64_t dt_ns);

/* Used by port_sim: put a frame on the wire from this end (takes pkt). */
void sim_transmit(struct sim_end *from, struct pkt *pkt);

/* Implemented by port_sim: a frame arrives at an attached port. */
void port_sim_deliver(struct port *port, struct pkt *pkt);

#endif
