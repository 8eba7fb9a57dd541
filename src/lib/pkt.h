/*
 * Frame buffers. A pkt_pool preallocates every buffer it will ever hand
 * out; the datapath takes and returns them without calling malloc. A pool
 * belongs to one thread (no locking). Bursts are plain arrays of pointers,
 * at most PKT_BURST_MAX long.
 */
#ifndef LAGNIC_LIB_PKT_H
#define LAGNIC_LIB_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PKT_BURST_MAX	64
#define PKT_HEADROOM	128	/* room to push VLAN/tunnel headers in front */

struct pkt_pool;

struct pkt {
	uint8_t *data;		/* first byte of the frame */
	uint32_t len;		/* frame length, no FCS */
	uint32_t in_port;	/* receiving port's id, set by rx */
	uint64_t rx_ts_ns;	/* receive time (port's clock), 0 if unknown */
	uint32_t hash;		/* flow hash, 0 if not computed */
	uint8_t *buf;		/* start of the buffer, headroom included */
	uint32_t buf_size;
	struct pkt_pool *pool;
};

struct pkt_pool {
	struct pkt *pkts;
	struct pkt **free;	/* stack of free pkts */
	uint8_t *mem;
	uint32_t count;
	uint32_t nfree;
	uint32_t buf_size;
	uint64_t alloc_fail;	/* times the pool was found empty */
};

/* buf_size includes PKT_HEADROOM. Returns 0 or -errno. */
int pkt_pool_init(struct pkt_pool *pool, uint32_t count, uint32_t buf_size);
void pkt_pool_fini(struct pkt_pool *pool);

/* Room for a frame in a buffer of this pool. */
static inline uint32_t
pkt_pool_data_room(const struct pkt_pool *pool)
{
	return pool->buf_size - PKT_HEADROOM;
}

static inline void
pkt_reset(struct pkt *p)
{
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
	p->in_port = 0;
	p->rx_ts_ns = 0;
	p->hash = 0;
}

static inline struct pkt *
pkt_alloc(struct pkt_pool *pool)
{
	struct pkt *p;

	if (pool->nfree == 0) {
		pool->alloc_fail++;
		return NULL;
	}
	p = pool->free[--pool->nfree];
	pkt_reset(p);
	return p;
}

static inline void
pkt_free(struct pkt *p)
{
	struct pkt_pool *pool = p->pool;

	pool->free[pool->nfree++] = p;
}

/* All or nothing: returns n, or 0 when fewer than n are free. */
unsigned pkt_alloc_bulk(struct pkt_pool *pool, struct pkt **pkts, unsigned n);
void pkt_free_bulk(struct pkt **pkts, unsigned n);

/* Room left in front of / behind the frame. */
static inline uint32_t
pkt_headroom(const struct pkt *p)
{
	return (uint32_t)(p->data - p->buf);
}

static inline uint32_t
pkt_tailroom(const struct pkt *p)
{
	return p->buf_size - pkt_headroom(p) - p->len;
}

/* Grow the frame at the front by n bytes; NULL if no headroom. */
static inline uint8_t *
pkt_push(struct pkt *p, uint32_t n)
{
	if (n > pkt_headroom(p))
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

/* Drop n bytes from the front; NULL if the frame is shorter. */
static inline uint8_t *
pkt_pull(struct pkt *p, uint32_t n)
{
	if (n > p->len)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}

/* Grow the frame at the end by n bytes; returns where they start. */
static inline uint8_t *
pkt_put(struct pkt *p, uint32_t n)
{
	uint8_t *tail = p->data + p->len;

	if (n > pkt_tailroom(p))
		return NULL;
	p->len += n;
	return tail;
}

/* Replace the frame with a copy of src; -ENOSPC if it does not fit. */
int pkt_set(struct pkt *p, const void *src, uint32_t len);

/* A copy of p's frame and metadata in a buffer of pool; NULL if none. */
struct pkt *pkt_clone(const struct pkt *p, struct pkt_pool *pool);

#endif
