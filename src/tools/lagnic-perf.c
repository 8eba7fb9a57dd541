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
 *   -d DEPTH             messages in flight (16; 1 = latency)
 *   -p PORT              TCP port of the exchange (18515)
 *   -i IF                the interface whose MAC is ours (lag0)
 *   -r SOCKET            lagnicd's RDMA socket (liblagnic's default)
 *   -c                   check the data: the receiver compares every
 *                        byte, the exit status says (read: the client)
 *   -j                   JSON
 *
 * The two sides swap QP number, buffer address, rkey, GID (IPv4) and MAC
 * over TCP, bring an RC QP to RTS and run. Any completion that is not a
 * success ends the run with exit status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lagnic/lagnic.h"

struct opts {
	enum roce_wr_opcode op;
	uint32_t size, iters, depth;
	int port;
	const char *ifname, *sock, *server;
	bool check, json;
};

/* What each side tells the other. */
struct peer_info {
	uint32_t qpn, rkey;
	uint64_t va;
	uint32_t ipv4;			/* network order */
	uint8_t mac[6];
	uint8_t pad[2];
};

struct res {
	struct lagnic_context *ctx;
	struct lagnic_pd *pd;
	struct lagnic_cq *cq;
	struct lagnic_qp *qp;
	struct lagnic_mr *mr;
	uint8_t *buf;
	size_t len;
	int gid_index;
	struct peer_info me, peer;
};

static void
die(const char *what, int err)
{
	fprintf(stderr, "lagnic-perf: %s: %s\n", what, strerror(err));
	exit(2);
}

static void
usage(void)
{
	fprintf(stderr, "usage: lagnic-perf [-t write|send|read] [-s SIZE] "
	    "[-n ITERS] [-d DEPTH] [-p PORT] [-i IF] [-r SOCKET] [-c] [-j] "
	    "server | client ADDR\n");
	exit(2);
}

static void
read_mac(const char *ifname, uint8_t *mac)
{
	char path[128];
	unsigned b[6];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5]) != 6)
		die(path, f ? EINVAL : errno);
	fclose(f);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

/* The first IPv4 GID: our address. */
static int
our_ipv4(struct res *r, uint32_t *addr)
{
	union roce_gid g;

	for (int i = 0; i < 16; i++) {
		if (lagnic_query_gid(r->ctx, 1, i, &g))
			continue;
		if (g.raw[10] == 0xff && g.raw[11] == 0xff) {
			memcpy(addr, g.raw + 12, 4);
			return i;
		}
	}
	return -1;
}

static void
setup(struct res *r, const struct opts *o)
{
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = o->depth + 1, .max_recv_wr = o->depth + 1,
		    .max_send_sge = 1, .max_recv_sge = 1 },
	};

	r->ctx = lagnic_open(o->sock);
	if (!r->ctx)
		die("lagnic_open", errno);
	r->pd = lagnic_alloc_pd(r->ctx);
	r->len = (size_t)o->size * 2 + 4096;
	r->buf = lagnic_alloc_buf(r->ctx, r->len);
	if (!r->pd || !r->buf)
		die("pd/buffer", errno);
	r->mr = lagnic_reg_mr(r->pd, r->buf, r->len, ROCE_ACCESS_ALL);
	r->cq = lagnic_create_cq(r->ctx, (int)(2 * o->depth + 2), NULL);
	if (!r->mr || !r->cq)
		die("mr/cq", errno);
	init.send_cq = init.recv_cq = r->cq;
	r->qp = lagnic_create_qp(r->pd, &init);
	if (!r->qp)
		die("qp", errno);
	/* lagnicd reads the PF's addresses once a second: a fresh one may
	 * take that long to be a GID */
	for (int i = 0; i < 50 && (r->gid_index = our_ipv4(r, &r->me.ipv4)) < 0;
	    i++)
		usleep(100000);
	if (r->gid_index < 0)
		die("no IPv4 GID (lag0 has no address?)", ENOENT);
	r->me.qpn = lagnic_qp_num(r->qp);
	r->me.rkey = r->mr->rkey;
	r->me.va = (uintptr_t)r->buf;
	read_mac(o->ifname, r->me.mac);
}

static void
connect_qp(struct res *r)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qp_access_flags = ROCE_ACCESS_REMOTE_WRITE |
	    ROCE_ACCESS_REMOTE_READ | ROCE_ACCESS_REMOTE_ATOMIC };

	if (lagnic_modify_qp(r->qp, &a, ROCE_QP_STATE | ROCE_QP_PKEY_INDEX |
	    ROCE_QP_PORT | ROCE_QP_ACCESS_FLAGS))
		die("QP to INIT", EINVAL);
	a.qp_state = ROCE_QPS_RTR;
	a.path_mtu = ROCE_MTU_1024;
	a.dest_qp_num = r->peer.qpn;
	a.rq_psn = 0;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 1;
	a.ah_attr.port_num = 1;
	a.ah_attr.grh.sgid_index = (uint8_t)r->gid_index;
	a.ah_attr.grh.hop_limit = 64;
	a.ah_attr.grh.dgid.raw[10] = a.ah_attr.grh.dgid.raw[11] = 0xff;
	memcpy(a.ah_attr.grh.dgid.raw + 12, &r->peer.ipv4, 4);
	memcpy(a.ah_attr.dmac, r->peer.mac, 6);
	if (lagnic_modify_qp(r->qp, &a, ROCE_QP_STATE | ROCE_QP_AV |
	    ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN | ROCE_QP_RQ_PSN |
	    ROCE_QP_MAX_DEST_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER))
		die("QP to RTR", EINVAL);
	a.qp_state = ROCE_QPS_RTS;
	a.sq_psn = 0;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 16;
	if (lagnic_modify_qp(r->qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN |
	    ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT | ROCE_QP_RNR_RETRY |
	    ROCE_QP_MAX_QP_RD_ATOMIC))
		die("QP to RTS", EINVAL);
}

static void
xfer(int fd, void *p, size_t n, bool out)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = out ? write(fd, b, n) : read(fd, b, n);

		if (k <= 0)
			die("exchange", k < 0 ? errno : ECONNRESET);
		b += k;
		n -= (size_t)k;
	}
}

static int
tcp_server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), fd;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1))
		die("listen", errno);
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		die("accept", errno);
	close(l);
	return fd;
}

static int
tcp_client(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die(host, EINVAL);
	for (int i = 0; i < 50; i++) {
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		usleep(100000);
	}
	die("connect", errno);
	return -1;
}

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

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Take completions; a failed one ends the run. */
static unsigned
reap(struct res *r, unsigned want)
{
	struct roce_wc wc[32];
	int n = lagnic_poll_cq(r->cq, (int)(want < 32 ? want : 32), wc);

	if (n < 0)
		die("poll_cq", -n);
	for (int i = 0; i < n; i++)
		if (wc[i].status != ROCE_WC_SUCCESS) {
			fprintf(stderr, "lagnic-perf: work request %llu failed: "
			    "status %d\n", (unsigned long long)wc[i].wr_id,
			    wc[i].status);
			exit(1);
		}
	return (unsigned)n;
}

static void
post_recv(struct res *r, uint32_t size)
{
	struct roce_sge sge = { .addr = (uintptr_t)r->buf, .length = size,
	    .lkey = r->mr->lkey };
	struct roce_recv_wr wr = { .sg_list = &sge, .num_sge = 1 }, *bad;

	if (lagnic_post_recv(r->qp, &wr, &bad))
		die("post_recv", ENOMEM);
}

static void
post_op(struct res *r, const struct opts *o, uint64_t id)
{
	/* sends and writes from the first half, reads into the second */
	uint64_t local = (uintptr_t)r->buf + (o->op == ROCE_WR_RDMA_READ ?
	    o->size : 0);
	struct roce_sge sge = { .addr = local, .length = o->size,
	    .lkey = r->mr->lkey };
	struct roce_send_wr wr = { .wr_id = id, .sg_list = &sge, .num_sge = 1,
	    .opcode = o->op, .send_flags = ROCE_SEND_SIGNALED }, *bad;

	wr.wr.rdma.remote_addr = r->peer.va;
	wr.wr.rdma.rkey = r->peer.rkey;
	while (lagnic_post_send(r->qp, &wr, &bad) == ENOMEM)
		;	/* the ring is full: lagnicd is taking them */
}

static void
report(const struct opts *o, double secs)
{
	double bytes = (double)o->size * o->iters;
	const char *op = o->op == ROCE_WR_SEND ? "send" :
	    o->op == ROCE_WR_RDMA_READ ? "read" : "write";

	if (o->json)
		printf("{\"op\": \"%s\", \"size\": %u, \"iters\": %u, "
		    "\"depth\": %u, \"seconds\": %.6f, \"MBps\": %.2f, "
		    "\"msg_per_s\": %.1f, \"avg_us\": %.2f}\n", op, o->size,
		    o->iters, o->depth, secs, bytes / secs / 1e6,
		    o->iters / secs, secs / o->iters * 1e6 * o->depth);
	else
		printf("%s size %u iters %u depth %u: %.2f MB/s, %.1f msg/s, "
		    "%.2f us per message in flight\n", op, o->size, o->iters,
		    o->depth, bytes / secs / 1e6, o->iters / secs,
		    secs / o->iters * 1e6 * o->depth);
}

static int
run_client(struct res *r, const struct opts *o, int tcp)
{
	unsigned posted = 0, done = 0;
	uint8_t ok = 1;
	double t0;

	fill(r->buf, o->size);
	t0 = now_s();
	while (done < o->iters) {
		while (posted < o->iters && posted - done < o->depth)
			post_op(r, o, posted++);
		done += reap(r, posted - done);
	}
	report(o, now_s() - t0);
	if (o->op == ROCE_WR_RDMA_READ && o->check)
		ok = verify(r->buf + o->size, o->size);
	xfer(tcp, &ok, 1, true);		/* done; the server checks */
	xfer(tcp, &ok, 1, false);
	if (o->check)
		printf("check: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

static int
run_server(struct res *r, const struct opts *o, int tcp)
{
	unsigned got = 0;
	uint8_t ok;

	if (o->op == ROCE_WR_SEND) {
		while (got < o->iters) {
			unsigned n = reap(r, 1);

			got += n;
			if (n && got + o->depth < o->iters + 1)
				post_recv(r, o->size);
		}
	}
	xfer(tcp, &ok, 1, false);		/* the client is done */
	if (o->check && o->op != ROCE_WR_RDMA_READ)
		ok = ok && verify(r->buf, o->size);
	xfer(tcp, &ok, 1, true);
	if (o->check)
		printf("check: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .op = ROCE_WR_RDMA_WRITE, .size = 65536,
	    .iters = 1000, .depth = 16, .port = 18515, .ifname = "lag0" };
	while ((c = getopt(argc, argv, "t:s:n:d:p:i:r:cj")) != -1) {
		switch (c) {
		case 't':
			o->op = !strcmp(optarg, "send") ? ROCE_WR_SEND :
			    !strcmp(optarg, "read") ? ROCE_WR_RDMA_READ :
			    !strcmp(optarg, "write") ? ROCE_WR_RDMA_WRITE :
			    ROCE_WR_COUNT;
			if (o->op == ROCE_WR_COUNT)
				usage();
			break;
		case 's': o->size = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': o->iters = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'd': o->depth = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'p': o->port = atoi(optarg); break;
		case 'i': o->ifname = optarg; break;
		case 'r': o->sock = optarg; break;
		case 'c': o->check = true; break;
		case 'j': o->json = true; break;
		default: usage();
		}
	}
	if (optind < argc && !strcmp(argv[optind], "client") &&
	    optind + 1 < argc)
		o->server = argv[optind + 1];
	else if (optind >= argc || strcmp(argv[optind], "server"))
		usage();
	if (!o->size || !o->iters || !o->depth || o->depth > 1024 ||
	    o->size > (1u << 30))
		usage();
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct res r = { 0 };
	int tcp, rc;

	parse(argc, argv, &o);
	setup(&r, &o);
	tcp = o.server ? tcp_client(o.server, o.port) : tcp_server(o.port);
	xfer(tcp, &r.me, sizeof(r.me), true);
	xfer(tcp, &r.peer, sizeof(r.peer), false);
	connect_qp(&r);
	if (!o.server && o.op == ROCE_WR_RDMA_READ)
		fill(r.buf, o.size);
	if (!o.server && o.op == ROCE_WR_SEND)
		for (unsigned i = 0; i < o.depth + 1 && i < o.iters; i++)
			post_recv(&r, o.size);
	/* both QPs ready before the first message */
	xfer(tcp, &r.me.pad[0], 1, true);
	xfer(tcp, &r.peer.pad[0], 1, false);
	rc = o.server ? run_client(&r, &o, tcp) : run_server(&r, &o, tcp);
	close(tcp);
	lagnic_close(r.ctx);
	return rc;
}
