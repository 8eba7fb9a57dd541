#include "lag/lag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lag/hash.h"
#include "lag/monitor.h"
#include "lag/probe.h"
#include "lib/log.h"

const char *const lag_mode_names[] = {
	[LAG_MODE_BALANCE_RR] = "balance-rr",
	[LAG_MODE_ACTIVE_BACKUP] = "active-backup",
	[LAG_MODE_BALANCE_XOR] = "balance-xor",
	[LAG_MODE_BROADCAST] = "broadcast",
	[LAG_MODE_8023AD] = "802.3ad",
	[LAG_MODE_BALANCE_SLB] = "balance-slb",
};
static_assert(ARRAY_SIZE(lag_mode_names) == LAG_MODE_COUNT, "mode names");

const char *const lag_hash_policy_names[] = {
	[LAG_HASH_LAYER2] = "layer2",
	[LAG_HASH_LAYER34] = "layer3+4",
	[LAG_HASH_LAYER23] = "layer2+3",
	[LAG_HASH_ENCAP23] = "encap2+3",
	[LAG_HASH_ENCAP34] = "encap3+4",
	[LAG_HASH_VLAN_SRCMAC] = "vlan+srcmac",
};
static_assert(ARRAY_SIZE(lag_hash_policy_names) == LAG_HASH_COUNT,
    "hash policy names");

const char *const lag_primary_reselect_names[] = {
	[LAG_RESELECT_ALWAYS] = "always",
	[LAG_RESELECT_BETTER] = "better",
	[LAG_RESELECT_FAILURE] = "failure",
};
static_assert(ARRAY_SIZE(lag_primary_reselect_names) == LAG_RESELECT_COUNT,
    "primary_reselect names");

const char *const lag_fail_over_mac_names[] = {
	[LAG_FOM_NONE] = "none",
	[LAG_FOM_ACTIVE] = "active",
	[LAG_FOM_FOLLOW] = "follow",
};
static_assert(ARRAY_SIZE(lag_fail_over_mac_names) == LAG_FOM_COUNT,
    "fail_over_mac names");

const char *const lag_lacp_rate_names[] = {
	[LAG_LACP_RATE_SLOW] = "slow",
	[LAG_LACP_RATE_FAST] = "fast",
};
static_assert(ARRAY_SIZE(lag_lacp_rate_names) == LAG_LACP_RATE_COUNT,
    "lacp_rate names");

const char *const lag_ad_select_names[] = {
	[LAG_AD_SELECT_STABLE] = "stable",
	[LAG_AD_SELECT_BANDWIDTH] = "bandwidth",
	[LAG_AD_SELECT_PORTS] = "count",
};
static_assert(ARRAY_SIZE(lag_ad_select_names) == LAG_AD_SELECT_COUNT,
    "ad_select names");

const char *const lag_arp_validate_names[] = {
	[LAG_ARP_VALIDATE_NONE] = "none",
	[LAG_ARP_VALIDATE_ACTIVE] = "active",
	[LAG_ARP_VALIDATE_BACKUP] = "backup",
	[LAG_ARP_VALIDATE_ALL] = "all",
	[LAG_ARP_VALIDATE_FILTER] = "filter",
	[LAG_ARP_VALIDATE_FILTER_ACTIVE] = "filter_active",
	[LAG_ARP_VALIDATE_FILTER_BACKUP] = "filter_backup",
};
static_assert(ARRAY_SIZE(lag_arp_validate_names) == LAG_ARP_VALIDATE_COUNT,
    "arp_validate names");

const char *const lag_arp_all_targets_names[] = {
	[LAG_ARP_ALL_TARGETS_ANY] = "any",
	[LAG_ARP_ALL_TARGETS_ALL] = "all",
};
static_assert(ARRAY_SIZE(lag_arp_all_targets_names) ==
    LAG_ARP_ALL_TARGETS_COUNT, "arp_all_targets names");

const char *const lag_link_state_names[] = {
	[LAG_LINK_S_DOWN] = "down",
	[LAG_LINK_S_BACK] = "back",
	[LAG_LINK_S_UP] = "up",
	[LAG_LINK_S_FAIL] = "fail",
};
static_assert(ARRAY_SIZE(lag_link_state_names) == LAG_LINK_S_COUNT,
    "link state names");

const char *const lag_event_type_names[] = {
	[LAG_EV_LINK] = "link",
	[LAG_EV_ACTIVE] = "active",
	[LAG_EV_CARRIER] = "carrier",
	[LAG_EV_LANES] = "lanes",
	[LAG_EV_LACP] = "lacp",
};
static_assert(ARRAY_SIZE(lag_event_type_names) == LAG_EV_COUNT,
    "event names");

const char *const lag_rx_drop_names[] = {
#define LAG_RX_DROP_NAME(n, d) [LAG_RX_DROP_##n] = #n,
	LAG_RX_DROPS(LAG_RX_DROP_NAME)
#undef LAG_RX_DROP_NAME
};
static_assert(ARRAY_SIZE(lag_rx_drop_names) == LAG_RX_DROP_COUNT,
    "rx drop names");

void
lag_options_default(struct lag_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->mode = LAG_MODE_BALANCE_RR;
	opt->xmit_hash_policy = LAG_HASH_LAYER2;
	opt->primary_reselect = LAG_RESELECT_ALWAYS;
	opt->fail_over_mac = LAG_FOM_NONE;
	opt->packets_per_slave = 1;
	opt->lacp.lacp_active = true;
	opt->lacp.lacp_rate = LAG_LACP_RATE_SLOW;
	opt->lacp.ad_select = LAG_AD_SELECT_STABLE;
	opt->lacp.ad_actor_sys_prio = 65535;
	opt->lacp.coupled_control = true;
	opt->arp_missed_max = 2;
	opt->rebalance_interval = 10000;
}

/* As bonding: 1..65535, key 0..1023, a unicast system MAC (or zero). */
static int
lag_lacp_options_check(const struct lag_lacp_options *o)
{
	if (o->lacp_rate >= LAG_LACP_RATE_COUNT ||
	    o->ad_select >= LAG_AD_SELECT_COUNT || o->ad_actor_sys_prio == 0 ||
	    o->ad_user_port_key > 1023 || (o->ad_actor_system[0] & 1) ||
	    o->nports > LAG_MEMBERS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < o->nports; i++) {
		const struct lag_lacp_port_options *p = &o->ports[i];

		if (!p->port[0] || strnlen(p->port, IF_NAMESIZE) == IF_NAMESIZE ||
		    (p->has_key && p->user_port_key > 1023))
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(o->ports[j].port, p->port) == 0)
				return -EINVAL;
	}
	return 0;
}

/* As bonding: no 0.0.0.0, broadcast or multicast; no duplicates. */
static int
lag_ipv4_targets_check(const struct lag_ipv4_targets *t)
{
	if (t->n > LAG_PROBE_TARGETS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < t->n; i++) {
		uint32_t a = t->addr[i];

		if (a == 0 || a == 0xffffffffu || (a >> 28) == 0xe)
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (t->addr[j] == a)
				return -EINVAL;
	}
	return 0;
}

/* As bonding: no ::, ::1 or multicast; no duplicates. */
static int
lag_ipv6_targets_check(const struct lag_ipv6_targets *t)
{
	static const uint8_t any[16], loopback[16] = { [15] = 1 };

	if (t->n > LAG_PROBE_TARGETS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < t->n; i++) {
		const uint8_t *a = t->addr[i];

		if (!memcmp(a, any, 16) || !memcmp(a, loopback, 16) ||
		    a[0] == 0xff)
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (!memcmp(t->addr[j], a, 16))
				return -EINVAL;
	}
	return 0;
}

/* bonding refuses the ARP monitor in 802.3ad (its link is LACP's). */
static int
lag_probe_options_check(const struct lag_options *opt)
{
	if (opt->arp_validate >= LAG_ARP_VALIDATE_COUNT ||
	    opt->arp_all_targets >= LAG_ARP_ALL_TARGETS_COUNT ||
	    opt->arp_missed_max < 1 || opt->arp_missed_max > 255 ||
	    (opt->arp_interval && opt->mode == LAG_MODE_8023AD))
		return -EINVAL;
	if (lag_ipv4_targets_check(&opt->arp_ip_target) ||
	    lag_ipv6_targets_check(&opt->ns_ip6_target))
		return -EINVAL;
	return 0;
}

static int
lag_options_check(const struct lag_options *opt)
{
	if (lag_lacp_options_check(&opt->lacp) ||
	    lag_probe_options_check(opt))
		return -EINVAL;
	if (opt->mode >= LAG_MODE_COUNT ||
	    opt->xmit_hash_policy >= LAG_HASH_COUNT ||
	    opt->primary_reselect >= LAG_RESELECT_COUNT ||
	    opt->fail_over_mac >= LAG_FOM_COUNT ||
	    opt->min_links > LAG_MEMBERS_MAX)
		return -EINVAL;
	return 0;
}

int
lag_create(struct lag **out, const char *name, const struct lag_options *opt,
    const struct clock *clock, struct pkt_pool *ctl_pool)
{
	const struct lag_runner *runner;
	struct lag *lag;
	int err;

	if (lag_options_check(opt) || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	runner = lag_runner_find(opt->mode);
	if (!runner)
		return -EOPNOTSUPP;
	lag = calloc(1, sizeof(*lag));
	if (!lag)
		return -ENOMEM;
	strcpy(lag->name, name);
	lag->opt = *opt;
	lag->clock = clock;
	lag->ctl_pool = ctl_pool;
	lag->runner = runner;
	memset(lag->lanes, LAG_NO_MEMBER, sizeof(lag->lanes));
	lag->runner_priv = calloc(1, runner->priv_size ? runner->priv_size : 1);
	if (!lag->runner_priv) {
		err = -ENOMEM;
		goto fail_free_lag;
	}
	err = runner->init ? runner->init(lag) : 0;
	if (err)
		goto fail_free_priv;
	*out = lag;
	return 0;
fail_free_priv:
	free(lag->runner_priv);
fail_free_lag:
	free(lag);
	return err;
}

void
lag_destroy(struct lag *lag)
{
	if (!lag)
		return;
	while (lag->nmembers)
		lag_member_del(lag, lag->members[lag->nmembers - 1]->port);
	if (lag->runner->fini)
		lag->runner->fini(lag);
	free(lag->runner_priv);
	free(lag);
}

static bool
lag_probe_options_differ(const struct lag_options *a,
    const struct lag_options *b)
{
	return a->arp_interval != b->arp_interval ||
	    a->arp_validate != b->arp_validate ||
	    a->arp_all_targets != b->arp_all_targets ||
	    a->arp_missed_max != b->arp_missed_max ||
	    memcmp(&a->arp_ip_target, &b->arp_ip_target,
	    sizeof(a->arp_ip_target)) ||
	    memcmp(&a->ns_ip6_target, &b->ns_ip6_target,
	    sizeof(a->ns_ip6_target));
}

int
lag_options_set(struct lag *lag, const struct lag_options *opt)
{
	bool probes_changed;

	if (lag_options_check(opt))
		return -EINVAL;
	if (opt->mode != lag->opt.mode)
		return -EBUSY;
	/* commit: nothing below may fail */
	probes_changed = lag_probe_options_differ(&lag->opt, opt);
	lag->opt = *opt;
	lag->next_miimon = 0;
	if (probes_changed)
		lag_probe_reset(lag);
	if (lag->runner->options_changed)
		lag->runner->options_changed(lag);
	lag_carrier_update(lag);
	return 0;
}

void
lag_probe_set_source(struct lag *lag, uint32_t ipv4, const uint8_t *ipv6)
{
	lag->probe_src4 = ipv4;
	if (ipv6)
		memcpy(lag->probe_src6, ipv6, sizeof(lag->probe_src6));
	else
		memset(lag->probe_src6, 0, sizeof(lag->probe_src6));
}

void
lag_set_event_cb(struct lag *lag, lag_event_fn *fn, void *arg)
{
	lag->event_cb = fn;
	lag->event_arg = arg;
}

void
lag_emit(struct lag *lag, const struct lag_event *ev)
{
	struct lag_event e = *ev;

	e.ts_ns = clock_now(lag->clock);
	if (lag->event_cb)
		lag->event_cb(lag, &e, lag->event_arg);
}

struct lag_member *
lag_member_find(struct lag *lag, const char *name)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (strcmp(lag->members[i]->port->name, name) == 0)
			return lag->members[i];
	return NULL;
}

struct lag_member *
lag_member_of_port(struct lag *lag, const struct port *port)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag->members[i]->port == port)
			return lag->members[i];
	return NULL;
}

static void
lag_port_carrier(struct port *port, bool up, void *arg)
{
	lag_monitor_carrier(arg, up);
}

int
lag_member_add(struct lag *lag, struct port *port)
{
	const struct lag_runner *r = lag->runner;
	struct lag_member *m;
	int err;

	if (lag_member_of_port(lag, port) || port->carrier_cb)
		return -EBUSY;
	if (lag->nmembers == LAG_MEMBERS_MAX)
		return -ENOSPC;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->runner_priv = calloc(1, r->member_priv_size ? r->member_priv_size : 1);
	if (!m->runner_priv) {
		err = -ENOMEM;
		goto fail_free_member;
	}
	m->lag = lag;
	m->port = port;
	m->index = lag->nmembers;
	m->link = LAG_LINK_S_DOWN;
	lag->members[lag->nmembers++] = m;
	if (lag->nmembers == 1)
		memcpy(lag->mac, port->mac, ETH_ALEN_);
	err = r->member_add ? r->member_add(lag, m) : 0;
	if (err)
		goto fail_unlink;
	/* commit: nothing below may fail */
	port_set_carrier_cb(port, lag_port_carrier, m);
	lag_monitor_carrier(m, port->carrier);
	return 0;
fail_unlink:
	lag->members[--lag->nmembers] = NULL;
	free(m->runner_priv);
fail_free_member:
	free(m);
	return err;
}

/* Close the gap at index i; lanes keep pointing at the same members. */
static void
lag_members_compact(struct lag *lag, unsigned gone)
{
	for (unsigned l = 0; l < LAG_LANES; l++)
		if (lag->lanes[l] != LAG_NO_MEMBER && lag->lanes[l] > gone)
			lag->lanes[l]--;
	for (unsigned i = gone; i + 1 < lag->nmembers; i++) {
		lag->members[i] = lag->members[i + 1];
		lag->members[i]->index = i;
	}
	lag->members[--lag->nmembers] = NULL;
}

int
lag_member_del(struct lag *lag, struct port *port)
{
	struct lag_member *m = lag_member_of_port(lag, port);

	if (!m)
		return -ENOENT;
	port_set_carrier_cb(port, NULL, NULL);
	/* take it out of service as a carrier loss would, without delays */
	m->carrier = false;
	lag_monitor_set_link(m, LAG_LINK_S_DOWN);
	if (lag->runner->member_del)
		lag->runner->member_del(lag, m);
	m->collecting = m->distributing = false;
	if (lag->active == m)
		lag_set_active(lag, NULL);
	lag_lanes_update(lag);
	lag_members_compact(lag, m->index);
	lag_carrier_update(lag);
	free(m->runner_priv);
	free(m);
	return 0;
}

void
lag_set_active(struct lag *lag, struct lag_member *m)
{
	struct lag_member *old = lag->active;

	if (old == m)
		return;
	lag->active = m;
	lag_emit(lag, &(struct lag_event){ .type = LAG_EV_ACTIVE,
	    .member = m, .old = old });
}

unsigned
lag_count_distributing(const struct lag *lag)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lag->nmembers; i++)
		n += lag->members[i]->distributing;
	return n;
}

uint32_t
lag_lane_pick(const struct lag *lag,
    bool (*want)(const struct lag_member *m, void *arg), void *arg,
    uint32_t salt)
{
	bool ok[LAG_MEMBERS_MAX] = { false };
	uint32_t n = 0, k;

	for (unsigned i = 0; i < lag->nmembers; i++)
		ok[i] = want(lag->members[i], arg);
	for (uint32_t l = 0; l < LAG_LANES; l++)
		n += lag->lanes[l] != LAG_NO_MEMBER && ok[lag->lanes[l]];
	if (n == 0)
		return LAG_LANES;
	k = salt % n;
	for (uint32_t l = 0; l < LAG_LANES; l++)
		if (lag->lanes[l] != LAG_NO_MEMBER && ok[lag->lanes[l]] &&
		    k-- == 0)
			return l;
	return LAG_LANES;		/* not reached */
}

/* The LAG has carrier while at least max(min_links, 1) members distribute. */
void
lag_carrier_update(struct lag *lag)
{
	bool up = lag_count_distributing(lag) >= MAX(lag->opt.min_links, 1u);

	if (up == lag->carrier)
		return;
	lag->carrier = up;
	lag_emit(lag, &(struct lag_event){ .type = LAG_EV_CARRIER, .up = up });
}

void
lag_tick(struct lag *lag)
{
	uint64_t now = clock_now(lag->clock);

	lag_monitor_tick(lag, now);
	lag_probe_tick(lag, now);
	if (lag->runner->tick)
		lag->runner->tick(lag, now);
}

uint64_t
lag_next_deadline(struct lag *lag)
{
	uint64_t t = MIN(lag_monitor_next_deadline(lag),
	    lag_probe_next_deadline(lag));

	if (lag->runner->next_deadline)
		t = MIN(t, lag->runner->next_deadline(lag));
	return t;
}
