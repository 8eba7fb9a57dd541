/* lagnic-perf's runs: the client posts and reaps, the server receives
 * (send) or only waits (write, read: one-sided), then the report. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/compiler.h"
#include "tools/perf_rdma.h"

#define REAP_BURST	32

volatile sig_atomic_t rperf_stop;

static uint8_t
pattern(uint32_t i)
{
	return (uint8_t)(i * 31 + 7);
}

static void
fill(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = pattern(i);
}

static bool
verify(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != pattern(i))
			return false;
	return true;
}

/* Every context's buffer at offset off holds the pattern (-c needs a
 * message on every context, so -n at least -q). */
static bool
verify_all(const struct rperf *r, size_t off)
{
	for (unsigned i = 0; i < r->nctx; i++)
		if (!verify(r->ctxs[i].buf + off, r->o->size))
			return false;
	return true;
}

static void
fill_all(struct rperf *r)
{
	for (unsigned i = 0; i < r->nctx; i++)
		fill(r->ctxs[i].buf, r->o->size);
}

static void
post_recv(struct rperf *r, unsigned qi)
{
	struct rperf_qp *q = &r->qps[qi];
	struct roce_sge sge = { .addr = (uintptr_t)q->c->buf + r->o->size,
	    .length = r->o->size, .lkey = q->c->mr->lkey };
	struct roce_recv_wr wr = { .wr_id = qi, .sg_list = &sge,
	    .num_sge = 1 }, *bad;

	if (lagnic_post_recv(q->qp, &wr, &bad))
		rperf_die("post_recv", ENOMEM);
}

/* The next QP with room, from the cursor on (one exists: fewer than
 * depth are in flight and the caps add up to depth or more). */
static unsigned
next_qp(struct rperf *r)
{
	for (unsigned n = 0; n < r->nqp; n++) {
		unsigned i = (r->cursor + n) % r->nqp;

		if (r->qps[i].inflight < r->qps[i].cap) {
			r->cursor = (i + 1) % r->nqp;
			return i;
		}
	}
	abort();
}

static void
post_op(struct rperf *r)
{
	const struct rperf_opts *o = r->o;
	unsigned qi = next_qp(r);
	struct rperf_qp *q = &r->qps[qi];
	/* sends and writes from the first half, reads into the second */
	uint64_t local = (uintptr_t)q->c->buf +
	    (o->op == ROCE_WR_RDMA_READ ? o->size : 0);
	struct roce_sge sge = { .addr = local, .length = o->size,
	    .lkey = q->c->mr->lkey };
	struct roce_send_wr wr = { .wr_id = qi, .sg_list = &sge, .num_sge = 1,
	    .opcode = o->op, .send_flags = ROCE_SEND_SIGNALED }, *bad;

	/* WRITEs into the peer's target half, READs from its source */
	wr.wr.rdma.remote_addr = q->peer.va +
	    (o->op == ROCE_WR_RDMA_WRITE ? o->size : 0);
	wr.wr.rdma.rkey = q->peer.rkey;
	while (lagnic_post_send(q->qp, &wr, &bad) == ENOMEM)
		;	/* the ring is full: lagnicd is taking them */
	q->inflight++;
	r->posted++;
}

static const char *const wc_status_names[] = {
#define WC_NAME(n) [ROCE_WC_##n] = #n,
	ROCE_WC_STATUSES(WC_NAME)
#undef WC_NAME
};
static_assert(ARRAY_SIZE(wc_status_names) == ROCE_WC_STATUS_COUNT,
    "wc status names");

/* A failed completion ends the run (exit status 1), saying when on
 * CLOCK_REALTIME (a script matches it to its own events); the gap log
 * is written first. */
static void __attribute__((noreturn))
wc_failed(struct rperf *r, const struct roce_wc *wc)
{
	uint64_t now = rperf_now_ns() + r->gaps.rt_off_ns;

	fprintf(stderr, "lagnic-perf: work request on QP %llu (QPN %u) failed "
	    "at %llu ns (realtime): status %d %s\n",
	    (unsigned long long)wc->wr_id, wc->qp_num,
	    (unsigned long long)now, wc->status,
	    (unsigned)wc->status < ROCE_WC_STATUS_COUNT ?
	    wc_status_names[wc->status] : "?");
	if (r->o->gap_log)
		rperf_gaps_write(&r->gaps, r->o->gap_log);
	exit(1);
}

/* One context's completions: a receive's is reposted, a send's frees
 * its place on the QP and is counted. */
static unsigned
reap_ctx(struct rperf *r, struct rperf_ctx *c)
{
	struct roce_wc wc[REAP_BURST];
	int n = lagnic_poll_cq(c->cq, REAP_BURST, wc);

	if (n < 0)
		rperf_die("poll_cq", -n);
	for (int i = 0; i < n; i++) {
		if (wc[i].status != ROCE_WC_SUCCESS)
			wc_failed(r, &wc[i]);
		if (wc[i].opcode >= ROCE_WC_RECV) {
			post_recv(r, (unsigned)wc[i].wr_id);
		} else {
			r->qps[wc[i].wr_id].inflight--;
			r->done++;
		}
	}
	return (unsigned)n;
}

/* Every context once; the time of any completions goes to the gaps. */
static unsigned
reap(struct rperf *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nctx; i++)
		n += reap_ctx(r, &r->ctxs[i]);
	if (n)
		rperf_gaps_note(&r->gaps, rperf_now_ns());
	return n;
}

static const char *
op_name(enum roce_wr_opcode op)
{
	return op == ROCE_WR_SEND ? "send" :
	    op == ROCE_WR_RDMA_READ ? "read" : "write";
}

static void
report(const struct rperf *r, double secs)
{
	const struct rperf_opts *o = r->o;
	double msgs = (double)r->done, mbps = o->size * msgs / secs / 1e6;
	double us = secs / msgs * 1e6 * o->depth;

	if (o->json)
		printf("{\"op\": \"%s\", \"size\": %u, \"iters\": %llu, "
		    "\"depth\": %u, \"qps\": %u, \"contexts\": %u, "
		    "\"seconds\": %.6f, \"MBps\": %.2f, \"msg_per_s\": %.1f, "
		    "\"avg_us\": %.2f, \"max_gap_us\": %.1f, "
		    "\"max_gap_end_ns\": %llu, \"gaps_logged\": %zu}\n",
		    op_name(o->op), o->size, (unsigned long long)r->done,
		    o->depth, r->nqp, r->nctx, secs, mbps, msgs / secs, us,
		    r->gaps.max_ns / 1e3,
		    (unsigned long long)r->gaps.max_end_rt_ns, r->gaps.n);
	else
		printf("%s size %u iters %llu depth %u qps %u: %.2f MB/s, "
		    "%.1f msg/s, %.2f us per message in flight, longest gap "
		    "between completions %.1f us\n", op_name(o->op), o->size,
		    (unsigned long long)r->done, o->depth, r->nqp, mbps,
		    msgs / secs, us, r->gaps.max_ns / 1e3);
}

/* The run goes on: -n messages not all posted, or -D not over. */
static bool
want_more(const struct rperf *r, uint64_t end_ns)
{
	if (rperf_stop)
		return false;
	return end_ns ? rperf_now_ns() < end_ns : r->posted < r->o->iters;
}

static void
post_some(struct rperf *r, uint64_t end_ns)
{
	while (r->posted - r->done < r->o->depth && want_more(r, end_ns))
		post_op(r);
}

/* This side's stream, to its end, and its report. */
static void
stream(struct rperf *r)
{
	const struct rperf_opts *o = r->o;
	uint64_t t0, end_ns = 0;

	if (o->duration > 0 || o->gap_log)	/* a script times a cut */
		fprintf(stderr, "lagnic-perf: running\n");
	t0 = rperf_now_ns();
	if (o->duration > 0)
		end_ns = t0 + (uint64_t)(o->duration * 1e9);
	for (;;) {
		post_some(r, end_ns);
		if (r->done == r->posted && !want_more(r, end_ns))
			break;
		reap(r);
	}
	report(r, (double)(rperf_now_ns() - t0) / 1e9);
}

/* Receive (SEND) until the peer says its stream is over. */
static void
serve_until_peer_done(struct rperf *r, int tcp)
{
	while (reap(r) || !rperf_tcp_readable(tcp))
		;
}

int
rperf_run_client(struct rperf *r, int tcp)
{
	const struct rperf_opts *o = r->o;
	uint8_t ok = 1;

	stream(r);
	if (o->op == ROCE_WR_RDMA_READ && o->check)
		ok = verify_all(r, o->size);
	rperf_xfer(tcp, &ok, 1, true);		/* done; the server checks */
	rperf_xfer(tcp, &ok, 1, false);
	if (o->check)
		printf("check: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

/* Receives for the sends to come: RPERF_RECV_DEPTH on each QP. */
static void
post_recvs(struct rperf *r)
{
	for (unsigned i = 0; i < r->nqp; i++)
		for (uint32_t k = 0; k < RPERF_RECV_DEPTH(r->qps[i].cap); k++)
			post_recv(r, i);
}

int
rperf_run_server(struct rperf *r, int tcp)
{
	const struct rperf_opts *o = r->o;
	uint8_t ok;

	if (o->op == ROCE_WR_SEND)	/* until the client says it is done */
		serve_until_peer_done(r, tcp);
	rperf_xfer(tcp, &ok, 1, false);
	if (o->check && o->op != ROCE_WR_RDMA_READ)
		ok = ok && verify_all(r, o->size);
	rperf_xfer(tcp, &ok, 1, true);
	if (o->check)
		printf("check: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

/*
 * -b: both stream; each tells the other when its stream is over (still
 * receiving the other's SENDs until then), then each checks what landed
 * in its target half (a READ's own, the peer's WRITEs or SENDs) and both
 * verdicts are exchanged.
 */
int
rperf_run_bidir(struct rperf *r, int tcp)
{
	uint8_t done = 1, mine = 1, theirs;

	stream(r);
	rperf_xfer(tcp, &done, 1, true);
	serve_until_peer_done(r, tcp);
	rperf_xfer(tcp, &done, 1, false);
	if (r->o->check)
		mine = verify_all(r, r->o->size);
	rperf_xfer(tcp, &mine, 1, true);
	rperf_xfer(tcp, &theirs, 1, false);
	if (r->o->check)
		printf("check: %s\n", mine && theirs ? "ok" : "FAILED");
	return mine && theirs ? 0 : 1;
}

/* Before the run, once both sides' QPs are in RTS: the source half
 * filled on the side that sends or is read from, receives posted on the
 * side SENDs go to. */
void
rperf_prepare(struct rperf *r)
{
	bool sends = r->o->server || r->o->bidir;
	bool targeted = !r->o->server || r->o->bidir;

	if (sends || (targeted && r->o->op == ROCE_WR_RDMA_READ))
		fill_all(r);
	if (targeted && r->o->op == ROCE_WR_SEND)
		post_recvs(r);
}
