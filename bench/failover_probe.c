/*
 * failover_probe: how long a continuous stream stops when the link that
 * carries it is cut. It listens on both ends of a LAG's links at the far
 * side (the "rx" namespace), finds the link carrying the stream, cuts it
 * (`ip link set IF down`, in the namespace given: ours or the partner's)
 * and times from just before the cut to the first frame of the stream on
 * the surviving link. Then it restores the link, lets the LAG settle and
 * repeats. One line per trial, then median and max (text or --json).
 *
 *   failover_probe --rx-ns NS --rx-if A,B --cut-ns NS --cut-if A,B
 *                  [--trials N] [--settle-ms MS] [--timeout-ms MS] [--json]
 *
 * The i-th name of --cut-if is the same link as the i-th of --rx-if.
 * CLOCK_MONOTONIC is the same in every namespace, so the cut and the
 * frame are timed on one clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
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
	const char *rx_ns, *cut_ns;
	char rx_if[LINKS][IF_NAMESIZE], cut_if[LINKS][IF_NAMESIZE];
	int rx_fd[LINKS];
	int cut_ifindex[LINKS];
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

/* Cut `link`; ns from the cut to the first stream frame on the other. */
static int64_t
trial(struct probe *p, int link)
{
	int other = !link;
	uint64_t t0, limit;

	drain(p);
	t0 = now_ns();
	set_link(p, link, 0);
	limit = t0 + (uint64_t)p->timeout_ms * 1000000ULL;
	while (now_ns() < limit)
		if (stream_frame(p->rx_fd[other]))
			return (int64_t)(now_ns() - t0);
	return -1;
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
		    "--cut-ns NS --cut-if A,B [--trials N<=%d] [--settle-ms MS] "
		    "[--timeout-ms MS] [--json]\n", TRIALS_MAX);
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
	ns_enter(p->ns_rx);
	for (int i = 0; i < LINKS; i++)
		p->rx_fd[i] = rx_socket(p->rx_if[i]);
}

static void
report(const struct probe *p, int64_t *gap, unsigned n, unsigned lost)
{
	qsort(gap, n, sizeof(*gap), cmp_i64);
	if (p->json) {
		printf("{\"trials\": %u, \"timeouts\": %u", n + lost, lost);
		if (n)
			printf(", \"median_us\": %.1f, \"max_us\": %.1f, "
			    "\"min_us\": %.1f", gap[n / 2] / 1e3,
			    gap[n - 1] / 1e3, gap[0] / 1e3);
		printf("}\n");
		return;
	}
	printf("trials %u, timeouts %u", n + lost, lost);
	if (n)
		printf(", median %.1f us, min %.1f us, max %.1f us",
		    gap[n / 2] / 1e3, gap[0] / 1e3, gap[n - 1] / 1e3);
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct probe p = { 0 };
	int64_t gap[TRIALS_MAX];
	unsigned n = 0, lost = 0;

	parse_args(argc, argv, &p);
	setup(&p);
	for (unsigned t = 0; t < p.trials; t++) {
		int link = active_link(&p);
		int64_t g;

		if (link < 0) {
			fprintf(stderr, "failover_probe: no stream on %s or %s\n",
			    p.rx_if[0], p.rx_if[1]);
			return 1;
		}
		g = trial(&p, link);
		if (!p.json)
			printf("trial %u: cut %s: %s%.1f us\n", t, p.cut_if[link],
			    g < 0 ? "timeout " : "", g < 0 ? 0 : g / 1e3);
		if (g < 0)
			lost++;
		else
			gap[n++] = g;
		set_link(&p, link, 1);
		usleep(p.settle_ms * 1000);
	}
	report(&p, gap, n, lost);
	return lost ? 1 : 0;
}
