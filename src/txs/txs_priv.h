/* The TX scheduler's insides, shared by its files. */
#ifndef LAGNIC_TXS_TXS_PRIV_H
#define LAGNIC_TXS_TXS_PRIV_H

#include "txs/txs.h"

/* An intrusive circular list with a sentinel head. */
struct txs_link {
	struct txs_link *prev, *next;
};

/* Token bucket in millibits: R Mbit/s adds R of them per ns. */
#define TXS_MB_PER_BYTE	8000

struct txs_bucket {
	uint32_t rate;			/* Mbit/s; 0: unlimited */
	int64_t tokens;			/* may go below 0 (a long frame) */
	int64_t cap;
	uint64_t last_ns;
};

/* Queues attach to a group; a node moves its groups as a whole. */
struct txs_group {
	struct txs_node *node;
	struct txs_link link;		/* in node->groups */
	uint32_t nqueues;
	struct txs_group *next_free;
};

struct txs_node {
	struct txs *txs;
	bool used;
	struct txs_link active;		/* DRR round: backlogged, tokens */
	struct txs_link guar;		/* backlogged with a min rate */
	unsigned nguar;
	struct txs_link groups;
	struct txs_group *attach;	/* where new queues go */
	unsigned nqueues;
	struct txs_node_counters cnt;
};

enum txs_queue_state {
	TXS_Q_S_IDLE,			/* empty */
	TXS_Q_S_ACTIVE,			/* in its node's round */
	TXS_Q_S_THROTTLED,		/* waiting for tokens, in the heap */
	TXS_Q_S_COUNT
};
extern const char *const txs_queue_state_names[];

struct txs_queue {
	struct txs *txs;
	struct txs_link all;		/* txs->queues */
	struct txs_group *group;
	enum txs_queue_state state;
	struct txs_link link;		/* node->active when ACTIVE */
	struct txs_link glink;		/* node->guar when ACTIVE, min rate */
	struct pkt **ring;
	uint32_t mask;
	uint32_t head, tail;		/* free-running */
	uint32_t deficit;
	struct txs_bucket max, min;
	uint32_t burst_bytes;		/* as configured, 0: default */
	uint32_t heap_idx;
	uint64_t eligible_ns;		/* THROTTLED: heap key */
	struct txs_queue_counters cnt;
};

struct txs {
	const struct clock *clock;
	unsigned max_nodes, max_queues, nqueues;
	struct txs_link queues;		/* every queue, for txs_destroy */
	struct txs_node *nodes;
	struct txs_group *groups;	/* max_nodes + max_queues */
	struct txs_group *free_groups;
	struct txs_queue **heap;	/* throttled queues by eligible_ns */
	uint32_t heap_len;
	struct txs_stats stats;
};

/* Lists; every link change counts in txs->stats.link_ops. */
static inline void
txs_list_init(struct txs_link *h)
{
	h->prev = h->next = h;
}

static inline bool
txs_list_empty(const struct txs_link *h)
{
	return h->next == h;
}

static inline void
txs_list_add_tail(struct txs *t, struct txs_link *h, struct txs_link *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
	t->stats.link_ops++;
}

static inline void
txs_list_del(struct txs *t, struct txs_link *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
	t->stats.link_ops++;
}

/* Append every element of from to to; from ends empty. */
static inline void
txs_list_splice_tail(struct txs *t, struct txs_link *to, struct txs_link *from)
{
	if (txs_list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	txs_list_init(from);
	t->stats.link_ops++;
}

#define txs_entry(ptr, type, member) container_of(ptr, type, member)

/* txs_bucket.c */
void txs_bucket_set(struct txs_bucket *b, uint32_t rate, uint32_t burst,
    uint64_t now);
void txs_bucket_refill(struct txs_bucket *b, uint64_t now);
bool txs_bucket_fits(const struct txs_bucket *b, uint32_t len);
void txs_bucket_take(struct txs_bucket *b, uint32_t len);
uint64_t txs_bucket_wait_ns(const struct txs_bucket *b, uint32_t len);

/* txs_heap.c */
void txs_heap_push(struct txs *txs, struct txs_queue *q);
void txs_heap_remove(struct txs *txs, struct txs_queue *q);
struct txs_queue *txs_heap_top(const struct txs *txs);

/* txs.c */
struct txs_group *txs_group_get(struct txs *txs, struct txs_node *node);
void txs_queue_attach(struct txs_queue *q, struct txs_node *node);
void txs_queue_detach(struct txs_queue *q);

/* txs_sched.c */
void txs_queue_activate(struct txs_queue *q);
void txs_queue_deactivate(struct txs_queue *q);
struct pkt *txs_ring_pop(struct txs_queue *q);

static inline struct pkt *
txs_ring_head(const struct txs_queue *q)
{
	return q->head == q->tail ? NULL : q->ring[q->head & q->mask];
}

#endif
