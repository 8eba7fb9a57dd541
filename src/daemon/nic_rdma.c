/*
 * The NIC's RDMA function: the RoCEv2 engine (src/roce) on the LAG's
 * lanes, and the service (src/rdma) that offers it to applications.
 *
 * TX: the engine sends each frame on a lane; the lane's member sends it.
 * RX: RoCEv2 (UDP 4791) frames to the PF's MAC that passed the LAG, from
 * any collecting member, go to the engine, which finds the QP by its
 * number. A remap of the lanes (failover) makes the QPs on moved lanes
 * resend what is not acknowledged at once. The GID table follows the
 * PF's addresses; the port is active while the LAG has carrier. The
 * applications hear of both (PORT_ACTIVE / PORT_ERR, GID_CHANGE) and of
 * their objects' events through the service.
 */
#include "daemon/nic_priv.h"

#include <errno.h>
#include <string.h>

#include "net/parse.h"
#include "port/link_addr.h"
#include "rdma/rdma_svc.h"
#include "roce/roce_engine.h"

#define NIC_RDMA_POOL_BUFS	4096

static int
nic_rdma_tx(void *ctx, uint32_t lane, struct pkt *pkt)
{
	struct nic *nic = ctx;
	struct lag_member *m = lag_lane_member(nic->lag, lane);

	if (!m || !m->distributing || port_tx_burst(m->port, &pkt, 1) != 1) {
		pkt_free(pkt);
		return -ENETDOWN;
	}
	m->cnt.tx_packets++;
	return 0;
}

/* The engine's asynchronous events, to the applications'. */
static void
nic_rdma_event(void *ctx, const struct roce_event *ev)
{
	struct nic *nic = ctx;

	if (nic->rdma)
		rdma_svc_engine_event(nic->rdma, ev);
}

static const struct roce_ops nic_rdma_ops = {
	.tx = nic_rdma_tx,
	.event = nic_rdma_event,
};

static bool
member_on_node(const struct lag_member *m, void *arg)
{
	return m->port->numa_node == *(const int *)arg;
}

/* A lane of a member on numa_node, the next one for each QP. */
static uint32_t
numa_lane(void *arg, int numa_node)
{
	struct nic *nic = arg;
	uint32_t lane = lag_lane_pick(nic->lag, member_on_node, &numa_node,
	    nic->numa_lane_salt++);

	return lane < LAG_LANES ? lane : ROCE_LANE_AUTO;
}

int
nic_rdma_start(struct nic *nic, struct nic_err *err)
{
	struct roce_engine_config cfg = {
		.ops = &nic_rdma_ops, .ctx = nic, .clock = nic->env.clock,
		.pool = &nic->rdma_pool, .netdev_mtu = nic->cfg.mtu,
	};
	int e;

	e = pkt_pool_init(&nic->rdma_pool, NIC_RDMA_POOL_BUFS, NIC_BUF_SIZE);
	if (e)
		return nic_err_set(err, e, "RDMA frame pool: %s", strerror(-e));
	memcpy(cfg.mac, nic->lag->mac, ETH_ALEN_);
	e = roce_engine_create(&nic->roce, &cfg);
	if (e)
		goto fail_pool;
	e = rdma_svc_create(&nic->rdma, nic->roce);
	if (e)
		goto fail_engine;
	memcpy(nic->rdma_lanes, nic->lag->lanes, sizeof(nic->rdma_lanes));
	roce_engine_set_port_active(nic->roce, nic->lag->carrier);
	rdma_svc_port_changed(nic->rdma);
	nic_neigh_start(nic);
	rdma_svc_set_numa_lane(nic->rdma, numa_lane, nic);
	return 0;
fail_engine:
	roce_engine_destroy(nic->roce);
	nic->roce = NULL;
fail_pool:
	pkt_pool_fini(&nic->rdma_pool);
	return nic_err_set(err, e, "RDMA engine: %s", strerror(-e));
}

void
nic_rdma_stop(struct nic *nic)
{
	if (!nic->roce)
		return;
	rdma_svc_destroy(nic->rdma);
	nic->rdma = NULL;	/* the engine's last events go nowhere */
	roce_engine_destroy(nic->roce);
	pkt_pool_fini(&nic->rdma_pool);
	nic->roce = NULL;
}

/* A frame that passed the LAG: the engine's if RoCEv2 to the PF's MAC. */
bool
nic_rdma_rx(struct nic *nic, struct pkt *pkt)
{
	struct net_frame f;

	if (!nic->roce)
		return false;
	nic_neigh_snoop(nic, pkt);
	if (pkt->len < ETH_HLEN ||
	    memcmp(pkt->data, nic->lag->mac, ETH_ALEN_) != 0 ||
	    net_parse_frame(pkt->data, pkt->len, &f) != NET_OK ||
	    !net_frame_is_rocev2(&f))
		return false;
	roce_engine_rx(nic->roce, &pkt, 1);
	return true;
}

void
nic_rdma_lanes_changed(struct nic *nic)
{
	struct roce_lane_mask moved = { 0 };

	if (!nic->roce)
		return;
	for (uint32_t l = 0; l < LAG_LANES; l++)
		if (nic->lag->lanes[l] != nic->rdma_lanes[l])
			roce_lane_mask_set(&moved, l);
	memcpy(nic->rdma_lanes, nic->lag->lanes, sizeof(nic->rdma_lanes));
	roce_engine_lanes_changed(nic->roce, &moved);
}

/* The LAG's MAC (the PF's) as the engine's source MAC. */
void
nic_rdma_mac_update(struct nic *nic)
{
	if (nic->roce)
		roce_engine_set_mac(nic->roce, nic->lag->mac);
}

void
nic_rdma_carrier(struct nic *nic, bool up)
{
	if (!nic->roce)
		return;
	roce_engine_set_port_active(nic->roce, up);
	rdma_svc_port_changed(nic->rdma);	/* only if it changed */
}

/* The PF's addresses as GIDs: added as they appear (GID_CHANGE to the
 * applications when one was). */
void
nic_rdma_gids_update(struct nic *nic, const struct link_addrs *la)
{
	bool added = false;

	if (!nic->roce)
		return;
	for (unsigned i = 0; i < la->n_ipv4; i++)	/* or -EEXIST */
		added |= roce_gid_add_ipv4(nic->roce, la->ipv4[i]) >= 0;
	for (unsigned i = 0; i < la->n_ipv6; i++)
		added |= roce_gid_add_ipv6(nic->roce, la->ipv6[i]) >= 0;
	if (added)
		rdma_svc_gid_changed(nic->rdma);
}

/* Every round: rings to the engine and back, the engine's timers. */
bool
nic_rdma_poll(struct nic *nic, uint64_t now)
{
	bool work;

	if (!nic->roce)
		return false;
	work = rdma_svc_poll(nic->rdma);
	if (now >= roce_engine_next_deadline(nic->roce))
		roce_engine_tick(nic->roce, now);
	return work;
}

uint64_t
nic_rdma_next_deadline(const struct nic *nic)
{
	if (!nic->roce)
		return UINT64_MAX;
	return roce_engine_next_deadline(nic->roce);
}

struct rdma_svc *
nic_rdma_svc(struct nic *nic)
{
	return nic->rdma;
}

struct roce_engine *
nic_rdma_engine(struct nic *nic)
{
	return nic->roce;
}
