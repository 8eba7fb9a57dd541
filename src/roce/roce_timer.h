/*
 * The engine's timers: a binary min-heap of intrusive timers, each knowing
 * its slot, so that arming again or cancelling costs O(log n) and no
 * memory. Time is whatever the owner passes in (virtual in tests).
 */
#ifndef LAGNIC_ROCE_TIMER_H
#define LAGNIC_ROCE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define ROCE_TIMER_IDLE	UINT32_MAX

struct roce_timer;
typedef void roce_timer_fn(struct roce_timer *t, uint64_t now);

struct roce_timer {
	uint64_t when;
	uint64_t seq;		/* ties fire in arming order */
	uint32_t slot;		/* in the heap, or ROCE_TIMER_IDLE */
	roce_timer_fn *fn;
};

struct roce_timers {
	struct roce_timer **heap;
	uint32_t len, cap;
	uint64_t next_seq;
};

void roce_timers_init(struct roce_timers *ts);
void roce_timers_fini(struct roce_timers *ts);

static inline void
roce_timer_init(struct roce_timer *t, roce_timer_fn *fn)
{
	t->slot = ROCE_TIMER_IDLE;
	t->fn = fn;
	t->when = 0;
	t->seq = 0;
}

static inline bool
roce_timer_armed(const struct roce_timer *t)
{
	return t->slot != ROCE_TIMER_IDLE;
}

/* Room for n armed timers, so that arming never has to allocate. */
int roce_timers_reserve(struct roce_timers *ts, uint32_t n);
/* (Re)arm t for when. -ENOMEM only if the heap had to grow and could not
 * (never after roce_timers_reserve() for every timer). */
int roce_timer_arm(struct roce_timers *ts, struct roce_timer *t,
    uint64_t when);
void roce_timer_cancel(struct roce_timers *ts, struct roce_timer *t);
/* Fire every timer due by now (a callback may arm timers again). */
void roce_timers_run(struct roce_timers *ts, uint64_t now);
/* The earliest deadline, UINT64_MAX if none. */
uint64_t roce_timers_next(const struct roce_timers *ts);

#endif
