#include "testbed.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TESTBEDS_MAX 8

static struct testbed *live[TESTBEDS_MAX];
static bool hooks_installed;

static const char *
script(void)
{
	const char *s = getenv("LAGNIC_TESTBED");

	return s ? s : "scripts/testbed.sh";
}

/* fork+exec only: safe from a signal handler. */
static int
run_script(const char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
down_all(void)
{
	for (int i = 0; i < TESTBEDS_MAX; i++)
		if (live[i])
			testbed_down(live[i]);
}

static void
on_fatal_signal(int sig)
{
	down_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_hooks(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGABRT, SIGSEGV, SIGBUS };

	if (hooks_installed)
		return;
	hooks_installed = true;
	atexit(down_all);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
}

bool
testbed_available(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "testbed: needs root for network namespaces\n");
		return false;
	}
	if (access(script(), X_OK) != 0) {
		fprintf(stderr, "testbed: %s not executable\n", script());
		return false;
	}
	return true;
}

static int
track(struct testbed *tb, const char *prefix)
{
	install_hooks();
	snprintf(tb->name, sizeof(tb->name), "%.10s%d", prefix, (int)getpid());
	for (int i = 0; i < TESTBEDS_MAX; i++)
		if (!live[i]) {
			live[i] = tb;
			tb->up = true;
			return 0;
		}
	return -ENOSPC;
}

int
testbed_pair(struct testbed *tb, const char *prefix, int links)
{
	char n[16];
	int err = track(tb, prefix);

	if (err)
		return err;
	snprintf(n, sizeof(n), "%d", links);
	err = run_script((const char *[]){ script(), "pair", tb->name, n, NULL });
	if (err)
		testbed_down(tb);
	return err ? -EIO : 0;
}

int
testbed_star(struct testbed *tb, const char *prefix, int hosts, int links,
    bool bridge)
{
	char h[16], l[16];
	int err = track(tb, prefix);

	if (err)
		return err;
	snprintf(h, sizeof(h), "%d", hosts);
	snprintf(l, sizeof(l), "%d", links);
	err = run_script((const char *[]){ script(), "star", tb->name, h, l,
	    bridge ? "bridge" : "none", NULL });
	if (err)
		testbed_down(tb);
	return err ? -EIO : 0;
}

void
testbed_down(struct testbed *tb)
{
	if (!tb->up)
		return;
	tb->up = false;
	run_script((const char *[]){ script(), "down", tb->name, NULL });
	for (int i = 0; i < TESTBEDS_MAX; i++)
		if (live[i] == tb)
			live[i] = NULL;
}

int
testbed_sh(const struct testbed *tb, const char *host, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -E2BIG;
	return run_script((const char *[]){ script(), "exec", tb->name, host,
	    "sh", "-c", cmd, NULL });
}

int
testbed_enter(const struct testbed *tb, const char *host)
{
	char path[128];
	int self, target;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	snprintf(path, sizeof(path), "/run/netns/%s-%s", tb->name, host);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0 || setns(target, CLONE_NEWNET) < 0) {
		int err = -errno;

		if (target >= 0)
			close(target);
		close(self);
		return err;
	}
	close(target);
	return self;
}

void
testbed_leave(int handle)
{
	if (handle < 0)
		return;
	if (setns(handle, CLONE_NEWNET) < 0)
		abort();
	close(handle);
}
