/*
 * 802.3ad: the runner that puts IEEE 802.1AX LACP (src/lacp) under the
 * LAG. Each member is an LACP port (numbered from 1, lowest free); the
 * LAG is the LACP system, its ID ad_actor_sys_prio and ad_actor_system
 * (the LAG's MAC when zero). The machines run on lag->clock at every
 * entry point (tick, a slow-protocol frame, a link change, an option
 * change); afterwards a member collects and distributes as its mux says
 * (only ports of the active aggregator get there), the lanes and the
 * LAG's carrier follow, and a LAG_EV_LACP event reports each member
 * whose actor or partner state, mux or receive state, or churn changed.
 *
 * LACPDUs and marker responses are built in lag->ctl_pool buffers and
 * sent on the member's own port, from the port's MAC to the Slow
 * Protocols address (01-80-C2-00-00-02).
 */
#include <errno.h>
#include <string.h>

#include "lacp/lacp_lag.h"
#include "lag/runner.h"
#include "lib/log.h"

#define LR_PORT_PRIORITY_DEFAULT	255	/* teamd's lacp_prio */

static_assert(LACP_PORTS_MAX >= LAG_MEMBERS_MAX, "an LACP port per member");
static_assert((int)LACP_AD_SELECT_STABLE == (int)LAG_AD_SELECT_STABLE &&
    (int)LACP_AD_SELECT_BANDWIDTH == (int)LAG_AD_SELECT_BANDWIDTH &&
    (int)LACP_AD_SELECT_PORTS == (int)LAG_AD_SELECT_PORTS &&
    (int)LACP_AD_SELECT_COUNT == (int)LAG_AD_SELECT_COUNT,
    "ad_select numbered alike");

struct lacp_runner {
	struct lacp_system sys;
	struct ratelimit drop_log;
};

struct lacp_member {
	struct lacp_port port;
	/* what the last LAG_EV_LACP said */
	uint8_t ev_actor, ev_partner;
	enum lacp_mux_state ev_mux;
	enum lacp_rx_state ev_rx;
	bool ev_actor_churn, ev_partner_churn;
};

static struct lacp_runner *
lr_of(struct lag *lag)
{
	return lag->runner_priv;
}

static struct lacp_member *
lm_of(struct lag_member *m)
{
	return m->runner_priv;
}

struct lacp_system *
lag_lacp_system(struct lag *lag)
{
	return lag->runner == &lag_runner_lacp ? &lr_of(lag)->sys : NULL;
}

struct lacp_port *
lag_lacp_port(struct lag_member *m)
{
	return m->lag->runner == &lag_runner_lacp ? &lm_of(m)->port : NULL;
}

static void
lr_params(const struct lag *lag, struct lacp_params *pa)
{
	static const uint8_t zero[ETH_ALEN_];
	const struct lag_lacp_options *o = &lag->opt.lacp;
	bool use_lag_mac = memcmp(o->ad_actor_system, zero, ETH_ALEN_) == 0;

	memset(pa, 0, sizeof(*pa));
	pa->system_priority = o->ad_actor_sys_prio;
	memcpy(pa->system, use_lag_mac ? lag->mac : o->ad_actor_system,
	    ETH_ALEN_);
	pa->active = o->lacp_active;
	pa->short_timeout = o->lacp_rate == LAG_LACP_RATE_FAST;
	pa->ad_select = (enum lacp_ad_select)o->ad_select;
	pa->min_links = lag->opt.min_links;
	pa->coupled_control = o->coupled_control;
	pa->strict = o->lacp_strict;
}

static const struct lag_lacp_port_options *
lr_port_options(const struct lag *lag, const struct lag_member *m)
{
	for (unsigned i = 0; i < lag->opt.lacp.nports; i++)
		if (strcmp(lag->opt.lacp.ports[i].port, m->port->name) == 0)
			return &lag->opt.lacp.ports[i];
	return NULL;
}

static uint16_t
lr_port_priority(const struct lag *lag, const struct lag_member *m)
{
	const struct lag_lacp_port_options *po = lr_port_options(lag, m);

	return po ? po->port_priority : LR_PORT_PRIORITY_DEFAULT;
}

static uint16_t
lr_port_key(const struct lag *lag, const struct lag_member *m)
{
	const struct lag_lacp_port_options *po = lr_port_options(lag, m);

	return lacp_port_key(po && po->has_key ? po->user_port_key :
	    lag->opt.lacp.ad_user_port_key);
}

/* The options, or the LAG's MAC behind a zero ad_actor_system, changed. */
static void
lr_refresh(struct lag *lag)
{
	struct lacp_system *sys = &lr_of(lag)->sys;
	struct lacp_params pa;

	lr_params(lag, &pa);
	if (memcmp(&pa, &sys->params, sizeof(pa)) != 0)
		lacp_system_set_params(sys, &pa);
	for (unsigned i = 0; i < lag->nmembers; i++) {
		struct lag_member *m = lag->members[i];

		lacp_port_set_admin(&lm_of(m)->port, lr_port_priority(lag, m),
		    lr_port_key(lag, m));
	}
}

static int
lr_send(struct lag_member *m, struct pkt *pkt)
{
	if (port_tx_burst(m->port, &pkt, 1) == 1)
		return 0;
	pkt_free(pkt);
	m->cnt.tx_dropped++;
	return -EAGAIN;
}

static struct pkt *
lr_pkt(struct lag *lag, struct lag_member *m)
{
	struct pkt *pkt = pkt_alloc(lag->ctl_pool);

	if (!pkt)
		m->cnt.tx_dropped++;
	return pkt;
}

static int
lr_tx_lacpdu(struct lacp_system *sys, struct lacp_port *p,
    const struct net_lacpdu_info *pdu)
{
	struct lag_member *m = p->owner;
	struct pkt *pkt = lr_pkt(m->lag, m);
	int n;

	if (!pkt)
		return -ENOBUFS;
	n = net_lacpdu_build(pkt->data, pkt_tailroom(pkt), m->port->mac, pdu);
	if (n < 0) {
		pkt_free(pkt);
		return n;
	}
	pkt->len = (uint32_t)n;
	return lr_send(m, pkt);
}

static int
lr_tx_marker(struct lacp_system *sys, struct lacp_port *p,
    const struct net_marker_info *info)
{
	struct lag_member *m = p->owner;
	struct pkt *pkt = lr_pkt(m->lag, m);
	int n;

	if (!pkt)
		return -ENOBUFS;
	n = net_marker_build(pkt->data, pkt_tailroom(pkt), m->port->mac, info);
	if (n < 0) {
		pkt_free(pkt);
		return n;
	}
	pkt->len = (uint32_t)n;
	return lr_send(m, pkt);
}

static const struct lacp_ops lr_ops = {
	.tx_lacpdu = lr_tx_lacpdu,
	.tx_marker = lr_tx_marker,
};

static void
lr_emit(struct lag *lag, struct lag_member *m)
{
	struct lacp_member *lm = lm_of(m);
	const struct lacp_port *p = &lm->port;
	struct lag_event ev = { .type = LAG_EV_LACP, .member = m };

	if (p->actor_oper_port_state == lm->ev_actor &&
	    p->partner_oper.state == lm->ev_partner &&
	    p->mux_state == lm->ev_mux && p->rx_state == lm->ev_rx &&
	    p->actor_churn == lm->ev_actor_churn &&
	    p->partner_churn == lm->ev_partner_churn)
		return;
	ev.lacp.actor_old = lm->ev_actor;
	ev.lacp.actor_new = p->actor_oper_port_state;
	ev.lacp.partner_old = lm->ev_partner;
	ev.lacp.partner_new = p->partner_oper.state;
	ev.lacp.mux = lacp_mux_state_names[p->mux_state];
	ev.lacp.rx = lacp_rx_state_names[p->rx_state];
	ev.lacp.actor_churn = p->actor_churn;
	ev.lacp.partner_churn = p->partner_churn;
	lm->ev_actor = p->actor_oper_port_state;
	lm->ev_partner = p->partner_oper.state;
	lm->ev_mux = p->mux_state;
	lm->ev_rx = p->rx_state;
	lm->ev_actor_churn = p->actor_churn;
	lm->ev_partner_churn = p->partner_churn;
	lag_emit(lag, &ev);
}

/* Members collect and distribute as LACP says; lanes and carrier follow. */
static void
lr_sync(struct lag *lag)
{
	bool remap = false;

	for (unsigned i = 0; i < lag->nmembers; i++) {
		struct lag_member *m = lag->members[i];
		const struct lacp_port *p = &lm_of(m)->port;
		bool up = lag_member_link_up(m);
		bool coll = up && lacp_port_collecting(p);
		bool dist = up && lacp_port_distributing(p);

		if (coll != m->collecting || dist != m->distributing) {
			m->collecting = coll;
			m->distributing = dist;
			remap = true;
		}
	}
	if (remap)
		lag_lanes_update(lag);
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lm_of(lag->members[i])->port.sys)
			lr_emit(lag, lag->members[i]);
	lag_carrier_update(lag);
}

static void
lr_run(struct lag *lag, uint64_t now)
{
	lr_refresh(lag);
	lacp_run(&lr_of(lag)->sys, now);
	lr_sync(lag);
}

static int
lr_init(struct lag *lag)
{
	struct lacp_runner *lr = lr_of(lag);
	struct lacp_params pa;

	lr_params(lag, &pa);
	lacp_system_init(&lr->sys, &pa, &lr_ops, lag);
	lr->drop_log = (struct ratelimit)RATELIMIT_INIT;
	return 0;
}

static uint16_t
lr_free_port_number(const struct lag *lag, const struct lag_member *self)
{
	uint32_t used = 0;

	for (unsigned i = 0; i < lag->nmembers; i++) {
		const struct lacp_port *p = &lm_of(lag->members[i])->port;

		if (lag->members[i] != self)
			used |= 1u << p->actor_port_number;
	}
	for (uint16_t n = 1; n <= LACP_PORTS_MAX; n++)
		if (!(used & (1u << n)))
			return n;
	return 0;
}

static int
lr_member_add(struct lag *lag, struct lag_member *m)
{
	struct lacp_member *lm = lm_of(m);
	struct lacp_port *p = &lm->port;
	int err;

	err = lacp_port_add(&lr_of(lag)->sys, p, lr_free_port_number(lag, m),
	    lr_port_priority(lag, m), lr_port_key(lag, m));
	if (err)
		return err;
	/* commit: nothing below may fail */
	p->owner = m;
	p->name = m->port->name;
	lm->ev_actor = p->actor_oper_port_state;
	lm->ev_partner = p->partner_oper.state;
	lm->ev_mux = p->mux_state;
	lm->ev_rx = p->rx_state;
	lacp_port_set_enabled(p, lag_member_link_up(m));
	lr_run(lag, clock_now(lag->clock));
	return 0;
}

/*
 * As bonding does, tell the partner at once that the link no longer
 * aggregates (Aggregation, Synchronization, Collecting and Distributing
 * all FALSE): it unselects the port instead of timing it out.
 */
static void
lr_say_goodbye(struct lag_member *m)
{
	struct lacp_port *p = &lm_of(m)->port;
	struct net_lacpdu_info pdu;

	if (!m->port->carrier)
		return;
	lacp_pdu_fill(p, &pdu);
	pdu.actor.state &= (uint8_t)~(LACP_STATE_AGGREGATION | LACP_STATE_SYNC |
	    LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING);
	if (lr_tx_lacpdu(p->sys, p, &pdu) == 0)
		p->stats.lacpdu_tx++;
}

static void
lr_member_del(struct lag *lag, struct lag_member *m)
{
	lr_say_goodbye(m);
	lacp_port_del(&lm_of(m)->port);
	lr_run(lag, clock_now(lag->clock));
}

static void
lr_link_changed(struct lag *lag, struct lag_member *m)
{
	lacp_port_set_enabled(&lm_of(m)->port, lag_member_link_up(m));
	lr_run(lag, clock_now(lag->clock));
}

static void
lr_tick(struct lag *lag, uint64_t now)
{
	lr_run(lag, now);
}

static uint64_t
lr_next_deadline(struct lag *lag)
{
	return lacp_next_deadline(&lr_of(lag)->sys);
}

static uint64_t
lr_drops(const struct lacp_port *p)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < LACP_DROP_COUNT; i++)
		n += p->stats.drops[i];
	return n;
}

static void
lr_log_drop(struct lag *lag, struct lag_member *m, const uint64_t *before)
{
	const struct lacp_port *p = &lm_of(m)->port;

	for (unsigned i = 0; i < LACP_DROP_COUNT; i++)
		if (p->stats.drops[i] != before[i] &&
		    ratelimit_ok(&lr_of(lag)->drop_log, lag->clock))
			log_info("%s: %s: slow protocol frame dropped: %s",
			    lag->name, m->port->name, lacp_drop_descs[i]);
}

/* Every slow-protocol frame is taken: handled, or counted and freed. */
static bool
lr_rx_control(struct lag *lag, struct lag_member *m, struct pkt *pkt)
{
	struct lacp_port *p = &lm_of(m)->port;
	uint64_t before[LACP_DROP_COUNT], drops = lr_drops(p);
	uint64_t now = clock_now(lag->clock);

	memcpy(before, p->stats.drops, sizeof(before));
	lr_refresh(lag);
	if (pkt->len > ETH_HLEN)
		lacp_input(p, pkt->data + ETH_HLEN, pkt->len - ETH_HLEN, now);
	else
		p->stats.drops[LACP_DROP_SHORT]++;
	pkt_free(pkt);
	if (lr_drops(p) != drops)
		lr_log_drop(lag, m, before);
	lr_sync(lag);
	return true;
}

static void
lr_options_changed(struct lag *lag)
{
	lr_run(lag, clock_now(lag->clock));
}

const struct lag_runner lag_runner_lacp = {
	.name = "802.3ad",
	.mode = LAG_MODE_8023AD,
	.priv_size = sizeof(struct lacp_runner),
	.member_priv_size = sizeof(struct lacp_member),
	.init = lr_init,
	.member_add = lr_member_add,
	.member_del = lr_member_del,
	.link_changed = lr_link_changed,
	.tick = lr_tick,
	.next_deadline = lr_next_deadline,
	.rx_control = lr_rx_control,
	.options_changed = lr_options_changed,
};
