#include "lag/probe.h"

#include <string.h>

#include "lag/monitor.h"
#include "net/arp.h"
#include "net/icmp6.h"
#include "net/parse.h"

#define PROBE_V6_BASE	LAG_PROBE_TARGETS_MAX	/* index in target_rx[] */

static uint64_t
probe_interval_ns(const struct lag *lag)
{
	return (uint64_t)lag->opt.arp_interval * NSEC_PER_MSEC;
}

/* bonding's window: arp_missed_max intervals and half of one */
static uint64_t
probe_window_ns(const struct lag *lag)
{
	uint64_t i = probe_interval_ns(lag);

	return i * lag->opt.arp_missed_max + i / 2;
}

static bool
probe_recent(const struct lag *lag, uint64_t t, uint64_t now)
{
	return t != 0 && now - t <= probe_window_ns(lag);
}

/* The member's role for arp_validate: every member is "active" outside
 * active-backup, as in bonding. */
static bool
probe_is_active(const struct lag *lag, const struct lag_member *m)
{
	return lag->opt.mode != LAG_MODE_ACTIVE_BACKUP || lag->active == m;
}

static bool
probe_validates(const struct lag *lag, const struct lag_member *m)
{
	bool active = probe_is_active(lag, m);

	switch (lag->opt.arp_validate) {
	case LAG_ARP_VALIDATE_ACTIVE:
	case LAG_ARP_VALIDATE_FILTER_ACTIVE:
		return active;
	case LAG_ARP_VALIDATE_BACKUP:
	case LAG_ARP_VALIDATE_FILTER_BACKUP:
		return !active;
	case LAG_ARP_VALIDATE_ALL:
		return true;
	default:
		return false;
	}
}

static bool
probe_filters(const struct lag *lag)
{
	return lag->opt.arp_validate >= LAG_ARP_VALIDATE_FILTER;
}

static uint64_t
probe_stamp(const struct lag *lag)
{
	uint64_t now = clock_now(lag->clock);

	return now ? now : 1;		/* 0 means never */
}

/* An ARP between a target and us, either way round: a target's answer,
 * or (on a backup) the active member's request flooded back to us. */
static int
probe_arp_target(const struct lag *lag, const struct net_arp *arp)
{
	const struct lag_ipv4_targets *t = &lag->opt.arp_ip_target;

	for (unsigned i = 0; i < t->n; i++)
		if ((arp->spa == t->addr[i] && arp->tpa == lag->probe_src4) ||
		    (arp->tpa == t->addr[i] && arp->spa == lag->probe_src4))
			return (int)i;
	return -1;
}

static int
probe_nd_target(const struct lag *lag, const uint8_t *buf,
    const struct net_frame *f)
{
	const struct lag_ipv6_targets *t = &lag->opt.ns_ip6_target;
	const uint8_t *icmp = buf + f->l4_off, *target;
	size_t len = f->l3_off + f->l3_len - f->l4_off;
	uint8_t type;

	if (net_icmp6_nd_parse(icmp, len, &type, &target) != NET_OK ||
	    net_icmp6_csum_check(icmp, len, f->ip6.saddr, f->ip6.daddr) !=
	    NET_OK)
		return -1;
	for (unsigned i = 0; i < t->n; i++)
		if (memcmp(target, t->addr[i], 16) == 0)
			return PROBE_V6_BASE + (int)i;
	return -1;
}

/* The target index a frame validates, -1 for none; *nd: ARP or ND. */
static int
probe_classify(const struct lag *lag, const struct pkt *pkt, bool *nd)
{
	struct net_frame f;

	*nd = false;
	if (net_parse_frame(pkt->data, pkt->len, &f) != NET_OK)
		return -1;
	if (f.flags & NET_F_ARP) {
		*nd = true;
		return probe_arp_target(lag, &f.arp);
	}
	if ((f.flags & (NET_F_IPV6 | NET_F_L4 | NET_F_FRAG)) ==
	    (NET_F_IPV6 | NET_F_L4) && f.ip_proto == IPPROTO_ICMPV6 &&
	    f.l3_off + f.l3_len > f.l4_off) {
		uint8_t type = pkt->data[f.l4_off];

		*nd = type == NET_ICMP6_NS || type == NET_ICMP6_NA;
		return *nd ? probe_nd_target(lag, pkt->data, &f) : -1;
	}
	return -1;
}

void
lag_probe_rx(struct lag *lag, struct lag_member *m, const struct pkt *pkt)
{
	bool filter = probe_filters(lag), nd;
	int target;

	if (!lag_probe_enabled(lag))
		return;
	target = probe_classify(lag, pkt, &nd);
	if (!filter || nd)
		m->probe.last_rx = probe_stamp(lag);
	if (target < 0)
		return;
	m->probe.target_rx[target] = probe_stamp(lag);
	m->cnt.probe_replies++;
}

static bool
probe_target_ok(const struct lag *lag, const struct lag_member *m,
    unsigned i, uint64_t now)
{
	return probe_recent(lag, m->probe.target_rx[i], now);
}

static bool
probe_validated(const struct lag *lag, const struct lag_member *m,
    uint64_t now)
{
	const struct lag_options *o = &lag->opt;
	bool all = o->arp_all_targets == LAG_ARP_ALL_TARGETS_ALL;
	unsigned ok = 0, n = o->arp_ip_target.n + o->ns_ip6_target.n;

	for (unsigned i = 0; i < o->arp_ip_target.n; i++)
		ok += probe_target_ok(lag, m, i, now);
	for (unsigned i = 0; i < o->ns_ip6_target.n; i++)
		ok += probe_target_ok(lag, m, PROBE_V6_BASE + i, now);
	return all ? n > 0 && ok == n : ok > 0;
}

static bool
probe_member_alive(const struct lag *lag, const struct lag_member *m,
    uint64_t now)
{
	if (probe_validates(lag, m))
		return probe_validated(lag, m, now);
	return probe_recent(lag, m->probe.last_rx, now);
}

bool
lag_probe_alive(const struct lag_member *m)
{
	return !lag_probe_enabled(m->lag) || m->probe.alive;
}

static void
probe_send_one(struct lag *lag, struct lag_member *m, unsigned i)
{
	const struct lag_options *o = &lag->opt;
	struct pkt *pkt = pkt_alloc(lag->ctl_pool);
	int len;

	if (!pkt) {
		m->cnt.probes_tx_failed++;
		return;
	}
	if (i < o->arp_ip_target.n)
		len = net_arp_build_request(pkt->data, pkt_tailroom(pkt),
		    m->port->mac, lag->probe_src4, o->arp_ip_target.addr[i],
		    NULL, 0);
	else
		len = net_icmp6_build_ns(pkt->data, pkt_tailroom(pkt),
		    m->port->mac, lag->probe_src6,
		    o->ns_ip6_target.addr[i - o->arp_ip_target.n], NULL, 0);
	if (len > 0)
		pkt->len = (uint32_t)len;
	if (len <= 0 || port_tx_burst(m->port, &pkt, 1) != 1) {
		pkt_free(pkt);
		m->cnt.probes_tx_failed++;
		return;
	}
	m->cnt.probes_tx++;
}

static void
probe_send(struct lag *lag, struct lag_member *m)
{
	unsigned n = lag->opt.arp_ip_target.n + lag->opt.ns_ip6_target.n;

	for (unsigned i = 0; i < n; i++)
		probe_send_one(lag, m, i);
}

/* active-backup with no active member: the next member with carrier. */
static struct lag_member *
probe_next_candidate(struct lag *lag)
{
	for (unsigned k = 0; k < lag->nmembers; k++) {
		struct lag_member *m =
		    lag->members[(lag->probe_rr + k) % lag->nmembers];

		if (m->carrier) {
			lag->probe_rr = (m->index + 1) % lag->nmembers;
			return m;
		}
	}
	return NULL;
}

static void
probe_send_round(struct lag *lag)
{
	struct lag_member *m;

	if (lag->opt.mode == LAG_MODE_ACTIVE_BACKUP) {
		m = lag->active && lag->active->carrier ? lag->active :
		    probe_next_candidate(lag);
		if (m)
			probe_send(lag, m);
		return;
	}
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag->members[i]->carrier)
			probe_send(lag, lag->members[i]);
}

static void
probe_evaluate(struct lag *lag, uint64_t now)
{
	for (unsigned i = 0; i < lag->nmembers; i++) {
		struct lag_member *m = lag->members[i];
		bool alive = probe_member_alive(lag, m, now);

		if (alive == m->probe.alive)
			continue;
		m->probe.alive = alive;
		lag_monitor_reevaluate(m);
	}
}

void
lag_probe_tick(struct lag *lag, uint64_t now)
{
	if (!lag_probe_enabled(lag) || now < lag->next_probe)
		return;
	lag->next_probe = now + probe_interval_ns(lag);
	probe_evaluate(lag, now);
	probe_send_round(lag);
}

uint64_t
lag_probe_next_deadline(const struct lag *lag)
{
	return lag_probe_enabled(lag) ? lag->next_probe : UINT64_MAX;
}

void
lag_probe_member_reset(struct lag_member *m)
{
	memset(&m->probe, 0, sizeof(m->probe));
}

void
lag_probe_reset(struct lag *lag)
{
	lag->next_probe = 0;
	for (unsigned i = 0; i < lag->nmembers; i++) {
		lag_probe_member_reset(lag->members[i]);
		lag_monitor_reevaluate(lag->members[i]);
	}
}
