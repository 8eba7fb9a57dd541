/*
 * Gaps between completions. A stall of the stream (a failover) is the
 * longest time with no completion at all: every poll that returns some
 * completions closes the gap since the previous one. Gaps of at least
 * min_ns are kept (end on CLOCK_REALTIME, length) for -g FILE, one line
 * each: "END_REALTIME_NS LENGTH_NS"; the longest is always known.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "tools/perf_rdma.h"

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

uint64_t
rperf_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

void
rperf_gaps_init(struct rperf_gaps *g, uint32_t min_us)
{
	uint64_t rt = clock_ns(CLOCK_REALTIME);

	*g = (struct rperf_gaps){ .min_ns = (uint64_t)min_us * 1000 };
	g->rt_off_ns = rt - rperf_now_ns();
}

static void
gaps_keep(struct rperf_gaps *g, uint64_t end_rt, uint64_t len)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4096;
		struct rperf_gap *v = realloc(g->v, cap * sizeof(*v));

		if (!v) {
			g->lost = true;
			return;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = (struct rperf_gap){ .end_rt_ns = end_rt, .len_ns = len };
}

/* Completions seen at now_ns (the first ones only start the clock). */
void
rperf_gaps_note(struct rperf_gaps *g, uint64_t now_ns)
{
	uint64_t len = now_ns - g->last_ns;

	if (g->last_ns) {
		if (len > g->max_ns) {
			g->max_ns = len;
			g->max_end_rt_ns = now_ns + g->rt_off_ns;
		}
		if (len >= g->min_ns)
			gaps_keep(g, now_ns + g->rt_off_ns, len);
	}
	g->last_ns = now_ns;
}

int
rperf_gaps_write(const struct rperf_gaps *g, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (size_t i = 0; i < g->n; i++)
		fprintf(f, "%llu %llu\n", (unsigned long long)g->v[i].end_rt_ns,
		    (unsigned long long)g->v[i].len_ns);
	if (g->lost)
		fprintf(f, "# out of memory: gaps after the last line lost\n");
	return fclose(f) ? -errno : 0;
}

void
rperf_gaps_fini(struct rperf_gaps *g)
{
	free(g->v);
	g->v = NULL;
}
