/*
 * Queues waiting for tokens, a binary min-heap on eligible_ns that knows
 * each queue's index, so a queue can leave it early (destroyed, rate
 * changed). One heap for the whole scheduler: a node move does not touch
 * it; a queue released goes to whatever node it is under then.
 */
#include "txs/txs_priv.h"

#define TXS_HEAP_NONE	UINT32_MAX

static void
txs_heap_place(struct txs *txs, uint32_t i, struct txs_queue *q)
{
	txs->heap[i] = q;
	q->heap_idx = i;
}

static void
txs_heap_up(struct txs *txs, uint32_t i)
{
	struct txs_queue *q = txs->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (txs->heap[parent]->eligible_ns <= q->eligible_ns)
			break;
		txs_heap_place(txs, i, txs->heap[parent]);
		i = parent;
	}
	txs_heap_place(txs, i, q);
}

static void
txs_heap_down(struct txs *txs, uint32_t i)
{
	struct txs_queue *q = txs->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= txs->heap_len)
			break;
		if (c + 1 < txs->heap_len &&
		    txs->heap[c + 1]->eligible_ns < txs->heap[c]->eligible_ns)
			c++;
		if (q->eligible_ns <= txs->heap[c]->eligible_ns)
			break;
		txs_heap_place(txs, i, txs->heap[c]);
		i = c;
	}
	txs_heap_place(txs, i, q);
}

/* Never full: a queue is in it at most once, max_queues slots. */
void
txs_heap_push(struct txs *txs, struct txs_queue *q)
{
	assert(txs->heap_len < txs->max_queues);
	txs_heap_place(txs, txs->heap_len++, q);
	txs_heap_up(txs, q->heap_idx);
}

void
txs_heap_remove(struct txs *txs, struct txs_queue *q)
{
	uint32_t i = q->heap_idx;
	struct txs_queue *last;

	assert(i < txs->heap_len && txs->heap[i] == q);
	last = txs->heap[--txs->heap_len];
	q->heap_idx = TXS_HEAP_NONE;
	if (last == q)
		return;
	txs_heap_place(txs, i, last);
	txs_heap_up(txs, i);
	txs_heap_down(txs, last->heap_idx);
}

struct txs_queue *
txs_heap_top(const struct txs *txs)
{
	return txs->heap_len ? txs->heap[0] : NULL;
}
