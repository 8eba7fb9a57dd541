/*
 * Logging to stderr with a level, and a rate limiter for messages that the
 * wire or a user can trigger at will (bad packets, bad requests).
 */
#ifndef LAGNIC_LIB_LOG_H
#define LAGNIC_LIB_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/compiler.h"

enum log_level { LOG_L_ERR, LOG_L_WARN, LOG_L_INFO, LOG_L_DEBUG, LOG_L_COUNT };

extern enum log_level log_threshold;

void log_msg(enum log_level lvl, const char *fmt, ...) __printf(2, 3);

#define log_err(...)   log_msg(LOG_L_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_L_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_L_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_L_DEBUG, __VA_ARGS__)

/* At most `burst` messages per `interval_ns`; the rest are counted. */
struct ratelimit {
	uint64_t interval_ns;
	uint32_t burst;
	uint32_t printed;
	uint64_t window_start;
	uint64_t suppressed;
};

#define RATELIMIT_INIT { .interval_ns = 5 * NSEC_PER_SEC, .burst = 10 }

bool ratelimit_ok(struct ratelimit *rl, const struct clock *clk);

#endif
