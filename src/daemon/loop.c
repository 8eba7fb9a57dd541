#include "daemon/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/compiler.h"

struct loop_fd {
	int fd;			/* -1: free slot */
	loop_fd_fn *fn;
	void *arg;
};

struct loop_poller {
	loop_poll_fn *poll;
	loop_deadline_fn *deadline;
	void *arg;
};

struct loop {
	const struct clock *clock;
	int epfd;
	bool stop;
	struct loop_fd fds[LOOP_FDS_MAX];
	struct loop_poller pollers[LOOP_POLLERS_MAX];
	unsigned npollers;
};

struct loop *
loop_create(const struct clock *clock)
{
	struct loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->clock = clock;
	for (unsigned i = 0; i < LOOP_FDS_MAX; i++)
		loop->fds[i].fd = -1;
	return loop;
}

void
loop_destroy(struct loop *loop)
{
	if (!loop)
		return;
	close(loop->epfd);
	free(loop);
}

const struct clock *
loop_clock(const struct loop *loop)
{
	return loop->clock;
}

static struct loop_fd *
loop_fd_find(struct loop *loop, int fd)
{
	for (unsigned i = 0; i < LOOP_FDS_MAX; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

int
loop_fd_add(struct loop *loop, int fd, uint32_t events, loop_fd_fn *fn,
    void *arg)
{
	struct loop_fd *slot;
	struct epoll_event ev = { .events = events };

	if (fd < 0 || loop_fd_find(loop, fd))
		return -EEXIST;
	slot = loop_fd_find(loop, -1);
	if (!slot)
		return -ENOSPC;
	ev.data.ptr = slot;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	*slot = (struct loop_fd){ .fd = fd, .fn = fn, .arg = arg };
	return 0;
}

int
loop_fd_mod(struct loop *loop, int fd, uint32_t events)
{
	struct loop_fd *slot = loop_fd_find(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!slot)
		return -ENOENT;
	ev.data.ptr = slot;
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void
loop_fd_del(struct loop *loop, int fd)
{
	struct loop_fd *slot = loop_fd_find(loop, fd);

	if (!slot)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	slot->fd = -1;		/* an event already fetched for it is ignored */
}

int
loop_poller_add(struct loop *loop, loop_poll_fn *poll,
    loop_deadline_fn *deadline, void *arg)
{
	if (loop->npollers == LOOP_POLLERS_MAX)
		return -ENOSPC;
	loop->pollers[loop->npollers++] = (struct loop_poller){
		.poll = poll, .deadline = deadline, .arg = arg,
	};
	return 0;
}

void
loop_poller_del(struct loop *loop, void *arg)
{
	for (unsigned i = 0; i < loop->npollers; i++) {
		if (loop->pollers[i].arg != arg)
			continue;
		memmove(&loop->pollers[i], &loop->pollers[i + 1],
		    (loop->npollers - i - 1) * sizeof(loop->pollers[0]));
		loop->npollers--;
		i--;
	}
}

void
loop_stop(struct loop *loop)
{
	loop->stop = true;
}

/* ms to sleep at most: 0 while hot, else until the earliest deadline. */
static int
loop_timeout_ms(struct loop *loop, bool hot)
{
	uint64_t next = UINT64_MAX, now;

	if (hot)
		return 0;
	for (unsigned i = 0; i < loop->npollers; i++)
		if (loop->pollers[i].deadline)
			next = MIN(next, loop->pollers[i].deadline(
			    loop->pollers[i].arg));
	if (next == UINT64_MAX)
		return -1;
	now = clock_now(loop->clock);
	if (next <= now)
		return 0;
	/* round up: waking early would only spin */
	return (int)MIN((next - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC,
	    (uint64_t)60000);
}

static bool
loop_run_pollers(struct loop *loop)
{
	bool work = false;

	for (unsigned i = 0; i < loop->npollers; i++)
		work |= loop->pollers[i].poll(loop, loop->pollers[i].arg);
	return work;
}

int
loop_run(struct loop *loop)
{
	struct epoll_event evs[32];
	bool hot = false;
	int n;

	loop->stop = false;
	while (!loop->stop) {
		n = epoll_wait(loop->epfd, evs, ARRAY_SIZE(evs),
		    loop_timeout_ms(loop, hot));
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct loop_fd *slot = evs[i].data.ptr;

			if (slot->fd >= 0)
				slot->fn(loop, slot->fd, evs[i].events,
				    slot->arg);
		}
		hot = loop_run_pollers(loop);
	}
	return 0;
}
