#include "lib/clock.h"

#include <assert.h>
#include <time.h>

static uint64_t
monotonic_now(const struct clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const struct clock clock_monotonic = { .now_ns = monotonic_now };

static uint64_t
vclock_now(const struct clock *c)
{
	const struct vclock *vc = (const struct vclock *)c;

	return vc->now;
}

void
vclock_init(struct vclock *vc, uint64_t start_ns)
{
	vc->base.now_ns = vclock_now;
	vc->now = start_ns;
}

void
vclock_set(struct vclock *vc, uint64_t t_ns)
{
	assert(t_ns >= vc->now);
	vc->now = t_ns;
}

void
vclock_advance(struct vclock *vc, uint64_t delta_ns)
{
	vc->now += delta_ns;
}
