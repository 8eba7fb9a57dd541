/*
 * An application's own memory (malloc'd, on its stack, anywhere it has it
 * mapped), which lagnicd cannot map: the engine reaches an MR over it by
 * copies with process_vm_readv/writev, straight between the application's
 * pages and the frame being built or received.
 *
 * Which process: the one that connected (SO_PEERCRED, translated into
 * our PID namespace). Its pidfd tells the owner when it exits, so that the
 * client is dropped before its PID could name another process.
 */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Page probes per process_vm_readv: at most IOV_MAX (1024) iovecs. */
#define PROBE_BATCH	1024
#define PROBE_PAGE	4096u

static int
mem_read(void *ctx, uint64_t addr, void *dst, size_t len)
{
	struct rdma_client *c = ctx;
	struct iovec l = { .iov_base = dst, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	if (process_vm_readv(c->pid, &l, 1, &r, 1, 0) == (ssize_t)len)
		return 0;
	c->svc->cnt.mem_faults++;
	return -EFAULT;
}

static int
mem_write(void *ctx, uint64_t addr, const void *src, size_t len)
{
	struct rdma_client *c = ctx;
	struct iovec l = { .iov_base = (void *)src, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	if (process_vm_writev(c->pid, &l, 1, &r, 1, 0) == (ssize_t)len)
		return 0;
	c->svc->cnt.mem_faults++;
	return -EFAULT;
}

const struct roce_mem_ops rdma_client_mem_ops = {
	.read = mem_read,
	.write = mem_write,
};

/*
 * Every page of [va, va + len) is there to be read now: one byte of each,
 * PROBE_BATCH pages a call. -EFAULT for a hole, -EPERM (or another
 * -errno) if the process is out of our reach.
 */
int
rdma_client_mem_probe(struct rdma_client *c, uint64_t va, uint64_t len)
{
	static uint8_t sink[PROBE_BATCH];
	struct iovec l[PROBE_BATCH], r[PROBE_BATCH];
	uint64_t end = va + len;
	uint64_t p = va;

	if (c->pid <= 0)
		return -EPERM;
	while (p < end) {
		unsigned n = 0;
		ssize_t got;

		for (; n < PROBE_BATCH && p < end; n++) {
			l[n] = (struct iovec){ .iov_base = &sink[n], .iov_len = 1 };
			r[n] = (struct iovec){ .iov_base = (void *)(uintptr_t)p,
			    .iov_len = 1 };
			p = (p | (PROBE_PAGE - 1)) + 1;	/* the next page */
		}
		got = process_vm_readv(c->pid, l, n, r, n, 0);
		if (got < 0)
			return errno == ESRCH ? -EFAULT : -errno;
		if (got != (ssize_t)n)
			return -EFAULT;
	}
	return 0;
}

/* Who connected: its PID, and a pidfd to watch for its end (-1 if the
 * kernel has none: the client's socket is then the only watch). */
void
rdma_client_mem_init(struct rdma_client *c)
{
	struct ucred cred;
	socklen_t n = sizeof(cred);

	c->pid = 0;
	c->pidfd = -1;
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &n) < 0 ||
	    cred.pid <= 0)
		return;
	c->pid = cred.pid;
	c->pidfd = (int)syscall(SYS_pidfd_open, cred.pid, 0);
}
