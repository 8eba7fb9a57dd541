/*
 * A single-producer single-consumer ring of fixed-size entries in memory
 * that two processes share (lagnicd and an RDMA application): work
 * requests one way, completions the other, with no system call per entry.
 *
 * The region: a header the creator writes (magic, version, entry size,
 * count), the producer's index and the consumer's index on cache lines of
 * their own, then the entries. Each side keeps its own copy of the
 * geometry, agreed out of band and checked against the header once at
 * attach, so a peer that later scribbles over the header cannot make us
 * read or write outside the region.
 *
 * The peer is not trusted: indices are free-running uint32_t, and a
 * producer index more than `count` ahead of ours (or a consumer index
 * that runs ahead of what was produced) is a broken or hostile peer,
 * reported as -EPROTO and never followed. pop copies an entry out before
 * the caller looks at it, so the peer cannot change it between the
 * caller's checks and its use.
 *
 * Ordering: an entry is written before the release-store of the producer
 * index and read after the acquire-load of it; the consumer's index is
 * released after the entry has been copied out.
 */
#ifndef LAGNIC_LIB_SHM_RING_H
#define LAGNIC_LIB_SHM_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SHM_RING_MAGIC		0x6c61676eu	/* "lagn" */
#define SHM_RING_VERSION	1
#define SHM_RING_COUNT_MAX	(1u << 20)
#define SHM_RING_ENTRY_MAX	4096u

/* One side's private view of a ring. */
struct shm_ring {
	uint8_t *entries;
	_Atomic uint32_t *prod;		/* in the shared region */
	_Atomic uint32_t *cons;
	uint32_t entry_size;
	uint32_t count;			/* a power of two */
	uint32_t head;			/* our index: produced or consumed */
	uint32_t other;			/* the peer's index as last seen */
};

/* Bytes of the region for a ring of count entries of entry_size bytes
 * (count a power of two, entry_size a multiple of 8); 0 if out of range. */
size_t shm_ring_bytes(uint32_t entry_size, uint32_t count);

enum shm_ring_role {
	SHM_RING_PRODUCER,
	SHM_RING_CONSUMER,
};

/* The creator lays out an empty ring in mem (len >= shm_ring_bytes). */
int shm_ring_format(struct shm_ring *r, void *mem, size_t len,
    uint32_t entry_size, uint32_t count);
/* A side attaches with the geometry it was told, and goes on from where
 * the ring is (entries pushed before stay to be popped); -EPROTO if the
 * header disagrees, -EINVAL for a geometry out of range or a region too
 * small. */
int shm_ring_attach(struct shm_ring *r, void *mem, size_t len,
    uint32_t entry_size, uint32_t count, enum shm_ring_role role);

/* Producer: up to n entries (n * entry_size bytes at src). The number
 * pushed (0: full), or -EPROTO. */
int shm_ring_push(struct shm_ring *r, const void *src, unsigned n);
/* Consumer: up to n entries copied to dst. The number popped (0: empty),
 * or -EPROTO. */
int shm_ring_pop(struct shm_ring *r, void *dst, unsigned n);

/* Producer: entries that fit now. Consumer: entries waiting now. Both
 * read the peer's index: a broken one gives 0 (push/pop then say so). */
uint32_t shm_ring_room(const struct shm_ring *r);
uint32_t shm_ring_pending(const struct shm_ring *r);

/*
 * Shared memory for rings: an anonymous memfd, mapped here, to be passed
 * to the peer (SCM_RIGHTS), sealed against shrinking. map takes the
 * peer's fd and refuses one smaller than len or not sealed against
 * shrinking (a peer must not be able to make us fault: -EINVAL).
 */
int shm_region_create(const char *name, size_t len, int *fd, void **mem);
int shm_region_map(int fd, size_t len, void **mem);
void shm_region_unmap(void *mem, size_t len);

#endif
