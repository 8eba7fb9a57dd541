/*
 * Frames made by hand into an engine: every drop reason, opcode sequence
 * errors, and the responder's duplicate handling (re-ACK, READ executed
 * again, atomic answered from its saved result) provoked by losing the
 * responses on the wire. ACK coalescing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "roce_test_util.h"

static uint64_t seed;

#define A(t)	(&(t)->rf->h[0])
#define B(t)	(&(t)->rf->h[1])

/* Addressing of a frame from host A to host B. */
static void
a_to_b(struct rt *t, struct roce_l2l3 *l)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->src_mac, A(t)->lag->mac, 6);
	memcpy(l->dst_mac, B(t)->lag->mac, 6);
	l->saddr4 = A(t)->ipv4;
	l->daddr4 = B(t)->ipv4;
	l->ttl = 64;
	l->udp_sport = 0xc001;
}

static void
inject(struct rf_host *h, const struct roce_l2l3 *l, const struct roce_pkt *p,
    const void *payload, size_t len, bool bad_icrc)
{
	struct pkt *pkt = pkt_alloc(&h->pool);

	assert_non_null(pkt);
	assert_int_equal(roce_pkt_build_pkt(pkt, l, p, payload, len), 0);
	if (bad_icrc)
		pkt->data[pkt->len - 1] ^= 1;
	roce_engine_rx(h->e, &pkt, 1);
}

static void
bth(struct roce_pkt *p, uint8_t op, uint32_t qpn, uint32_t psn)
{
	memset(p, 0, sizeof(*p));
	p->opcode = op;
	p->pkey = ROCE_PKEY_DEFAULT;
	p->dest_qpn = qpn;
	p->psn = psn;
	p->ackreq = true;
}

static uint64_t
drops(struct rf_host *h, enum roce_rx_drop d)
{
	return roce_engine_counters(h->e)->rx_drops[d];
}

static void
test_drop_reasons(void **state)
{
	struct rt t;
	struct roce_l2l3 l;
	struct roce_pkt p;
	uint8_t data[64] = { 0 };
	uint32_t qpn, psn;
	struct roce_qp_attr qa;

	rt_init(&t, 1, seed, NULL);
	qpn = roce_qp_num(t.qb);
	roce_query_qp(t.qb, &qa, NULL);
	psn = qa.rq_psn;
	a_to_b(&t, &l);
	bth(&p, ROCE_OP_RC_SEND_ONLY, qpn, psn);

	inject(B(&t), &l, &p, data, 8, true);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_PARSE), 1);
	assert_int_equal(roce_drops_get(roce_engine_wire_drops(B(&t)->e),
	    ROCE_E_BAD_ICRC), 1);
	l.daddr4 = 0x0a0000ff;
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_NOT_OUR_GID), 1);
	a_to_b(&t, &l);
	p.dest_qpn = 0x777;
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_NO_QP), 1);
	p.dest_qpn = qpn;
	l.saddr4 = 0x0a000009;		/* not the QP's peer */
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_BAD_SRC), 1);
	a_to_b(&t, &l);
	p.pkey = 0x8001;
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_BAD_PKEY), 1);
	/* an ACK for nothing outstanding */
	bth(&p, ROCE_OP_RC_ACKNOWLEDGE, qpn, (qa.sq_psn + 5) & ROCE_PSN_MASK);
	p.aeth.syndrome = roce_aeth_ack(ROCE_AETH_CREDITS_INVALID);
	inject(B(&t), &l, &p, NULL, 0, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_GHOST), 1);
	/* a UD packet to an RC QP */
	bth(&p, ROCE_OP_UD_SEND_ONLY, qpn, psn);
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_TRANSPORT), 1);
	/* after a gap: one NAK, then silence until the PSN comes */
	bth(&p, ROCE_OP_RC_SEND_ONLY, qpn, (psn + 3) & ROCE_PSN_MASK);
	inject(B(&t), &l, &p, data, 8, false);
	inject(B(&t), &l, &p, data, 8, false);
	assert_int_equal(drops(B(&t), ROCE_RX_DROP_OUT_OF_SEQ), 2);
	assert_int_equal(roce_qp_counters(t.qb)->
	    naks_sent[ROCE_NAK_PSN_SEQUENCE_ERROR], 1);
	assert_int_equal(roce_qp_state(t.qb), ROCE_QPS_RTS);
	rt_fini(&t);
}

/* A WRITE MIDDLE with no WRITE FIRST before it: invalid request. */
static void
test_missing_first(void **state)
{
	struct rt t;
	struct roce_l2l3 l;
	struct roce_pkt p;
	uint8_t data[1024] = { 0 };
	struct roce_qp_attr qa;

	rt_init(&t, 1, seed, NULL);
	roce_query_qp(t.qb, &qa, NULL);
	a_to_b(&t, &l);
	bth(&p, ROCE_OP_RC_RDMA_WRITE_MIDDLE, roce_qp_num(t.qb), qa.rq_psn);
	inject(B(&t), &l, &p, data, sizeof(data), false);
	assert_int_equal(roce_qp_counters(t.qb)->
	    naks_sent[ROCE_NAK_INVALID_REQUEST], 1);
	assert_int_equal(roce_qp_state(t.qb), ROCE_QPS_ERR);
	assert_int_equal(B(&t)->last_async, ROCE_EVENT_QP_REQ_ERR);
	rt_fini(&t);
}

/* Lose every response for a while: the requester times out and sends
 * again; the responder must not execute twice. */
static void
lose_responses(struct rt *t, uint64_t ns)
{
	struct sim_fault drop = { .drop_pct = 100 }, none = { 0 };

	for (unsigned i = 0; i < t->rf->nwires; i++)
		sim_fault_set(t->rf->wire[i], SIM_B_TO_A, &drop);
	rf_run_for(t->rf, ns);
	for (unsigned i = 0; i < t->rf->nwires; i++)
		sim_fault_set(t->rf->wire[i], SIM_B_TO_A, &none);
}

static void
dup_params(struct rf_rc_params *p)
{
	rf_rc_params_default(p);
	p->timeout = 8;			/* 1 ms */
}

static void
test_dup_atomic_replayed(void **state)
{
	struct rt t;
	struct rf_rc_params p;
	uint64_t *remote, *local;

	dup_params(&p);
	rt_init(&t, 2, seed, &p);
	remote = (uint64_t *)(void *)t.b;
	local = (uint64_t *)(void *)t.a;
	*remote = 40;
	assert_int_equal(rt_post_atomic(t.qa, ROCE_WR_ATOMIC_FETCH_AND_ADD, 1,
	    t.ma, local, rt_va(remote), roce_mr_rkey(t.mb), 2, 0), 0);
	lose_responses(&t, 500 * NSEC_PER_USEC);
	assert_int_equal(*remote, 42);	/* executed, answer lost */
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_int_equal(*remote, 42);	/* not executed again */
	assert_int_equal(*local, 40);	/* the saved original */
	assert_int_equal(roce_qp_counters(t.qb)->dup_atomics, 1);
	assert_int_equal(roce_qp_counters(t.qa)->timeouts, 1);
	rt_fini(&t);
}

static void
test_dup_read_executed_again(void **state)
{
	struct rt t;
	struct rf_rc_params p;

	dup_params(&p);
	rt_init(&t, 2, seed, &p);
	rt_fill(t.b, 10000, 1);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_READ, 1, t.ma, t.a, 10000,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	lose_responses(&t, 500 * NSEC_PER_USEC);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 10000);
	assert_int_equal(roce_qp_counters(t.qb)->dup_reads, 1);
	rt_fini(&t);
}

static void
test_dup_send_acked_again(void **state)
{
	struct rt t;
	struct rf_rc_params p;
	struct roce_wc wc;

	dup_params(&p);
	rt_init(&t, 2, seed, &p);
	rt_fill(t.a, 3000, 2);
	assert_int_equal(rt_post_recv(t.qb, 7, t.mb, t.b, 4096), 0);
	assert_int_equal(rt_post_recv(t.qb, 8, t.mb, t.b + 4096, 4096), 0);
	assert_int_equal(rt_post(t.qa, ROCE_WR_SEND, 1, t.ma, t.a, 3000, 0, 0,
	    ROCE_SEND_SIGNALED), 0);
	lose_responses(&t, 500 * NSEC_PER_USEC);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	rt_expect(&t, B(&t), 7, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(wc.byte_len, 3000);
	/* delivered once: the second receive is still there */
	rf_run_for(t.rf, 5 * NSEC_PER_MSEC);
	assert_int_equal(roce_poll_cq(B(&t)->cq, 1, &wc), 0);
	assert_int_equal(roce_qp_counters(t.qb)->dup_requests, 3);
	rt_fini(&t);
}

/* One ACK per AckReq (every 16 packets and the last), not per packet. */
static void
test_ack_coalescing(void **state)
{
	struct rt t;

	rt_init(&t, 2, seed, NULL);
	rt_fill(t.a, 65536, 3);
	assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, 1, t.ma, t.a, 65536,
	    rt_va(t.b), roce_mr_rkey(t.mb), ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, NULL);
	assert_memory_equal(t.a, t.b, 65536);
	assert_int_equal(roce_qp_counters(t.qb)->rx_pkts, 64);
	assert_true(roce_qp_counters(t.qb)->acks_sent <= 4);
	rt_fini(&t);
}

/* A 1 MiB READ is answered ROCE_READ_BURST packets per turn, and the
 * engine asks to run again at once while it has READ data to send. */
static void
test_read_responses_paced(void **state)
{
	struct rt t;
	struct roce_l2l3 l;
	struct roce_pkt p;
	struct roce_qp_attr qa;
	unsigned turns = 0;

	rt_init(&t, 1, seed, NULL);
	roce_query_qp(t.qb, &qa, NULL);
	a_to_b(&t, &l);
	bth(&p, ROCE_OP_RC_RDMA_READ_REQUEST, roce_qp_num(t.qb), qa.rq_psn);
	p.reth = (struct roce_reth){ .va = rt_va(t.b), .rkey = roce_mr_rkey(t.mb),
	    .dma_len = 1u << 20 };
	B(&t)->spy = true;
	inject(B(&t), &l, &p, NULL, 0, false);
	assert_int_equal(B(&t)->nspied, 32);
	rf_spy_clear(B(&t));
	while (roce_engine_next_deadline(B(&t)->e) == 0) {
		roce_engine_tick(B(&t)->e, rf_now(t.rf));
		turns++;
		assert_int_equal(B(&t)->nspied, 32);
		rf_spy_clear(B(&t));
	}
	B(&t)->spy = false;
	assert_int_equal(turns, 1024 / 32 - 1);
	assert_int_equal(roce_qp_counters(t.qb)->tx_pkts, 1024);
	rt_fini(&t);
}

/* The completion channel: one event per arming. */
static void
test_cq_notify(void **state)
{
	struct rt t;
	struct roce_wc wc;

	rt_init(&t, 1, seed, NULL);
	assert_int_equal(roce_req_notify_cq(A(&t)->cq, false), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(rt_post(t.qa, ROCE_WR_RDMA_WRITE, i, t.ma,
		    t.a, 8, rt_va(t.b), roce_mr_rkey(t.mb),
		    ROCE_SEND_SIGNALED), 0);
	rt_expect(&t, A(&t), 0, ROCE_WC_SUCCESS, &wc);
	rt_expect(&t, A(&t), 1, ROCE_WC_SUCCESS, &wc);
	assert_int_equal(A(&t)->cq_events, 1);
	rt_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_missing_first),
		cmocka_unit_test(test_dup_atomic_replayed),
		cmocka_unit_test(test_dup_read_executed_again),
		cmocka_unit_test(test_dup_send_acked_again),
		cmocka_unit_test(test_ack_coalescing),
		cmocka_unit_test(test_read_responses_paced),
		cmocka_unit_test(test_cq_notify),
	};

	seed = rf_seed(0x5eed0005);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
