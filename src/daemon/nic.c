/* The NIC's lifecycle: create, reconfigure as a whole, destroy. */
#include "daemon/nic_priv.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/loop.h"
#include "lib/log.h"
#include "port/link.h"
#include "port/link_addr.h"
#include "port/port_tap.h"

#define NIC_POOL_BUFS	32768

const char *const nic_event_type_names[] = {
	[NIC_EV_PORT_ADDED] = "port-added",
	[NIC_EV_PORT_REMOVED] = "port-removed",
	[NIC_EV_LAG] = "lag",
	[NIC_EV_VF_ADDED] = "vf-added",
	[NIC_EV_VF_REMOVED] = "vf-removed",
};
static_assert(ARRAY_SIZE(nic_event_type_names) == NIC_EV_COUNT,
    "nic event names");

void
nic_emit(struct nic *nic, const struct nic_event *ev)
{
	struct nic_event e = *ev;

	e.ts_ns = clock_now(nic->env.clock);
	for (unsigned i = 0; i < NIC_SUBSCRIBERS_MAX; i++)
		if (nic->subs[i].fn)
			nic->subs[i].fn(&e, nic->subs[i].arg);
}

int
nic_subscribe(struct nic *nic, nic_event_fn *fn, void *arg)
{
	for (unsigned i = 0; i < NIC_SUBSCRIBERS_MAX; i++)
		if (!nic->subs[i].fn) {
			nic->subs[i].fn = fn;
			nic->subs[i].arg = arg;
			return 0;
		}
	return -ENOSPC;
}

void
nic_unsubscribe(struct nic *nic, void *arg)
{
	for (unsigned i = 0; i < NIC_SUBSCRIBERS_MAX; i++)
		if (nic->subs[i].arg == arg)
			nic->subs[i].fn = NULL;
}

const struct nic_config *
nic_config(const struct nic *nic)
{
	return &nic->cfg;
}

const struct nic_caps *
nic_caps(const struct nic *nic)
{
	return &nic->caps;
}

struct lag *
nic_lag(struct nic *nic)
{
	return nic->lag;
}

struct port *
nic_pf(struct nic *nic)
{
	return nic->pf;
}

const struct nic_fn_counters *
nic_pf_counters(const struct nic *nic)
{
	return &nic->pf_cnt;
}

struct nic_port *
nic_port_find(struct nic *nic, const char *ifname)
{
	for (unsigned i = 0; i < nic->nports; i++)
		if (strcmp(nic->ports[i].cfg.ifname, ifname) == 0)
			return &nic->ports[i];
	return NULL;
}

struct port *
nic_port(struct nic *nic, const char *ifname)
{
	struct nic_port *np = nic_port_find(nic, ifname);

	return np ? np->port : NULL;
}

/* LAG events: follow them on the PF, then pass them on. */
static void
nic_lag_event(struct lag *lag, const struct lag_event *ev, void *arg)
{
	struct nic *nic = arg;

	if (nic->pf && ev->type == LAG_EV_CARRIER)
		port_tap_set_carrier(nic->pf, ev->up);
	if (ev->type == LAG_EV_CARRIER) {
		nic_fn_carrier_update(nic);
		nic_rdma_carrier(nic, ev->up);
	}
	if (ev->type == LAG_EV_LANES) {
		nic_fn_lanes_changed(nic);
		nic_rdma_lanes_changed(nic);
		/* balance-slb moves senders without a new active member:
		 * tell the switch where their MACs are now */
		if (lag->opt.mode == LAG_MODE_BALANCE_SLB && lag->carrier)
			nic_fn_announce(nic);
	}
	if (nic->pf && ev->type == LAG_EV_ACTIVE &&
	    memcmp(nic->pf->mac, lag->mac, ETH_ALEN_) != 0) {
		port_mac_set(nic->pf, lag->mac);
		nic_fn_pf_mac_update(nic);
		nic_rdma_mac_update(nic);
	}
	/* bonding notifies peers whenever a new active member is chosen;
	 * the VFs' MACs move with it */
	if (ev->type == LAG_EV_ACTIVE && ev->member)
		nic_fn_announce(nic);
	nic_emit(nic, &(struct nic_event){ .type = NIC_EV_LAG, .lag = ev,
	    .port = ev->member ? ev->member->port->name : NULL });
}

/*
 * The LAG's options with the per-port LACP settings (teamd's lacp_prio and
 * lacp_key) of the configured ports. A key of 0 means the LAG's
 * ad_user_port_key: 0 cannot be told from "not set" in the config yet.
 */
static void
nic_lag_options(const struct nic_config *cfg, struct lag_options *opt)
{
	*opt = cfg->lag;
	opt->lacp.nports = 0;
	for (unsigned i = 0; i < cfg->nports && i < LAG_MEMBERS_MAX; i++) {
		const struct nic_port_config *pc = &cfg->ports[i];
		struct lag_lacp_port_options *po =
		    &opt->lacp.ports[opt->lacp.nports++];

		memset(po, 0, sizeof(*po));
		strcpy(po->port, pc->ifname);
		po->port_priority = pc->lacp_port_priority;
		po->has_key = pc->lacp_port_key != 0;
		po->user_port_key = pc->lacp_port_key;
	}
}

static int
nic_lag_create(struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	struct lag_options opt;
	int e;

	nic_lag_options(cfg, &opt);
	e = lag_create(&nic->lag, cfg->name, &opt, nic->env.clock, &nic->pool);

	if (e)
		return nic_err_set(err, e, "cannot create LAG %s: %s",
		    cfg->name, strerror(-e));
	lag_set_event_cb(nic->lag, nic_lag_event, nic);
	announce_init(&nic->announce, nic->lag, &nic->pool);
	announce_set_counts(&nic->announce, cfg->notify.num_grat_arp,
	    cfg->notify.num_unsol_na, cfg->notify.peer_notif_delay);
	return 0;
}

static void
nic_link_events(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct nic *nic = arg;

	link_monitor_process(nic->mon);
}

static int
nic_monitor_open(struct nic *nic, struct nic_err *err)
{
	int e;

	if (nic->mon)
		return 0;
	nic->mon = link_monitor_open();
	if (!nic->mon)
		return nic_err_set(err, -errno, "rtnetlink: %s", strerror(errno));
	if (!nic->env.loop)
		return 0;
	e = loop_fd_add(nic->env.loop, link_monitor_fd(nic->mon), EPOLLIN,
	    nic_link_events, nic);
	if (e) {
		link_monitor_close(nic->mon);
		nic->mon = NULL;
		return nic_err_set(err, e, "event loop: %s", strerror(-e));
	}
	return 0;
}

/*
 * A member's port is readable: the poller will take its frames. A socket
 * error (ENETDOWN when its link goes down) is taken here: the ring
 * backends never recv(), so it would stay pending and wake the loop at
 * once, every round, for as long as the link stays down.
 */
static void
nic_port_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	int soerr;
	socklen_t n = sizeof(soerr);

	if (events & EPOLLERR)
		(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &n);
}

static bool
backend_has_netlink(const struct port *port)
{
	return port->ifindex > 0;
}

static void
nic_port_close(struct nic *nic, struct port *port)
{
	if (nic->env.loop && port_fd(port) >= 0)
		loop_fd_del(nic->env.loop, port_fd(port));
	if (nic->mon && backend_has_netlink(port))
		link_monitor_unwatch(nic->mon, port);
	port_close(port);
}

/* The try step for one member: open, watch carrier, poll its fd. */
static int
nic_port_open(struct nic *nic, const struct nic_config *cfg,
    const struct nic_port_config *pc, struct port **out, struct nic_err *err)
{
	const char *backend = pc->backend[0] ? pc->backend : cfg->backend;
	struct port_config c = {
		.ifname = pc->ifname, .queue_id = pc->queue_id,
		.xdp_mode = cfg->xdp_mode, .sim = nic->env.sim,
		.clock = nic->env.clock,
	};
	struct port *port;
	int e;

	e = port_open(&port, backend, &c, &nic->pool, nic->next_port_id);
	if (e)
		return nic_err_set(err, e, "port %s: cannot open (%s): %s",
		    pc->ifname, backend, strerror(-e));
	if (backend_has_netlink(port)) {
		e = nic_monitor_open(nic, err);
		if (!e)
			e = link_monitor_watch(nic->mon, port);
		if (e)
			goto fail_close;
	}
	if (nic->env.loop && port_fd(port) >= 0) {
		e = loop_fd_add(nic->env.loop, port_fd(port), EPOLLIN,
		    nic_port_ready, nic);
		if (e)
			goto fail_unwatch;
	}
	nic->next_port_id++;
	*out = port;
	return 0;
fail_unwatch:
	if (backend_has_netlink(port))
		link_monitor_unwatch(nic->mon, port);
fail_close:
	port_close(port);
	if (!err || !err->msg[0] || err->code != e)
		nic_err_set(err, e, "port %s: %s", pc->ifname, strerror(-e));
	return e;
}

static bool
port_config_same(const struct nic_port_config *a,
    const struct nic_port_config *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static const struct nic_port_config *
config_port(const struct nic_config *cfg, const char *ifname)
{
	for (unsigned i = 0; i < cfg->nports; i++)
		if (strcmp(cfg->ports[i].ifname, ifname) == 0)
			return &cfg->ports[i];
	return NULL;
}

static void
nic_member_remove(struct nic *nic, unsigned i)
{
	struct nic_port *np = &nic->ports[i];
	char name[IF_NAMESIZE];

	strcpy(name, np->cfg.ifname);
	lag_member_del(nic->lag, np->port);
	nic_fn_node_del(nic, np);
	nic_port_close(nic, np->port);
	memmove(&nic->ports[i], &nic->ports[i + 1],
	    (nic->nports - i - 1) * sizeof(nic->ports[0]));
	nic->nports--;
	nic_fn_lanes_changed(nic);
	nic_emit(nic, &(struct nic_event){ .type = NIC_EV_PORT_REMOVED,
	    .port = name });
}

/* The PF shows the LAG's MAC (the first member's, as bonding's). */
static void
nic_pf_follow_mac(struct nic *nic)
{
	static const uint8_t zero[ETH_ALEN_];

	if (memcmp(nic->lag->mac, zero, ETH_ALEN_) != 0)
		nic_rdma_mac_update(nic);
	if (!nic->pf || memcmp(nic->lag->mac, zero, ETH_ALEN_) == 0 ||
	    memcmp(nic->pf->mac, nic->lag->mac, ETH_ALEN_) == 0)
		return;
	if (port_mac_set(nic->pf, nic->lag->mac))
		log_warn("%s: cannot set the PF's MAC", nic->cfg.name);
	nic_fn_pf_mac_update(nic);
}

static void
nic_member_insert(struct nic *nic, const struct nic_port_config *pc,
    struct port *port)
{
	struct nic_port *np = &nic->ports[nic->nports];
	int e;

	/* checked before: a fresh port in a LAG with room (and a scheduler
	 * node for each member) */
	np->node = NULL;
	e = nic_fn_node_add(nic, np);
	if (!e)
		e = lag_member_add(nic->lag, port);
	if (e) {
		log_err("%s: cannot add %s: %s", nic->cfg.name, pc->ifname,
		    strerror(-e));
		nic_fn_node_del(nic, np);
		nic_port_close(nic, port);
		return;
	}
	np->cfg = *pc;
	np->port = port;
	np->member = lag_member_of_port(nic->lag, port);
	nic->nports++;
	nic_fn_lanes_changed(nic);
	nic_pf_follow_mac(nic);
	nic_emit(nic, &(struct nic_event){ .type = NIC_EV_PORT_ADDED,
	    .port = pc->ifname });
}

static int
check_fixed(const struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	if (strcmp(cfg->name, nic->cfg.name) != 0)
		return nic_err_set(err, -EINVAL,
		    "name: cannot rename %s at run time", nic->cfg.name);
	if (cfg->pf != nic->cfg.pf)
		return nic_err_set(err, -EOPNOTSUPP,
		    "pf: cannot be switched at run time");
	if (cfg->mtu != nic->cfg.mtu)
		return nic_err_set(err, -EOPNOTSUPP,
		    "mtu: changing it at run time is not supported yet");
	if (cfg->lag.mode != nic->cfg.lag.mode && nic->nports > 0)
		return nic_err_set(err, -EBUSY,
		    "mode: cannot change while %s has ports", nic->cfg.name);
	return 0;
}

/* Open every port of cfg that is not running as configured. */
static int
nic_open_new(struct nic *nic, const struct nic_config *cfg,
    struct port **opened, struct nic_err *err)
{
	for (unsigned i = 0; i < cfg->nports; i++) {
		struct nic_port *cur = nic_port_find(nic, cfg->ports[i].ifname);
		int e;

		opened[i] = NULL;
		if (cur && port_config_same(&cur->cfg, &cfg->ports[i]))
			continue;
		if (cur)
			return nic_err_set(err, -EBUSY, "port %s: remove it "
			    "before changing its backend or queue",
			    cfg->ports[i].ifname);
		e = nic_port_open(nic, cfg, &cfg->ports[i], &opened[i], err);
		if (e) {
			while (i--)
				if (opened[i])
					nic_port_close(nic, opened[i]);
			return e;
		}
	}
	return 0;
}

static void
nic_close_opened(struct nic *nic, struct port **opened, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (opened[i])
			nic_port_close(nic, opened[i]);
}

/* New options for the LAG: in place, or a new LAG for a new mode. */
static int
nic_lag_apply(struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	struct lag *old = nic->lag;
	int e;

	if (cfg->lag.mode == nic->cfg.lag.mode) {
		struct lag_options opt;

		nic_lag_options(cfg, &opt);
		e = lag_options_set(nic->lag, &opt);
		return e ? nic_err_set(err, e, "LAG options: %s", strerror(-e)) : 0;
	}
	e = nic_lag_create(nic, cfg, err);	/* no ports: checked */
	if (e) {
		nic->lag = old;
		return e;
	}
	lag_destroy(old);
	return 0;
}

/*
 * The try steps: new member ports, new VFs (their TAPs and queues, new
 * MACs), then the LAG's options; each undone when a later one fails.
 * want is cfg with what the try steps resolved (a new VF's MAC).
 */
static int
nic_reconfigure_try(struct nic *nic, struct nic_config *want,
    struct port **opened, struct nic_vf_prep *prep, struct nic_err *err)
{
	int e = nic_open_new(nic, want, opened, err);

	if (e)
		return e;
	e = nic_vfs_prepare(nic, want, prep, err);
	if (e)
		goto fail_ports;
	e = nic_lag_apply(nic, want, err);
	if (e)
		goto fail_vfs;
	return 0;
fail_vfs:
	nic_vfs_undo(nic, want, prep);
fail_ports:
	nic_close_opened(nic, opened, want->nports);
	return e;
}

int
nic_reconfigure(struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	struct port *opened[NIC_PORTS_MAX];
	struct nic_vf_prep prep[NIC_VFS_MAX];
	struct nic_config want;
	int e;

	e = nic_config_check(cfg, &nic->caps, err);
	if (!e)
		e = check_fixed(nic, cfg, err);
	if (!e)
		e = nic_vfs_check_fixed(nic, cfg, err);
	if (e)
		return e;
	want = *cfg;
	e = nic_reconfigure_try(nic, &want, opened, prep, err);
	if (e)
		return e;
	cfg = &want;
	/* commit: nothing below may fail */
	for (unsigned i = nic->nports; i-- > 0;)
		if (!config_port(cfg, nic->ports[i].cfg.ifname))
			nic_member_remove(nic, i);
	for (unsigned i = 0; i < cfg->nports; i++)
		if (opened[i])
			nic_member_insert(nic, &cfg->ports[i], opened[i]);
	announce_set_counts(&nic->announce, cfg->notify.num_grat_arp,
	    cfg->notify.num_unsol_na, cfg->notify.peer_notif_delay);
	nic_vfs_commit(nic, cfg, prep);
	nic->cfg = *cfg;
	return 0;
}

int
nic_port_add(struct nic *nic, const struct nic_port_config *pc,
    struct nic_err *err)
{
	struct nic_config cfg = nic->cfg;

	if (config_port(&cfg, pc->ifname))
		return nic_err_set(err, -EBUSY, "port %s: already in %s",
		    pc->ifname, cfg.name);
	if (cfg.nports == NIC_PORTS_MAX)
		return nic_err_set(err, -ENOSPC, "%s: no room for a port",
		    cfg.name);
	cfg.ports[cfg.nports++] = *pc;
	return nic_reconfigure(nic, &cfg, err);
}

int
nic_port_del(struct nic *nic, const char *ifname, struct nic_err *err)
{
	struct nic_config cfg = nic->cfg;
	unsigned i;

	for (i = 0; i < cfg.nports; i++)
		if (strcmp(cfg.ports[i].ifname, ifname) == 0)
			break;
	if (i == cfg.nports)
		return nic_err_set(err, -ENOENT, "port %s: not in %s", ifname,
		    cfg.name);
	memmove(&cfg.ports[i], &cfg.ports[i + 1],
	    (cfg.nports - i - 1) * sizeof(cfg.ports[0]));
	cfg.nports--;
	return nic_reconfigure(nic, &cfg, err);
}

static bool
nic_poll_cb(struct loop *loop, void *arg)
{
	return nic_poll(arg);
}

static uint64_t
nic_deadline_cb(void *arg)
{
	return nic_next_deadline(arg);
}

/* The PF's TAP is readable: the next round reads it (only then: a round
 * with nothing to read would still cost a system call). */
static void
nic_pf_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct nic *nic = arg;

	nic->pf_readable = true;
}

static int
nic_pf_open(struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err)
{
	struct port_config c = { .ifname = cfg->name };
	int e;

	e = port_open(&nic->pf, "tap", &c, &nic->pool, nic->next_port_id++);
	if (e)
		return nic_err_set(err, e, "PF %s: cannot create the TAP: %s",
		    cfg->name, strerror(-e));
	e = port_mtu_set(nic->pf, cfg->mtu);
	if (!e && nic->env.loop)
		e = loop_fd_add(nic->env.loop, port_fd(nic->pf), EPOLLIN,
		    nic_pf_ready, nic);
	if (e) {
		port_close(nic->pf);
		nic->pf = NULL;
		return nic_err_set(err, e, "PF %s: %s", cfg->name, strerror(-e));
	}
	return 0;
}

static void
nic_pf_close(struct nic *nic)
{
	if (!nic->pf)
		return;
	if (nic->env.loop)
		loop_fd_del(nic->env.loop, port_fd(nic->pf));
	port_close(nic->pf);
	nic->pf = NULL;
}

/* Everything but the ports, which nic_reconfigure adds. */
static int
nic_start(struct nic *nic, const struct nic_config *cfg, struct nic_err *err)
{
	int e;

	e = nic_lag_create(nic, cfg, err);
	if (e)
		return e;
	e = nic_fn_start(nic, err);
	if (e)
		goto fail_lag;
	if (cfg->pf) {
		e = nic_pf_open(nic, cfg, err);
		if (e)
			goto fail_fn;
		nic_fn_pf_mac_update(nic);
		e = nic_rdma_start(nic, err);
		if (e)
			goto fail_pf;
	}
	if (nic->env.loop) {
		e = loop_poller_add(nic->env.loop, nic_poll_cb, nic_deadline_cb,
		    nic);
		if (e) {
			nic_err_set(err, e, "event loop: %s", strerror(-e));
			goto fail_rdma;
		}
	}
	return 0;
fail_rdma:
	nic_rdma_stop(nic);
fail_pf:
	nic_pf_close(nic);
fail_fn:
	nic_fn_stop(nic);
fail_lag:
	lag_destroy(nic->lag);
	return e;
}

int
nic_create(struct nic **out, const struct nic_config *cfg,
    const struct nic_caps *caps, const struct nic_env *env,
    struct nic_err *err)
{
	struct nic *nic;
	int e;

	e = nic_config_check(cfg, caps, err);
	if (e)
		return e;
	nic = calloc(1, sizeof(*nic));
	if (!nic)
		return nic_err_set(err, -ENOMEM, "out of memory");
	nic->caps = *caps;
	nic->env = *env;
	nic->cfg = *cfg;
	nic->cfg.nports = 0;
	e = pkt_pool_init(&nic->pool, NIC_POOL_BUFS, NIC_BUF_SIZE);
	if (e) {
		nic_err_set(err, e, "frame pool: %s", strerror(-e));
		goto fail_free;
	}
	e = nic_start(nic, cfg, err);
	if (e)
		goto fail_pool;
	e = nic_reconfigure(nic, cfg, err);
	if (e)
		goto fail_stop;
	*out = nic;
	return 0;
fail_stop:
	nic->nports = 0;
	nic_destroy(nic);
	return e;
fail_pool:
	pkt_pool_fini(&nic->pool);
fail_free:
	free(nic);
	return e;
}

void
nic_destroy(struct nic *nic)
{
	if (!nic)
		return;
	while (nic->nports)
		nic_member_remove(nic, nic->nports - 1);
	nic_vfs_close(nic);
	if (nic->env.loop)
		loop_poller_del(nic->env.loop, nic);
	nic_rdma_stop(nic);
	nic_pf_close(nic);
	nic_fn_stop(nic);
	lag_destroy(nic->lag);
	if (nic->mon) {
		if (nic->env.loop)
			loop_fd_del(nic->env.loop, link_monitor_fd(nic->mon));
		link_monitor_close(nic->mon);
	}
	pkt_pool_fini(&nic->pool);
	free(nic);
}
