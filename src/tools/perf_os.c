/* perf: signals and sleeping, the little every traffic tool asks of Linux. */
#include "tools/perf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

volatile int perf_stop;

static void
perf_on_signal(int sig)
{
	(void)sig;
	perf_stop = 1;
}

int
perf_signals_install(void)
{
	struct sigaction sa = { .sa_handler = perf_on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

void
perf_sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};

	nanosleep(&ts, NULL);
}

void
perf_wait_readable(int fd, uint64_t max_ns)
{
	uint64_t ms = MIN((max_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC,
	    (uint64_t)PERF_POLL_MAX_MS);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		perf_sleep_ns(MIN(max_ns, NSEC_PER_MSEC));
	else
		poll(&pfd, 1, (int)ms);
}
