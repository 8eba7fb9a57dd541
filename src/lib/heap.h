/*
 * A fixed-capacity binary min-heap of (time, sequence) keyed items. Used for
 * events that fire in time order (sim deliveries, timers). Ties are broken
 * by insertion order, so runs are deterministic. Allocates only at init.
 */
#ifndef LAGNIC_LIB_HEAP_H
#define LAGNIC_LIB_HEAP_H

#include <stdbool.h>
#include <stdint.h>

struct heap_item {
	uint64_t when;
	uint64_t seq;		/* set by heap_push */
	void *ptr;
	uint64_t aux;
};

struct heap {
	struct heap_item *items;
	uint32_t len;
	uint32_t cap;
	uint64_t next_seq;
};

int heap_init(struct heap *h, uint32_t cap);
void heap_fini(struct heap *h);

/* -ENOSPC when full. */
int heap_push(struct heap *h, uint64_t when, void *ptr, uint64_t aux);
bool heap_pop(struct heap *h, struct heap_item *out);

static inline const struct heap_item *
heap_top(const struct heap *h)
{
	return h->len ? &h->items[0] : 0;
}

static inline uint32_t
heap_len(const struct heap *h)
{
	return h->len;
}

#endif
