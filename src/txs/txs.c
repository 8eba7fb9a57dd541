/* The TX scheduler's configuration: nodes, queues, rates. */
#include "txs/txs_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const txs_drop_names[] = {
#define TXS_DROP_NAME(name, desc) [TXS_DROP_##name] = #name,
	TXS_DROPS(TXS_DROP_NAME)
#undef TXS_DROP_NAME
};
static_assert(ARRAY_SIZE(txs_drop_names) == TXS_DROP_COUNT, "drop names");

const char *const txs_drop_descs[] = {
#define TXS_DROP_DESC(name, desc) [TXS_DROP_##name] = desc,
	TXS_DROPS(TXS_DROP_DESC)
#undef TXS_DROP_DESC
};
static_assert(ARRAY_SIZE(txs_drop_descs) == TXS_DROP_COUNT, "drop descs");

const char *const txs_queue_state_names[] = {
	[TXS_Q_S_IDLE] = "IDLE", [TXS_Q_S_ACTIVE] = "ACTIVE",
	[TXS_Q_S_THROTTLED] = "THROTTLED",
};
static_assert(ARRAY_SIZE(txs_queue_state_names) == TXS_Q_S_COUNT,
    "queue state names");

int
txs_create(struct txs **out, const struct clock *clock, unsigned max_nodes,
    unsigned max_queues)
{
	unsigned ngroups = max_nodes + max_queues;
	struct txs *txs;

	if (!clock || !max_nodes || !max_queues || max_queues > UINT32_MAX / 2)
		return -EINVAL;
	txs = calloc(1, sizeof(*txs));
	if (!txs)
		return -ENOMEM;
	txs_list_init(&txs->queues);
	txs->nodes = calloc(max_nodes, sizeof(*txs->nodes));
	txs->groups = calloc(ngroups, sizeof(*txs->groups));
	txs->heap = calloc(max_queues, sizeof(*txs->heap));
	if (!txs->nodes || !txs->groups || !txs->heap) {
		txs_destroy(txs);
		return -ENOMEM;
	}
	txs->clock = clock;
	txs->max_nodes = max_nodes;
	txs->max_queues = max_queues;
	for (unsigned i = ngroups; i-- > 0;) {
		txs->groups[i].next_free = txs->free_groups;
		txs->free_groups = &txs->groups[i];
	}
	*out = txs;
	return 0;
}

/* Never NULL: the pool holds an attach group per node and a group per
 * queue, more than can be in use (see txs_create). */
struct txs_group *
txs_group_get(struct txs *txs, struct txs_node *node)
{
	struct txs_group *g = txs->free_groups;

	assert(g);
	txs->free_groups = g->next_free;
	memset(g, 0, sizeof(*g));
	g->node = node;
	txs_list_add_tail(txs, &node->groups, &g->link);
	return g;
}

static void
txs_group_put(struct txs *txs, struct txs_group *g)
{
	txs_list_del(txs, &g->link);
	g->next_free = txs->free_groups;
	txs->free_groups = g;
}

int
txs_node_create(struct txs *txs, struct txs_node **out)
{
	struct txs_node *n = NULL;

	for (unsigned i = 0; i < txs->max_nodes && !n; i++)
		if (!txs->nodes[i].used)
			n = &txs->nodes[i];
	if (!n)
		return -ENOSPC;
	/* commit: nothing below may fail */
	memset(n, 0, sizeof(*n));
	n->txs = txs;
	n->used = true;
	txs_list_init(&n->active);
	txs_list_init(&n->guar);
	txs_list_init(&n->groups);
	n->attach = txs_group_get(txs, n);
	*out = n;
	return 0;
}

int
txs_node_destroy(struct txs_node *node)
{
	if (node->nqueues)
		return -EBUSY;
	/* commit: nothing below may fail */
	assert(node->attach->nqueues == 0);
	txs_group_put(node->txs, node->attach);
	assert(txs_list_empty(&node->groups));
	node->used = false;
	return 0;
}

/* q joins node's attach group. */
void
txs_queue_attach(struct txs_queue *q, struct txs_node *node)
{
	q->group = node->attach;
	q->group->nqueues++;
	node->nqueues++;
}

/* q leaves its group; a group emptied that no node attaches to is freed. */
void
txs_queue_detach(struct txs_queue *q)
{
	struct txs_group *g = q->group;

	g->node->nqueues--;
	if (--g->nqueues == 0 && g != g->node->attach)
		txs_group_put(q->txs, g);
	q->group = NULL;
}

int
txs_queue_create(struct txs_node *node, uint32_t size, struct txs_queue **out)
{
	struct txs *txs = node->txs;
	struct txs_queue *q;

	if (!size || size > TXS_QUEUE_SIZE_MAX)
		return -EINVAL;
	if (txs->nqueues == txs->max_queues)
		return -ENOSPC;
	size = round_up_pow2(size);
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->ring = calloc(size, sizeof(*q->ring));
	if (!q->ring)
		goto fail_free_queue;
	/* commit: nothing below may fail */
	q->txs = txs;
	q->mask = size - 1;
	txs_list_init(&q->link);
	txs_list_init(&q->glink);
	q->heap_idx = UINT32_MAX;
	txs_queue_attach(q, node);
	txs_list_add_tail(txs, &txs->queues, &q->all);
	txs->nqueues++;
	*out = q;
	return 0;
fail_free_queue:
	free(q);
	return -ENOMEM;
}

unsigned
txs_queue_destroy(struct txs_queue *q)
{
	struct pkt *p;
	unsigned n = 0;

	txs_queue_deactivate(q);
	while ((p = txs_ring_pop(q)) != NULL) {
		pkt_free(p);
		n++;
	}
	txs_queue_detach(q);
	txs_list_del(q->txs, &q->all);
	q->txs->nqueues--;
	free(q->ring);
	free(q);
	return n;
}

int
txs_queue_rate_set(struct txs_queue *q, const struct txs_rate *rate)
{
	uint64_t now;

	if (rate->max_tx_rate > TXS_RATE_MAX ||
	    rate->min_tx_rate > TXS_RATE_MAX)
		return -ERANGE;
	if (rate->max_tx_rate && rate->min_tx_rate > rate->max_tx_rate)
		return -EINVAL;
	if (rate->burst_bytes && rate->burst_bytes < TXS_BURST_FLOOR)
		return -EINVAL;
	/* commit: nothing below may fail */
	now = clock_now(q->txs->clock);
	q->burst_bytes = rate->burst_bytes;
	/* re-evaluated by the next dequeue, under the new buckets */
	txs_queue_deactivate(q);
	txs_bucket_set(&q->max, rate->max_tx_rate, rate->burst_bytes, now);
	txs_bucket_set(&q->min, rate->min_tx_rate, rate->burst_bytes, now);
	if (txs_ring_head(q))
		txs_queue_activate(q);
	return 0;
}

void
txs_queue_rate_get(const struct txs_queue *q, struct txs_rate *rate)
{
	rate->max_tx_rate = q->max.rate;
	rate->min_tx_rate = q->min.rate;
	rate->burst_bytes = q->burst_bytes;
}

void
txs_destroy(struct txs *txs)
{
	if (!txs)
		return;
	if (txs->nodes && txs->groups) {
		while (!txs_list_empty(&txs->queues))
			txs_queue_destroy(txs_entry(txs->queues.next,
			    struct txs_queue, all));
		for (unsigned i = 0; i < txs->max_nodes; i++)
			if (txs->nodes[i].used)
				txs_node_destroy(&txs->nodes[i]);
	}
	free(txs->heap);
	free(txs->groups);
	free(txs->nodes);
	free(txs);
}
