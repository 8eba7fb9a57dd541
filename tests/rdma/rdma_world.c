/* The liblagnic tests' world (rdma_world.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "rdma_world.h"

/* The engines' events to the services (lagnicd: nic_rdma_event). */
static void
svc_event(void *arg, const struct roce_event *ev)
{
	rdma_svc_engine_event(arg, ev);
}

void
world_port(struct world *w, unsigned h, bool active)
{
	pthread_mutex_lock(&w->lock);
	roce_engine_set_port_active(w->rf->h[h].e, active);
	rdma_svc_port_changed(w->svc[h]);
	pthread_mutex_unlock(&w->lock);
}

static void
serve_inputs(struct world *w, unsigned h)
{
	for (unsigned i = 0; i < w->nclients[h]; i++) {
		struct rdma_client *c = w->clients[h][i];

		if (c && rdma_svc_client_input(w->svc[h], c) == -ECONNRESET)
			w->clients[h][i] = NULL;
	}
}

/* The daemons: requests, rings, and the wire, 20 us of virtual time per
 * turn. */
void *
daemon_thread(void *arg)
{
	struct world *w = arg;

	while (!atomic_load(&w->stop)) {
		pthread_mutex_lock(&w->lock);
		for (unsigned h = 0; h < 2; h++) {
			serve_inputs(w, h);
			rdma_svc_poll(w->svc[h]);
		}
		rf_run_for(w->rf, 20 * NSEC_PER_USEC);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

struct world *
world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->rf = rf_new(2, rf_seed(0x1a61c));
	pthread_mutex_init(&w->lock, NULL);
	for (unsigned h = 0; h < 2; h++) {
		assert_int_equal(rdma_svc_create(&w->svc[h], w->rf->h[h].e), 0);
		w->rf->h[h].event_fn = svc_event;
		w->rf->h[h].event_arg = w->svc[h];
	}
	assert_int_equal(pthread_create(&w->thread, NULL, daemon_thread, w), 0);
	return w;
}

void
world_free(struct world *w)
{
	atomic_store(&w->stop, 1);
	pthread_join(w->thread, NULL);
	for (unsigned h = 0; h < 2; h++) {
		w->rf->h[h].event_fn = NULL;	/* rf_free's go nowhere */
		rdma_svc_destroy(w->svc[h]);
	}
	rf_free(w->rf);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* A new application on host h. */
struct lagnic_context *
app_open(struct world *w, unsigned h, int *raw)
{
	int sv[2];
	struct lagnic_context *ctx;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	pthread_mutex_lock(&w->lock);
	assert_int_equal(rdma_svc_client_add(w->svc[h], sv[1],
	    &w->clients[h][w->nclients[h]]), 0);
	w->nclients[h]++;
	pthread_mutex_unlock(&w->lock);
	if (raw) {
		*raw = sv[0];
		return NULL;
	}
	ctx = lagnic_open_fd(sv[0]);
	assert_non_null(ctx);
	return ctx;
}


/* An application's objects; its CQ on a completion channel if with_ch. */
void
app_objects_ch(struct world *w, unsigned h, struct app *a, bool with_ch)
{
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
		    .max_send_sge = 2, .max_recv_sge = 2,
		    .max_inline_data = 64 },
	};

	a->ctx = app_open(w, h, NULL);
	a->pd = lagnic_alloc_pd(a->ctx);
	assert_non_null(a->pd);
	a->buf = lagnic_alloc_buf(a->ctx, BUF_LEN);
	assert_non_null(a->buf);
	a->mr = lagnic_reg_mr(a->pd, a->buf, BUF_LEN, ROCE_ACCESS_ALL);
	assert_non_null(a->mr);
	a->ch = NULL;
	if (with_ch) {
		a->ch = lagnic_create_comp_channel(a->ctx);
		assert_non_null(a->ch);
	}
	a->cq = lagnic_create_cq_ch(a->ctx, 256, a, a->ch);
	assert_non_null(a->cq);
	init.send_cq = init.recv_cq = a->cq;
	a->qp = lagnic_create_qp(a->pd, &init);
	assert_non_null(a->qp);
}

void
app_objects(struct world *w, unsigned h, struct app *a)
{
	app_objects_ch(w, h, a, false);
}

void
rc_to_rtr(struct world *w, struct app *a, unsigned ha, uint32_t dqpn)
{
	struct roce_qp_attr at = { .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qp_access_flags = ROCE_ACCESS_ALL & ~ROCE_ACCESS_LOCAL_WRITE };

	assert_int_equal(lagnic_modify_qp(a->qp, &at, ROCE_QP_STATE |
	    ROCE_QP_PKEY_INDEX | ROCE_QP_PORT | ROCE_QP_ACCESS_FLAGS), 0);
	at.qp_state = ROCE_QPS_RTR;
	at.path_mtu = ROCE_MTU_1024;
	at.dest_qp_num = dqpn;
	at.rq_psn = 100;
	at.max_dest_rd_atomic = 16;
	at.min_rnr_timer = 1;
	rf_av(&w->rf->h[ha], false, &at.ah_attr);
	assert_int_equal(lagnic_modify_qp(a->qp, &at, ROCE_QP_STATE |
	    ROCE_QP_AV | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN |
	    ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC |
	    ROCE_QP_MIN_RNR_TIMER), 0);
}

void
rc_to_rts(struct app *a)
{
	struct roce_qp_attr at = { 0 };

	at.qp_state = ROCE_QPS_RTS;
	at.sq_psn = 100;
	at.timeout = 14;
	at.retry_cnt = 7;
	at.rnr_retry = 7;
	at.max_rd_atomic = 16;
	assert_int_equal(lagnic_modify_qp(a->qp, &at, ROCE_QP_STATE |
	    ROCE_QP_SQ_PSN | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT |
	    ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC), 0);
}

void
rc_connect(struct world *w, struct app *a, unsigned ha, uint32_t dqpn)
{
	rc_to_rtr(w, a, ha, dqpn);
	rc_to_rts(a);
}

/* One completion, within 10 s of real time. */
struct roce_wc
wait_wc(struct lagnic_cq *cq)
{
	struct timespec t0, t;
	struct roce_wc wc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int n = lagnic_poll_cq(cq, 1, &wc);

		assert_true(n >= 0);
		if (n == 1)
			return wc;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			fail_msg("no completion within 10 s");
		usleep(100);
	}
}

void
post1(struct app *a, enum roce_wr_opcode op, uint64_t laddr, uint32_t len,
    uint64_t raddr, uint32_t rkey, uint64_t wr_id)
{
	struct roce_sge sge = { .addr = laddr, .length = len,
	    .lkey = a->mr->lkey };
	struct roce_send_wr wr = { .wr_id = wr_id, .sg_list = &sge,
	    .num_sge = 1, .opcode = op, .send_flags = ROCE_SEND_SIGNALED }, *bad;

	if (op == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
		wr.wr.atomic.remote_addr = raddr;
		wr.wr.atomic.rkey = rkey;
		wr.wr.atomic.compare_add = 5;
	} else {
		wr.wr.rdma.remote_addr = raddr;
		wr.wr.rdma.rkey = rkey;
	}
	assert_int_equal(lagnic_post_send(a->qp, &wr, &bad), 0);
}

void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}