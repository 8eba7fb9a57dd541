/* Timers on a min-heap keyed by (when, seq); see roce_timer.h. */
#include <errno.h>
#include <stdlib.h>

#include "roce/roce_timer.h"

void
roce_timers_init(struct roce_timers *ts)
{
	ts->heap = NULL;
	ts->len = ts->cap = 0;
	ts->next_seq = 0;
}

void
roce_timers_fini(struct roce_timers *ts)
{
	for (uint32_t i = 0; i < ts->len; i++)
		ts->heap[i]->slot = ROCE_TIMER_IDLE;
	free(ts->heap);
	roce_timers_init(ts);
}

static bool
before(const struct roce_timer *a, const struct roce_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
place(struct roce_timers *ts, struct roce_timer *t, uint32_t i)
{
	ts->heap[i] = t;
	t->slot = i;
}

static void
sift_up(struct roce_timers *ts, uint32_t i)
{
	struct roce_timer *t = ts->heap[i];

	while (i > 0 && before(t, ts->heap[(i - 1) / 2])) {
		place(ts, ts->heap[(i - 1) / 2], i);
		i = (i - 1) / 2;
	}
	place(ts, t, i);
}

static void
sift_down(struct roce_timers *ts, uint32_t i)
{
	struct roce_timer *t = ts->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= ts->len)
			break;
		if (c + 1 < ts->len && before(ts->heap[c + 1], ts->heap[c]))
			c++;
		if (!before(ts->heap[c], t))
			break;
		place(ts, ts->heap[c], i);
		i = c;
	}
	place(ts, t, i);
}

int
roce_timers_reserve(struct roce_timers *ts, uint32_t n)
{
	uint32_t cap = ts->cap ? ts->cap : 64;
	struct roce_timer **h;

	while (cap < n)
		cap *= 2;
	if (cap == ts->cap)
		return 0;
	h = realloc(ts->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ts->heap = h;
	ts->cap = cap;
	return 0;
}

static int
grow(struct roce_timers *ts)
{
	return roce_timers_reserve(ts, ts->cap ? 2 * ts->cap : 64);
}

void
roce_timer_cancel(struct roce_timers *ts, struct roce_timer *t)
{
	uint32_t i = t->slot;
	struct roce_timer *last;

	if (i == ROCE_TIMER_IDLE)
		return;
	t->slot = ROCE_TIMER_IDLE;
	last = ts->heap[--ts->len];
	if (last == t)
		return;
	place(ts, last, i);
	sift_down(ts, i);
	sift_up(ts, last->slot);
}

int
roce_timer_arm(struct roce_timers *ts, struct roce_timer *t, uint64_t when)
{
	int err;

	if (roce_timer_armed(t))
		roce_timer_cancel(ts, t);
	if (ts->len == ts->cap) {
		err = grow(ts);
		if (err)
			return err;
	}
	t->when = when;
	t->seq = ts->next_seq++;
	ts->heap[ts->len] = t;
	t->slot = ts->len++;
	sift_up(ts, t->slot);
	return 0;
}

void
roce_timers_run(struct roce_timers *ts, uint64_t now)
{
	while (ts->len && ts->heap[0]->when <= now) {
		struct roce_timer *t = ts->heap[0];

		roce_timer_cancel(ts, t);
		t->fn(t, now);
	}
}

uint64_t
roce_timers_next(const struct roce_timers *ts)
{
	return ts->len ? ts->heap[0]->when : UINT64_MAX;
}
