/* lagnic-perf's resources: contexts, QPs, and bringing the QPs to RTS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/perf_rdma.h"

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
		rperf_die(path, f ? EINVAL : errno);
	fclose(f);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

/* The first IPv4 GID: our address. */
static int
our_ipv4(struct lagnic_context *ctx, uint32_t *addr)
{
	union roce_gid g;

	for (int i = 0; i < 16; i++) {
		if (lagnic_query_gid(ctx, 1, i, &g))
			continue;
		if (g.raw[10] == 0xff && g.raw[11] == 0xff) {
			memcpy(addr, g.raw + 12, 4);
			return i;
		}
	}
	return -1;
}

/* Room for every send in flight and every receive posted on the
 * context's QPs, as far as the device goes. */
static uint32_t
cq_size(struct rperf_ctx *c, const struct rperf_opts *o)
{
	uint32_t cap = (o->depth + o->nqp - 1) / o->nqp;
	uint32_t nqp = o->nqp < RPERF_QPS_PER_CTX ? o->nqp : RPERF_QPS_PER_CTX;
	uint64_t n = 2ull * o->depth + 2 + (uint64_t)nqp * RPERF_RECV_DEPTH(cap);
	struct roce_device_attr da;

	if (lagnic_query_device(c->ctx, &da) == 0 && n > (uint64_t)da.max_cqe)
		n = (uint64_t)da.max_cqe;
	return (uint32_t)n;
}

/* A context with its PD, CQ (room for every WR in flight), buffer, MR. */
static void
ctx_open(struct rperf_ctx *c, const struct rperf_opts *o)
{
	c->ctx = lagnic_open(o->sock);
	if (!c->ctx)
		rperf_die("lagnic_open", errno);
	c->pd = lagnic_alloc_pd(c->ctx);
	c->len = (size_t)o->size * 2 + 4096;
	c->buf = lagnic_alloc_buf(c->ctx, c->len);
	if (!c->pd || !c->buf)
		rperf_die("pd/buffer", errno);
	c->mr = lagnic_reg_mr(c->pd, c->buf, c->len, ROCE_ACCESS_ALL);
	c->cq = lagnic_create_cq(c->ctx, (int)cq_size(c, o), NULL);
	if (!c->mr || !c->cq)
		rperf_die("mr/cq", errno);
}

static struct lagnic_qp *
qp_create(struct rperf_ctx *c, uint32_t cap)
{
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.send_cq = c->cq, .recv_cq = c->cq,
		.cap = { .max_send_wr = cap + 1,
		    .max_recv_wr = RPERF_RECV_DEPTH(cap),
		    .max_send_sge = 1, .max_recv_sge = 1 },
	};

	return lagnic_create_qp(c->pd, &init);
}

/* QP i on the current context; lagnicd refusing one more on this
 * connection (ENOMEM) opens the next context. */
static void
qp_add(struct rperf *r, unsigned i, uint32_t cap)
{
	struct rperf_ctx *c = &r->ctxs[r->nctx - 1];
	struct lagnic_qp *qp = qp_create(c, cap);

	if (!qp && errno == ENOMEM && c->nqp) {
		c = &r->ctxs[r->nctx++];
		ctx_open(c, r->o);
		qp = qp_create(c, cap);
	}
	if (!qp) {
		fprintf(stderr, "lagnic-perf: QP %u of %u (context %u, %u QPs "
		    "on it)\n", i + 1, r->nqp, r->nctx, c->nqp);
		rperf_die("create_qp", errno);
	}
	c->nqp++;
	r->qps[i] = (struct rperf_qp){ .qp = qp, .c = c, .cap = cap };
}

static void
wait_gid(struct rperf *r)
{
	/* lagnicd reads the PF's addresses once a second: a fresh one may
	 * take that long to be a GID */
	for (int i = 0; i < 50; i++) {
		r->gid_index = our_ipv4(r->ctxs[0].ctx, &r->me.ipv4);
		if (r->gid_index >= 0)
			return;
		usleep(100000);
	}
	rperf_die("no IPv4 GID (lag0 has no address?)", ENOENT);
}

void
rperf_setup(struct rperf *r)
{
	const struct rperf_opts *o = r->o;
	uint32_t cap = (o->depth + o->nqp - 1) / o->nqp;

	r->nqp = o->nqp;
	r->qps = calloc(r->nqp, sizeof(*r->qps));
	r->ctxs = calloc(r->nqp, sizeof(*r->ctxs));	/* at most one each */
	if (!r->qps || !r->ctxs)
		rperf_die("calloc", ENOMEM);
	r->nctx = 1;
	ctx_open(&r->ctxs[0], o);
	for (unsigned i = 0; i < r->nqp; i++)
		qp_add(r, i, cap);
	wait_gid(r);
	read_mac(o->ifname, r->me.mac);
}

static void
qp_to_init(struct lagnic_qp *qp)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qp_access_flags = ROCE_ACCESS_REMOTE_WRITE |
	    ROCE_ACCESS_REMOTE_READ | ROCE_ACCESS_REMOTE_ATOMIC };

	if (lagnic_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_PKEY_INDEX |
	    ROCE_QP_PORT | ROCE_QP_ACCESS_FLAGS))
		rperf_die("QP to INIT", EINVAL);
}

static void
qp_to_rtr(struct lagnic_qp *qp, const struct rperf_peer *peer, int gid_index)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_RTR,
	    .path_mtu = ROCE_MTU_1024, .dest_qp_num = peer->qpn,
	    .max_dest_rd_atomic = 16, .min_rnr_timer = 1 };

	a.ah_attr.port_num = 1;
	a.ah_attr.grh.sgid_index = (uint8_t)gid_index;
	a.ah_attr.grh.hop_limit = 64;
	a.ah_attr.grh.dgid.raw[10] = a.ah_attr.grh.dgid.raw[11] = 0xff;
	memcpy(a.ah_attr.grh.dgid.raw + 12, &peer->ipv4, 4);
	memcpy(a.ah_attr.dmac, peer->mac, 6);
	if (lagnic_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_AV |
	    ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN | ROCE_QP_RQ_PSN |
	    ROCE_QP_MAX_DEST_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER))
		rperf_die("QP to RTR", EINVAL);
}

static void
qp_to_rts(struct lagnic_qp *qp)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_RTS, .timeout = 14,
	    .retry_cnt = 7, .rnr_retry = 7, .max_rd_atomic = 16 };

	if (lagnic_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN |
	    ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT | ROCE_QP_RNR_RETRY |
	    ROCE_QP_MAX_QP_RD_ATOMIC))
		rperf_die("QP to RTS", EINVAL);
}

void
rperf_connect(struct rperf *r)
{
	for (unsigned i = 0; i < r->nqp; i++) {
		qp_to_init(r->qps[i].qp);
		qp_to_rtr(r->qps[i].qp, &r->qps[i].peer, r->gid_index);
		qp_to_rts(r->qps[i].qp);
	}
}

void
rperf_teardown(struct rperf *r)
{
	for (unsigned i = 0; i < r->nctx; i++)
		lagnic_close(r->ctxs[i].ctx);
	free(r->qps);
	free(r->ctxs);
}
