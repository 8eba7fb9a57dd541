/*
 * lagnicd's event loop: one thread, epoll for every fd (ports, TAPs, the
 * link monitor, the control socket and its clients), deadlines for timers.
 *
 * Adaptive polling: while the datapath has work (a poller reports it did
 * something) the loop goes round without sleeping; when it has none, it
 * blocks in epoll_wait until an fd is ready or the next deadline. Each
 * round does a bounded amount of work (a burst per port), so timers (LACP,
 * monitors) are served within one round whatever the traffic.
 */
#ifndef LAGNIC_DAEMON_LOOP_H
#define LAGNIC_DAEMON_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"

#define LOOP_FDS_MAX	256
#define LOOP_POLLERS_MAX 16

struct loop;

/* events: EPOLLIN/EPOLLOUT/... as received. */
typedef void loop_fd_fn(struct loop *loop, int fd, uint32_t events,
    void *arg);
/* Called every round; returns true if it did work (keeps the loop hot). */
typedef bool loop_poll_fn(struct loop *loop, void *arg);
/* Next deadline (clock ns) this user needs to run at; UINT64_MAX: none. */
typedef uint64_t loop_deadline_fn(void *arg);

struct loop *loop_create(const struct clock *clock);
void loop_destroy(struct loop *loop);

int loop_fd_add(struct loop *loop, int fd, uint32_t events, loop_fd_fn *fn,
    void *arg);
int loop_fd_mod(struct loop *loop, int fd, uint32_t events);
void loop_fd_del(struct loop *loop, int fd);

/* A poller runs every round; deadline (may be NULL) bounds the sleep. */
int loop_poller_add(struct loop *loop, loop_poll_fn *poll,
    loop_deadline_fn *deadline, void *arg);
void loop_poller_del(struct loop *loop, void *arg);

/* Run until loop_stop(); returns 0 or -errno. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

const struct clock *loop_clock(const struct loop *loop);

#endif
