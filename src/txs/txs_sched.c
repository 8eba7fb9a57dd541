/*
 * The datapath: enqueue, and dequeue in two passes -- the min-rate
 * guarantees, then deficit round robin by bytes over the queues that have
 * tokens. A queue out of tokens waits in the heap, not in the round.
 */
#include "txs/txs_priv.h"

static inline struct txs_node *
txs_queue_node_of(const struct txs_queue *q)
{
	return q->group->node;
}

/* Into its node's round (and the guaranteed list if it has a min rate). */
void
txs_queue_activate(struct txs_queue *q)
{
	struct txs_node *n = txs_queue_node_of(q);

	assert(q->state == TXS_Q_S_IDLE);
	q->state = TXS_Q_S_ACTIVE;
	txs_list_add_tail(q->txs, &n->active, &q->link);
	if (q->min.rate) {
		txs_list_add_tail(q->txs, &n->guar, &q->glink);
		n->nguar++;
	}
}

/* Out of the round or the heap; IDLE. */
void
txs_queue_deactivate(struct txs_queue *q)
{
	struct txs_node *n = txs_queue_node_of(q);

	if (q->state == TXS_Q_S_THROTTLED)
		txs_heap_remove(q->txs, q);
	if (q->state == TXS_Q_S_ACTIVE) {
		txs_list_del(q->txs, &q->link);
		if (q->min.rate) {
			txs_list_del(q->txs, &q->glink);
			n->nguar--;
		}
	}
	q->state = TXS_Q_S_IDLE;
}

struct pkt *
txs_ring_pop(struct txs_queue *q)
{
	struct pkt *p = txs_ring_head(q);

	if (p)
		q->head++;
	return p;
}

unsigned
txs_enqueue(struct txs_queue *q, struct pkt **pkts, unsigned n)
{
	unsigned i;
	bool was_empty = q->head == q->tail;

	for (i = 0; i < n && q->tail - q->head <= q->mask; i++) {
		q->ring[q->tail++ & q->mask] = pkts[i];
		q->cnt.enq_packets++;
		q->cnt.enq_bytes += pkts[i]->len;
	}
	if (i < n) {
		q->cnt.drops[TXS_DROP_FULL] += n - i;
		pkt_free_bulk(&pkts[i], n - i);
	}
	if (was_empty && i && q->state == TXS_Q_S_IDLE)
		txs_queue_activate(q);
	return i;
}

/* Out of tokens for its head frame: wait in the heap. */
static void
txs_queue_throttle(struct txs_queue *q, uint32_t len)
{
	uint64_t wait = txs_bucket_wait_ns(&q->max, len);

	txs_queue_deactivate(q);
	q->state = TXS_Q_S_THROTTLED;
	q->eligible_ns = q->max.last_ns + (wait ? wait : 1);
	q->cnt.throttled++;
	txs_heap_push(q->txs, q);
}

/* Queues whose wait is over go back to the round of their node now. */
static void
txs_release(struct txs *txs, uint64_t now)
{
	struct txs_queue *q;

	while ((q = txs_heap_top(txs)) && q->eligible_ns <= now) {
		txs_heap_remove(txs, q);
		q->state = TXS_Q_S_IDLE;
		txs_queue_activate(q);
	}
}

/* Hand the head frame out; IDLE when the ring is empty. */
static struct pkt *
txs_queue_send(struct txs_queue *q)
{
	struct pkt *p = txs_ring_pop(q);
	struct txs_node *n = txs_queue_node_of(q);

	txs_bucket_take(&q->max, p->len);
	q->cnt.tx_packets++;
	q->cnt.tx_bytes += p->len;
	n->cnt.tx_packets++;
	n->cnt.tx_bytes += p->len;
	if (q->head == q->tail) {
		txs_queue_deactivate(q);
		q->deficit = 0;
	}
	return p;
}

/*
 * The guarantees: round robin, one frame per turn, over the backlogged
 * queues with a min rate whose min bucket (and max bucket) hold the head
 * frame. Stops after a whole turn of the list sent nothing.
 */
static unsigned
txs_serve_guaranteed(struct txs_node *n, uint64_t now, struct pkt **pkts,
    unsigned max)
{
	unsigned sent = 0, misses = 0;

	while (sent < max && n->nguar && misses < n->nguar) {
		struct txs_queue *q = txs_entry(n->guar.next, struct txs_queue,
		    glink);
		uint32_t len = txs_ring_head(q)->len;

		txs_bucket_refill(&q->min, now);
		txs_bucket_refill(&q->max, now);
		if (!txs_bucket_fits(&q->min, len) ||
		    !txs_bucket_fits(&q->max, len)) {
			misses++;
			txs_list_del(q->txs, &q->glink);
			txs_list_add_tail(q->txs, &n->guar, &q->glink);
			continue;
		}
		misses = 0;
		txs_bucket_take(&q->min, len);
		q->cnt.tx_guaranteed++;
		pkts[sent++] = txs_queue_send(q);
		if (q->state == TXS_Q_S_ACTIVE) {
			txs_list_del(q->txs, &q->glink);
			txs_list_add_tail(q->txs, &n->guar, &q->glink);
		}
	}
	return sent;
}

/* Deficit round robin by bytes over the node's round. */
static unsigned
txs_serve_drr(struct txs_node *n, uint64_t now, struct pkt **pkts,
    unsigned max)
{
	unsigned sent = 0;

	while (sent < max && !txs_list_empty(&n->active)) {
		struct txs_queue *q = txs_entry(n->active.next,
		    struct txs_queue, link);
		uint32_t len = txs_ring_head(q)->len;

		txs_bucket_refill(&q->max, now);
		if (!txs_bucket_fits(&q->max, len)) {
			txs_queue_throttle(q, len);
			continue;
		}
		if (len > q->deficit) {
			/* its turn is over: the next one's quantum, to the tail */
			q->deficit += TXS_QUANTUM;
			txs_list_del(q->txs, &q->link);
			txs_list_add_tail(q->txs, &n->active, &q->link);
			continue;
		}
		q->deficit -= len;
		pkts[sent++] = txs_queue_send(q);
	}
	return sent;
}

uint64_t
txs_next_deadline(const struct txs *txs)
{
	const struct txs_queue *q = txs_heap_top(txs);

	return q ? q->eligible_ns : UINT64_MAX;
}

unsigned
txs_dequeue(struct txs_node *node, uint64_t now, struct pkt **pkts,
    unsigned max, uint64_t *next_ns)
{
	unsigned sent;

	txs_release(node->txs, now);
	sent = txs_serve_guaranteed(node, now, pkts, max);
	sent += txs_serve_drr(node, now, pkts + sent, max - sent);
	if (next_ns)
		*next_ns = txs_next_deadline(node->txs);
	return sent;
}
