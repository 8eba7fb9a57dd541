/*
 * libFuzzer target: the RDMA engine's receive path on any frame. One
 * engine lives across inputs with an RC QP in RTS (its peer QPN 0x11 at
 * 10.0.0.1) and a UD QP, receives posted, and a 64 KiB MR between guard
 * areas. The first byte of an input steers it: to the RC QP, to the UD QP,
 * or as it is; the frame is then sent to our address and its ICRC fixed,
 * so the fuzzer gets past the wire checks into the transport. Besides the
 * sanitizers it checks that no byte outside the MR's window changes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "net/ip.h"
#include "net/parse.h"
#include "roce/roce_engine.h"
#include "roce/roce_hdr.h"
#include "roce/roce_icrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)
#define GUARD		4096
#define WIN		65536
#define PEER_QPN	0x11
#define OUR_IP		0x0a000002u
#define PEER_IP		0x0a000001u
#define FRAME_MAX	9216

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 2 };

static struct {
	struct vclock clock;
	struct pkt_pool pool;
	struct roce_engine *e;
	struct roce_pd *pd;
	struct roce_mr *mr;
	struct roce_cq *cq;
	struct roce_qp *rc, *ud;
	uint8_t mem[GUARD + WIN + GUARD];
} w;

static int
fz_tx(void *ctx, uint32_t lane, struct pkt *pkt)
{
	pkt_free(pkt);
	return 0;
}

static const struct roce_ops fz_ops = { .tx = fz_tx };

static void
fz_post_recvs(struct roce_qp *qp, unsigned n)
{
	struct roce_sge sge = { .addr = (uintptr_t)(w.mem + GUARD),
	    .length = 2048, .lkey = roce_mr_lkey(w.mr) };
	struct roce_recv_wr wr = { .sg_list = &sge, .num_sge = 1 }, *bad;

	for (unsigned i = 0; i < n; i++)
		if (roce_post_recv(qp, &wr, &bad))
			break;
}

static void
fz_av(struct roce_ah_attr *av)
{
	memset(av, 0, sizeof(*av));
	av->port_num = 1;
	av->grh.hop_limit = 64;
	av->grh.dgid.raw[10] = av->grh.dgid.raw[11] = 0xff;
	av->grh.dgid.raw[12] = 10;
	av->grh.dgid.raw[15] = 1;
	av->dmac[0] = 0x02;
	av->dmac[5] = 1;
}

/* RESET -> INIT -> RTR -> RTS, as an application would. */
static void
fz_rc_up(struct roce_qp *qp)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_RESET };

	roce_modify_qp(qp, &a, ROCE_QP_STATE);
	a = (struct roce_qp_attr){ .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qp_access_flags = ROCE_ACCESS_ALL };
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_PKEY_INDEX |
	    ROCE_QP_PORT | ROCE_QP_ACCESS_FLAGS) == 0);
	a.qp_state = ROCE_QPS_RTR;
	a.path_mtu = ROCE_MTU_1024;
	a.dest_qp_num = PEER_QPN;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 1;
	fz_av(&a.ah_attr);
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_AV |
	    ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN | ROCE_QP_RQ_PSN |
	    ROCE_QP_MAX_DEST_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER) == 0);
	a.qp_state = ROCE_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 16;
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN |
	    ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT | ROCE_QP_RNR_RETRY |
	    ROCE_QP_MAX_QP_RD_ATOMIC) == 0);
	fz_post_recvs(qp, 64);
}

static void
fz_ud_up(struct roce_qp *qp)
{
	struct roce_qp_attr a = { .qp_state = ROCE_QPS_RESET };

	roce_modify_qp(qp, &a, ROCE_QP_STATE);
	a = (struct roce_qp_attr){ .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qkey = 1 };
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_PKEY_INDEX |
	    ROCE_QP_PORT | ROCE_QP_QKEY) == 0);
	a.qp_state = ROCE_QPS_RTR;
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE) == 0);
	a.qp_state = ROCE_QPS_RTS;
	CHECK(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN) == 0);
	fz_post_recvs(qp, 64);
}

static struct roce_qp *
fz_qp(enum roce_qp_type t)
{
	struct roce_qp_init_attr in = {
		.send_cq = w.cq, .recv_cq = w.cq, .qp_type = t,
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
		    .max_send_sge = 2, .max_recv_sge = 2 },
		.lane = ROCE_LANE_AUTO,
	};
	struct roce_qp *qp;

	CHECK(roce_create_qp(w.pd, &in, &qp) == 0);
	return qp;
}

static void
fz_setup(void)
{
	struct roce_engine_config cfg = {
		.ops = &fz_ops, .clock = &w.clock.base, .pool = &w.pool,
		.netdev_mtu = 1500,
	};

	vclock_init(&w.clock, 1);
	CHECK(pkt_pool_init(&w.pool, 1024, 2048) == 0);
	cfg.pool = &w.pool;
	memcpy(cfg.mac, our_mac, 6);
	CHECK(roce_engine_create(&w.e, &cfg) == 0);
	roce_engine_set_port_active(w.e, true);
	CHECK(roce_gid_add_ipv4(w.e, OUR_IP) >= 0);
	CHECK(roce_alloc_pd(w.e, &w.pd) == 0);
	memset(w.mem, 0xa5, sizeof(w.mem));
	CHECK(roce_reg_mr(w.pd, w.mem + GUARD, WIN, ROCE_ACCESS_ALL,
	    &w.mr) == 0);
	CHECK(roce_create_cq(w.e, 4096, NULL, &w.cq) == 0);
	w.rc = fz_qp(ROCE_QPT_RC);
	w.ud = fz_qp(ROCE_QPT_UD);
	fz_rc_up(w.rc);
	fz_ud_up(w.ud);
}

/* Aim the frame at us (and at a QP), then make its ICRC right. */
static void
fz_steer(uint8_t *f, size_t len, uint8_t how)
{
	struct net_frame nf;
	uint32_t icrc, qpn, daddr = htonl(OUR_IP), saddr = htonl(PEER_IP);
	uint8_t *ip;
	uint16_t csum;
	size_t end;

	if (net_parse_frame(f, len, &nf) != NET_OK ||
	    !(nf.flags & NET_F_IPV4) || !net_frame_is_rocev2(&nf) ||
	    nf.payload_len < 12 + ROCE_ICRC_LEN)
		return;
	/* from the RC QP's peer to us, with the header checksum made right */
	ip = f + nf.l3_off;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	memset(ip + 10, 0, 2);
	csum = htons(net_csum(ip, nf.ip4.hdr_len));
	memcpy(ip + 10, &csum, 2);
	qpn = how % 3 == 0 ? roce_qp_num(w.rc) : how % 3 == 1 ?
	    roce_qp_num(w.ud) : 0;
	if (qpn) {
		f[nf.payload_off + 5] = (uint8_t)(qpn >> 16);
		f[nf.payload_off + 6] = (uint8_t)(qpn >> 8);
		f[nf.payload_off + 7] = (uint8_t)qpn;
	}
	end = (size_t)nf.l3_off + nf.l3_len;
	if (roce_icrc_calc(f + nf.l3_off, end - ROCE_ICRC_LEN - nf.l3_off,
	    &icrc) == 0)
		roce_icrc_put(f + end - ROCE_ICRC_LEN, icrc);
}

static void
fz_drain(void)
{
	struct roce_wc wc[64];

	while (roce_poll_cq(w.cq, 64, wc) > 0)
		;
	if (roce_qp_state(w.rc) != ROCE_QPS_RTS)
		fz_rc_up(w.rc);
	if (roce_qp_state(w.ud) != ROCE_QPS_RTS)
		fz_ud_up(w.ud);
	fz_post_recvs(w.rc, 8);
	fz_post_recvs(w.ud, 8);
}

static void
fz_check_guards(void)
{
	for (size_t i = 0; i < GUARD; i++)
		CHECK(w.mem[i] == 0xa5 && w.mem[GUARD + WIN + i] == 0xa5);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FRAME_MAX];
	struct pkt *pkt;

	if (!w.e)
		fz_setup();
	if (size < 1 || size - 1 > FRAME_MAX || size - 1 > 2048 - 256)
		return 0;
	memcpy(frame, data + 1, size - 1);
	fz_steer(frame, size - 1, data[0]);
	pkt = pkt_alloc(&w.pool);
	CHECK(pkt != NULL);
	CHECK(pkt_set(pkt, frame, (uint32_t)(size - 1)) == 0);
	roce_engine_rx(w.e, &pkt, 1);
	vclock_advance(&w.clock, 50 * NSEC_PER_USEC);
	roce_engine_tick(w.e, w.clock.now);
	fz_drain();
	fz_check_guards();
	return 0;
}
