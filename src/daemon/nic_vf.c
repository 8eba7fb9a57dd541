/*
 * Virtual functions: a TAP each (a sim wire end on the sim backend), a
 * vport in the eSwitch and a TX queue in the scheduler. They change with
 * the rest of the config in nic_reconfigure: prepare (open new TAPs, make
 * their queues, set new MACs) can fail and is undone; commit cannot.
 */
#include "daemon/nic_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon/loop.h"
#include "esw/esw.h"
#include "lib/log.h"
#include "port/port_tap.h"
#include "txs/txs.h"

static bool
mac_zero(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN_];

	return memcmp(mac, zero, ETH_ALEN_) == 0;
}

static const struct nic_vf_config *
config_vf(const struct nic_config *cfg, uint32_t vf)
{
	for (unsigned i = 0; i < cfg->nvfs; i++)
		if (cfg->vfs[i].vf == vf)
			return &cfg->vfs[i];
	return NULL;
}

const struct nic_vf_config *
nic_vf_get(const struct nic *nic, uint32_t vf)
{
	return config_vf(&nic->cfg, vf);
}

/* What cannot change on a running VF: its interface. */
int
nic_vfs_check_fixed(const struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	for (unsigned i = 0; i < cfg->nvfs; i++) {
		const struct nic_vf_config *cur =
		    config_vf(&nic->cfg, cfg->vfs[i].vf);

		if (cur && strcmp(cur->ifname, cfg->vfs[i].ifname) != 0)
			return nic_err_set(err, -EBUSY, "vf %u: name: delete "
			    "the VF to rename %s", cur->vf, cur->ifname);
	}
	return 0;
}

/* A TAP's MAC through its own fd, so that it can be changed after the
 * user moved the interface to another namespace. */
static int
vf_port_mac_set(struct port *port, const uint8_t *mac)
{
	if (port->ops == &port_tap_ops)
		return port_tap_set_mac(port, mac);
	return port_mac_set(port, mac);
}

/* A VF's TAP is readable: the next round reads it (only then: a round
 * does not try every VF's fd). */
static void
vf_port_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct nic_vf *vf = arg;

	vf->readable = true;
}

static void
vf_port_close(struct nic *nic, struct port *port)
{
	if (nic->env.loop && port_fd(port) >= 0)
		loop_fd_del(nic->env.loop, port_fd(port));
	port_close(port);
}

static int
vf_port_open(struct nic *nic, const struct nic_vf_config *vc,
    struct port **out, struct nic_err *err)
{
	bool sim = strcmp(nic->cfg.backend, "sim") == 0;
	struct port_config c = {
		.ifname = vc->ifname, .sim = nic->env.sim,
		.clock = nic->env.clock,
	};
	struct port *port;
	int e;

	e = port_open(&port, sim ? "sim" : "tap", &c, &nic->pool,
	    nic->next_port_id);
	if (e)
		return nic_err_set(err, e, "vf %u: cannot create %s: %s",
		    vc->vf, vc->ifname, strerror(-e));
	e = sim ? 0 : port_mtu_set(port, nic->cfg.mtu);
	if (!e && nic->env.loop && port_fd(port) >= 0)
		e = loop_fd_add(nic->env.loop, port_fd(port), EPOLLIN,
		    vf_port_ready, &nic->vfs[vc->vf]);
	if (e) {
		port_close(port);
		return nic_err_set(err, e, "vf %u: %s: %s", vc->vf,
		    vc->ifname, strerror(-e));
	}
	nic->next_port_id++;
	*out = port;
	return 0;
}

/*
 * A VF's rates for its queue. The buckets hold NIC_TX_BURST_MS of the
 * rate (txs' default is 1 ms, tc's tbf is commonly given 10 ms): the loop
 * sleeps in whole milliseconds and may be scheduled late on a busy host;
 * a bucket that filled up meanwhile would cap the rate below the
 * configured one.
 */
#define NIC_TX_BURST_MS		10

static void
vf_rate(const struct nic_vf_config *vc, struct txs_rate *rate)
{
	uint64_t mbps = vc->max_tx_rate ? vc->max_tx_rate : vc->min_tx_rate;
	uint64_t burst = mbps * 125 * NIC_TX_BURST_MS;	/* bytes */

	*rate = (struct txs_rate){
		.max_tx_rate = vc->max_tx_rate, .min_tx_rate = vc->min_tx_rate,
		.burst_bytes = (uint32_t)MIN(MAX(burst, TXS_BURST_MIN),
		    UINT32_MAX),
	};
}

/* A new VF: its port, its MAC (given, or the TAP's own), its queue. */
static int
vf_prepare_new(struct nic *nic, struct nic_vf_config *vc,
    struct nic_vf_prep *p, struct nic_err *err)
{
	struct txs_rate rate;
	int e = vf_port_open(nic, vc, &p->port, err);

	if (e)
		return e;
	vf_rate(vc, &rate);
	if (mac_zero(vc->esw.mac))
		memcpy(vc->esw.mac, p->port->mac, ETH_ALEN_);
	else
		e = vf_port_mac_set(p->port, vc->esw.mac);
	if (!e)
		e = txs_queue_create(nic->park, NIC_TXQ_SIZE, &p->txq);
	if (!e) {
		e = txs_queue_rate_set(p->txq, &rate);
		if (e)
			txs_queue_destroy(p->txq);
	}
	if (e) {
		vf_port_close(nic, p->port);
		p->port = NULL;
		return nic_err_set(err, e, "vf %u: %s", vc->vf, strerror(-e));
	}
	return 0;
}

/* A running VF given a new MAC: its TAP shows it (undone on failure). */
static int
vf_prepare_mac(struct nic *nic, const struct nic_vf_config *vc,
    struct nic_vf_prep *p, struct nic_err *err)
{
	struct nic_vf *vf = &nic->vfs[vc->vf];
	int e;

	if (mac_zero(vc->esw.mac) ||
	    memcmp(vc->esw.mac, vf->cfg.esw.mac, ETH_ALEN_) == 0)
		return 0;
	e = vf_port_mac_set(vf->port, vc->esw.mac);
	if (e)
		return nic_err_set(err, e, "vf %u: cannot set the MAC of %s: "
		    "%s%s", vc->vf, vf->port->name, strerror(-e), e == -EBUSY ?
		    " (the interface is up: set it down first)" : "");
	p->mac_set = true;
	return 0;
}

/* Another function (or the PF) already has vc's MAC. */
static int
vf_mac_clash(const struct nic *nic, const struct nic_config *want,
    unsigned i, struct nic_err *err)
{
	const struct nic_vf_config *vc = &want->vfs[i];

	if (nic->pf && memcmp(nic->pf->mac, vc->esw.mac, ETH_ALEN_) == 0)
		return nic_err_set(err, -EEXIST, "vf %u: mac is the PF's",
		    vc->vf);
	for (unsigned j = 0; j < want->nvfs; j++)
		if (j != i && memcmp(want->vfs[j].esw.mac, vc->esw.mac,
		    ETH_ALEN_) == 0)
			return nic_err_set(err, -EEXIST, "vf %u: mac is vf "
			    "%u's already", vc->vf, want->vfs[j].vf);
	return 0;
}

int
nic_vfs_prepare(struct nic *nic, struct nic_config *want,
    struct nic_vf_prep *prep, struct nic_err *err)
{
	int e = 0;
	unsigned i;

	memset(prep, 0, sizeof(*prep) * NIC_VFS_MAX);
	for (i = 0; i < want->nvfs && !e; i++) {
		struct nic_vf_config *vc = &want->vfs[i];

		if (nic->vfs[vc->vf].used)
			e = vf_prepare_mac(nic, vc, &prep[i], err);
		else
			e = vf_prepare_new(nic, vc, &prep[i], err);
	}
	for (i = 0; i < want->nvfs && !e; i++)
		e = vf_mac_clash(nic, want, i, err);
	if (e)
		nic_vfs_undo(nic, want, prep);
	return e;
}

void
nic_vfs_undo(struct nic *nic, const struct nic_config *want,
    struct nic_vf_prep *prep)
{
	for (unsigned i = 0; i < want->nvfs; i++) {
		struct nic_vf *vf = &nic->vfs[want->vfs[i].vf];

		if (prep[i].txq)
			txs_queue_destroy(prep[i].txq);
		if (prep[i].port)
			vf_port_close(nic, prep[i].port);
		if (prep[i].mac_set)
			vf_port_mac_set(vf->port, vf->cfg.esw.mac);
		prep[i] = (struct nic_vf_prep){ 0 };
	}
}

static void
vf_remove(struct nic *nic, struct nic_vf *vf)
{
	char name[IF_NAMESIZE];

	snprintf(name, sizeof(name), "%s", vf->cfg.ifname);
	NIC_CANNOT_FAIL(esw_vf_del(nic->esw, vf->cfg.vf));
	txs_queue_destroy(vf->txq);
	vf_port_close(nic, vf->port);
	memset(vf, 0, sizeof(*vf));
	nic_emit(nic, &(struct nic_event){ .type = NIC_EV_VF_REMOVED,
	    .port = name });
}

static void
vf_rates_apply(struct nic_vf *vf)
{
	struct txs_rate rate, cur;

	vf_rate(&vf->cfg, &rate);
	txs_queue_rate_get(vf->txq, &cur);
	if (cur.max_tx_rate == rate.max_tx_rate &&
	    cur.min_tx_rate == rate.min_tx_rate)
		return;
	NIC_CANNOT_FAIL(txs_queue_rate_set(vf->txq, &rate));
}

/* A running VF takes its new config; MACs were cleared before. */
static void
vf_update(struct nic *nic, const struct nic_vf_config *vc)
{
	struct nic_vf *vf = &nic->vfs[vc->vf];

	if (memcmp(vf->cfg.esw.mac, vc->esw.mac, ETH_ALEN_) != 0) {
		vf->who.n_ipv4 = 0;	/* a new identity */
		vf->who.n_ipv6 = 0;
	}
	vf->cfg = *vc;
	NIC_CANNOT_FAIL(esw_vf_set(nic->esw, vc->vf, &vc->esw));
	vf_rates_apply(vf);
}

static void
vf_insert(struct nic *nic, const struct nic_vf_config *vc,
    const struct nic_vf_prep *p)
{
	struct nic_vf *vf = &nic->vfs[vc->vf];

	NIC_CANNOT_FAIL(esw_vf_add(nic->esw, vc->vf, &vc->esw));
	memset(vf, 0, sizeof(*vf));
	vf->used = true;
	vf->cfg = *vc;
	vf->port = p->port;
	vf->txq = p->txq;
}

/* VFs whose MAC changes leave it first, so that a swap cannot clash. */
static void
vfs_clear_changed_macs(struct nic *nic, const struct nic_config *want)
{
	for (unsigned i = 0; i < want->nvfs; i++) {
		struct nic_vf *vf = &nic->vfs[want->vfs[i].vf];
		struct esw_vf_config c;

		if (!vf->used || memcmp(vf->cfg.esw.mac, want->vfs[i].esw.mac,
		    ETH_ALEN_) == 0)
			continue;
		c = vf->cfg.esw;
		memset(c.mac, 0, ETH_ALEN_);
		NIC_CANNOT_FAIL(esw_vf_set(nic->esw, vf->cfg.vf, &c));
	}
}

void
nic_vfs_commit(struct nic *nic, const struct nic_config *want,
    struct nic_vf_prep *prep)
{
	bool added = false;

	for (unsigned n = 0; n < NIC_VFS_MAX; n++)
		if (nic->vfs[n].used && !config_vf(want, n))
			vf_remove(nic, &nic->vfs[n]);
	vfs_clear_changed_macs(nic, want);
	for (unsigned i = 0; i < want->nvfs; i++)
		if (nic->vfs[want->vfs[i].vf].used)
			vf_update(nic, &want->vfs[i]);
	for (unsigned i = 0; i < want->nvfs; i++) {
		if (!prep[i].port)
			continue;
		vf_insert(nic, &want->vfs[i], &prep[i]);
		nic_emit(nic, &(struct nic_event){ .type = NIC_EV_VF_ADDED,
		    .port = want->vfs[i].ifname });
		added = true;
	}
	nic_fn_lanes_changed(nic);
	nic_fn_carrier_update(nic);
	/* the switch learns where a new VF's MAC is */
	if (added && nic->lag->carrier)
		nic_fn_announce(nic);
}

void
nic_vfs_close(struct nic *nic)
{
	for (unsigned n = 0; n < NIC_VFS_MAX; n++)
		if (nic->vfs[n].used)
			vf_remove(nic, &nic->vfs[n]);
}

int
nic_vf_add(struct nic *nic, const struct nic_vf_config *vc,
    struct nic_err *err)
{
	struct nic_config cfg = nic->cfg;

	if (config_vf(&cfg, vc->vf))
		return nic_err_set(err, -EEXIST, "vf %u: exists", vc->vf);
	if (cfg.nvfs == NIC_VFS_MAX || vc->vf >= nic->caps.max_vfs)
		return nic_err_set(err, -ERANGE, "vf %u: beyond the limit "
		    "max_vfs=%u", vc->vf, MIN(nic->caps.max_vfs, NIC_VFS_MAX));
	cfg.vfs[cfg.nvfs++] = *vc;
	return nic_reconfigure(nic, &cfg, err);
}

int
nic_vf_set(struct nic *nic, const struct nic_vf_config *vc,
    struct nic_err *err)
{
	struct nic_config cfg = nic->cfg;

	for (unsigned i = 0; i < cfg.nvfs; i++)
		if (cfg.vfs[i].vf == vc->vf) {
			uint8_t mac[ETH_ALEN_];

			memcpy(mac, cfg.vfs[i].esw.mac, ETH_ALEN_);
			cfg.vfs[i] = *vc;
			if (mac_zero(vc->esw.mac))	/* keeps its MAC */
				memcpy(cfg.vfs[i].esw.mac, mac, ETH_ALEN_);
			return nic_reconfigure(nic, &cfg, err);
		}
	return nic_err_set(err, -ENOENT, "vf %u: no such VF", vc->vf);
}

int
nic_vf_del(struct nic *nic, uint32_t vf, struct nic_err *err)
{
	struct nic_config cfg = nic->cfg;

	for (unsigned i = 0; i < cfg.nvfs; i++)
		if (cfg.vfs[i].vf == vf) {
			memmove(&cfg.vfs[i], &cfg.vfs[i + 1],
			    (cfg.nvfs - i - 1) * sizeof(cfg.vfs[0]));
			cfg.nvfs--;
			return nic_reconfigure(nic, &cfg, err);
		}
	return nic_err_set(err, -ENOENT, "vf %u: no such VF", vf);
}

static const char *
vf_tx_port(struct nic *nic, const struct nic_vf *vf)
{
	struct txs_node *node = txs_queue_node(vf->txq);

	for (unsigned i = 0; i < nic->nports; i++)
		if (nic->ports[i].node == node)
			return nic->ports[i].cfg.ifname;
	return NULL;
}

int
nic_vf_state(struct nic *nic, uint32_t n, struct nic_vf_state *st)
{
	const struct txs_queue_counters *qc;
	struct nic_vf *vf;
	unsigned vport;

	if (n >= NIC_VFS_MAX || !nic->vfs[n].used)
		return -ENOENT;
	vf = &nic->vfs[n];
	vport = esw_vf_vport(n);
	qc = txs_queue_counters(vf->txq);
	*st = (struct nic_vf_state){
		.cfg = &vf->cfg, .port = vf->port,
		.link_up = esw_vport_link_up(nic->esw, vport),
		.tx_port = vf_tx_port(nic, vf),
		.esw = esw_vport_counters(nic->esw, vport),
		.rx_dropped = vf->rx_dropped,
		.tx_queue_dropped = qc->drops[TXS_DROP_FULL],
		.tx_throttled = qc->throttled,
		.announce = &vf->who,
	};
	return 0;
}
