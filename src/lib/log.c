#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>

enum log_level log_threshold = LOG_L_INFO;

static const char *const log_level_names[] = {
	[LOG_L_ERR] = "error", [LOG_L_WARN] = "warning",
	[LOG_L_INFO] = "info", [LOG_L_DEBUG] = "debug",
};
static_assert(ARRAY_SIZE(log_level_names) == LOG_L_COUNT, "log level names");

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl > log_threshold)
		return;
	fprintf(stderr, "lagnic: %s: ", log_level_names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool
ratelimit_ok(struct ratelimit *rl, const struct clock *clk)
{
	uint64_t now = clock_now(clk);

	if (now - rl->window_start >= rl->interval_ns) {
		if (rl->suppressed)
			log_warn("%llu messages suppressed",
			    (unsigned long long)rl->suppressed);
		rl->window_start = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < rl->burst) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}
