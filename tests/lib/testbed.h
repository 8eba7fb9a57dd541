/*
 * The netns test bed from C: wraps scripts/testbed.sh (path in the
 * LAGNIC_TESTBED environment variable, set by meson) so that tests,
 * benchmarks and the demo share one implementation.
 *
 * A testbed created here is torn down by testbed_down(), and also at exit
 * and on a fatal signal, so a failing or crashing test leaves nothing.
 */
#ifndef LAGNIC_TESTS_TESTBED_H
#define LAGNIC_TESTS_TESTBED_H

#include <stdbool.h>

struct testbed {
	char name[24];
	bool up;
};

/* Root and the tools are there? Else an explanation on stderr, false. */
bool testbed_available(void);

/* Two hosts h0, h1 joined by `links` veth pairs eth<i> <-> eth<i>. */
int testbed_pair(struct testbed *tb, const char *prefix, int links);
/* `hosts` hosts, each with `links` links to a switch namespace (bridged). */
int testbed_star(struct testbed *tb, const char *prefix, int hosts, int links,
    bool bridge);
void testbed_down(struct testbed *tb);

/* Run a shell command inside host's namespace; returns its exit status. */
int testbed_sh(const struct testbed *tb, const char *host, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Move the calling thread into host's namespace (sockets created after
 * this live there); returns a handle for testbed_leave, or -errno.
 */
int testbed_enter(const struct testbed *tb, const char *host);
void testbed_leave(int handle);

#endif
