/* The engine: device, GID table, receive dispatch, timers, lanes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roce/roce_int.h"

#define ROCE_MAX_QP_DEFAULT	16384
#define ROCE_MAX_MR_DEFAULT	16384
#define ROCE_VENDOR_ID		0x1a6c	/* none registered: ours */
/* Ethernet, IPv6 (the larger), UDP, BTH and the largest headers, ICRC */
#define ROCE_HDRS_MAX		(40 + 8 + ROCE_HDR_MAX_LEN + ROCE_ICRC_LEN)
#define PORT_ACTIVE		4
#define PORT_DOWN		1
#define LINK_LAYER_ETHERNET	2

static const char *const rx_drop_names[] = {
#define ROCE_RX_DROP_NAME(n, f, d) [ROCE_RX_DROP_##n] = #n,
	ROCE_RX_DROPS(ROCE_RX_DROP_NAME)
#undef ROCE_RX_DROP_NAME
};
static_assert(ARRAY_SIZE(rx_drop_names) == ROCE_RX_DROP_COUNT, "drops");

const char *const roce_counter_names[] = {
#define ROCE_COUNTER_NAME(n, d) #n,
	ROCE_COUNTERS(ROCE_COUNTER_NAME)
#undef ROCE_COUNTER_NAME
};
const char *const roce_counter_descs[] = {
#define ROCE_COUNTER_DESC(n, d) d,
	ROCE_COUNTERS(ROCE_COUNTER_DESC)
#undef ROCE_COUNTER_DESC
};
static_assert(ARRAY_SIZE(roce_counter_names) == ROCE_COUNTERS_SCALAR,
    "counter names");

const char *
roce_rx_drop_name(enum roce_rx_drop d)
{
	return (unsigned)d < ROCE_RX_DROP_COUNT ? rx_drop_names[d] : "?";
}

/* The largest IB MTU whose packets fit the links' IP MTU. */
static enum roce_mtu
mtu_for_netdev(uint32_t netdev_mtu)
{
	enum roce_mtu m = ROCE_MTU_4096;

	while (m > ROCE_MTU_256 && roce_mtu_bytes(m) + ROCE_HDRS_MAX >
	    netdev_mtu)
		m--;
	return m;
}

static uint64_t
guid_from_mac(const uint8_t *mac)
{
	/* EUI-64 from the MAC, universal/local bit flipped (RFC 4291). */
	return (uint64_t)(mac[0] ^ 2) << 56 | (uint64_t)mac[1] << 48 |
	    (uint64_t)mac[2] << 40 | 0xfffeull << 24 |
	    (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

void
roce_engine_set_mac(struct roce_engine *e, const uint8_t mac[6])
{
	memcpy(e->cfg.mac, mac, sizeof(e->cfg.mac));
	if (!e->cfg.node_guid)
		e->attr.node_guid = guid_from_mac(e->cfg.mac);
}

void
roce_engine_mac(const struct roce_engine *e, uint8_t mac[6])
{
	memcpy(mac, e->cfg.mac, sizeof(e->cfg.mac));
}

static void
attr_init(struct roce_engine *e)
{
	struct roce_device_attr *a = &e->attr;

	a->node_guid = e->cfg.node_guid ? e->cfg.node_guid :
	    guid_from_mac(e->cfg.mac);
	a->max_mr_size = UINT64_MAX >> 1;
	a->vendor_id = ROCE_VENDOR_ID;
	a->max_qp = e->cfg.max_qp;
	a->max_qp_wr = ROCE_MAX_WR;
	a->max_sge = ROCE_MAX_SGE;
	a->max_cq = UINT32_MAX >> 8;
	a->max_cqe = ROCE_MAX_CQE;
	a->max_mr = e->cfg.max_mr;
	a->max_pd = UINT32_MAX >> 8;
	a->max_qp_rd_atom = ROCE_MAX_RD_ATOMIC;
	a->max_qp_init_rd_atom = ROCE_MAX_RD_ATOMIC;
	a->max_srq = UINT32_MAX >> 8;
	a->max_srq_wr = ROCE_MAX_WR;
	a->max_srq_sge = ROCE_MAX_SGE;
	a->max_inline_data = ROCE_MAX_INLINE;
	a->phys_port_cnt = 1;
}

static int
config_check(const struct roce_engine_config *cfg)
{
	if (!cfg->ops || !cfg->ops->tx || !cfg->clock || !cfg->pool)
		return -EINVAL;
	if (cfg->netdev_mtu < roce_mtu_bytes(ROCE_MTU_256) + ROCE_HDRS_MAX)
		return -EINVAL;
	if (cfg->max_qp > ROCE_QPN_MASK - ROCE_QPN_BASE)
		return -EINVAL;
	if (cfg->max_mr > ROCE_QPN_MASK)
		return -EINVAL;
	return 0;
}

int
roce_engine_create(struct roce_engine **out,
    const struct roce_engine_config *cfg)
{
	struct roce_engine *e;
	int err;

	err = config_check(cfg);
	if (err)
		return err;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	if (!e->cfg.max_qp)
		e->cfg.max_qp = ROCE_MAX_QP_DEFAULT;
	if (!e->cfg.max_mr)
		e->cfg.max_mr = ROCE_MAX_MR_DEFAULT;
	e->qps = calloc(e->cfg.max_qp, sizeof(*e->qps));
	if (!e->qps)
		goto fail_free;
	e->mrs = calloc(e->cfg.max_mr, sizeof(*e->mrs));
	if (!e->mrs)
		goto fail_qps;
	/* commit: nothing below may fail */
	attr_init(e);
	e->port_active = true;
	e->active_mtu = mtu_for_netdev(cfg->netdev_mtu);
	roce_timers_init(&e->timers);
	for (unsigned i = 0; i < ROCE_LANES; i++)
		roce_list_init(&e->lanes[i]);
	roce_list_init(&e->ack_pending);
	roce_list_init(&e->read_pending);
	roce_list_init(&e->pds);
	roce_list_init(&e->cqs);
	roce_list_init(&e->srqs);
	roce_list_init(&e->ahs);
	*out = e;
	return 0;
fail_qps:
	free(e->qps);
fail_free:
	free(e);
	return -ENOMEM;
}

/* Objects the application left behind, in dependency order. */
void
roce_engine_destroy(struct roce_engine *e)
{
	for (uint32_t i = 0; i < e->cfg.max_qp; i++)
		if (e->qps[i])
			roce_destroy_qp(e->qps[i]);
	roce_mr_destroy_all(e);
	while (!roce_list_empty(&e->ahs))
		roce_destroy_ah(roce_list_entry(e->ahs.next, struct roce_ah,
		    node));
	while (!roce_list_empty(&e->srqs))
		roce_destroy_srq(roce_list_entry(e->srqs.next,
		    struct roce_srq, node));
	while (!roce_list_empty(&e->cqs))
		roce_destroy_cq(roce_list_entry(e->cqs.next, struct roce_cq,
		    node));
	while (!roce_list_empty(&e->pds))
		roce_dealloc_pd(roce_list_entry(e->pds.next, struct roce_pd,
		    node));
	roce_timers_fini(&e->timers);
	free(e->mrs);
	free(e->qps);
	free(e);
}

void
roce_query_device(const struct roce_engine *e, struct roce_device_attr *attr)
{
	*attr = e->attr;
}

int
roce_query_port(const struct roce_engine *e, uint8_t port_num,
    struct roce_port_attr *attr)
{
	if (port_num != 1)
		return -EINVAL;
	*attr = (struct roce_port_attr){
		.state = e->port_active ? PORT_ACTIVE : PORT_DOWN,
		.max_mtu = ROCE_MTU_4096, .active_mtu = e->active_mtu,
		.gid_tbl_len = ROCE_GID_TABLE_LEN, .pkey_tbl_len = 1,
		.link_layer = LINK_LAYER_ETHERNET,
	};
	return 0;
}

void
roce_engine_set_port_active(struct roce_engine *e, bool active)
{
	e->port_active = active;
}

/* ---- GIDs ---- */

static int
gid_add(struct roce_engine *e, const union roce_gid *gid)
{
	int free_slot = -1;

	for (int i = 0; i < ROCE_GID_TABLE_LEN; i++) {
		if (e->gid_valid[i] && !memcmp(&e->gids[i], gid, sizeof(*gid)))
			return -EEXIST;
		if (!e->gid_valid[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	e->gids[free_slot] = *gid;
	e->gid_valid[free_slot] = true;
	return free_slot;
}

int
roce_gid_add_ipv4(struct roce_engine *e, uint32_t addr)
{
	union roce_gid g = { .raw = { [10] = 0xff, [11] = 0xff } };

	roce_be32_store(&g.raw[12], addr);
	return gid_add(e, &g);
}

int
roce_gid_add_ipv6(struct roce_engine *e, const uint8_t addr[16])
{
	union roce_gid g;

	memcpy(g.raw, addr, ROCE_GID_LEN);
	return gid_add(e, &g);
}

int
roce_gid_del(struct roce_engine *e, unsigned index)
{
	if (index >= ROCE_GID_TABLE_LEN || !e->gid_valid[index])
		return -EINVAL;
	e->gid_valid[index] = false;
	return 0;
}

int
roce_query_gid(const struct roce_engine *e, unsigned index,
    union roce_gid *gid)
{
	if (index >= ROCE_GID_TABLE_LEN || !e->gid_valid[index])
		return -EINVAL;
	*gid = e->gids[index];
	return 0;
}

static void
gid_of_dst(const struct roce_l2l3 *l, union roce_gid *g)
{
	if (l->ipv6) {
		memcpy(g->raw, l->daddr6, ROCE_GID_LEN);
		return;
	}
	*g = (union roce_gid){ .raw = { [10] = 0xff, [11] = 0xff } };
	roce_be32_store(&g->raw[12], l->daddr4);
}

static bool
gid_is_ours(const struct roce_engine *e, const struct roce_l2l3 *l)
{
	union roce_gid g;

	gid_of_dst(l, &g);
	for (int i = 0; i < ROCE_GID_TABLE_LEN; i++)
		if (e->gid_valid[i] && !memcmp(&e->gids[i], &g, sizeof(g)))
			return true;
	return false;
}

/* ---- receive ---- */

static void
rx_drop(struct roce_engine *e, enum roce_rx_drop d)
{
	e->cnt.rx_drops[d]++;
}

static struct roce_qp *
qp_lookup(struct roce_engine *e, uint32_t qpn)
{
	if (qpn < ROCE_QPN_BASE || qpn - ROCE_QPN_BASE >= e->cfg.max_qp)
		return NULL;
	return e->qps[qpn - ROCE_QPN_BASE];
}

static void
rx_one(struct roce_engine *e, struct pkt *frame)
{
	struct roce_pkt p;
	struct roce_qp *qp;

	if (roce_pkt_parse(frame->data, frame->len, &p, &e->wire_drops) !=
	    ROCE_OK)
		return rx_drop(e, ROCE_RX_DROP_PARSE);
	if (!gid_is_ours(e, &p.l2l3))
		return rx_drop(e, ROCE_RX_DROP_NOT_OUR_GID);
	qp = qp_lookup(e, p.dest_qpn);
	if (!qp)
		return rx_drop(e, ROCE_RX_DROP_NO_QP);
	if (p.pkey != ROCE_PKEY_DEFAULT) {
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_BAD_PKEY]);
		return;
	}
	roce_cnt_inc(qp, rx_pkts);
	roce_cnt_add(qp, rx_bytes, frame->len);
	if (qp->type == ROCE_QPT_UD)
		roce_ud_rx(qp, &p, frame);
	else if (!(p.op->flags & ROCE_F_RC))
		roce_cnt_inc(qp, rx_drops[ROCE_RX_DROP_TRANSPORT]);
	else if (p.op->flags & ROCE_F_REQ)
		roce_resp_rx(qp, &p);
	else
		roce_comp_rx(qp, &p);
}

static void
flush_acks(struct roce_engine *e)
{
	while (!roce_list_empty(&e->ack_pending)) {
		struct roce_qp *qp = roce_list_entry(e->ack_pending.next,
		    struct roce_qp, resp.ack_node);

		roce_resp_flush_ack(qp);
	}
}

void
roce_engine_rx(struct roce_engine *e, struct pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		rx_one(e, pkts[i]);
		pkt_free(pkts[i]);
	}
	roce_read_pump_all(e);
	flush_acks(e);
}

/* ---- time and lanes ---- */

void
roce_engine_tick(struct roce_engine *e, uint64_t now)
{
	roce_timers_run(&e->timers, now);
	roce_read_pump_all(e);
	flush_acks(e);
}

uint64_t
roce_engine_next_deadline(const struct roce_engine *e)
{
	if (!roce_list_empty(&e->read_pending))
		return 0;	/* READ data to send: now */
	return roce_timers_next(&e->timers);
}

/* Every RC QP on the lane with packets out goes back to its oldest
 * unacknowledged PSN and sends again now, on the lane's new port. */
static void
lane_moved(struct roce_engine *e, uint32_t lane)
{
	struct roce_list *head = &e->lanes[lane];

	for (struct roce_list *n = head->next; n != head; n = n->next) {
		struct roce_qp *qp = roce_list_entry(n, struct roce_qp,
		    lane_node);

		if (qp->type != ROCE_QPT_RC || qp->attr.qp_state < ROCE_QPS_RTS ||
		    qp->attr.qp_state == ROCE_QPS_ERR ||
		    qp->comp.psn == qp->req.psn || qp->req.rnr_wait)
			continue;
		roce_cnt_inc(qp, lane_rewinds);
		roce_req_rewind(qp);
		roce_req_run(qp);
	}
}

void
roce_engine_lanes_changed(struct roce_engine *e,
    const struct roce_lane_mask *moved)
{
	for (uint32_t l = 0; l < ROCE_LANES; l++)
		if (!moved || (moved->bits[l / 64] >> (l % 64) & 1))
			lane_moved(e, l);
}

struct roce_qp *
roce_engine_find_qp(struct roce_engine *e, uint32_t qpn)
{
	return qp_lookup(e, qpn);
}

void
roce_engine_foreach_qp(struct roce_engine *e,
    void (*fn)(struct roce_qp *qp, void *arg), void *arg)
{
	for (uint32_t i = 0; i < e->cfg.max_qp; i++)
		if (e->qps[i])
			fn(e->qps[i], arg);
}

const struct roce_counters *
roce_engine_counters(const struct roce_engine *e)
{
	return &e->cnt;
}

const struct roce_drops *
roce_engine_wire_drops(const struct roce_engine *e)
{
	return &e->wire_drops;
}

uint64_t
roce_rnr_timer_ns(uint8_t code)
{
	/* IBA table 45, in units of 10 us; code 0 is the longest. */
	static const uint32_t t10us[32] = {
		65536, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
		256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192,
		12288, 16384, 24576, 32768, 49152,
	};

	return (uint64_t)t10us[code & 31] * 10 * NSEC_PER_USEC;
}

uint64_t
roce_ack_timeout_ns(uint8_t timeout)
{
	/* ibv_modify_qp(3): 4.096 us * 2^timeout; 0 waits for ever. */
	if (timeout == 0)
		return UINT64_MAX;
	return 4096ull << (timeout & 31);
}
