#include "lib/heap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
heap_init(struct heap *h, uint32_t cap)
{
	memset(h, 0, sizeof(*h));
	h->items = calloc(cap ? cap : 1, sizeof(*h->items));
	if (!h->items)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void
heap_fini(struct heap *h)
{
	free(h->items);
	memset(h, 0, sizeof(*h));
}

static bool
item_before(const struct heap_item *a, const struct heap_item *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static void
swap_items(struct heap_item *a, struct heap_item *b)
{
	struct heap_item t = *a;

	*a = *b;
	*b = t;
}

int
heap_push(struct heap *h, uint64_t when, void *ptr, uint64_t aux)
{
	uint32_t i;

	if (h->len == h->cap)
		return -ENOSPC;
	i = h->len++;
	h->items[i] = (struct heap_item){
		.when = when, .seq = h->next_seq++, .ptr = ptr, .aux = aux,
	};
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!item_before(&h->items[i], &h->items[parent]))
			break;
		swap_items(&h->items[i], &h->items[parent]);
		i = parent;
	}
	return 0;
}

bool
heap_pop(struct heap *h, struct heap_item *out)
{
	uint32_t i = 0;

	if (h->len == 0)
		return false;
	*out = h->items[0];
	h->items[0] = h->items[--h->len];
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->len && item_before(&h->items[l], &h->items[m]))
			m = l;
		if (r < h->len && item_before(&h->items[r], &h->items[m]))
			m = r;
		if (m == i)
			break;
		swap_items(&h->items[i], &h->items[m]);
		i = m;
	}
	return true;
}
