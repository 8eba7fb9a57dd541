/* The shared-memory ring: order, full/empty, wrap, two processes, and a
 * hostile peer that corrupts indices or the header. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/compiler.h"
#include "lib/shm_ring.h"

struct entry {
	uint64_t seq;
	uint64_t check;
};

static struct entry
entry_of(uint64_t seq)
{
	return (struct entry){ .seq = seq, .check = ~seq * 0x9e3779b97f4a7c15u };
}

struct pair {
	void *mem;
	size_t len;
	struct shm_ring prod, cons;
};

static void
pair_init(struct pair *p, uint32_t count)
{
	p->len = shm_ring_bytes(sizeof(struct entry), count);
	assert_true(p->len > 0);
	p->mem = calloc(1, p->len);
	assert_non_null(p->mem);
	assert_int_equal(shm_ring_format(&p->prod, p->mem, p->len,
	    sizeof(struct entry), count), 0);
	assert_int_equal(shm_ring_attach(&p->cons, p->mem, p->len,
	    sizeof(struct entry), count, SHM_RING_CONSUMER), 0);
}

static void
test_fifo_full_empty_and_wrap(void **state)
{
	struct pair p;
	struct entry e[8], out[8];
	uint64_t next_in = 0, next_out = 0;

	pair_init(&p, 8);
	assert_int_equal(shm_ring_pop(&p.cons, out, 8), 0);
	for (unsigned round = 0; round < 100; round++) {
		unsigned k = 1 + round % 8, n;
		int pushed;

		for (unsigned i = 0; i < 8; i++)
			e[i] = entry_of(next_in + i);
		pushed = shm_ring_push(&p.prod, e, k);
		assert_true(pushed >= 0);
		next_in += (unsigned)pushed;
		n = (unsigned)shm_ring_pop(&p.cons, out, 1 + (round * 3) % 8);
		for (unsigned i = 0; i < n; i++) {
			struct entry want = entry_of(next_out + i);

			assert_memory_equal(&out[i], &want, sizeof(want));
		}
		next_out += n;
		assert_true(next_in - next_out <= 8);
	}
	/* full: exactly count entries fit */
	while (shm_ring_pop(&p.cons, out, 8) > 0)
		;
	for (unsigned i = 0; i < 8; i++)
		e[i] = entry_of(i);
	assert_int_equal(shm_ring_room(&p.prod), 8);
	assert_int_equal(shm_ring_push(&p.prod, e, 8), 8);
	assert_int_equal(shm_ring_room(&p.prod), 0);
	assert_int_equal(shm_ring_pending(&p.cons), 8);
	assert_int_equal(shm_ring_push(&p.prod, e, 1), 0);
	assert_int_equal(shm_ring_pop(&p.cons, out, 3), 3);
	assert_int_equal(shm_ring_pending(&p.cons), 5);
	assert_int_equal(shm_ring_room(&p.prod), 3);
	assert_int_equal(shm_ring_push(&p.prod, e, 8), 3);
	free(p.mem);
}

static void
test_geometry_checks(void **state)
{
	struct shm_ring r;
	uint8_t mem[4096] = { 0 };

	assert_int_equal(shm_ring_bytes(16, 6), 0);	/* not a power of 2 */
	assert_int_equal(shm_ring_bytes(12, 8), 0);	/* not a multiple of 8 */
	assert_int_equal(shm_ring_bytes(16, 0), 0);
	assert_int_equal(shm_ring_bytes(8192, 8), 0);
	assert_int_equal(shm_ring_format(&r, mem, 100, 16, 8), -EINVAL);
	assert_int_equal(shm_ring_format(&r, mem, sizeof(mem), 16, 8), 0);
	assert_int_equal(shm_ring_attach(&r, mem, sizeof(mem), 16, 16,
	    SHM_RING_CONSUMER), -EPROTO);
	assert_int_equal(shm_ring_attach(&r, mem, sizeof(mem), 32, 8,
	    SHM_RING_CONSUMER), -EPROTO);
	mem[0] ^= 1;					/* bad magic */
	assert_int_equal(shm_ring_attach(&r, mem, sizeof(mem), 16, 8,
	    SHM_RING_CONSUMER), -EPROTO);
}

/* A peer that writes nonsense into the indices is caught, not followed;
 * one that rewrites the header after attach changes nothing for us. */
static void
test_hostile_peer(void **state)
{
	struct pair p;
	struct entry e = entry_of(1), out[4];

	pair_init(&p, 4);
	atomic_store(p.cons.prod, 1000);	/* far ahead of us */
	assert_int_equal(shm_ring_pop(&p.cons, out, 4), -EPROTO);
	atomic_store(p.cons.prod, (uint32_t)-1);	/* behind us */
	assert_int_equal(shm_ring_pop(&p.cons, out, 4), -EPROTO);
	atomic_store(p.cons.prod, 0);
	assert_int_equal(shm_ring_pop(&p.cons, out, 4), 0);

	atomic_store(p.prod.cons, 7);		/* consumed what was not made */
	assert_int_equal(shm_ring_push(&p.prod, &e, 1), -EPROTO);
	atomic_store(p.prod.cons, 0);
	memset(p.mem, 0xff, 16);		/* header: count 2^32-1 */
	assert_int_equal(shm_ring_attach(&p.cons, p.mem, p.len,
	    sizeof(struct entry), 4, SHM_RING_CONSUMER), -EPROTO);
	assert_int_equal(shm_ring_format(&p.prod, p.mem, p.len,
	    sizeof(struct entry), 4), 0);
	assert_int_equal(shm_ring_attach(&p.cons, p.mem, p.len,
	    sizeof(struct entry), 4, SHM_RING_CONSUMER), 0);
	memset(p.mem, 0xff, 16);		/* after attach: no effect */
	assert_int_equal(shm_ring_push(&p.prod, &e, 1), 1);
	assert_int_equal(shm_ring_pop(&p.cons, out, 4), 1);
	assert_int_equal(out[0].seq, 1);
	free(p.mem);
}

/* Two processes over a memfd: a million entries, in order, intact. */
static void
test_two_processes(void **state)
{
	const uint32_t count = 1024;
	const uint64_t total = 1000000;
	size_t len = shm_ring_bytes(sizeof(struct entry), count);
	struct shm_ring r;
	void *mem, *mem2;
	int fd, status;
	pid_t pid;

	assert_int_equal(shm_region_create("test-ring", len, &fd, &mem), 0);
	assert_int_equal(shm_ring_format(&r, mem, len, sizeof(struct entry),
	    count), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct shm_ring c;
		struct entry in[64];
		uint64_t next = 0;
		int n;

		if (shm_region_map(fd, len, &mem2) ||
		    shm_ring_attach(&c, mem2, len, sizeof(struct entry), count,
		    SHM_RING_CONSUMER))
			_exit(2);
		while (next < total) {
			n = shm_ring_pop(&c, in, 64);
			if (n < 0)
				_exit(3);
			for (int i = 0; i < n; i++, next++)
				if (in[i].seq != next ||
				    in[i].check != entry_of(next).check)
					_exit(4);
		}
		_exit(0);
	}
	for (uint64_t next = 0; next < total;) {
		struct entry out[64];
		unsigned k = (unsigned)MIN(64, total - next);
		int n;

		for (unsigned i = 0; i < k; i++)
			out[i] = entry_of(next + i);
		n = shm_ring_push(&r, out, k);
		assert_true(n >= 0);
		/* a full ring and a consumer that died: stop, do not spin */
		if (n == 0 && waitpid(pid, &status, WNOHANG) == pid)
			fail_msg("consumer exited with %d", WEXITSTATUS(status));
		next += (uint64_t)n;
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	shm_region_unmap(mem, len);
	close(fd);
}

static void
test_region_map_refuses_small_or_unsealed(void **state)
{
	size_t len = shm_ring_bytes(16, 64);
	void *mem, *m2;
	int fd, raw;

	assert_int_equal(shm_region_create("test-ring", len, &fd, &mem), 0);
	assert_int_equal(shm_region_map(fd, len * 2, &m2), -EINVAL);
	assert_int_equal(ftruncate(fd, 16), -1);	/* sealed */
	shm_region_unmap(mem, len);
	close(fd);
	raw = memfd_create("unsealed", MFD_CLOEXEC);
	assert_true(raw >= 0);
	assert_int_equal(ftruncate(raw, (off_t)len), 0);
	assert_int_equal(shm_region_map(raw, len, &m2), -EINVAL);
	close(raw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_full_empty_and_wrap),
		cmocka_unit_test(test_geometry_checks),
		cmocka_unit_test(test_hostile_peer),
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_region_map_refuses_small_or_unsealed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
