/*
 * What both raw baselines need from Linux besides their socket: the
 * interface's facts, a promiscuous hold like a lagnic port's, the time.
 * Nothing of lagnic's datapath.
 */
#ifndef LAGNIC_BENCH_RAW_UTIL_H
#define LAGNIC_BENCH_RAW_UTIL_H

#include <stdint.h>

struct raw_if {
	int ifindex;
	uint8_t mac[6];
	uint32_t mtu;
};

/* 0 or -errno (-ENODEV: no such interface). */
int raw_if_query(const char *ifname, struct raw_if *out);
/* Promiscuous while the returned fd is open (as lagnic ports run); fd or
 * -errno. */
int raw_promisc_hold(int ifindex);
uint64_t raw_now_ns(void);
/* Exit status for an open failure: 2 if --size does not fit, else 1. */
int raw_check_size(const char *tool, uint32_t size, const struct raw_if *ifc);

#endif
