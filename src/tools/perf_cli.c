/* perf: the command line every traffic tool shares. */
#include "tools/perf.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PERF_TX_DURATION_DEFAULT	(5 * NSEC_PER_SEC)
#define PERF_DURATION_MAX_S		1e6
#define PERF_QUIET_MS_DEFAULT		300

const char *const perf_mode_names[] = {
	[PERF_M_TX] = "tx", [PERF_M_RX] = "rx", [PERF_M_INFO] = "info",
};
static_assert(ARRAY_SIZE(perf_mode_names) == PERF_M_COUNT, "mode names");

const char *const perf_xdp_mode_names[] = {
	[PERF_XDP_AUTO] = "auto", [PERF_XDP_NATIVE] = "native",
	[PERF_XDP_GENERIC] = "generic",
};
static_assert(ARRAY_SIZE(perf_xdp_mode_names) == PERF_XDP_COUNT,
    "xdp mode names");

static const char *const perf_backends[] = { "afxdp", "afpacket" };

enum {
	OPT_BACKEND = 256, OPT_IF, OPT_SIZE, OPT_DURATION, OPT_COUNT,
	OPT_FLOWS, OPT_XDP_MODE, OPT_JSON, OPT_RATE, OPT_BURST, OPT_RING,
	OPT_QUEUE, OPT_DST, OPT_QUIET_MS, OPT_HELP,
};

static const struct option perf_longopts[] = {
	{ "backend",  required_argument, NULL, OPT_BACKEND },
	{ "if",       required_argument, NULL, OPT_IF },
	{ "size",     required_argument, NULL, OPT_SIZE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count",    required_argument, NULL, OPT_COUNT },
	{ "flows",    required_argument, NULL, OPT_FLOWS },
	{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
	{ "json",     no_argument,       NULL, OPT_JSON },
	{ "rate",     required_argument, NULL, OPT_RATE },
	{ "burst",    required_argument, NULL, OPT_BURST },
	{ "ring",     required_argument, NULL, OPT_RING },
	{ "queue",    required_argument, NULL, OPT_QUEUE },
	{ "dst",      required_argument, NULL, OPT_DST },
	{ "quiet-ms", required_argument, NULL, OPT_QUIET_MS },
	{ "help",     no_argument,       NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
perf_usage(const struct perf_tool *tool, FILE *out)
{
	fprintf(out,
	    "usage: %s tx|rx%s --backend afxdp|afpacket --if IF [options]\n"
	    "  tx    send test frames as fast as the port takes them\n"
	    "  rx    count test frames; report loss, duplicates, reordering\n",
	    tool->name, tool->has_info ? "|info" : "");
	if (tool->has_info)
		fprintf(out, "  info  open the port; print MAC, MTU, carrier\n");
	fprintf(out,
	    "options:\n"
	    "  --size BYTES     frame size without FCS, %u..%u (default 64)\n"
	    "  --duration SEC   run this long (tx default 5; rx default: until"
	    " the end marker)\n"
	    "  --count N        tx: send N frames; rx: stop after N distinct"
	    " frames\n"
	    "  --flows N        streams (UDP source ports), 1..%u (default 1)\n"
	    "  --rate PPS       tx: pace to PPS frames/s (default: no limit)\n"
	    "  --burst N        frames per burst, 1..%u (default 32)\n"
	    "  --ring N         ring entries, a power of two 64..65536"
	    " (default 8192)\n"
	    "  --queue N        afxdp: interface queue (default 0)\n"
	    "  --xdp-mode MODE  afxdp: auto|native|generic (default auto)\n"
	    "  --dst MAC        destination MAC (default ff:ff:ff:ff:ff:ff)\n"
	    "  --quiet-ms MS    rx: stop this long after the end marker"
	    " (default %u)\n"
	    "  --json           print one JSON object instead of text\n"
	    "Gbit/s counts frame bytes without preamble, IFG and FCS (a wire"
	    " adds 24 B/frame).\n"
	    "Exit status: 0 done, 1 failure, 2 bad arguments.\n",
	    PERF_SIZE_MIN, PERF_SIZE_MAX, PERF_FLOWS_MAX, PERF_BURST_MAX,
	    PERF_QUIET_MS_DEFAULT);
}

static int
opt_bad(const struct perf_tool *tool, const char *opt, const char *arg,
    const char *want)
{
	fprintf(stderr, "%s: %s: expected %s, got '%s' (try --help)\n",
	    tool->name, opt, want, arg);
	return -EINVAL;
}

static int
opt_u64(const struct perf_tool *tool, const char *opt, const char *arg,
    uint64_t min, uint64_t max, uint64_t *out)
{
	char want[80], *end;
	unsigned long long v;

	errno = 0;
	v = isdigit((unsigned char)arg[0]) ? strtoull(arg, &end, 10) : 0;
	if (!isdigit((unsigned char)arg[0]) || errno || *end || v < min ||
	    v > max) {
		snprintf(want, sizeof(want), "an integer from %" PRIu64
		    " to %" PRIu64, min, max);
		return opt_bad(tool, opt, arg, want);
	}
	*out = v;
	return 0;
}

static int
opt_u32(const struct perf_tool *tool, const char *opt, const char *arg,
    uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = opt_u64(tool, opt, arg, min, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
}

static int
opt_seconds(const struct perf_tool *tool, const char *arg, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) ||
	    v > PERF_DURATION_MAX_S || v * NSEC_PER_SEC < 1)
		return opt_bad(tool, "--duration", arg, "seconds, > 0");
	*ns = (uint64_t)(v * NSEC_PER_SEC);
	return 0;
}

static int
opt_name(const struct perf_tool *tool, const char *opt, const char *arg,
    const char *const *names, unsigned n, const char *want)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
	return opt_bad(tool, opt, arg, want);
}

static int
opt_mac(const struct perf_tool *tool, const char *arg, uint8_t mac[6])
{
	int end = 0;

	if (sscanf(arg, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0],
	    &mac[1], &mac[2], &mac[3], &mac[4], &mac[5], &end) != 6 ||
	    arg[end] != '\0' || end != 17)
		return opt_bad(tool, "--dst", arg, "a MAC like 02:00:00:00:00:01");
	return 0;
}

static void
perf_opts_defaults(struct perf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = PERF_M_COUNT;
	o->size = 64;
	o->flows = 1;
	o->burst = 32;
	o->ring = 8192;
	memset(o->dst, 0xff, sizeof(o->dst));
	o->quiet_ns = PERF_QUIET_MS_DEFAULT * NSEC_PER_MSEC;
}

/* One option; 1 for --help, else 0 or -EINVAL. */
static int
perf_opt_one(struct perf_opts *o, const struct perf_tool *tool, int c,
    const char *arg)
{
	uint32_t ms;
	int i, err;

	switch (c) {
	case OPT_BACKEND:
		i = opt_name(tool, "--backend", arg, perf_backends,
		    ARRAY_SIZE(perf_backends), "afxdp or afpacket");
		if (i >= 0)
			o->backend = perf_backends[i];
		return i < 0 ? i : 0;
	case OPT_IF:
		if (arg[0] == '\0' || strlen(arg) >= 16)
			return opt_bad(tool, "--if", arg, "an interface name");
		o->ifname = arg;
		return 0;
	case OPT_SIZE:
		return opt_u32(tool, "--size", arg, PERF_SIZE_MIN,
		    PERF_SIZE_MAX, &o->size);
	case OPT_DURATION:
		return opt_seconds(tool, arg, &o->duration_ns);
	case OPT_COUNT:
		return opt_u64(tool, "--count", arg, 1, UINT64_MAX / 2,
		    &o->count);
	case OPT_FLOWS:
		return opt_u32(tool, "--flows", arg, 1, PERF_FLOWS_MAX,
		    &o->flows);
	case OPT_XDP_MODE:
		i = opt_name(tool, "--xdp-mode", arg, perf_xdp_mode_names,
		    PERF_XDP_COUNT, "auto, native or generic");
		if (i >= 0)
			o->xdp_mode = (enum perf_xdp_mode)i;
		return i < 0 ? i : 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_RATE:
		return opt_u64(tool, "--rate", arg, 0, 1000000000, &o->rate_pps);
	case OPT_BURST:
		return opt_u32(tool, "--burst", arg, 1, PERF_BURST_MAX,
		    &o->burst);
	case OPT_RING:
		err = opt_u32(tool, "--ring", arg, 64, 65536, &o->ring);
		if (!err && (o->ring & (o->ring - 1)))
			return opt_bad(tool, "--ring", arg, "a power of two");
		return err;
	case OPT_QUEUE:
		return opt_u32(tool, "--queue", arg, 0, 4095, &o->queue);
	case OPT_DST:
		return opt_mac(tool, arg, o->dst);
	case OPT_QUIET_MS:
		err = opt_u32(tool, "--quiet-ms", arg, 1, 600000, &ms);
		if (!err)
			o->quiet_ns = ms * NSEC_PER_MSEC;
		return err;
	case OPT_HELP:
		perf_usage(tool, stdout);
		return 1;
	default:	/* getopt said what was wrong */
		fprintf(stderr, "%s: try --help\n", tool->name);
		return -EINVAL;
	}
}

static int
perf_mode_parse(struct perf_opts *o, const struct perf_tool *tool,
    int argc, char **argv)
{
	int i;

	if (optind >= argc) {
		fprintf(stderr, "%s: say %s (try --help)\n", tool->name,
		    tool->has_info ? "tx, rx or info" : "tx or rx");
		return -EINVAL;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n",
		    tool->name, argv[optind + 1]);
		return -EINVAL;
	}
	i = opt_name(tool, "mode", argv[optind], perf_mode_names,
	    tool->has_info ? PERF_M_COUNT : PERF_M_INFO,
	    tool->has_info ? "tx, rx or info" : "tx or rx");
	if (i >= 0)
		o->mode = (enum perf_mode)i;
	return i < 0 ? i : 0;
}

/* What single options cannot tell: combinations and requirements. */
static int
perf_opts_check(struct perf_opts *o, const struct perf_tool *tool)
{
	if (tool->backend && o->backend && strcmp(o->backend, tool->backend)) {
		fprintf(stderr, "%s: --backend: this baseline only has %s\n",
		    tool->name, tool->backend);
		return -EINVAL;
	}
	if (!o->backend)
		o->backend = tool->backend;
	if (!o->backend) {
		fprintf(stderr, "%s: --backend is required (afxdp or afpacket)\n",
		    tool->name);
		return -EINVAL;
	}
	if (!o->ifname) {
		fprintf(stderr, "%s: --if is required\n", tool->name);
		return -EINVAL;
	}
	if (o->duration_ns && o->count) {
		fprintf(stderr, "%s: use --duration or --count, not both\n",
		    tool->name);
		return -EINVAL;
	}
	if (o->mode == PERF_M_TX && !o->duration_ns && !o->count)
		o->duration_ns = PERF_TX_DURATION_DEFAULT;
	return 0;
}

int
perf_opts_parse(struct perf_opts *o, const struct perf_tool *tool,
    int argc, char **argv)
{
	int c, err;

	perf_opts_defaults(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", perf_longopts, NULL)) != -1) {
		err = perf_opt_one(o, tool, c, optarg);
		if (err)
			return err;
	}
	err = perf_mode_parse(o, tool, argc, argv);
	if (err)
		return err;
	return perf_opts_check(o, tool);
}
