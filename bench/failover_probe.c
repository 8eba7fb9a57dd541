/*
 * failover_probe: how long a continuous stream stops when the link that
 * carries it is cut. It listens on both ends of a LAG's links at the far
 * side (the "rx" namespace), finds the link carrying the stream, cuts it
 * (`ip link set IF down`, in the namespace given: ours or the partner's)
 * and times from just before the cut to the first frame of the stream on
 * the surviving link. Then it restores the link, lets the LAG settle and
 * repeats. One line per trial, then median and max (text or --json).
 *
 * With --lag-ns it also listens to rtnetlink in the LAG's namespace and
 * notes when the carrier loss of the cut member (same names as --cut-if)
 * was announced there: the event the LAG reacts to. The gap then splits
 * in two: the kernel's part, from the cut to that event (its own work of
 * taking the veth down), and the LAG's, from the event to the first frame
 * on the other link.
 *
 *   failover_probe --rx-ns NS --rx-if A,B --cut-ns NS --cut-if A,B
 *                  [--lag-ns NS] [--trials N] [--settle-ms MS]
 *                  [--timeout-ms MS] [--json]
 *
 * The i-th name of --cut-if is the same link as the i-th of --rx-if.
 * CLOCK_MONOTONIC is the same in every namespace, so the cut and the
 * frame are timed on one clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libmnl/libmnl.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <linux/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "port/link.h"

#define LINKS 2
#define TRIALS_MAX 1000

struct probe {
	const char *rx_ns, *cut_ns, *lag_ns;
	char rx_if[LINKS][IF_NAMESIZE], cut_if[LINKS][IF_NAMESIZE];
	int rx_fd[LINKS];
	int cut_ifindex[LINKS];
	int lag_ifindex[LINKS];		/* the members, in lag_ns */
	struct mnl_socket *nl;		/* link events in lag_ns, or NULL */
	int ns_rx, ns_cut, ns_home;
	unsigned trials;
	unsigned settle_ms, timeout_ms;
	int json;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "failover_probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
ns_open(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	return fd;
}

static void
ns_enter(int fd)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns");
}

static int
rx_socket(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL) };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));

	if (fd < 0)
		die("socket");
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(fd, (void *)&sll, sizeof(sll)) < 0)
		die(ifname);
	return fd;
}

/* A frame of the stream: not a slow-protocol, LLDP or IPv6 ND frame. */
static int
stream_frame(int fd)
{
	uint8_t buf[2048];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	uint16_t type;

	if (n < 14)
		return 0;
	type = (uint16_t)(buf[12] << 8 | buf[13]);
	return type != 0x8809 && type != 0x88cc && type != 0x86dd &&
	    type != 0x0806 && type != 0x8035;
}

static void
drain(struct probe *p)
{
	for (int i = 0; i < LINKS; i++)
		while (recv(p->rx_fd[i], (char[2048]){ 0 }, 2048, MSG_DONTWAIT) > 0)
			;
}

/* The link the stream is on now: the one with most frames in 50 ms;
 * -1 if none carried it for 2 s (the LAG may still be settling). */
static int
active_link(struct probe *p)
{
	uint64_t give_up = now_ns() + 2000000000ULL;

	while (now_ns() < give_up) {
		unsigned seen[LINKS] = { 0 };
		uint64_t end;

		drain(p);
		end = now_ns() + 50000000ULL;
		while (now_ns() < end)
			for (int i = 0; i < LINKS; i++)
				seen[i] += (unsigned)stream_frame(p->rx_fd[i]);
		if (seen[0] || seen[1])
			return seen[1] > seen[0];
	}
	return -1;
}

static void
set_link(struct probe *p, int link, int up)
{
	int err;

	ns_enter(p->ns_cut);
	err = link_set_admin(p->cut_ifindex[link], up);
	ns_enter(p->ns_rx);
	if (err) {
		errno = -err;
		die("link_set_admin");
	}
}

static struct mnl_socket *
link_events_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK);

	if (!nl || mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		die("rtnetlink");
	return nl;
}

/* Whether the pending link events say ifindex lost its carrier. */
static bool
carrier_lost(struct probe *p, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool lost = false;
	ssize_t n;

	while ((n = mnl_socket_recvfrom(p->nl, buf, sizeof(buf))) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct ifinfomsg *ifi;

			if (nlh->nlmsg_type != RTM_NEWLINK ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			ifi = mnl_nlmsg_get_payload(nlh);
			if (ifi->ifi_index == ifindex &&
			    !(ifi->ifi_flags & IFF_LOWER_UP))
				lost = true;
		}
	}
	return lost;
}

static void
link_events_drain(struct probe *p)
{
	if (p->nl)
		carrier_lost(p, 0);
}

struct trial_times {
	int64_t gap;		/* cut -> first frame on the other link; -1 */
	int64_t event;		/* cut -> carrier loss announced; -1 */
};

/* Cut `link`; time from the cut to the first stream frame on the other,
 * and to the carrier event in the LAG's namespace. */
static struct trial_times
trial(struct probe *p, int link)
{
	struct trial_times tt = { .gap = -1, .event = -1 };
	int other = !link;
	uint64_t t0, limit;

	drain(p);
	link_events_drain(p);
	t0 = now_ns();
	set_link(p, link, 0);
	limit = t0 + (uint64_t)p->timeout_ms * 1000000ULL;
	while (now_ns() < limit && tt.gap < 0) {
		if (p->nl && tt.event < 0 &&
		    carrier_lost(p, p->lag_ifindex[link]))
			tt.event = (int64_t)(now_ns() - t0);
		if (stream_frame(p->rx_fd[other]))
			tt.gap = (int64_t)(now_ns() - t0);
	}
	/* the frame may come first if the event was read late: look once
	 * more, so the kernel's part is still known */
	if (p->nl && tt.event < 0 && carrier_lost(p, p->lag_ifindex[link]))
		tt.event = (int64_t)(now_ns() - t0);
	return tt;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
split_pair(const char *arg, char out[LINKS][IF_NAMESIZE])
{
	if (sscanf(arg, "%15[^,],%15s", out[0], out[1]) != 2) {
		fprintf(stderr, "failover_probe: expected IF,IF: %s\n", arg);
		exit(2);
	}
}

static void
parse_args(int argc, char **argv, struct probe *p)
{
	static const struct option opts[] = {
		{ "rx-ns", required_argument, NULL, 'r' },
		{ "rx-if", required_argument, NULL, 'R' },
		{ "cut-ns", required_argument, NULL, 'c' },
		{ "cut-if", required_argument, NULL, 'C' },
		{ "lag-ns", required_argument, NULL, 'l' },
		{ "trials", required_argument, NULL, 't' },
		{ "settle-ms", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	int c;

	p->trials = 20;
	p->settle_ms = 500;
	p->timeout_ms = 5000;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': p->rx_ns = optarg; break;
		case 'R': split_pair(optarg, p->rx_if); break;
		case 'c': p->cut_ns = optarg; break;
		case 'C': split_pair(optarg, p->cut_if); break;
		case 'l': p->lag_ns = optarg; break;
		case 't': p->trials = (unsigned)atoi(optarg); break;
		case 's': p->settle_ms = (unsigned)atoi(optarg); break;
		case 'T': p->timeout_ms = (unsigned)atoi(optarg); break;
		case 'j': p->json = 1; break;
		default: exit(2);
		}
	}
	if (!p->rx_ns || !p->cut_ns || !p->rx_if[0][0] || !p->cut_if[0][0] ||
	    p->trials == 0 || p->trials > TRIALS_MAX) {
		fprintf(stderr, "usage: failover_probe --rx-ns NS --rx-if A,B "
		    "--cut-ns NS --cut-if A,B [--lag-ns NS] [--trials N<=%d] "
		    "[--settle-ms MS] [--timeout-ms MS] [--json]\n",
		    TRIALS_MAX);
		exit(2);
	}
}

static void
setup(struct probe *p)
{
	p->ns_rx = ns_open(p->rx_ns);
	p->ns_cut = ns_open(p->cut_ns);
	ns_enter(p->ns_cut);
	for (int i = 0; i < LINKS; i++) {
		p->cut_ifindex[i] = (int)if_nametoindex(p->cut_if[i]);
		if (!p->cut_ifindex[i])
			die(p->cut_if[i]);
	}
	if (p->lag_ns) {
		ns_enter(ns_open(p->lag_ns));
		for (int i = 0; i < LINKS; i++) {
			p->lag_ifindex[i] = (int)if_nametoindex(p->cut_if[i]);
			if (!p->lag_ifindex[i])
				die(p->cut_if[i]);
		}
		p->nl = link_events_open();
	}
	ns_enter(p->ns_rx);
	for (int i = 0; i < LINKS; i++)
		p->rx_fd[i] = rx_socket(p->rx_if[i]);
}

/* Sorts v; median, max and min in microseconds. */
struct stat3 { double median, max, min; };

static struct stat3
stat3(int64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return (struct stat3){ v[n / 2] / 1e3, v[n - 1] / 1e3, v[0] / 1e3 };
}

static void
report(const struct probe *p, int64_t *gap, unsigned n, unsigned lost,
    int64_t *kernel, int64_t *lag, unsigned nev)
{
	struct stat3 g = n ? stat3(gap, n) : (struct stat3){ 0 };
	struct stat3 k = nev ? stat3(kernel, nev) : (struct stat3){ 0 };
	struct stat3 l = nev ? stat3(lag, nev) : (struct stat3){ 0 };

	if (p->json) {
		printf("{\"trials\": %u, \"timeouts\": %u", n + lost, lost);
		if (n)
			printf(", \"median_us\": %.1f, \"max_us\": %.1f, "
			    "\"min_us\": %.1f", g.median, g.max, g.min);
		if (nev)
			printf(", \"events\": %u, \"kernel_median_us\": %.1f, "
			    "\"kernel_max_us\": %.1f, \"lag_median_us\": %.1f, "
			    "\"lag_max_us\": %.1f, \"lag_min_us\": %.1f", nev,
			    k.median, k.max, l.median, l.max, l.min);
		printf("}\n");
		return;
	}
	printf("trials %u, timeouts %u", n + lost, lost);
	if (n)
		printf(", median %.1f us, min %.1f us, max %.1f us",
		    g.median, g.min, g.max);
	if (nev)
		printf("; cut to event median %.1f us (max %.1f), event to "
		    "frame median %.1f us (min %.1f, max %.1f) in %u trials",
		    k.median, k.max, l.median, l.min, l.max, nev);
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct probe p = { 0 };
	int64_t gap[TRIALS_MAX], kernel[TRIALS_MAX], lag[TRIALS_MAX];
	unsigned n = 0, lost = 0, nev = 0;

	parse_args(argc, argv, &p);
	setup(&p);
	for (unsigned t = 0; t < p.trials; t++) {
		int link = active_link(&p);
		struct trial_times tt;

		if (link < 0) {
			fprintf(stderr, "failover_probe: no stream on %s or %s\n",
			    p.rx_if[0], p.rx_if[1]);
			return 1;
		}
		tt = trial(&p, link);
		if (!p.json)
			printf("trial %u: cut %s: %s%.1f us (event at %.1f us)\n",
			    t, p.cut_if[link], tt.gap < 0 ? "timeout " : "",
			    tt.gap < 0 ? 0 : tt.gap / 1e3, tt.event / 1e3);
		if (tt.gap < 0) {
			lost++;
		} else {
			gap[n++] = tt.gap;
			if (tt.event >= 0) {
				kernel[nev] = tt.event;
				lag[nev++] = tt.gap - tt.event;
			}
		}
		set_link(&p, link, 1);
		usleep(p.settle_ms * 1000);
	}
	report(&p, gap, n, lost, kernel, lag, nev);
	return lost ? 1 : 0;
}
