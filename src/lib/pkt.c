#include "lib/pkt.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

int
pkt_pool_init(struct pkt_pool *pool, uint32_t count, uint32_t buf_size)
{
	size_t mem_len;

	if (count == 0 || buf_size <= PKT_HEADROOM)
		return -EINVAL;
	memset(pool, 0, sizeof(*pool));
	mem_len = (size_t)count * buf_size;
	pool->mem = mmap(NULL, mem_len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool->mem == MAP_FAILED)
		return -ENOMEM;
	pool->pkts = calloc(count, sizeof(*pool->pkts));
	if (!pool->pkts)
		goto fail_unmap;
	pool->free = calloc(count, sizeof(*pool->free));
	if (!pool->free)
		goto fail_free_pkts;
	pool->count = count;
	pool->buf_size = buf_size;
	for (uint32_t i = 0; i < count; i++) {
		struct pkt *p = &pool->pkts[i];

		p->buf = pool->mem + (size_t)i * buf_size;
		p->buf_size = buf_size;
		p->pool = pool;
		pool->free[i] = p;
	}
	pool->nfree = count;
	return 0;
fail_free_pkts:
	free(pool->pkts);
fail_unmap:
	munmap(pool->mem, mem_len);
	return -ENOMEM;
}

void
pkt_pool_fini(struct pkt_pool *pool)
{
	if (!pool->pkts)
		return;
	munmap(pool->mem, (size_t)pool->count * pool->buf_size);
	free(pool->free);
	free(pool->pkts);
	memset(pool, 0, sizeof(*pool));
}

unsigned
pkt_alloc_bulk(struct pkt_pool *pool, struct pkt **pkts, unsigned n)
{
	if (pool->nfree < n) {
		pool->alloc_fail++;
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		pkts[i] = pool->free[--pool->nfree];
		pkt_reset(pkts[i]);
	}
	return n;
}

void
pkt_free_bulk(struct pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pkt_free(pkts[i]);
}

int
pkt_set(struct pkt *p, const void *src, uint32_t len)
{
	pkt_reset(p);
	if (len > pkt_tailroom(p))
		return -ENOSPC;
	memcpy(p->data, src, len);
	p->len = len;
	return 0;
}

struct pkt *
pkt_clone(const struct pkt *p, struct pkt_pool *pool)
{
	struct pkt *c = pkt_alloc(pool);

	if (!c)
		return NULL;
	if (pkt_set(c, p->data, p->len)) {
		pkt_free(c);
		return NULL;
	}
	c->in_port = p->in_port;
	c->rx_ts_ns = p->rx_ts_ns;
	c->hash = p->hash;
	return c;
}
