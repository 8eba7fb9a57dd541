/*
 * lagnic-perf: RDMA bandwidth and latency over lagnic, as perftest does
 * it (ib_write_bw, ib_send_bw, ib_read_bw, *_lat), through liblagnic.
 *
 *   lagnic-perf [options] server            wait for one client
 *   lagnic-perf [options] client ADDR       run the test against ADDR
 *
 *   -t write|send|read   operation (write)
 *   -s SIZE              message size in bytes (65536)
 *   -n ITERS             messages (1000)
 *   -D SEC               post for SEC seconds instead of -n messages
 *                        (SIGINT: post no more, drain, report, end well)
 *   -d DEPTH             messages in flight, over all QPs (16; 1 = latency)
 *   -q QPS               RC QPs, the messages round-robin over them (1);
 *                        at most ceil(DEPTH / QPS) in flight on one
 *   -p PORT              TCP port of the exchange (18515)
 *   -i IF                the interface whose MAC is ours (lag0)
 *   -r SOCKET            lagnicd's RDMA socket (liblagnic's default)
 *   -g FILE              the client writes every gap between completions
 *                        of at least -G US (100) microseconds to FILE, a
 *                        line each: "END_REALTIME_NS LENGTH_NS"
 *   -H SEC               at the end, keep every QP for SEC seconds
 *                        ("holding" on stderr) before closing; SIGINT
 *                        ends the hold
 *   -c                   check the data: the receiver compares every
 *                        byte, the exit status says (read: the client);
 *                        with -q, -n must be at least -q
 *   -j                   JSON
 *
 * The two sides swap QP numbers, buffer addresses, rkeys, GID (IPv4) and
 * MAC over TCP, bring their RC QPs to RTS and run. With -D or -g the
 * client says "running" on stderr when it posts the first message (a
 * script waits for it before it cuts a link). Any completion
 * that is not a success ends the run with exit status 1. The report has
 * the longest gap between two completions (a stall: a failover).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/perf_rdma.h"

void
rperf_die(const char *what, int err)
{
	fprintf(stderr, "lagnic-perf: %s: %s\n", what, strerror(err));
	exit(2);
}

static void
on_sigint(int sig)
{
	(void)sig;
	rperf_stop = 1;
}

/* SIGINT ends a run or a hold early, not the program: the run drains
 * and reports. Calls restart (SA_RESTART); a sleep does not. */
static void
catch_sigint(void)
{
	struct sigaction sa = { .sa_handler = on_sigint,
	    .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

static void
hold(const struct rperf *r)
{
	if (!r->o->hold_s)
		return;
	fprintf(stderr, "lagnic-perf: holding %u QPs on %u contexts for %u s\n",
	    r->nqp, r->nctx, r->o->hold_s);
	for (unsigned left = r->o->hold_s; left && !rperf_stop; )
		left = sleep(left);
}

int
main(int argc, char **argv)
{
	struct rperf_opts o;
	struct rperf r = { .o = &o };
	uint8_t sync = 0;
	int tcp, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rperf_parse(argc, argv, &o);
	catch_sigint();
	rperf_gaps_init(&r.gaps, o.gap_min_us);
	rperf_setup(&r);
	tcp = rperf_tcp_open(&o);
	rperf_exchange(&r, tcp);
	rperf_connect(&r);
	rperf_prepare(&r);
	/* both sides' QPs ready before the first message */
	rperf_xfer(tcp, &sync, 1, true);
	rperf_xfer(tcp, &sync, 1, false);
	rc = o.bidir ? rperf_run_bidir(&r, tcp) : o.server ?
	    rperf_run_client(&r, tcp) : rperf_run_server(&r, tcp);
	close(tcp);
	if (o.gap_log && (o.server || o.bidir) &&
	    rperf_gaps_write(&r.gaps, o.gap_log))
		rc = rc ? rc : 2;
	hold(&r);
	rperf_gaps_fini(&r.gaps);
	rperf_teardown(&r);
	return rc;
}
