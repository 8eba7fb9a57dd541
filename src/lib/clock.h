/*
 * The clock interface. Every timer in lagnic reads time through a
 * struct clock passed in by its owner: the daemon hands out the monotonic
 * clock, tests and the sim hand out a virtual one they advance themselves.
 */
#ifndef LAGNIC_LIB_CLOCK_H
#define LAGNIC_LIB_CLOCK_H

#include <stdint.h>

struct clock {
	uint64_t (*now_ns)(const struct clock *);
};

static inline uint64_t
clock_now(const struct clock *c)
{
	return c->now_ns(c);
}

/* CLOCK_MONOTONIC, in nanoseconds. */
extern const struct clock clock_monotonic;

/* A clock that only moves when told to. */
struct vclock {
	struct clock base;
	uint64_t now;
};

void vclock_init(struct vclock *vc, uint64_t start_ns);
void vclock_set(struct vclock *vc, uint64_t t_ns);	/* never backwards */
void vclock_advance(struct vclock *vc, uint64_t delta_ns);

#endif
