/* A doubly linked intrusive list (the engine's per-lane and ACK lists). */
#ifndef LAGNIC_ROCE_LIST_H
#define LAGNIC_ROCE_LIST_H

#include <stdbool.h>

#include "lib/compiler.h"

struct roce_list {
	struct roce_list *prev, *next;
};

static inline void
roce_list_init(struct roce_list *l)
{
	l->prev = l->next = l;
}

static inline bool
roce_list_empty(const struct roce_list *l)
{
	return l->next == l;
}

/* A node that is on no list points to itself (after init or del). */
static inline bool
roce_list_linked(const struct roce_list *n)
{
	return n->next != n;
}

static inline void
roce_list_add_tail(struct roce_list *head, struct roce_list *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void
roce_list_del(struct roce_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	roce_list_init(n);
}

#define roce_list_entry(ptr, type, member) container_of(ptr, type, member)

#endif
