/*
 * The functions' side of the NIC: the eSwitch between the PF, the VFs and
 * the uplink, and the TX scheduler under it. Every function has one TX
 * queue; a queue hangs under the node of the member its lane maps to (the
 * park node when no member distributes), so a failover moves queues, never
 * frames one by one. The member a frame finally leaves on is still the
 * LAG's pick (lag_xmit): per-flow hashing in balance-xor and 802.3ad, the
 * active member in active-backup.
 */
#include "daemon/nic_priv.h"

#include <errno.h>
#include <string.h>

#include "esw/esw.h"
#include "lib/log.h"
#include "port/link_addr.h"
#include "port/port_tap.h"
#include "txs/txs.h"

/* Functions spread over the lanes: consecutive vports far apart. */
uint32_t
nic_fn_lane(unsigned vport)
{
	return (vport * 157u) % LAG_LANES;
}

int
nic_fn_start(struct nic *nic, struct nic_err *err)
{
	unsigned max_vfs = MIN(nic->caps.max_vfs, NIC_VFS_MAX);
	int e;

	e = esw_create(&nic->esw, max_vfs);
	if (e)
		return nic_err_set(err, e, "eSwitch: %s", strerror(-e));
	/* the PF keeps what it had before the eSwitch: every VLAN (the
	 * host's VLAN devices on top of it) */
	e = esw_vport_trunk_set(nic->esw, ESW_VPORT_PF, 1, NET_VLAN_VID_MAX,
	    true);
	if (!e)
		e = txs_create(&nic->txs, nic->env.clock, NIC_PORTS_MAX + 1,
		    max_vfs + 1);
	if (e)
		goto fail_esw;
	e = txs_node_create(nic->txs, &nic->park);
	if (!e)
		e = txs_queue_create(nic->park, NIC_TXQ_SIZE, &nic->pf_txq);
	if (e)
		goto fail_txs;
	return 0;
fail_txs:
	txs_destroy(nic->txs);
	nic->txs = NULL;
fail_esw:
	esw_destroy(nic->esw);
	nic->esw = NULL;
	return nic_err_set(err, e, "functions: %s", strerror(-e));
}

const struct txs_stats *
nic_txs_stats(const struct nic *nic)
{
	return txs_stats(nic->txs);
}

void
nic_fn_stop(struct nic *nic)
{
	txs_destroy(nic->txs);
	esw_destroy(nic->esw);
	nic->txs = NULL;
	nic->esw = NULL;
}

int
nic_fn_node_add(struct nic *nic, struct nic_port *np)
{
	return txs_node_create(nic->txs, &np->node);
}

void
nic_fn_node_del(struct nic *nic, struct nic_port *np)
{
	if (!np->node)
		return;
	if (txs_node_queues(np->node))
		txs_node_move(np->node, nic->park);
	txs_node_destroy(np->node);
	np->node = NULL;
}

static struct nic_port *
port_of_member(struct nic *nic, const struct lag_member *m)
{
	for (unsigned i = 0; m && i < nic->nports; i++)
		if (nic->ports[i].member == m && nic->ports[i].node)
			return &nic->ports[i];
	return NULL;
}

static struct txs_node *
node_of_lane(struct nic *nic, uint32_t lane)
{
	struct nic_port *np = port_of_member(nic,
	    lag_lane_member(nic->lag, lane));

	return np ? np->node : nic->park;
}

static void
queue_follow(struct nic *nic, struct txs_queue *q, unsigned vport)
{
	struct txs_node *to = node_of_lane(nic, nic_fn_lane(vport));

	if (txs_queue_node(q) != to)
		txs_queue_move(q, to);
}

/* The member that carries every lane (active-backup's active, or the
 * last one left), if there is one. */
static struct nic_port *
port_with_all_lanes(struct nic *nic)
{
	for (unsigned i = 0; i < nic->nports; i++)
		if (nic->ports[i].node &&
		    nic->ports[i].member->nlanes == LAG_LANES)
			return &nic->ports[i];
	return NULL;
}

/*
 * The lane table changed (LAG_EV_LANES, before the runner names a new
 * active member). A member that lost its lanes to a single other member
 * (active-backup's failover) hands its queues over in one step; then each
 * queue is checked against its lane (O(1) each, a no-op when it is right
 * already, a move when the lanes spread over several members).
 */
void
nic_fn_lanes_changed(struct nic *nic)
{
	struct nic_port *to;

	if (!nic->txs)
		return;
	to = port_with_all_lanes(nic);
	for (unsigned i = 0; to && i < nic->nports; i++) {
		struct nic_port *np = &nic->ports[i];

		if (np != to && np->node && txs_node_queues(np->node))
			txs_node_move(np->node, to->node);
	}
	if (to && txs_node_queues(nic->park))
		txs_node_move(nic->park, to->node);
	queue_follow(nic, nic->pf_txq, ESW_VPORT_PF);
	for (unsigned n = 0; n < NIC_VFS_MAX; n++)
		if (nic->vfs[n].used)
			queue_follow(nic, nic->vfs[n].txq, esw_vf_vport(n));
}

static void
vf_carrier_apply(struct nic *nic, struct nic_vf *vf)
{
	bool up = esw_vport_link_up(nic->esw, esw_vf_vport(vf->cfg.vf));
	int e = 0;

	if (up == vf->port->carrier)
		return;
	if (vf->port->ops == &port_tap_ops)
		e = port_tap_set_carrier(vf->port, up);
	else
		port_carrier_set(vf->port, up);
	if (e)
		log_warn("%s: cannot set the carrier of %s: %s",
		    nic->cfg.name, vf->port->name, strerror(-e));
}

void
nic_fn_carrier_update(struct nic *nic)
{
	if (!nic->esw)
		return;
	esw_uplink_set(nic->esw, nic->lag->carrier);
	for (unsigned n = 0; n < NIC_VFS_MAX; n++)
		if (nic->vfs[n].used)
			vf_carrier_apply(nic, &nic->vfs[n]);
}

void
nic_fn_pf_mac_update(struct nic *nic)
{
	int e;

	if (!nic->pf)
		return;
	e = esw_pf_mac_set(nic->esw, nic->pf->mac);
	if (e)
		log_warn("%s: the PF's MAC is a VF's: %s", nic->cfg.name,
		    strerror(-e));
}

/* The PF's identity as announcements carry it: its MAC and addresses. */
static void
announce_pf(struct nic *nic, struct announce_target *t)
{
	struct link_addrs la;

	memset(t, 0, sizeof(*t));
	memcpy(t->mac, nic->pf->mac, ETH_ALEN_);
	if (link_addrs_get(nic->pf->ifindex, &la) == 0) {
		memcpy(t->ipv4, la.ipv4, sizeof(t->ipv4));
		t->n_ipv4 = la.n_ipv4;
		memcpy(t->ipv6, la.ipv6, sizeof(t->ipv6));
		t->n_ipv6 = la.n_ipv6;
	}
}

/* A VF's: its MAC in its port VLAN, the addresses it used in ARP/ND
 * (none: a RARP). */
static void
announce_vf(const struct nic_vf *vf, struct announce_target *t)
{
	*t = vf->who;
	memcpy(t->mac, vf->cfg.esw.mac, ETH_ALEN_);
	t->vlan = vf->cfg.esw.vlan;
	t->pcp = vf->cfg.esw.qos;
}

void
nic_fn_announce(struct nic *nic)
{
	struct announce *a = &nic->announce;

	a->ntargets = 0;
	if (nic->pf)
		announce_pf(nic, &a->targets[a->ntargets++]);
	for (unsigned n = 0; n < NIC_VFS_MAX; n++)
		if (nic->vfs[n].used && a->ntargets < ANNOUNCE_TARGETS_MAX)
			announce_vf(&nic->vfs[n], &a->targets[a->ntargets++]);
	if (a->ntargets)
		announce_start(a);
}
