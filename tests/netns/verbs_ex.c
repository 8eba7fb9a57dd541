/*
 * verbs_ex [-g GID_INDEX] [SERVER_ADDR]: the verbs perftest and the
 * pingpongs do not use here, built against the system's libibverbs and
 * run on lagnic's through lagnic-run: ibv_create_cq_ex and its polling,
 * ibv_create_qp_ex with the ibv_wr_* API (RDMA WRITE, then SEND with
 * immediate), ibv_query_qp, an SRQ with its limit (SRQ_LIMIT_REACHED
 * once a SEND takes it below), SQ_DRAINED (ibv_destroy_qp waits for its
 * ack), a UD echo answered through
 * ibv_create_ah_from_wc, and the calls lagnic refuses, each with the
 * error verbs programs expect. The client writes a pattern and sends; the
 * server checks both. Exit status 0 and "verbs_ex: ok" when all held.
 *
 * verbs_ex -E SECONDS -n COUNT [-G]: the port's events. Prints "port:
 * STATE" at start, then "event: TYPE state STATE" for each async event
 * (the port's state queried after it), on a non-blocking async_fd; exits
 * 0 after COUNT port events (PORT_ERR, PORT_ACTIVE) and, with -G, a
 * GID_CHANGE after them; 1 after SECONDS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <infiniband/verbs.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LEN	8192
#define PORT	18516
#define IMM	0x1234abcdu

struct info {
	uint32_t qpn, rkey;
	uint32_t srq_qpn;		/* the server's QP on its SRQ */
	uint32_t pad;
	uint64_t va;
	uint8_t gid[16];
};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "verbs_ex: FAILED: %s (errno %d: %s)\n", what,
		    errno, strerror(errno));
		exit(1);
	}
}

static int
tcp(const char *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(PORT) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0), l;

	if (server) {
		inet_pton(AF_INET, server, &a.sin_addr);
		for (int i = 0; i < 100; i++, usleep(100000))
			if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
				return fd;
		check(0, "connect");
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	check(!bind(fd, (struct sockaddr *)&a, sizeof(a)) && !listen(fd, 1),
	    "listen");
	l = accept(fd, NULL, NULL);
	close(fd);
	return l;
}

static void
xchg(int fd, struct info *me, struct info *peer)
{
	check(write(fd, me, sizeof(*me)) == sizeof(*me), "send info");
	check(read(fd, peer, sizeof(*peer)) == sizeof(*peer), "recv info");
}

/* What lagnic refuses, refused as verbs says. */
static void
refusals(struct ibv_pd *pd, struct ibv_cq *cq,
    struct ibv_qp *qp, void *buf)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 1, .max_sge = 1 } };
	struct ibv_srq *srq;
	struct ibv_qp_init_attr ua = { .send_cq = cq, .recv_cq = cq,
	    .qp_type = IBV_QPT_UC, .cap = { 1, 1, 1, 1, 0 } };
	struct ibv_send_wr wr = { .opcode = IBV_WR_LOCAL_INV }, *bad = NULL;

	srq = ibv_create_srq(pd, &sa);
	check(srq && sa.attr.max_wr >= 1, "SRQ");
	sa.attr.max_wr *= 2;
	check(ibv_modify_srq(srq, &sa.attr, IBV_SRQ_MAX_WR) == EOPNOTSUPP,
	    "SRQ resize refused");
	sa.attr.srq_limit = 1000;
	check(ibv_modify_srq(srq, &sa.attr, IBV_SRQ_LIMIT) == EINVAL,
	    "SRQ limit above max_wr refused");
	check(!ibv_destroy_srq(srq), "destroy SRQ");
	errno = 0;
	check(!ibv_create_qp(pd, &ua) && errno == EOPNOTSUPP, "UC refused");
	errno = 0;
	check(!ibv_alloc_mw(pd, IBV_MW_TYPE_1) && errno == EOPNOTSUPP,
	    "MW refused");
	errno = 0;
	check(!ibv_reg_mr_iova(pd, buf, 64, (uintptr_t)buf + 4096,
	    IBV_ACCESS_LOCAL_WRITE) && errno == EOPNOTSUPP, "iova refused");
	check(ibv_post_send(qp, &wr, &bad) == EINVAL && bad == &wr,
	    "LOCAL_INV refused with bad_wr");
	check(ibv_resize_cq(cq, 64) == EOPNOTSUPP, "resize_cq refused");
}

/* One completion through the extended CQ. */
static void
poll_one(struct ibv_cq_ex *cq, enum ibv_wc_opcode want, uint32_t *imm,
    uint32_t *len)
{
	struct ibv_poll_cq_attr pa = { 0 };
	int err;

	while ((err = ibv_start_poll(cq, &pa)) == ENOENT)
		;
	check(!err, "start_poll");
	check(cq->status == IBV_WC_SUCCESS, ibv_wc_status_str(cq->status));
	check(ibv_wc_read_opcode(cq) == want, "completion opcode");
	if (imm)
		*imm = ntohl(ibv_wc_read_imm_data(cq));
	if (len)
		*len = ibv_wc_read_byte_len(cq);
	ibv_end_poll(cq);
}

static void
connect_qp(struct ibv_qp *qp, const struct info *peer, int gidx)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1,
	    .qp_access_flags = IBV_ACCESS_REMOTE_WRITE };

	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
	    IBV_QP_PORT | IBV_QP_ACCESS_FLAGS), "INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.dest_qp_num = peer->qpn;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.port_num = 1;
	a.ah_attr.grh.hop_limit = 64;
	a.ah_attr.grh.sgid_index = (uint8_t)gidx;
	memcpy(a.ah_attr.grh.dgid.raw, peer->gid, 16);
	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV |
	    IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
	    IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER), "RTR");
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN |
	    IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
	    IBV_QP_MAX_QP_RD_ATOMIC), "RTS");
}

/* One completion through ibv_poll_cq (the same CQ, the plain way). */
static void
poll_wc(struct ibv_cq *cq, struct ibv_wc *wc)
{
	int n;

	while ((n = ibv_poll_cq(cq, 1, wc)) == 0)
		;
	check(n == 1 && wc->status == IBV_WC_SUCCESS, "UD completion");
}

static struct ibv_qp *
ud_qp(struct ibv_pd *pd, struct ibv_cq *cq)
{
	struct ibv_qp_init_attr ia = { .send_cq = cq, .recv_cq = cq,
	    .qp_type = IBV_QPT_UD, .cap = { 2, 2, 1, 1, 0 } };
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1,
	    .qkey = 0x11111111 };
	struct ibv_qp *qp = ibv_create_qp(pd, &ia);

	check(qp != NULL, "UD QP");
	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
	    IBV_QP_PORT | IBV_QP_QKEY), "UD INIT");
	a.qp_state = IBV_QPS_RTR;
	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE), "UD RTR");
	a.qp_state = IBV_QPS_RTS;
	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN), "UD RTS");
	return qp;
}

static void
ud_send(struct ibv_qp *qp, struct ibv_ah *ah, uint32_t qpn, void *p,
    uint32_t lkey)
{
	struct ibv_sge s = { (uintptr_t)p, 16, lkey };
	struct ibv_send_wr w = { .wr_id = 9, .sg_list = &s, .num_sge = 1,
	    .opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED }, *bad;

	w.wr.ud.ah = ah;
	w.wr.ud.remote_qpn = qpn;
	w.wr.ud.remote_qkey = 0x11111111;
	check(!ibv_post_send(qp, &w, &bad), "UD post_send");
}

/* A datagram to the peer and its answer, the answer's AH made from the
 * received GRH (ibv_create_ah_from_wc). rx: 40 + 16 bytes, tx: 16. */
static void
ud_echo(int fd, struct ibv_pd *pd, struct ibv_cq *cq, struct ibv_mr *mr,
    uint8_t *rx, uint8_t *tx, const char *server, const struct info *peer0)
{
	struct ibv_qp *qp = ud_qp(pd, cq);
	struct ibv_sge s = { (uintptr_t)rx, 40 + 16, mr->lkey };
	struct ibv_recv_wr rw = { .wr_id = 8, .sg_list = &s, .num_sge = 1 };
	struct ibv_recv_wr *rbad;
	struct info me = { .qpn = qp->qp_num }, peer;
	struct ibv_wc wc;
	struct ibv_ah *ah;

	check(!ibv_post_recv(qp, &rw, &rbad), "UD post_recv");
	xchg(fd, &me, &peer);
	memcpy(tx, "lagnic ud echo!", 16);
	if (server) {		/* ask, then take the answer */
		struct ibv_ah_attr aa = { .is_global = 1, .port_num = 1,
		    .grh = { .hop_limit = 64 } };

		memcpy(aa.grh.dgid.raw, peer0->gid, 16);
		ah = ibv_create_ah(pd, &aa);
		check(ah != NULL, "create_ah");
		ud_send(qp, ah, peer.qpn, tx, mr->lkey);
		poll_wc(cq, &wc);
		poll_wc(cq, &wc);
		check(wc.opcode == IBV_WC_RECV && wc.byte_len == 40 + 16 &&
		    !memcmp(rx + 40, tx, 16), "UD answer");
	} else {		/* answer whoever asked */
		poll_wc(cq, &wc);
		check(wc.opcode == IBV_WC_RECV && wc.wc_flags & IBV_WC_GRH &&
		    wc.src_qp == peer.qpn && !memcmp(rx + 40, tx, 16),
		    "UD question");
		ah = ibv_create_ah_from_wc(pd, &wc, (struct ibv_grh *)rx, 1);
		check(ah != NULL, "create_ah_from_wc");
		ud_send(qp, ah, wc.src_qp, tx, mr->lkey);
		poll_wc(cq, &wc);
	}
	xchg(fd, &me, &peer);
	check(!ibv_destroy_ah(ah) && !ibv_destroy_qp(qp), "UD teardown");
}

/* The next async event within ms, on the non-blocking async_fd: 0, or
 * -1 (none came). */
static int
async_event(struct ibv_context *ctx, struct ibv_async_event *ev, int ms)
{
	struct pollfd p = { .fd = ctx->async_fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	check(!ibv_get_async_event(ctx, ev), "get_async_event");
	return 0;
}

/* The next event of an object (GID_CHANGE from an address the PF got
 * meanwhile is passed over), within 10 s. */
static void
object_event(struct ibv_context *ctx, struct ibv_async_event *ev)
{
	do {
		check(!async_event(ctx, ev, 10000), "an async event");
		if (ev->event_type == IBV_EVENT_GID_CHANGE)
			ibv_ack_async_event(ev);
	} while (ev->event_type == IBV_EVENT_GID_CHANGE);
}

static void
nonblocking_async_fd(struct ibv_context *ctx)
{
	struct ibv_async_event ev;
	int fl = fcntl(ctx->async_fd, F_GETFL);

	check(fl >= 0 && !fcntl(ctx->async_fd, F_SETFL, fl | O_NONBLOCK),
	    "async_fd O_NONBLOCK");
	errno = 0;
	check(ibv_get_async_event(ctx, &ev) == -1 && errno == EAGAIN,
	    "get_async_event: EAGAIN with none");
}

static const char *
port_state(struct ibv_context *ctx)
{
	struct ibv_port_attr pa;

	check(!ibv_query_port(ctx, 1, &pa), "query_port");
	return pa.state == IBV_PORT_ACTIVE ? "PORT_ACTIVE" :
	    pa.state == IBV_PORT_DOWN ? "PORT_DOWN" : "PORT_OTHER";
}

static const char *
event_name(enum ibv_event_type t)
{
	return t == IBV_EVENT_PORT_ERR ? "PORT_ERR" :
	    t == IBV_EVENT_PORT_ACTIVE ? "PORT_ACTIVE" :
	    t == IBV_EVENT_GID_CHANGE ? "GID_CHANGE" : ibv_event_type_str(t);
}

/* -E: the port's events as they come. */
static int
events_mode(struct ibv_context *ctx, int secs, int count, int want_gid)
{
	struct ibv_async_event ev;
	int ports = 0, gid = 0;

	nonblocking_async_fd(ctx);
	printf("port: %s\n", port_state(ctx));
	fflush(stdout);
	for (int ms = 0; ms < secs * 1000 && (ports < count ||
	    gid < want_gid); ms += 100) {
		if (async_event(ctx, &ev, 100))
			continue;
		printf("event: %s state %s\n", event_name(ev.event_type),
		    port_state(ctx));
		fflush(stdout);
		ports += ev.event_type == IBV_EVENT_PORT_ERR ||
		    ev.event_type == IBV_EVENT_PORT_ACTIVE;
		gid += ports == count && ev.event_type == IBV_EVENT_GID_CHANGE;
		check(ev.element.port_num == 1, "event's port");
		ibv_ack_async_event(&ev);
	}
	check(ports == count && gid >= want_gid, "the events in time");
	check(!ibv_close_device(ctx), "close");
	return 0;
}

/* The server's QP on an SRQ of 4 WRs, 2 receives posted, the limit
 * armed at 2. */
static struct ibv_qp *
srq_qp(struct ibv_pd *pd, struct ibv_cq *cq, struct ibv_srq **srq,
    struct ibv_mr *mr, uint8_t *buf)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 4, .max_sge = 1 } };
	struct ibv_srq_attr q;
	struct ibv_qp_init_attr ia = { .send_cq = cq, .recv_cq = cq,
	    .qp_type = IBV_QPT_RC, .cap = { 2, 0, 1, 1, 0 } };
	struct ibv_sge s = { (uintptr_t)buf, 64, mr->lkey };
	struct ibv_recv_wr rw = { .sg_list = &s, .num_sge = 1 }, *bad;
	struct ibv_qp *qp;

	*srq = ibv_create_srq(pd, &sa);
	check(*srq != NULL, "SRQ for the limit");
	ia.srq = *srq;
	qp = ibv_create_qp(pd, &ia);
	check(qp != NULL, "QP on the SRQ");
	for (int i = 0; i < 2; i++)
		check(!ibv_post_srq_recv(*srq, &rw, &bad), "post_srq_recv");
	sa.attr.srq_limit = 2;
	check(!ibv_modify_srq(*srq, &sa.attr, IBV_SRQ_LIMIT), "arm limit");
	check(!ibv_query_srq(*srq, &q) && q.srq_limit == 2, "query_srq: 2");
	return qp;
}

/* The client's SEND takes one of the SRQ's two receives: below the
 * limit, SRQ_LIMIT_REACHED for the server, which disarms it. */
static void
srq_limit(struct ibv_context *ctx, struct ibv_cq_ex *cq, struct ibv_qp *qp2,
    struct ibv_srq *srq, struct ibv_mr *mr, uint8_t *buf, int server)
{
	struct ibv_async_event ev;
	struct ibv_srq_attr q;

	if (server) {
		struct ibv_sge s = { (uintptr_t)buf, 64, mr->lkey };
		struct ibv_send_wr w = { .wr_id = 3, .sg_list = &s,
		    .num_sge = 1, .opcode = IBV_WR_SEND,
		    .send_flags = IBV_SEND_SIGNALED }, *bad;

		check(!ibv_post_send(qp2, &w, &bad), "SEND to the SRQ");
		poll_one(cq, IBV_WC_SEND, NULL, NULL);
		return;
	}
	poll_one(cq, IBV_WC_RECV, NULL, NULL);
	object_event(ctx, &ev);
	check(ev.event_type == IBV_EVENT_SRQ_LIMIT_REACHED &&
	    ev.element.srq == srq, "SRQ_LIMIT_REACHED for the SRQ");
	ibv_ack_async_event(&ev);
	check(!ibv_query_srq(srq, &q) && q.srq_limit == 0,
	    "query_srq: disarmed");
}

struct destroyer {
	struct ibv_qp *qp;
	int err;
	atomic_int done;
};

static void *
destroy_qp(void *arg)
{
	struct destroyer *d = arg;

	d->err = ibv_destroy_qp(d->qp);
	atomic_store(&d->done, 1);
	return NULL;
}

/* RTS to SQD with en_sqd_async_notify: SQ_DRAINED for the QP; its
 * destroy (another thread) waits until that event is acked, as
 * rdma-core's does. */
static void
sq_drained_then_destroy(struct ibv_context *ctx, struct ibv_qp *qp)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_SQD,
	    .en_sqd_async_notify = 1 };
	struct ibv_async_event ev;
	struct destroyer d = { .qp = qp };
	pthread_t th;

	check(!ibv_modify_qp(qp, &a, IBV_QP_STATE |
	    IBV_QP_EN_SQD_ASYNC_NOTIFY), "SQD");
	object_event(ctx, &ev);
	check(ev.event_type == IBV_EVENT_SQ_DRAINED && ev.element.qp == qp,
	    "SQ_DRAINED for the QP");
	check(!pthread_create(&th, NULL, destroy_qp, &d), "thread");
	usleep(200000);
	check(!atomic_load(&d.done), "destroy_qp waits for the event's ack");
	ibv_ack_async_event(&ev);
	check(!pthread_join(th, NULL) && d.err == 0, "destroy_qp after ack");
}

int
main(int argc, char **argv)
{
	int gidx = 0, c, fd, ev_secs = 0, ev_count = 0, ev_gid = 0;
	const char *server;
	struct ibv_device **dl;
	struct ibv_context *ctx;
	struct ibv_device_attr_ex dx;
	struct ibv_gid_entry ge;
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	struct ibv_cq_ex *cq;
	struct ibv_qp *qp, *qp2;
	struct ibv_srq *srq = NULL;
	struct info peer2;
	struct ibv_qp_ex *qx;
	struct ibv_qp_attr qa;
	struct ibv_qp_init_attr qi;
	struct info me, peer;
	uint8_t *buf = aligned_alloc(4096, 2 * LEN);

	while ((c = getopt(argc, argv, "g:E:n:G")) != -1) {
		if (c == 'g')
			gidx = atoi(optarg);
		else if (c == 'E')
			ev_secs = atoi(optarg);
		else if (c == 'n')
			ev_count = atoi(optarg);
		else if (c == 'G')
			ev_gid = 1;
	}
	server = optind < argc ? argv[optind] : NULL;
	dl = ibv_get_device_list(NULL);
	check(dl && dl[0], "a device");
	ctx = ibv_open_device(dl[0]);
	check(ctx != NULL, "open");
	if (ev_secs)
		return events_mode(ctx, ev_secs, ev_count, ev_gid);
	nonblocking_async_fd(ctx);
	check(!ibv_query_device_ex(ctx, NULL, &dx) &&
	    dx.orig_attr.phys_port_cnt == 1, "query_device_ex");
	check(!ibv_query_gid_ex(ctx, 1, (uint32_t)gidx, &ge, 0) &&
	    ge.gid_type == IBV_GID_TYPE_ROCE_V2, "query_gid_ex");
	pd = ibv_alloc_pd(ctx);
	check(pd != NULL, "pd");
	memset(buf, 0, 2 * LEN);
	mr = ibv_reg_mr(pd, buf, 2 * LEN, IBV_ACCESS_LOCAL_WRITE |
	    IBV_ACCESS_REMOTE_WRITE);
	check(mr != NULL, "reg_mr of aligned_alloc'd memory");
	cq = ibv_create_cq_ex(ctx, &(struct ibv_cq_init_attr_ex){ .cqe = 16,
	    .wc_flags = IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM });
	check(cq != NULL, "create_cq_ex");
	qp = ibv_create_qp_ex(ctx, &(struct ibv_qp_init_attr_ex){
	    .send_cq = ibv_cq_ex_to_cq(cq), .recv_cq = ibv_cq_ex_to_cq(cq),
	    .cap = { .max_send_wr = 4, .max_recv_wr = 4, .max_send_sge = 1,
	    .max_recv_sge = 1, .max_inline_data = 64 }, .qp_type = IBV_QPT_RC,
	    .comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
	    .pd = pd, .send_ops_flags = IBV_QP_EX_WITH_RDMA_WRITE |
	    IBV_QP_EX_WITH_SEND_WITH_IMM });
	check(qp != NULL, "create_qp_ex");
	qx = ibv_qp_to_qp_ex(qp);
	check(qx != NULL, "qp_to_qp_ex");
	refusals(pd, ibv_cq_ex_to_cq(cq), qp, buf);
	if (server) {
		qp2 = ibv_create_qp(pd, &(struct ibv_qp_init_attr){
		    .send_cq = ibv_cq_ex_to_cq(cq),
		    .recv_cq = ibv_cq_ex_to_cq(cq), .qp_type = IBV_QPT_RC,
		    .cap = { 2, 1, 1, 1, 0 } });
		check(qp2 != NULL, "QP to the SRQ");
	} else {
		qp2 = srq_qp(pd, ibv_cq_ex_to_cq(cq), &srq, mr,
		    buf + LEN + 1024);
	}

	me = (struct info){ .qpn = qp->qp_num, .rkey = mr->rkey,
	    .va = (uintptr_t)buf, .srq_qpn = qp2->qp_num };
	memcpy(me.gid, ge.gid.raw, 16);
	fd = tcp(server);
	xchg(fd, &me, &peer);
	connect_qp(qp, &peer, gidx);
	peer2 = peer;
	peer2.qpn = peer.srq_qpn;
	connect_qp(qp2, &peer2, gidx);
	if (!server) {		/* the receive is there before the client goes */
		struct ibv_sge s = { (uintptr_t)(buf + LEN), 64, mr->lkey };
		struct ibv_recv_wr rw = { .wr_id = 7, .sg_list = &s,
		    .num_sge = 1 }, *bad;

		check(!ibv_post_recv(qp, &rw, &bad), "post_recv");
	}
	check(!ibv_query_qp(qp, &qa, IBV_QP_STATE, &qi) &&
	    qa.qp_state == IBV_QPS_RTS && qi.cap.max_inline_data >= 64,
	    "query_qp: RTS");
	xchg(fd, &me, &peer);		/* both in RTS */
	if (server) {
		uint32_t word = 42;

		for (int i = 0; i < LEN; i++)
			buf[i] = (uint8_t)(i * 7 + 1);
		ibv_wr_start(qx);
		qx->wr_id = 1;
		qx->wr_flags = IBV_SEND_SIGNALED;
		ibv_wr_rdma_write(qx, peer.rkey, peer.va);
		ibv_wr_set_sge(qx, mr->lkey, (uintptr_t)buf, LEN);
		qx->wr_id = 2;
		qx->wr_flags = IBV_SEND_SIGNALED | IBV_SEND_INLINE;
		ibv_wr_send_imm(qx, htonl(IMM));
		ibv_wr_set_inline_data(qx, &word, sizeof(word));
		check(!ibv_wr_complete(qx), "wr_complete");
		poll_one(cq, IBV_WC_RDMA_WRITE, NULL, NULL);
		poll_one(cq, IBV_WC_SEND, NULL, NULL);
	} else {
		uint32_t imm = 0, len = 0, word;

		poll_one(cq, IBV_WC_RECV, &imm, &len);
		memcpy(&word, buf + LEN, sizeof(word));
		check(imm == IMM && len == 4 && word == 42, "SEND with imm");
		for (int i = 0; i < LEN; i++)
			check(buf[i] == (uint8_t)(i * 7 + 1), "written data");
	}
	xchg(fd, &me, &peer);		/* done */
	srq_limit(ctx, cq, qp2, srq, mr, buf + LEN + 512, server != NULL);
	xchg(fd, &me, &peer);		/* the SRQ's SEND landed */
	sq_drained_then_destroy(ctx, qp2);
	check(!srq || !ibv_destroy_srq(srq), "destroy_srq");
	ud_echo(fd, pd, ibv_cq_ex_to_cq(cq), mr, buf + LEN + 64,
	    buf + LEN + 256, server, &peer);
	check(!ibv_destroy_qp(qp), "destroy_qp");
	check(!ibv_destroy_cq(ibv_cq_ex_to_cq(cq)), "destroy_cq");
	check(!ibv_dereg_mr(mr), "dereg_mr");
	check(!ibv_dealloc_pd(pd), "dealloc_pd");
	check(!ibv_close_device(ctx), "close");
	ibv_free_device_list(dl);
	printf("verbs_ex: ok\n");
	return 0;
}
