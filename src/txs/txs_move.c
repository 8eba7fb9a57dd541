/*
 * Failover and rebalancing: queues change node.
 *
 * txs_node_move splices lists and repoints groups; nothing in it visits a
 * queue. A queue finds its node through its group (q->group->node), so
 * repointing the few groups at from moves every queue in them.
 */
#include "txs/txs_priv.h"

#include <errno.h>

/* Every group at from now belongs to to. */
static void
txs_groups_repoint(struct txs *txs, struct txs_node *from,
    struct txs_node *to)
{
	struct txs_link *l;

	for (l = from->groups.next; l != &from->groups; l = l->next) {
		txs_entry(l, struct txs_group, link)->node = to;
		txs->stats.link_ops++;
	}
	txs_list_splice_tail(txs, &to->groups, &from->groups);
}

int
txs_node_move(struct txs_node *from, struct txs_node *to)
{
	struct txs *txs = from->txs;
	struct txs_group *keep = NULL;

	if (from == to || to->txs != txs)
		return -EINVAL;
	/* commit: nothing below may fail */
	txs_list_splice_tail(txs, &to->active, &from->active);
	txs_list_splice_tail(txs, &to->guar, &from->guar);
	to->nguar += from->nguar;
	from->nguar = 0;
	/* an empty attach group stays: from keeps taking new queues there */
	if (from->attach->nqueues == 0) {
		keep = from->attach;
		txs_list_del(txs, &keep->link);
	}
	txs_groups_repoint(txs, from, to);
	if (keep)
		txs_list_add_tail(txs, &from->groups, &keep->link);
	else
		from->attach = txs_group_get(txs, from);
	to->nqueues += from->nqueues;
	from->nqueues = 0;
	txs->stats.node_moves++;
	return 0;
}

int
txs_queue_move(struct txs_queue *q, struct txs_node *to)
{
	struct txs *txs = q->txs;
	struct txs_node *from = q->group->node;

	if (from == to)
		return 0;
	if (to->txs != txs)
		return -EINVAL;
	/* commit: nothing below may fail */
	if (q->state == TXS_Q_S_ACTIVE) {
		txs_list_del(txs, &q->link);
		txs_list_add_tail(txs, &to->active, &q->link);
		if (q->min.rate) {
			txs_list_del(txs, &q->glink);
			txs_list_add_tail(txs, &to->guar, &q->glink);
			from->nguar--;
			to->nguar++;
		}
	}
	txs_queue_detach(q);
	txs_queue_attach(q, to);
	txs->stats.queue_moves++;
	return 0;
}

struct txs_node *
txs_queue_node(const struct txs_queue *q)
{
	return q->group->node;
}

uint32_t
txs_queue_len(const struct txs_queue *q)
{
	return q->tail - q->head;
}

unsigned
txs_node_queues(const struct txs_node *node)
{
	return node->nqueues;
}

const struct txs_queue_counters *
txs_queue_counters(const struct txs_queue *q)
{
	return &q->cnt;
}

const struct txs_node_counters *
txs_node_counters(const struct txs_node *n)
{
	return &n->cnt;
}

const struct txs_stats *
txs_stats(const struct txs *txs)
{
	return &txs->stats;
}
