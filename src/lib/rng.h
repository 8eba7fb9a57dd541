/*
 * A small seeded PRNG (xoshiro256** seeded by splitmix64). Deterministic
 * for a given seed on every machine: sim faults and randomized tests use it
 * so that a printed seed reproduces a run.
 */
#ifndef LAGNIC_LIB_RNG_H
#define LAGNIC_LIB_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);

/* Uniform in [0, bound); bound > 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);

/* True with probability pct/100 (pct may be fractional, 0..100). */
static inline int
rng_chance(struct rng *r, double pct)
{
	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return 1;
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0) * 100.0 < pct;
}

#endif
