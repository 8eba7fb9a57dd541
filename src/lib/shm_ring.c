#include "lib/shm_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/compiler.h"

#define SHM_RING_LINE	64

struct shm_ring_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t entry_size;
	uint32_t count;
	uint8_t pad[SHM_RING_LINE - 16];
};
static_assert(sizeof(struct shm_ring_hdr) == SHM_RING_LINE, "ring header");

/* header, producer index, consumer index: a cache line each */
#define SHM_RING_PROD_OFF	SHM_RING_LINE
#define SHM_RING_CONS_OFF	(2 * SHM_RING_LINE)
#define SHM_RING_ENTRIES_OFF	(3 * SHM_RING_LINE)

static bool
shm_ring_geometry_ok(uint32_t entry_size, uint32_t count)
{
	return count && count <= SHM_RING_COUNT_MAX && !(count & (count - 1)) &&
	    entry_size && entry_size <= SHM_RING_ENTRY_MAX && !(entry_size % 8);
}

size_t
shm_ring_bytes(uint32_t entry_size, uint32_t count)
{
	if (!shm_ring_geometry_ok(entry_size, count))
		return 0;
	return SHM_RING_ENTRIES_OFF + (size_t)entry_size * count;
}

static void
shm_ring_view(struct shm_ring *r, void *mem, uint32_t entry_size,
    uint32_t count)
{
	uint8_t *base = mem;

	*r = (struct shm_ring){
		.entries = base + SHM_RING_ENTRIES_OFF,
		.prod = (_Atomic uint32_t *)(base + SHM_RING_PROD_OFF),
		.cons = (_Atomic uint32_t *)(base + SHM_RING_CONS_OFF),
		.entry_size = entry_size,
		.count = count,
	};
}

int
shm_ring_format(struct shm_ring *r, void *mem, size_t len,
    uint32_t entry_size, uint32_t count)
{
	size_t need = shm_ring_bytes(entry_size, count);
	struct shm_ring_hdr h = {
		.magic = SHM_RING_MAGIC, .version = SHM_RING_VERSION,
		.entry_size = entry_size, .count = count,
	};

	if (!need || len < need)
		return -EINVAL;
	memset(mem, 0, SHM_RING_ENTRIES_OFF);
	memcpy(mem, &h, sizeof(h));
	shm_ring_view(r, mem, entry_size, count);
	return 0;
}

int
shm_ring_attach(struct shm_ring *r, void *mem, size_t len,
    uint32_t entry_size, uint32_t count, enum shm_ring_role role)
{
	uint32_t prod, cons;
	size_t need = shm_ring_bytes(entry_size, count);
	struct shm_ring_hdr h;

	if (!need || len < need)
		return -EINVAL;
	memcpy(&h, mem, sizeof(h));
	if (h.magic != SHM_RING_MAGIC || h.version != SHM_RING_VERSION ||
	    h.entry_size != entry_size || h.count != count)
		return -EPROTO;
	shm_ring_view(r, mem, entry_size, count);
	prod = atomic_load_explicit(r->prod, memory_order_acquire);
	cons = atomic_load_explicit(r->cons, memory_order_acquire);
	if (prod - cons > count)
		return -EPROTO;
	r->head = role == SHM_RING_PRODUCER ? prod : cons;
	r->other = role == SHM_RING_PRODUCER ? cons : prod;
	return 0;
}

static uint8_t *
shm_ring_entry(const struct shm_ring *r, uint32_t idx)
{
	return r->entries + (size_t)(idx & (r->count - 1)) * r->entry_size;
}

int
shm_ring_push(struct shm_ring *r, const void *src, unsigned n)
{
	uint32_t cons = atomic_load_explicit(r->cons, memory_order_acquire);
	uint32_t used = r->head - cons, room;
	const uint8_t *s = src;

	/* the consumer can neither pass us nor go back past what it had */
	if (used > r->count || cons - r->other > r->count)
		return -EPROTO;
	r->other = cons;
	room = MIN(r->count - used, n);
	for (uint32_t i = 0; i < room; i++)
		memcpy(shm_ring_entry(r, r->head + i), s + (size_t)i *
		    r->entry_size, r->entry_size);
	r->head += room;
	atomic_store_explicit(r->prod, r->head, memory_order_release);
	return (int)room;
}

int
shm_ring_pop(struct shm_ring *r, void *dst, unsigned n)
{
	uint32_t prod = atomic_load_explicit(r->prod, memory_order_acquire);
	uint32_t avail = prod - r->head, take;
	uint8_t *d = dst;

	/* more than a ring's worth ahead, or behind us: not a producer */
	if (avail > r->count)
		return -EPROTO;
	take = MIN(avail, n);
	for (uint32_t i = 0; i < take; i++)
		memcpy(d + (size_t)i * r->entry_size,
		    shm_ring_entry(r, r->head + i), r->entry_size);
	r->head += take;
	atomic_store_explicit(r->cons, r->head, memory_order_release);
	return (int)take;
}

/* errno as -errno, after closing fd */
static int
shm_close_err(int fd)
{
	int e = -errno;

	close(fd);
	return e;
}

uint32_t
shm_ring_room(const struct shm_ring *r)
{
	uint32_t cons = atomic_load_explicit(r->cons, memory_order_acquire);
	uint32_t used = r->head - cons;

	return used > r->count ? 0 : r->count - used;
}

uint32_t
shm_ring_pending(const struct shm_ring *r)
{
	uint32_t prod = atomic_load_explicit(r->prod, memory_order_acquire);
	uint32_t avail = prod - r->head;

	return avail > r->count ? 0 : avail;
}

int
shm_region_create(const char *name, size_t len, int *fd, void **mem)
{
	void *m;
	int f;

	f = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (f < 0)
		return -errno;
	/* sealed: the peer cannot shrink it under our mapping (SIGBUS) */
	if (ftruncate(f, (off_t)len) < 0 ||
	    fcntl(f, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return shm_close_err(f);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	if (m == MAP_FAILED)
		return shm_close_err(f);
	*fd = f;
	*mem = m;
	return 0;
}

int
shm_region_map(int fd, size_t len, void **mem)
{
	struct stat st;
	void *m;
	int seals;

	if (fstat(fd, &st) < 0)
		return -errno;
	seals = fcntl(fd, F_GET_SEALS);
	if (st.st_size < 0 || (size_t)st.st_size < len || seals < 0 ||
	    !(seals & F_SEAL_SHRINK))
		return -EINVAL;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	*mem = m;
	return 0;
}

void
shm_region_unmap(void *mem, size_t len)
{
	if (mem)
		munmap(mem, len);
}
