#include "roce_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RF_POOL_BUFS	16384
#define RF_BUF_SIZE	2048
#define RF_STEP_NS	(2 * NSEC_PER_USEC)

uint64_t
rf_seed(uint64_t def)
{
	const char *s = getenv("LAGNIC_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : def;

	printf("# seed 0x%llx (rerun with LAGNIC_SEED=0x%llx)\n",
	    (unsigned long long)seed, (unsigned long long)seed);
	return seed;
}

/* ---- the owner's side of the engine ---- */

static int
host_tx(void *ctx, uint32_t lane, struct pkt *pkt)
{
	struct rf_host *h = ctx;
	struct lag_member *m = lag_lane_member(h->lag, lane);

	if (h->spy && h->nspied < RF_SPY_MAX)
		h->spied[h->nspied++] = pkt_clone(pkt, &h->pool);
	if (!m) {
		h->tx_refused++;
		pkt_free(pkt);
		return -ENETDOWN;
	}
	port_tx_burst(m->port, &pkt, 1);
	return 0;
}

static void
host_event(void *ctx, const struct roce_event *ev)
{
	struct rf_host *h = ctx;

	if (h->event_fn)
		h->event_fn(h->event_arg, ev);
	if (ev->comp) {
		h->cq_events++;
		return;
	}
	h->async_events++;
	h->last_async = ev->type;
}

static const struct roce_ops rf_roce_ops = {
	.tx = host_tx,
	.event = host_event,
};

/* LAG_EV_LANES: tell the engine which lanes moved. */
static void
host_lag_event(struct lag *lag, const struct lag_event *ev, void *arg)
{
	struct rf_host *h = arg;
	struct roce_lane_mask moved = { 0 };

	if (ev->type != LAG_EV_LANES)
		return;
	h->lane_events++;
	for (uint32_t l = 0; l < LAG_LANES; l++)
		if (lag->lanes[l] != h->lanes[l])
			roce_lane_mask_set(&moved, l);
	memcpy(h->lanes, lag->lanes, sizeof(h->lanes));
	if (h->e)
		roce_engine_lanes_changed(h->e, &moved);
}

static void
host_poll(void *arg, uint64_t now)
{
	struct rf_host *h = arg;
	struct pkt *burst[PKT_BURST_MAX], *pass[PKT_BURST_MAX];
	unsigned n, k;

	for (unsigned i = 0; i < h->rf->nwires; i++) {
		struct lag_member *m = lag_member_of_port(h->lag, h->ports[i]);

		while ((n = port_rx_burst(h->ports[i], burst,
		    PKT_BURST_MAX)) > 0) {
			k = 0;
			for (unsigned j = 0; j < n; j++) {
				enum lag_rx_verdict v = lag_rx(h->lag, m,
				    burst[j]);

				if (v == LAG_RX_PASS)
					pass[k++] = burst[j];
				else if (v == LAG_RX_DROP)
					pkt_free(burst[j]);
			}
			roce_engine_rx(h->e, pass, k);
		}
	}
	lag_tick(h->lag);
	roce_engine_tick(h->e, now);
}

static uint64_t
host_deadline(void *arg)
{
	struct rf_host *h = arg;

	return MIN(lag_next_deadline(h->lag),
	    roce_engine_next_deadline(h->e));
}

/* ---- set up ---- */

static void
host_ports(struct rf *rf, struct rf_host *h)
{
	char name[16];

	for (unsigned i = 0; i < rf->nwires; i++) {
		snprintf(name, sizeof(name), "%c%u", h->idx ? 'b' : 'a', i);
		assert_int_equal(port_open(&h->ports[i], "sim",
		    &(struct port_config){ .ifname = name, .sim = &rf->sim,
		    .rx_ring_size = 8192 }, &h->pool, h->idx * 10 + i), 0);
	}
}

static void
host_lag(struct rf *rf, struct rf_host *h)
{
	struct lag_options o;

	lag_options_default(&o);
	o.mode = LAG_MODE_BALANCE_XOR;
	o.xmit_hash_policy = LAG_HASH_LAYER34;
	assert_int_equal(lag_create(&h->lag, h->idx ? "lagB" : "lagA", &o,
	    sim_clock(&rf->sim), &h->pool), 0);
	lag_set_event_cb(h->lag, host_lag_event, h);
	for (unsigned i = 0; i < rf->nwires; i++)
		assert_int_equal(lag_member_add(h->lag, h->ports[i]), 0);
	memcpy(h->lanes, h->lag->lanes, sizeof(h->lanes));
}

static void
host_engine(struct rf *rf, struct rf_host *h)
{
	struct roce_engine_config cfg = {
		.ops = &rf_roce_ops, .ctx = h, .clock = sim_clock(&rf->sim),
		.pool = &h->pool, .netdev_mtu = 1500, .max_qp = 1024,
		.max_mr = 1024,
	};

	memcpy(cfg.mac, h->lag->mac, 6);
	assert_int_equal(roce_engine_create(&h->e, &cfg), 0);
	h->ipv4 = 0x0a000001 + h->idx;		/* 10.0.0.1, 10.0.0.2 */
	h->ipv6[0] = 0xfd;
	h->ipv6[15] = (uint8_t)(1 + h->idx);
	h->gid4 = roce_gid_add_ipv4(h->e, h->ipv4);
	h->gid6 = roce_gid_add_ipv6(h->e, h->ipv6);
	assert_true(h->gid4 >= 0 && h->gid6 >= 0);
	assert_int_equal(roce_alloc_pd(h->e, &h->pd), 0);
	assert_int_equal(roce_create_cq(h->e, 4096, NULL, &h->cq), 0);
	assert_int_equal(sim_node_add(&rf->sim, &(struct sim_node){
	    .poll = host_poll, .next_deadline = host_deadline, .arg = h }), 0);
}

struct rf *
rf_new(unsigned nwires, uint64_t seed)
{
	struct rf *rf = calloc(1, sizeof(*rf));
	char a[16], b[16];

	assert_non_null(rf);
	assert_true(nwires >= 1 && nwires <= RF_WIRES_MAX);
	rf->seed = seed;
	rf->nwires = nwires;
	assert_int_equal(sim_init(&rf->sim, seed), 0);
	for (unsigned i = 0; i < nwires; i++) {
		snprintf(a, sizeof(a), "a%u", i);
		snprintf(b, sizeof(b), "b%u", i);
		rf->wire[i] = sim_wire_add(&rf->sim, a, b);
		assert_non_null(rf->wire[i]);
	}
	for (unsigned k = 0; k < 2; k++) {
		struct rf_host *h = &rf->h[k];

		h->rf = rf;
		h->idx = k;
		assert_int_equal(pkt_pool_init(&h->pool, RF_POOL_BUFS,
		    RF_BUF_SIZE), 0);
		host_ports(rf, h);
		host_lag(rf, h);
		host_engine(rf, h);
	}
	return rf;
}

void
rf_spy_clear(struct rf_host *h)
{
	for (unsigned i = 0; i < h->nspied; i++)
		if (h->spied[i])
			pkt_free(h->spied[i]);
	h->nspied = 0;
}

void
rf_free(struct rf *rf)
{
	for (unsigned k = 0; k < 2; k++) {
		struct rf_host *h = &rf->h[k];

		rf_spy_clear(h);
		roce_engine_destroy(h->e);
		h->e = NULL;
		lag_destroy(h->lag);
		for (unsigned i = 0; i < rf->nwires; i++)
			port_close(h->ports[i]);
	}
	sim_fini(&rf->sim);
	for (unsigned k = 0; k < 2; k++) {
		assert_int_equal(rf->h[k].pool.nfree, rf->h[k].pool.count);
		pkt_pool_fini(&rf->h[k].pool);
	}
	free(rf);
}

void
rf_faults(struct rf *rf, const struct sim_fault *f)
{
	for (unsigned i = 0; i < rf->nwires; i++) {
		sim_fault_set(rf->wire[i], SIM_A_TO_B, f);
		sim_fault_set(rf->wire[i], SIM_B_TO_A, f);
	}
}

void
rf_av(const struct rf_host *from, bool ipv6, struct roce_ah_attr *av)
{
	const struct rf_host *to = &from->rf->h[!from->idx];

	memset(av, 0, sizeof(*av));
	av->port_num = 1;
	av->grh.sgid_index = (uint8_t)(ipv6 ? from->gid6 : from->gid4);
	av->grh.hop_limit = 64;
	if (ipv6) {
		memcpy(av->grh.dgid.raw, to->ipv6, 16);
	} else {
		av->grh.dgid.raw[10] = av->grh.dgid.raw[11] = 0xff;
		av->grh.dgid.raw[12] = (uint8_t)(to->ipv4 >> 24);
		av->grh.dgid.raw[13] = (uint8_t)(to->ipv4 >> 16);
		av->grh.dgid.raw[14] = (uint8_t)(to->ipv4 >> 8);
		av->grh.dgid.raw[15] = (uint8_t)to->ipv4;
	}
	memcpy(av->dmac, to->lag->mac, 6);
}

struct roce_qp *
rf_qp(struct rf_host *h, enum roce_qp_type t)
{
	struct roce_qp *qp;
	struct roce_qp_init_attr in = {
		.send_cq = h->cq, .recv_cq = h->cq, .qp_type = t,
		.cap = { .max_send_wr = 256, .max_recv_wr = 256,
		    .max_send_sge = 4, .max_recv_sge = 4,
		    .max_inline_data = 128 },
		.lane = ROCE_LANE_AUTO,
	};

	assert_int_equal(roce_create_qp(h->pd, &in, &qp), 0);
	return qp;
}

void
rf_rc_params_default(struct rf_rc_params *p)
{
	*p = (struct rf_rc_params){
		.mtu = ROCE_MTU_1024, .timeout = 14, .retry_cnt = 7,
		.rnr_retry = 7, .min_rnr_timer = 1, .max_rd_atomic = 16,
		.access = ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_READ |
		    ROCE_ACCESS_REMOTE_ATOMIC,
	};
}

static void
rc_up(struct rf_host *h, struct roce_qp *qp, uint32_t dqpn, uint32_t rq_psn,
    uint32_t sq_psn, const struct rf_rc_params *p)
{
	struct roce_qp_attr a = {
		.qp_state = ROCE_QPS_INIT, .pkey_index = 0, .port_num = 1,
		.qp_access_flags = p->access,
	};

	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE |
	    ROCE_QP_PKEY_INDEX | ROCE_QP_PORT | ROCE_QP_ACCESS_FLAGS), 0);
	a.qp_state = ROCE_QPS_RTR;
	a.path_mtu = p->mtu;
	a.dest_qp_num = dqpn;
	a.rq_psn = rq_psn;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = p->min_rnr_timer;
	rf_av(h, p->ipv6, &a.ah_attr);
	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_AV |
	    ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN | ROCE_QP_RQ_PSN |
	    ROCE_QP_MAX_DEST_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER), 0);
	a.qp_state = ROCE_QPS_RTS;
	a.sq_psn = sq_psn;
	a.timeout = p->timeout;
	a.retry_cnt = p->retry_cnt;
	a.rnr_retry = p->rnr_retry;
	a.max_rd_atomic = p->max_rd_atomic;
	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE |
	    ROCE_QP_SQ_PSN | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT |
	    ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC), 0);
}

void
rf_connect(struct rf *rf, struct roce_qp *a, struct roce_qp *b,
    const struct rf_rc_params *p)
{
	/* PSNs near the wrap, so that every test crosses it */
	uint32_t psn_ab = 0xfffff0, psn_ba = 0x7ffff8;

	rc_up(&rf->h[0], a, roce_qp_num(b), psn_ba, psn_ab, p);
	rc_up(&rf->h[1], b, roce_qp_num(a), psn_ab, psn_ba, p);
}

void
rf_ud_up(struct roce_qp *qp, uint32_t qkey)
{
	struct roce_qp_attr a = {
		.qp_state = ROCE_QPS_INIT, .port_num = 1, .qkey = qkey,
	};

	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE |
	    ROCE_QP_PKEY_INDEX | ROCE_QP_PORT | ROCE_QP_QKEY), 0);
	a.qp_state = ROCE_QPS_RTR;
	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE), 0);
	a.qp_state = ROCE_QPS_RTS;
	a.sq_psn = 0x123;
	assert_int_equal(roce_modify_qp(qp, &a, ROCE_QP_STATE |
	    ROCE_QP_SQ_PSN), 0);
}

void
rf_run_for(struct rf *rf, uint64_t ns)
{
	sim_run_for(&rf->sim, ns);
}

uint64_t
rf_now(struct rf *rf)
{
	return rf->sim.clock.now;
}

int
rf_wait_cq(struct rf *rf, struct roce_cq *cq, int n, struct roce_wc *wc,
    uint64_t timeout_ns)
{
	uint64_t end = rf_now(rf) + timeout_ns;
	int got = 0;

	for (;;) {
		int k = roce_poll_cq(cq, n - got, wc + got);

		if (k > 0)
			got += k;
		if (got == n || rf_now(rf) >= end)
			return got;
		sim_run_for(&rf->sim, RF_STEP_NS);
	}
}
