/* lagnic-perf's command line. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools/perf_rdma.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: lagnic-perf [-t write|send|read] [-s SIZE] "
	    "[-n ITERS | -D SEC] [-d DEPTH] [-q QPS] [-p PORT] [-i IF] "
	    "[-r SOCKET] [-g FILE] [-G US] [-H SEC] [-b] [-c] [-j] "
	    "server | client ADDR\n");
	exit(2);
}

static enum roce_wr_opcode
op_of(const char *s)
{
	if (!strcmp(s, "send"))
		return ROCE_WR_SEND;
	if (!strcmp(s, "read"))
		return ROCE_WR_RDMA_READ;
	if (!strcmp(s, "write"))
		return ROCE_WR_RDMA_WRITE;
	usage();
}

/* A whole number in [min, max], or usage. */
static uint32_t
num(const char *s, uint32_t min, uint32_t max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end || v < min || v > max)
		usage();
	return (uint32_t)v;
}

static void
parse_opt(int c, struct rperf_opts *o)
{
	switch (c) {
	case 't': o->op = op_of(optarg); break;
	case 's': o->size = num(optarg, 1, 1u << 30); break;
	case 'n': o->iters = num(optarg, 1, UINT32_MAX); break;
	case 'D': o->duration = atof(optarg); break;
	case 'd': o->depth = num(optarg, 1, RPERF_DEPTH_MAX); break;
	case 'q': o->nqp = num(optarg, 1, RPERF_QPS_MAX); break;
	case 'p': o->port = (int)num(optarg, 1, 65535); break;
	case 'i': o->ifname = optarg; break;
	case 'r': o->sock = optarg; break;
	case 'g': o->gap_log = optarg; break;
	case 'G': o->gap_min_us = num(optarg, 1, UINT32_MAX); break;
	case 'H': o->hold_s = num(optarg, 0, 86400); break;
	case 'b': o->bidir = true; break;
	case 'c': o->check = true; break;
	case 'j': o->json = true; break;
	default: usage();
	}
}

void
rperf_parse(int argc, char **argv, struct rperf_opts *o)
{
	int c;

	*o = (struct rperf_opts){ .op = ROCE_WR_RDMA_WRITE, .size = 65536,
	    .iters = 1000, .depth = 16, .nqp = 1, .port = 18515,
	    .ifname = "lag0", .gap_min_us = RPERF_GAP_MIN_US };
	while ((c = getopt(argc, argv, "t:s:n:D:d:q:p:i:r:g:G:H:bcj")) != -1)
		parse_opt(c, o);
	if (optind < argc && !strcmp(argv[optind], "client") &&
	    optind + 1 < argc)
		o->server = argv[optind + 1];
	else if (optind >= argc || strcmp(argv[optind], "server"))
		usage();
	if (o->duration < 0 || o->duration > 86400)
		usage();
}
