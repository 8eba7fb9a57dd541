/*
 * The TX scheduler: per-function transmit queues hung under a node per
 * physical port, rate limits by token buckets, and failover by moving the
 * queues of one node under another in one step.
 *
 * Pure: no sockets; time comes from the struct clock given at creation
 * (configuration calls) and from the now passed to txs_dequeue (the
 * datapath reads the clock once per round). One thread; no locking.
 *
 * Queues hold struct pkt pointers in a bounded ring (a power of two); a
 * full ring drops the frame (freed, counted as TXS_DROP_FULL).
 *
 * Rates, with the meaning of `ip link set DEV vf N max_tx_rate R
 * min_tx_rate M` (Mbit/s, 0 = none). Frame bytes are counted as queued
 * (L2 header to payload, no FCS, preamble or gap).
 *   max_tx_rate  a token bucket per queue. The bucket holds burst_bytes
 *                (default: what the rate sends in TXS_BURST_NS = 1 ms, at
 *                least TXS_BURST_MIN = 4096 bytes, two of our largest
 *                frames); it starts full. A frame goes when the bucket
 *                holds its length (a frame longer than the bucket goes
 *                when the bucket is full, and leaves it in debt), so over
 *                any interval T a queue sends at most burst + rate * T.
 *   min_tx_rate  a guarantee: each dequeue first serves, round robin, the
 *                node's backlogged queues whose second bucket (at the min
 *                rate, same burst rule) holds their next frame; what is
 *                left goes by DRR to all queues. A queue thus gets its min
 *                rate whenever the port drains at least the sum of the
 *                min rates, and its fair share of the rest on top. The
 *                guaranteed pass costs O(backlogged queues with a min).
 *                min must not exceed a non-zero max (-EINVAL).
 *
 * Fairness: deficit round robin by bytes among the node's eligible queues
 * (quantum TXS_QUANTUM bytes each). A queue without tokens leaves the
 * round and waits in a timer heap until its bucket holds its next frame;
 * txs_dequeue() says when the first such wait ends (next_ns), so the
 * daemon can sleep until then.
 *
 * Failover: a queue does not point at its node but at a group, and a node
 * holds a list of groups. txs_node_move(from, to) splices from's lists
 * (eligible queues, guaranteed queues, groups) onto to's and repoints the
 * groups: its cost grows with the number of groups at from (one per
 * earlier node move that is still there, bounded by the number of nodes in
 * practice), never with the number of queues. Queued frames, deficits and
 * bucket states move with the queues. txs_queue_move() moves one queue
 * (rebalancing) in O(1).
 *
 * How the daemon uses it:
 *
 *	txs_create(&txs, clock, caps.ports, caps.vfs + 1 + rdma queues);
 *	txs_node_create(txs, &node[i]);			// per port
 *	txs_queue_create(node[lane_port], 1024, &vf->txq);	// per function
 *	txs_queue_rate_set(vf->txq, &(struct txs_rate){ .max_tx_rate = R });
 *	// datapath round: frames the eSwitch sends up
 *	txs_enqueue(vf->txq, pkts, n);
 *	// per port, as much as it can take:
 *	n = txs_dequeue(node[i], now, burst, room, &next);
 *	port_tx_burst(port[i], burst, n);
 *	deadline = MIN(deadline, txs_next_deadline(txs));
 *	// the LAG lost port i to port j (LAG_EV_LANES):
 *	txs_node_move(node[i], node[j]);
 */
#ifndef LAGNIC_TXS_TXS_H
#define LAGNIC_TXS_TXS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/compiler.h"
#include "lib/pkt.h"

#define TXS_QUANTUM		2048		/* DRR bytes per turn */
#define TXS_BURST_NS		NSEC_PER_MSEC	/* default bucket: 1 ms */
#define TXS_BURST_MIN		4096		/* bytes, default floor */
#define TXS_BURST_FLOOR		64		/* bytes, smallest accepted */
#define TXS_RATE_MAX		1000000		/* Mbit/s (1 Tbit/s) */
#define TXS_QUEUE_SIZE_MAX	(1u << 16)	/* frames */

/* Why a queue dropped a frame. NAME (TXS_DROP_NAME), description. */
#define TXS_DROPS(_)							\
	_(FULL,  "queue full")						\
	_(FLUSH, "still queued when the queue was destroyed")

enum txs_drop {
#define TXS_DROP_ENUM(name, desc) TXS_DROP_##name,
	TXS_DROPS(TXS_DROP_ENUM)
#undef TXS_DROP_ENUM
	TXS_DROP_COUNT
};
extern const char *const txs_drop_names[];
extern const char *const txs_drop_descs[];

/* Rates of one queue, `ip link set ... vf N` names, Mbit/s. */
struct txs_rate {
	uint32_t max_tx_rate;		/* 0: unlimited */
	uint32_t min_tx_rate;		/* 0: no guarantee */
	uint32_t burst_bytes;		/* 0: the default (see above) */
};

struct txs_queue_counters {
	uint64_t enq_packets;		/* taken into the ring */
	uint64_t enq_bytes;
	uint64_t tx_packets;		/* dequeued */
	uint64_t tx_bytes;
	uint64_t tx_guaranteed;		/* of them, in the min-rate pass */
	uint64_t throttled;		/* times it waited for tokens */
	uint64_t drops[TXS_DROP_COUNT];
};

struct txs_node_counters {
	uint64_t tx_packets;
	uint64_t tx_bytes;
};

/* Scheduler-wide work counters (what tests assert cost on). */
struct txs_stats {
	uint64_t link_ops;		/* list links and pointer rewrites */
	uint64_t node_moves;
	uint64_t queue_moves;
};

struct txs;
struct txs_node;
struct txs_queue;

/*
 * max_nodes: ports (>= 1); max_queues: queues alive at once (>= 1). All
 * the memory the scheduler's bookkeeping needs is taken here, so moves
 * never fail. -EINVAL, -ENOMEM.
 */
int txs_create(struct txs **out, const struct clock *clock,
    unsigned max_nodes, unsigned max_queues);
/* Frees every queue (and the frames in them) and node. */
void txs_destroy(struct txs *txs);

/* -ENOSPC past max_nodes. */
int txs_node_create(struct txs *txs, struct txs_node **out);
/* -EBUSY while queues hang under it. */
int txs_node_destroy(struct txs_node *node);

/*
 * size: ring slots, 1..TXS_QUEUE_SIZE_MAX, rounded up to a power of two
 * (-EINVAL); -ENOSPC past max_queues; -ENOMEM. Unlimited, no guarantee.
 */
int txs_queue_create(struct txs_node *node, uint32_t size,
    struct txs_queue **out);
/* Frees the frames still queued (counted FLUSH); returns how many. */
unsigned txs_queue_destroy(struct txs_queue *q);

/*
 * -ERANGE over TXS_RATE_MAX, -EINVAL for min > max (max not 0) or a burst
 * under TXS_BURST_FLOOR. Keeps the queue's frames; the buckets restart full at
 * the clock's now.
 */
int txs_queue_rate_set(struct txs_queue *q, const struct txs_rate *rate);
void txs_queue_rate_get(const struct txs_queue *q, struct txs_rate *rate);

/* Takes all n frames; returns how many were queued (the rest freed). */
unsigned txs_enqueue(struct txs_queue *q, struct pkt **pkts, unsigned n);

/*
 * Up to max frames of node's queues that may go at now. *next_ns (if not
 * NULL): the earliest time a queue waiting for tokens (of any node)
 * becomes eligible, UINT64_MAX if none waits. Frames are the caller's.
 */
unsigned txs_dequeue(struct txs_node *node, uint64_t now, struct pkt **pkts,
    unsigned max, uint64_t *next_ns);
uint64_t txs_next_deadline(const struct txs *txs);

/* Every queue of from under to, in one step. -EINVAL if from == to. */
int txs_node_move(struct txs_node *from, struct txs_node *to);
/* One queue under to. 0 if it is there already. */
int txs_queue_move(struct txs_queue *q, struct txs_node *to);

struct txs_node *txs_queue_node(const struct txs_queue *q);
uint32_t txs_queue_len(const struct txs_queue *q);
unsigned txs_node_queues(const struct txs_node *node);
const struct txs_queue_counters *txs_queue_counters(const struct txs_queue *q);
const struct txs_node_counters *txs_node_counters(const struct txs_node *n);
const struct txs_stats *txs_stats(const struct txs *txs);

#endif
