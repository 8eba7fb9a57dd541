/*
 * perf_rdma: lagnic-perf's parts (RDMA through liblagnic, as perftest).
 *
 *   perf_rdma_cli.c   the command line
 *   perf_rdma_res.c   contexts, QPs, bringing them to RTS
 *   perf_rdma_xchg.c  the TCP exchange of what each side must know
 *   perf_rdma_gap.c   the gaps between completions (a stall's length)
 *   perf_rdma_run.c   the client's and the server's loops, the report
 *
 * Many QPs (-q N): lagnicd takes at most a fixed number of QPs on one
 * connection (RDMA_QPS_MAX), so QPs go on a context until lagnicd refuses
 * one with ENOMEM, then on a new context (its own PD, CQ, buffer, MR). The
 * work requests of a run go round-robin over the QPs, at most DEPTH in
 * flight in all, at most ceil(DEPTH / N) on one QP.
 *
 * Buffers: the first half is the source (the pattern, also what a READ
 * reads), the second half the target (WRITEs, SENDs and READs land
 * there, zero before): finding the pattern there proves it came. With -b
 * both sides stream to each other at once and both check.
 */
#ifndef LAGNIC_TOOLS_PERF_RDMA_H
#define LAGNIC_TOOLS_PERF_RDMA_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lagnic/lagnic.h"

#define RPERF_QPS_MAX		65536
#define RPERF_DEPTH_MAX		1024
#define RPERF_GAP_MIN_US	100	/* -G default */

struct rperf_opts {
	enum roce_wr_opcode op;
	uint32_t size, iters, depth, nqp;
	double duration;		/* -D: seconds; 0: -n iters */
	uint32_t gap_min_us;		/* gaps logged: at least this long */
	unsigned hold_s;		/* -H: keep the QPs this long at the end */
	int port;
	const char *ifname, *sock, *server, *gap_log;
	bool check, json;
	bool bidir;			/* -b: both sides stream at once */
};

/* Receives kept posted on a QP that may have cap sends in flight: deeper
 * than cap, so that a receiver reaping late is not sent an RNR NAK
 * (perftest keeps hundreds posted). */
#define RPERF_RECV_DEPTH(cap)	(4 * (cap) + 4)
/* QPs on one context at most: lagnicd's per-connection limit. */
#define RPERF_QPS_PER_CTX	256

/* What each side tells the other, per QP. */
struct rperf_peer {
	uint32_t qpn, rkey;
	uint64_t va;
	uint32_t ipv4;			/* network order */
	uint8_t mac[6];
	uint8_t pad[2];
};

/* A connection to lagnicd and what its QPs share. */
struct rperf_ctx {
	struct lagnic_context *ctx;
	struct lagnic_pd *pd;
	struct lagnic_cq *cq;
	struct lagnic_mr *mr;
	uint8_t *buf;
	size_t len;
	unsigned nqp;
};

struct rperf_qp {
	struct lagnic_qp *qp;
	struct rperf_ctx *c;
	uint32_t inflight, cap;		/* send WRs out; at most cap */
	struct rperf_peer peer;
};

/* Gaps between completions, on CLOCK_MONOTONIC, logged on CLOCK_REALTIME
 * (so that a script can put its own events on the same line). */
struct rperf_gap {
	uint64_t end_rt_ns, len_ns;
};

struct rperf_gaps {
	uint64_t min_ns, last_ns, rt_off_ns;
	uint64_t max_ns, max_end_rt_ns;
	struct rperf_gap *v;
	size_t n, cap;
	bool lost;			/* the log ran out of memory */
};

struct rperf {
	const struct rperf_opts *o;
	struct rperf_ctx *ctxs;
	unsigned nctx;
	struct rperf_qp *qps;
	unsigned nqp, cursor;
	int gid_index;
	struct rperf_peer me;		/* IPv4 and MAC, the same for all QPs */
	struct rperf_gaps gaps;
	uint64_t done, posted;
};

/* Set by SIGINT: the client posts no more (it drains, reports, ends
 * well), a hold (-H) ends. */
extern volatile sig_atomic_t rperf_stop;

void rperf_die(const char *what, int err) __attribute__((noreturn));
uint64_t rperf_now_ns(void);

void rperf_parse(int argc, char **argv, struct rperf_opts *o);

void rperf_setup(struct rperf *r);
void rperf_connect(struct rperf *r);
void rperf_teardown(struct rperf *r);

int rperf_tcp_open(const struct rperf_opts *o);
void rperf_xfer(int fd, void *p, size_t n, bool out);
void rperf_exchange(struct rperf *r, int tcp);
bool rperf_tcp_readable(int fd);

void rperf_gaps_init(struct rperf_gaps *g, uint32_t min_us);
void rperf_gaps_note(struct rperf_gaps *g, uint64_t now_ns);
int rperf_gaps_write(const struct rperf_gaps *g, const char *path);
void rperf_gaps_fini(struct rperf_gaps *g);

void rperf_prepare(struct rperf *r);
int rperf_run_client(struct rperf *r, int tcp);
int rperf_run_server(struct rperf *r, int tcp);
int rperf_run_bidir(struct rperf *r, int tcp);

#endif
