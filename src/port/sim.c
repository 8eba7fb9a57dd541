#include "port/sim.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
sim_init(struct sim *sim, uint64_t seed)
{
	memset(sim, 0, sizeof(*sim));
	vclock_init(&sim->clock, 0);
	sim->seed = seed;
	rng_seed(&sim->rng, seed);
	return heap_init(&sim->inflight, SIM_INFLIGHT_MAX);
}

void
sim_fini(struct sim *sim)
{
	struct heap_item it;

	while (heap_pop(&sim->inflight, &it))
		pkt_free(it.ptr);
	heap_fini(&sim->inflight);
	for (unsigned i = 0; i < sim->nwires; i++) {
		/* ports hold pointers into the wires: close them first */
		assert(!sim->wires[i]->end[0].port && !sim->wires[i]->end[1].port);
		free(sim->wires[i]);
	}
	sim->nwires = 0;
}

struct sim_end *
sim_end_find(struct sim *sim, const char *name)
{
	for (unsigned i = 0; i < sim->nwires; i++)
		for (int s = 0; s < 2; s++)
			if (strcmp(sim->wires[i]->end[s].name, name) == 0)
				return &sim->wires[i]->end[s];
	return NULL;
}

struct sim_wire *
sim_wire_add(struct sim *sim, const char *a, const char *b)
{
	struct sim_wire *w;

	if (sim->nwires == SIM_WIRES_MAX || strlen(a) >= IF_NAMESIZE ||
	    strlen(b) >= IF_NAMESIZE || strcmp(a, b) == 0 ||
	    sim_end_find(sim, a) || sim_end_find(sim, b))
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->sim = sim;
	w->index = sim->nwires;
	w->carrier = true;
	strcpy(w->end[0].name, a);
	strcpy(w->end[1].name, b);
	for (int s = 0; s < 2; s++) {
		w->end[s].wire = w;
		w->end[s].tx_dir = s == 0 ? SIM_A_TO_B : SIM_B_TO_A;
	}
	sim->wires[sim->nwires++] = w;
	return w;
}

void
sim_fault_set(struct sim_wire *w, enum sim_dir dir, const struct sim_fault *f)
{
	w->fault[dir] = *f;
}

void
sim_carrier_set(struct sim_wire *w, bool up)
{
	w->carrier = up;
	for (int s = 0; s < 2; s++)
		if (w->end[s].port)
			port_carrier_set(w->end[s].port, up);
}

int
sim_node_add(struct sim *sim, const struct sim_node *node)
{
	if (sim->nnodes == SIM_NODES_MAX)
		return -ENOSPC;
	sim->nodes[sim->nnodes++] = *node;
	return 0;
}

/*
 * In-flight items carry the pkt and, in aux, the wire index and direction,
 * so delivery finds the receiving end after the sender is long gone.
 */
static uint64_t
inflight_aux(const struct sim_wire *w, enum sim_dir d)
{
	return (uint64_t)w->index << 1 | d;
}

static void
enqueue(struct sim_wire *w, enum sim_dir d, struct pkt *pkt, uint64_t delay)
{
	struct sim *sim = w->sim;
	uint64_t at = sim->clock.now + delay;

	if (heap_push(&sim->inflight, at, pkt, inflight_aux(w, d))) {
		w->cnt[d].overflow++;
		pkt_free(pkt);
	}
}

static void
corrupt_one_bit(struct rng *rng, struct pkt *pkt)
{
	uint64_t bit;

	if (pkt->len == 0)
		return;
	bit = rng_below(rng, (uint64_t)pkt->len * 8);
	pkt->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/*
 * Faults are decided in a fixed order (drop, corrupt, reorder, duplicate)
 * so that the same seed gives the same run.
 */
void
sim_transmit(struct sim_end *from, struct pkt *pkt)
{
	struct sim_wire *w = from->wire;
	enum sim_dir d = from->tx_dir;
	const struct sim_fault *f = &w->fault[d];
	struct sim_dir_counters *c = &w->cnt[d];
	struct rng *rng = &w->sim->rng;
	uint64_t delay = f->delay_ns;
	struct pkt *dup;

	c->sent++;
	if (!w->carrier) {
		c->no_carrier++;
		pkt_free(pkt);
		return;
	}
	if (rng_chance(rng, f->drop_pct)) {
		c->dropped++;
		pkt_free(pkt);
		return;
	}
	if (rng_chance(rng, f->corrupt_pct)) {
		c->corrupted++;
		corrupt_one_bit(rng, pkt);
	}
	if (f->reorder_window_ns && rng_chance(rng, f->reorder_pct)) {
		c->reordered++;
		delay += 1 + rng_below(rng, f->reorder_window_ns);
	}
	if (rng_chance(rng, f->dup_pct)) {
		dup = pkt_clone(pkt, pkt->pool);
		if (dup) {
			c->duplicated++;
			enqueue(w, d, dup, delay);
		} else {
			c->overflow++;
		}
	}
	enqueue(w, d, pkt, delay);
}

static void
deliver(struct sim *sim, const struct heap_item *it)
{
	struct sim_wire *w = sim->wires[it->aux >> 1];
	enum sim_dir d = (enum sim_dir)(it->aux & 1);
	struct sim_end *to = &w->end[d == SIM_A_TO_B ? 1 : 0];
	struct pkt *pkt = it->ptr;

	if (!w->carrier) {
		w->cnt[d].no_carrier++;
		pkt_free(pkt);
		return;
	}
	if (!to->port) {
		w->cnt[d].no_receiver++;
		pkt_free(pkt);
		return;
	}
	w->cnt[d].delivered++;
	port_sim_deliver(to->port, pkt);
}

static uint64_t
next_event(struct sim *sim)
{
	const struct heap_item *top = heap_top(&sim->inflight);
	uint64_t next = top ? top->when : UINT64_MAX;
	uint64_t now = sim->clock.now;

	for (unsigned i = 0; i < sim->nnodes; i++) {
		uint64_t t = sim->nodes[i].next_deadline ?
		    sim->nodes[i].next_deadline(sim->nodes[i].arg) : UINT64_MAX;

		/* a deadline already passed runs on the next nanosecond */
		if (t <= now)
			t = now + 1;
		next = MIN(next, t);
	}
	return next;
}

static void
poll_nodes(struct sim *sim)
{
	for (unsigned i = 0; i < sim->nnodes; i++)
		sim->nodes[i].poll(sim->nodes[i].arg, sim->clock.now);
}

void
sim_run_until(struct sim *sim, uint64_t t_ns)
{
	struct heap_item it;
	uint64_t next;

	poll_nodes(sim);
	while ((next = next_event(sim)) <= t_ns) {
		vclock_set(&sim->clock, MAX(next, sim->clock.now));
		while (heap_top(&sim->inflight) &&
		    heap_top(&sim->inflight)->when <= sim->clock.now) {
			heap_pop(&sim->inflight, &it);
			deliver(sim, &it);
		}
		poll_nodes(sim);
	}
	if (t_ns > sim->clock.now)
		vclock_set(&sim->clock, t_ns);
	poll_nodes(sim);
}

void
sim_run_for(struct sim *sim, uint64_t dt_ns)
{
	sim_run_until(sim, sim->clock.now + dt_ns);
}
