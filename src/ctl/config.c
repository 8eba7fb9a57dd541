/*
 * The configuration file, see config.h.
 *
 * teamd -> bonding, as lagnic applies it (docs/config.md has the table):
 *
 *  device                     the LAG's name (default "lag0")
 *  runner.name   roundrobin   mode balance-rr
 *                random       mode balance-rr, packets_per_slave 0 (bonding's
 *                             "random member"; exact)
 *                activebackup mode active-backup
 *                loadbalance  mode balance-xor (teamd's passive hashing;
 *                             its active tx_balancer is refused)
 *                broadcast    mode broadcast
 *                lacp         mode 802.3ad
 *  runner.active              lacp_active on/off
 *  runner.fast_rate           lacp_rate fast/slow
 *  runner.min_ports           min_links
 *  runner.sys_prio            ad_actor_sys_prio (bonding takes 1..65535,
 *                             teamd 0..65535: 0 is refused)
 *  runner.agg_select_policy   lacp_prio_stable -> stable; bandwidth, count
 *                             -> the same; lacp_prio -> stable (APPROXIMATE:
 *                             teamd would move to a better aggregator that
 *                             appears, stable keeps the current one while
 *                             it has a port); port_config -> refused
 *  runner.tx_hash             xmit_hash_policy, the nearest bonding policy
 *                             (APPROXIMATE: bonding hashes fixed sets of
 *                             fields): any of tcp/udp/sctp/l4 -> layer3+4;
 *                             else any of ipv4/ipv6/ip/l3 -> layer2+3; else
 *                             (eth, vlan) -> layer2. Without tx_hash, a
 *                             loadbalance or lacp runner hashes teamd's
 *                             default eth+ipv4+ipv6 -> layer2+3.
 *  runner.hwaddr_policy       same_all -> fail_over_mac none; by_active ->
 *                             active; only_active -> follow (APPROXIMATE:
 *                             follow also swaps the old active's MAC)
 *  link_watch (one or a list) ethtool: carrier events (miimon stays 0
 *                             unless set); delay_up -> updelay, delay_down
 *                             -> downdelay. arp_ping / nsna_ping: interval
 *                             -> arp_interval, missed_max -> arp_missed_max
 *                             (teamd's default 3), target_host -> one more
 *                             arp_ip_target / ns_ip6_target (an address, not
 *                             a name), validate_active/validate_inactive ->
 *                             arp_validate active/backup/all. Watchers must
 *                             agree on interval (one probe clock). A port's
 *                             own link_watch is refused for now.
 *  notify_peers.count         num_grat_arp and num_unsol_na
 *  notify_peers.interval      peer_notif_delay
 *  ports.IF.queue_id          the port's queue
 *  ports.IF.lacp_prio         LACP port priority
 *  ports.IF.lacp_key          LACP port key (APPROXIMATE: 0..1023, the user
 *                             part of bonding's key; teamd takes 0..65535)
 *  ports.IF.prio              the port with the highest prio, if only one
 *                             has it, becomes primary (APPROXIMATE: teamd
 *                             ranks every port, bonding has one primary)
 *  ports.IF.sticky            a sticky port that is not the primary gives
 *                             primary_reselect failure (APPROXIMATE: per
 *                             port in teamd, for the whole LAG in bonding)
 *  vfs                        lagnic's own: [{"vf": N, ...}] with the keys
 *                             of `lagnicctl vf add` (ctl/vf.c)
 *
 * Refused: hwaddr, debug_level, mcast_rejoin, runner.tx_balancer,
 * link_watch init_wait.
 */
#include "ctl/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/options.h"
#include "ctl/vf.h"

#define PATH_LEN	96

struct load {
	struct nic_config cfg;
	const struct nic_caps *caps;
	struct nic_err *err;
	char origin[CTL_OPTIONS_MAX][PATH_LEN];	/* key that set an option */
	enum lag_mode runner;			/* teamd runner.name */
	bool runner_set;
	unsigned port;				/* the port being read */
	long long prio[NIC_PORTS_MAX];		/* teamd ports.IF.prio */
	bool prio_set[NIC_PORTS_MAX];
	bool sticky[NIC_PORTS_MAX];
	/* teamd arp_ping: validate_active / validate_inactive */
	bool validate_active, validate_inactive;
};

/* A key of an object: a handler, or a reason it is refused. */
struct key_fn {
	const char *key;
	int (*fn)(struct load *ld, const json_t *v, const char *path);
	const char *refused;		/* fn NULL: -EOPNOTSUPP with this */
};

/* parent.key; a path too long for PATH_LEN is cut (only a message). */
static void
join(char *buf, const char *parent, const char *key)
{
	size_t n = strnlen(parent, PATH_LEN - 1);

	memcpy(buf, parent, n);
	if (n && n < PATH_LEN - 1)
		buf[n++] = '.';
	for (; *key && n < PATH_LEN - 1; key++)
		buf[n++] = *key;
	buf[n] = '\0';
}

static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static int
wrong_type(struct load *ld, const json_t *v, const char *path,
    const char *want)
{
	return nic_err_set(ld->err, -EINVAL, "%s: expected %s, got %s", path,
	    want, json_kind(v));
}

static int
get_int(struct load *ld, const json_t *v, const char *path, long long min,
    long long max, long long *out)
{
	if (!json_is_integer(v))
		return wrong_type(ld, v, path, "an integer");
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return nic_err_set(ld->err, -EINVAL,
		    "%s: %lld out of range (%lld..%lld)", path, *out, min, max);
	return 0;
}

static int
get_bool(struct load *ld, const json_t *v, const char *path, bool *out)
{
	if (!json_is_boolean(v))
		return wrong_type(ld, v, path, "true or false");
	*out = json_is_true(v);
	return 0;
}

static int
get_str(struct load *ld, const json_t *v, const char *path, const char **out)
{
	if (!json_is_string(v))
		return wrong_type(ld, v, path, "a string");
	*out = json_string_value(v);
	return 0;
}

/* Set an option once; a second place that sets it is an error. */
static int
ld_set(struct load *ld, const char *name, const char *value, const char *path)
{
	const struct ctl_option *opt = ctl_option_find(name);
	unsigned i;
	int e;

	if (!opt)
		return nic_err_set(ld->err, -EOPNOTSUPP,
		    "%s: not supported yet (lagnic has no %s)", path, name);
	i = (unsigned)(opt - ctl_options);
	if (ld->origin[i][0] && strcmp(ld->origin[i], path) != 0)
		return nic_err_set(ld->err, -EINVAL,
		    "%s: %s is already set by %s", path, name, ld->origin[i]);
	e = ctl_option_parse(opt, &ld->cfg, value, path, ld->err);
	if (e)
		return e;
	snprintf(ld->origin[i], PATH_LEN, "%s", path);
	return 0;
}

static int
ld_set_int(struct load *ld, const char *name, const json_t *v,
    const char *path)
{
	char buf[24];

	if (!json_is_integer(v))
		return wrong_type(ld, v, path, "an integer");
	snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	return ld_set(ld, name, buf, path);
}

/* A teamd name mapped onto a bonding value through a small table. */
struct name_map {
	const char *from;
	const char *to;
};

static int
ld_set_mapped(struct load *ld, const char *name, const json_t *v,
    const char *path, const struct name_map *map, unsigned n)
{
	char allowed[128] = "";
	const char *s = NULL;
	size_t used = 0;
	int e = get_str(ld, v, path, &s);

	if (e)
		return e;
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(map[i].from, s) == 0 && map[i].to)
			return ld_set(ld, name, map[i].to, path);
		if (strcmp(map[i].from, s) == 0)
			return nic_err_set(ld->err, -EOPNOTSUPP,
			    "%s: %s is not supported", path, s);
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used,
		    "%s%s", i ? ", " : "", map[i].from);
		if (used >= sizeof(allowed))
			used = sizeof(allowed) - 1;
	}
	return nic_err_set(ld->err, -EINVAL, "%s: unknown value '%s' (%s)",
	    path, s, allowed);
}

/* Walk an object's keys through a table; `rest` takes the others. */
static int
ld_object(struct load *ld, const json_t *obj, const char *path,
    const struct key_fn *keys, unsigned nkeys,
    int (*rest)(struct load *, const char *, const json_t *, const char *))
{
	char sub[PATH_LEN];
	const char *key;
	json_t *v;
	int e;

	if (!json_is_object(obj))
		return wrong_type(ld, obj, path[0] ? path : "config",
		    "an object");
	json_object_foreach((json_t *)obj, key, v) {
		unsigned i;

		join(sub, path, key);
		for (i = 0; i < nkeys && strcmp(keys[i].key, key) != 0; i++)
			;
		if (i < nkeys && keys[i].fn)
			e = keys[i].fn(ld, v, sub);
		else if (i < nkeys)
			e = nic_err_set(ld->err, -EOPNOTSUPP,
			    "%s: not supported (%s)", sub, keys[i].refused);
		else if (rest)
			e = rest(ld, key, v, sub);
		else
			e = nic_err_set(ld->err, -EINVAL, "%s: unknown key", sub);
		if (e)
			return e;
	}
	return 0;
}

/* ---- bonding-style options ---- */

static bool
option_is_list(const struct ctl_option *opt)
{
	return opt->type == CTL_OPT_IPV4_LIST || opt->type == CTL_OPT_IPV6_LIST;
}


/* An address list given as a JSON array of strings: joined by commas. */
static int
ld_option_list(struct load *ld, const struct ctl_option *opt,
    const json_t *v, const char *path)
{
	char buf[CTL_OPTION_LIST_LEN];
	size_t used = 0, i;
	const json_t *x;
	int n;

	buf[0] = '\0';
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return wrong_type(ld, x, path, "an array of addresses");
		n = snprintf(buf + used, sizeof(buf) - used, "%s%s",
		    i ? "," : "", json_string_value(x));
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			return nic_err_set(ld->err, -EINVAL, "%s: list too long",
			    path);
		used += (size_t)n;
	}
	return ld_set(ld, opt->name, buf, path);
}

static int
ld_option(struct load *ld, const struct ctl_option *opt, const json_t *v,
    const char *path)
{
	char buf[64];

	if (json_is_array(v) && option_is_list(opt))
		return ld_option_list(ld, opt, v, path);
	if (json_is_string(v))
		return ld_set(ld, opt->name, json_string_value(v), path);
	if (json_is_integer(v))
		return ld_set_int(ld, opt->name, v, path);
	if (json_is_boolean(v) && opt->type == CTL_OPT_BOOL) {
		snprintf(buf, sizeof(buf), "%s", json_is_true(v) ? "on" : "off");
		return ld_set(ld, opt->name, buf, path);
	}
	return wrong_type(ld, v, path, opt->type == CTL_OPT_BOOL ?
	    "a string, an integer or a boolean" : "a string or an integer");
}

/* A key that is not one of the section's: an option, or an error. */
static int
ld_option_key(struct load *ld, const char *key, const json_t *v,
    const char *path, bool lagnic_too)
{
	const struct ctl_option *opt = ctl_option_find(key);
	const struct ctl_unsupported *un = ctl_option_unsupported(key);

	if (opt && (lagnic_too || !opt->lagnic))
		return ld_option(ld, opt, v, path);
	if (un)
		return nic_err_set(ld->err, -EOPNOTSUPP,
		    "%s: not supported (%s)", path, un->why);
	return nic_err_set(ld->err, -EINVAL, "%s: unknown key", path);
}

static int
ld_top_rest(struct load *ld, const char *key, const json_t *v,
    const char *path)
{
	return ld_option_key(ld, key, v, path, true);
}

static int
ld_bond_rest(struct load *ld, const char *key, const json_t *v,
    const char *path)
{
	return ld_option_key(ld, key, v, path, false);
}

static int
ld_bond(struct load *ld, const json_t *v, const char *path)
{
	return ld_object(ld, v, path, NULL, 0, ld_bond_rest);
}

/* ---- teamd: runner ---- */

static const struct name_map runner_map[] = {
	{ "roundrobin", "balance-rr" }, { "random", "balance-rr" },
	{ "activebackup", "active-backup" }, { "loadbalance", "balance-xor" },
	{ "broadcast", "broadcast" }, { "lacp", "802.3ad" },
};

static int
ld_runner_name(struct load *ld, const json_t *v, const char *path)
{
	int e = ld_set_mapped(ld, "mode", v, path, runner_map,
	    ARRAY_SIZE(runner_map));

	if (e)
		return e;
	ld->runner = ld->cfg.lag.mode;
	ld->runner_set = true;
	if (strcmp(json_string_value(v), "random") == 0)
		return ld_set(ld, "packets_per_slave", "0", path);
	return 0;
}

static int
ld_runner_active(struct load *ld, const json_t *v, const char *path)
{
	bool b = false;
	int e = get_bool(ld, v, path, &b);

	return e ? e : ld_set(ld, "lacp_active", b ? "on" : "off", path);
}

static int
ld_runner_fast_rate(struct load *ld, const json_t *v, const char *path)
{
	bool b = false;
	int e = get_bool(ld, v, path, &b);

	return e ? e : ld_set(ld, "lacp_rate", b ? "fast" : "slow", path);
}

static int
ld_runner_min_ports(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_int(ld, "min_links", v, path);
}

static int
ld_runner_sys_prio(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_int(ld, "ad_actor_sys_prio", v, path);
}

static const struct name_map agg_select_map[] = {
	{ "lacp_prio", "stable" }, { "lacp_prio_stable", "stable" },
	{ "bandwidth", "bandwidth" }, { "count", "count" },
	{ "port_config", NULL },
};

static int
ld_runner_agg_select(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_mapped(ld, "ad_select", v, path, agg_select_map,
	    ARRAY_SIZE(agg_select_map));
}

static const struct name_map hwaddr_policy_map[] = {
	{ "same_all", "none" }, { "by_active", "active" },
	{ "only_active", "follow" },
};

static int
ld_runner_hwaddr_policy(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_mapped(ld, "fail_over_mac", v, path, hwaddr_policy_map,
	    ARRAY_SIZE(hwaddr_policy_map));
}

enum { TXH_L2 = 1, TXH_L3 = 2, TXH_L4 = 4 };

static const struct {
	const char *name;
	unsigned layer;
} teamd_tx_hash[] = {
	{ "eth", TXH_L2 }, { "vlan", TXH_L2 }, { "ipv4", TXH_L3 },
	{ "ipv6", TXH_L3 }, { "ip", TXH_L3 }, { "l3", TXH_L3 },
	{ "tcp", TXH_L4 }, { "udp", TXH_L4 }, { "sctp", TXH_L4 },
	{ "l4", TXH_L4 },
};

static int
tx_hash_layer(struct load *ld, const json_t *v, const char *path,
    unsigned *layer)
{
	const char *s = NULL;
	int e = get_str(ld, v, path, &s);

	if (e)
		return e;
	for (unsigned i = 0; i < ARRAY_SIZE(teamd_tx_hash); i++)
		if (strcmp(teamd_tx_hash[i].name, s) == 0) {
			*layer |= teamd_tx_hash[i].layer;
			return 0;
		}
	return nic_err_set(ld->err, -EINVAL, "%s: unknown value '%s' (eth, "
	    "vlan, ipv4, ipv6, ip, l3, tcp, udp, sctp or l4)", path, s);
}

static int
ld_runner_tx_hash(struct load *ld, const json_t *v, const char *path)
{
	char sub[PATH_LEN];
	unsigned layers = 0;
	size_t i;
	json_t *item;
	int e;

	if (!json_is_array(v))
		return wrong_type(ld, v, path, "an array of strings");
	if (json_array_size(v) == 0)
		return nic_err_set(ld->err, -EINVAL, "%s: empty", path);
	json_array_foreach(v, i, item) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		e = tx_hash_layer(ld, item, sub, &layers);
		if (e)
			return e;
	}
	return ld_set(ld, "xmit_hash_policy", layers & TXH_L4 ? "layer3+4" :
	    layers & TXH_L3 ? "layer2+3" : "layer2", path);
}

static const struct key_fn runner_keys[] = {
	{ "name", ld_runner_name, NULL },
	{ "active", ld_runner_active, NULL },
	{ "fast_rate", ld_runner_fast_rate, NULL },
	{ "min_ports", ld_runner_min_ports, NULL },
	{ "sys_prio", ld_runner_sys_prio, NULL },
	{ "agg_select_policy", ld_runner_agg_select, NULL },
	{ "tx_hash", ld_runner_tx_hash, NULL },
	{ "hwaddr_policy", ld_runner_hwaddr_policy, NULL },
	{ "tx_balancer", NULL, "active Tx balancing is not implemented" },
};

static int
ld_runner(struct load *ld, const json_t *v, const char *path)
{
	return ld_object(ld, v, path, runner_keys, ARRAY_SIZE(runner_keys),
	    NULL);
}

/* ---- teamd: link_watch, notify_peers ---- */

static int
ld_lw_delay_up(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_int(ld, "updelay", v, path);
}

static int
ld_lw_delay_down(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_int(ld, "downdelay", v, path);
}

static int
ld_lw_name(struct load *ld, const json_t *v, const char *path)
{
	return 0;	/* checked by ld_link_watcher */
}

static const struct key_fn ethtool_keys[] = {
	{ "name", ld_lw_name, NULL },
	{ "delay_up", ld_lw_delay_up, NULL },
	{ "delay_down", ld_lw_delay_down, NULL },
	{ "init_wait", NULL, "ethtool watching starts at once" },
};

/*
 * teamd's arp_ping and nsna_ping watchers are bonding's ARP/NS probes:
 * every watcher's targets are probed at one interval, so several
 * watchers must agree on interval and missed_max (teamd's default 3).
 */
static int
ld_ping_same(struct load *ld, const char *name, uint32_t cur, bool set,
    const json_t *v, const char *path)
{
	if (set && json_is_integer(v) && json_integer_value(v) == cur)
		return 0;
	return ld_set_int(ld, name, v, path);
}

static int
ld_ping_interval(struct load *ld, const json_t *v, const char *path)
{
	int i = (int)(ctl_option_find("arp_interval") - ctl_options);

	return ld_ping_same(ld, "arp_interval", ld->cfg.lag.arp_interval,
	    ld->origin[i][0], v, path);
}

static int
ld_ping_missed_max(struct load *ld, const json_t *v, const char *path)
{
	return ld_ping_same(ld, "arp_missed_max", ld->cfg.lag.arp_missed_max,
	    true, v, path);
}

/* One more target (targets come from several watchers: no origin). */
static int
ld_ping_target(struct load *ld, const char *option, const json_t *v,
    const char *path)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *host = NULL;
	int e = get_str(ld, v, path, &host);

	if (e)
		return e;
	if (strlen(host) >= INET6_ADDRSTRLEN)
		return nic_err_set(ld->err, -EINVAL,
		    "%s: '%s' is not an address", path, host);
	snprintf(buf, sizeof(buf), "+%s", host);
	return ctl_option_parse(ctl_option_find(option), &ld->cfg, buf, path,
	    ld->err);
}

static int
ld_arp_target_host(struct load *ld, const json_t *v, const char *path)
{
	return ld_ping_target(ld, "arp_ip_target", v, path);
}

static int
ld_ns_target_host(struct load *ld, const json_t *v, const char *path)
{
	return ld_ping_target(ld, "ns_ip6_target", v, path);
}

static int
ld_validate_active(struct load *ld, const json_t *v, const char *path)
{
	return get_bool(ld, v, path, &ld->validate_active);
}

static int
ld_validate_inactive(struct load *ld, const json_t *v, const char *path)
{
	return get_bool(ld, v, path, &ld->validate_inactive);
}

static int
ld_ping_init_wait(struct load *ld, const json_t *v, const char *path)
{
	if (json_is_integer(v) && json_integer_value(v) == 0)
		return 0;
	return nic_err_set(ld->err, -EOPNOTSUPP,
	    "%s: not supported (probes start at once; only 0)", path);
}

static const struct key_fn arp_ping_keys[] = {
	{ "name", ld_lw_name, NULL },
	{ "interval", ld_ping_interval, NULL },
	{ "missed_max", ld_ping_missed_max, NULL },
	{ "target_host", ld_arp_target_host, NULL },
	{ "validate_active", ld_validate_active, NULL },
	{ "validate_inactive", ld_validate_inactive, NULL },
	{ "init_wait", ld_ping_init_wait, NULL },
	{ "source_host", NULL, "probes come from the PF's address" },
	{ "vlanid", NULL, "probes are sent untagged" },
	{ "send_always", NULL, "backups do not send probes, as in bonding" },
};

static const struct key_fn nsna_ping_keys[] = {
	{ "name", ld_lw_name, NULL },
	{ "interval", ld_ping_interval, NULL },
	{ "missed_max", ld_ping_missed_max, NULL },
	{ "target_host", ld_ns_target_host, NULL },
	{ "init_wait", ld_ping_init_wait, NULL },
};

/* arp_validate from teamd's two booleans (as the last watcher says). */
static int
ld_ping_validate(struct load *ld, const char *path)
{
	static const char *const v[2][2] = {
		{ "none", "backup" }, { "active", "all" },
	};

	ld->cfg.lag.arp_validate = LAG_ARP_VALIDATE_NONE;
	return ctl_option_parse(ctl_option_find("arp_validate"), &ld->cfg,
	    v[ld->validate_active][ld->validate_inactive], path, ld->err);
}

static int
ld_ping_watcher(struct load *ld, const json_t *v, const char *path,
    bool arp)
{
	int e;

	if (!ld->cfg.lag.arp_interval)
		ld->cfg.lag.arp_missed_max = 3;		/* teamd's default */
	ld->validate_active = ld->validate_inactive = false;
	if (!json_object_get(v, "target_host"))
		return nic_err_set(ld->err, -EINVAL, "%s: target_host missing",
		    path);
	e = arp ? ld_object(ld, v, path, arp_ping_keys,
	    ARRAY_SIZE(arp_ping_keys), NULL) : ld_object(ld, v, path,
	    nsna_ping_keys, ARRAY_SIZE(nsna_ping_keys), NULL);
	if (e || !arp)
		return e;
	return ld_ping_validate(ld, path);
}

static int
ld_link_watcher(struct load *ld, const json_t *v, const char *path)
{
	char sub[PATH_LEN];
	const char *name = "ethtool";	/* teamd's default */
	const json_t *n;
	int e;

	if (!json_is_object(v))
		return wrong_type(ld, v, path, "an object");
	n = json_object_get(v, "name");
	join(sub, path, "name");
	if (n && (e = get_str(ld, n, sub, &name)))
		return e;
	if (strcmp(name, "arp_ping") == 0 || strcmp(name, "nsna_ping") == 0)
		return ld_ping_watcher(ld, v, path, name[0] == 'a');
	if (strcmp(name, "ethtool") != 0)
		return nic_err_set(ld->err, -EINVAL, "%s: unknown value '%s' "
		    "(ethtool, arp_ping or nsna_ping)", sub, name);
	return ld_object(ld, v, path, ethtool_keys, ARRAY_SIZE(ethtool_keys),
	    NULL);
}

static int
ld_link_watch(struct load *ld, const json_t *v, const char *path)
{
	char sub[PATH_LEN];

	const json_t *w;
	size_t i;
	int e;

	if (!json_is_array(v))
		return ld_link_watcher(ld, v, path);
	json_array_foreach(v, i, w) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		e = ld_link_watcher(ld, w, sub);
		if (e)
			return e;
	}
	return 0;
}

static int
ld_notify_count(struct load *ld, const json_t *v, const char *path)
{
	int e = ld_set_int(ld, "num_grat_arp", v, path);

	return e ? e : ld_set_int(ld, "num_unsol_na", v, path);
}

static int
ld_notify_interval(struct load *ld, const json_t *v, const char *path)
{
	return ld_set_int(ld, "peer_notif_delay", v, path);
}

static const struct key_fn notify_keys[] = {
	{ "count", ld_notify_count, NULL },
	{ "interval", ld_notify_interval, NULL },
};

static int
ld_notify_peers(struct load *ld, const json_t *v, const char *path)
{
	return ld_object(ld, v, path, notify_keys, ARRAY_SIZE(notify_keys),
	    NULL);
}

/* ---- ports ---- */

static struct nic_port_config *
cur_port(struct load *ld)
{
	return &ld->cfg.ports[ld->port];
}

static int
ld_port_prio(struct load *ld, const json_t *v, const char *path)
{
	int e = get_int(ld, v, path, INT32_MIN, INT32_MAX, &ld->prio[ld->port]);

	ld->prio_set[ld->port] = !e;
	return e;
}

static int
ld_port_sticky(struct load *ld, const json_t *v, const char *path)
{
	return get_bool(ld, v, path, &ld->sticky[ld->port]);
}

static int
ld_port_lacp_prio(struct load *ld, const json_t *v, const char *path)
{
	long long n = 0;
	int e = get_int(ld, v, path, 0, 65535, &n);

	if (!e)
		cur_port(ld)->lacp_port_priority = (uint16_t)n;
	return e;
}

/* bonding's ad_user_port_key range: the key's upper 10 bits */
static int
ld_port_lacp_key(struct load *ld, const json_t *v, const char *path)
{
	long long n = 0;
	int e = get_int(ld, v, path, 0, 1023, &n);

	if (!e)
		cur_port(ld)->lacp_port_key = (uint16_t)n;
	return e;
}

static int
ld_port_queue_id(struct load *ld, const json_t *v, const char *path)
{
	long long n = 0;
	int e = get_int(ld, v, path, 0, UINT32_MAX, &n);

	if (!e)
		cur_port(ld)->queue_id = (uint32_t)n;
	return e;
}

static int
ld_port_backend(struct load *ld, const json_t *v, const char *path)
{
	const char *s = NULL;
	int e = get_str(ld, v, path, &s);

	if (e)
		return e;
	if (!ctl_backend_valid(s))
		return nic_err_set(ld->err, -EINVAL, "%s: unknown backend '%s' "
		    "(afxdp, afpacket or sim)", path, s);
	snprintf(cur_port(ld)->backend, NIC_BACKEND_LEN, "%s", s);
	return 0;
}

static const struct key_fn port_keys[] = {
	{ "name", ld_lw_name, NULL },	/* the array form's; read before */
	{ "prio", ld_port_prio, NULL },
	{ "sticky", ld_port_sticky, NULL },
	{ "lacp_prio", ld_port_lacp_prio, NULL },
	{ "lacp_key", ld_port_lacp_key, NULL },
	{ "queue_id", ld_port_queue_id, NULL },
	{ "backend", ld_port_backend, NULL },
	{ "link_watch", NULL, "a port's own link watcher is not implemented;"
	    " use the LAG's" },
};

/* Start port `name` at cfg.ports[nports]; its keys follow. */
static int
ld_port_new(struct load *ld, const char *name, const char *path)
{
	struct nic_port_config *pc = &ld->cfg.ports[ld->cfg.nports];
	int e = ctl_ifname_check(name, path, ld->err);

	if (e)
		return e;
	for (unsigned i = 0; i < ld->cfg.nports; i++)
		if (strcmp(ld->cfg.ports[i].ifname, name) == 0)
			return nic_err_set(ld->err, -EINVAL,
			    "%s: %s is listed twice", path, name);
	ctl_port_config_init(pc, name);
	ld->port = ld->cfg.nports++;
	return 0;
}

/* v: the port's keys (an object, or null for none). */
static int
ld_port(struct load *ld, const char *name, const json_t *v, const char *path,
    bool array_form)
{
	char sub[PATH_LEN];
	int e = ld_port_new(ld, name, path);

	if (e || json_is_null(v))
		return e;
	join(sub, path, "name");
	if (!array_form && json_is_object(v) && json_object_get(v, "name"))
		return nic_err_set(ld->err, -EINVAL, "%s: unknown key", sub);
	return ld_object(ld, v, path, port_keys, ARRAY_SIZE(port_keys), NULL);
}

void
ctl_port_config_init(struct nic_port_config *pc, const char *ifname)
{
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->ifname, IF_NAMESIZE, "%s", ifname);
	pc->lacp_port_priority = 255;	/* teamd's and 802.1AX's default */
}

/* The array form: "eth0" or {"name": "eth0", ...}. */
static int
ld_port_item(struct load *ld, const json_t *v, const char *path)
{
	char sub[PATH_LEN];
	const char *name;
	const json_t *n;
	int e;

	if (json_is_string(v))
		return ld_port(ld, json_string_value(v), json_null(), path,
		    true);
	if (!json_is_object(v))
		return wrong_type(ld, v, path, "a string or an object");
	n = json_object_get(v, "name");
	join(sub, path, "name");
	if (!n)
		return nic_err_set(ld->err, -EINVAL, "%s: missing", sub);
	e = get_str(ld, n, sub, &name);
	return e ? e : ld_port(ld, name, v, path, true);
}

static int
ld_port_count(struct load *ld, size_t n, const char *path)
{
	unsigned max = ld->caps->max_ports_per_lag;

	if (n > max)
		return nic_err_set(ld->err, -ENOSPC, "%s: %zu ports exceed the "
		    "limit max_ports_per_lag=%u", path, n, max);
	if (n > NIC_PORTS_MAX)
		return nic_err_set(ld->err, -ENOSPC, "%s: %zu ports exceed the "
		    "limit NIC_PORTS_MAX=%u", path, n, NIC_PORTS_MAX);
	return 0;
}

static int
ld_ports(struct load *ld, const json_t *v, const char *path)
{
	char sub[PATH_LEN];
	const char *key;
	json_t *item;
	size_t i;
	int e;

	if (!json_is_object(v) && !json_is_array(v))
		return wrong_type(ld, v, path, "an object or an array");
	e = ld_port_count(ld, json_is_object(v) ? json_object_size(v) :
	    json_array_size(v), path);
	if (e)
		return e;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if ((e = ld_port_item(ld, item, sub)))
				return e;
		}
		return 0;
	}
	json_object_foreach((json_t *)v, key, item) {
		join(sub, path, key);
		if ((e = ld_port(ld, key, item, sub, false)))
			return e;
	}
	return 0;
}

/* ---- the top level ---- */

static int
ld_device(struct load *ld, const json_t *v, const char *path)
{
	const char *s = NULL;
	int e = get_str(ld, v, path, &s);

	if (!e)
		e = ctl_ifname_check(s, path, ld->err);
	if (e)
		return e;
	snprintf(ld->cfg.name, IF_NAMESIZE, "%s", s);
	return 0;
}

static int
ld_pf(struct load *ld, const json_t *v, const char *path)
{
	return get_bool(ld, v, path, &ld->cfg.pf);
}

static int
ld_vfs(struct load *ld, const json_t *v, const char *path)
{
	return ctl_vf_config_load(v, path, &ld->cfg, ld->err);
}

static const struct key_fn top_keys[] = {
	{ "device", ld_device, NULL },
	{ "runner", ld_runner, NULL },
	{ "link_watch", ld_link_watch, NULL },
	{ "notify_peers", ld_notify_peers, NULL },
	{ "ports", ld_ports, NULL },
	{ "bond", ld_bond, NULL },
	{ "pf", ld_pf, NULL },
	{ "vfs", ld_vfs, NULL },
	{ "hwaddr", NULL, "the LAG takes its first member's MAC" },
	{ "debug_level", NULL, "lagnicd's log level is a command line option" },
	{ "mcast_rejoin", NULL, "IGMP reports are not sent on failover yet" },
};

/* teamd's defaults where the file left a setting to them. */
static void
ld_teamd_defaults(struct load *ld)
{
	const unsigned hash = (unsigned)(ctl_option_find("xmit_hash_policy") -
	    ctl_options);

	if (ld->runner_set && !ld->origin[hash][0] &&
	    (ld->runner == LAG_MODE_BALANCE_XOR ||
	    ld->runner == LAG_MODE_8023AD))
		ld->cfg.lag.xmit_hash_policy = LAG_HASH_LAYER23;
}

/* The one port with the highest prio is the primary. */
static void
ld_teamd_prio(struct load *ld)
{
	const struct ctl_option *primary = ctl_option_find("primary");
	int best = -1;
	bool tie = false;

	for (unsigned i = 0; i < ld->cfg.nports; i++) {
		if (!ld->prio_set[i])
			continue;
		if (best < 0 || ld->prio[i] > ld->prio[best]) {
			best = (int)i;
			tie = false;
		} else if (ld->prio[i] == ld->prio[best]) {
			tie = true;
		}
	}
	if (best < 0 || tie || ld->origin[primary - ctl_options][0])
		return;
	snprintf(ld->cfg.lag.primary, IF_NAMESIZE, "%s",
	    ld->cfg.ports[best].ifname);
}

static void
ld_teamd_sticky(struct load *ld)
{
	const struct ctl_option *reselect = ctl_option_find("primary_reselect");

	if (ld->origin[reselect - ctl_options][0])
		return;
	for (unsigned i = 0; i < ld->cfg.nports; i++)
		if (ld->sticky[i] &&
		    strcmp(ld->cfg.ports[i].ifname, ld->cfg.lag.primary) != 0)
			ld->cfg.lag.primary_reselect = LAG_RESELECT_FAILURE;
}

int
ctl_config_from_json(const json_t *root, const struct nic_caps *caps,
    struct nic_config *out, struct nic_err *err)
{
	struct load *ld = calloc(1, sizeof(*ld));
	int e;

	if (!ld)
		return nic_err_set(err, -ENOMEM, "out of memory");
	nic_config_default(&ld->cfg);
	ld->caps = caps;
	ld->err = err;
	e = ld_object(ld, root, "", top_keys, ARRAY_SIZE(top_keys),
	    ld_top_rest);
	if (!e) {
		ld_teamd_defaults(ld);
		ld_teamd_prio(ld);
		ld_teamd_sticky(ld);
		e = nic_config_check(&ld->cfg, caps, err);
	}
	if (!e)
		*out = ld->cfg;	/* commit */
	free(ld);
	return e;
}

/* Prefix a message with the file's name (or the caller's label). */
static int
prefixed(struct nic_err *err, const char *label, int e)
{
	char msg[NIC_ERR_LEN];

	if (!e || !err || !label)
		return e;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	return nic_err_set(err, e, "%s: %s", label, msg);
}

static int
syntax_error(const json_error_t *je, const char *label, struct nic_err *err)
{
	return nic_err_set(err, -EINVAL, "%s: line %d, column %d: %s",
	    label ? label : "config", je->line, je->column, je->text);
}

int
ctl_config_load_string(const char *text, const char *label,
    const struct nic_caps *caps, struct nic_config *out,
    struct nic_err *err)
{
	json_error_t je;
	json_t *root;
	int e;

	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return syntax_error(&je, label, err);
	e = ctl_config_from_json(root, caps, out, err);
	json_decref(root);
	return prefixed(err, label, e);
}

int
ctl_config_load_file(const char *path, const struct nic_caps *caps,
    struct nic_config *out, struct nic_err *err)
{
	json_error_t je;
	json_t *root;
	FILE *f;
	int e;

	f = fopen(path, "r");
	if (!f)
		return nic_err_set(err, -errno, "%s: %s", path, strerror(errno));
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!root)
		return syntax_error(&je, path, err);
	e = ctl_config_from_json(root, caps, out, err);
	json_decref(root);
	return prefixed(err, path, e);
}

/* ---- the effective configuration as JSON ---- */

/* An address list as a JSON array of strings. */
static json_t *
option_list_json(const struct ctl_option *opt, const struct nic_config *cfg)
{
	char buf[CTL_OPTION_LIST_LEN], *save, *tok;
	json_t *a;

	if (ctl_option_format(opt, cfg, buf, sizeof(buf)))
		return NULL;
	a = json_array();
	for (tok = strtok_r(buf, ",", &save); a && tok;
	    tok = strtok_r(NULL, ",", &save))
		if (json_array_append_new(a, json_string(tok))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
ctl_option_json(const struct ctl_option *opt, const struct nic_config *cfg)
{
	char buf[64];

	if (option_is_list(opt))
		return option_list_json(opt, cfg);
	if (opt->type == CTL_OPT_U32 || opt->type == CTL_OPT_U16)
		return json_integer((json_int_t)ctl_option_uint(opt, cfg));
	if (ctl_option_format(opt, cfg, buf, sizeof(buf)))
		return NULL;
	return json_string(buf);
}

static int
port_to_json(json_t *ports, const struct nic_port_config *pc)
{
	json_t *p = json_object();

	if (!p || json_object_set_new(ports, pc->ifname, p))
		return -ENOMEM;
	if (pc->backend[0] &&
	    json_object_set_new(p, "backend", json_string(pc->backend)))
		return -ENOMEM;
	if (json_object_set_new(p, "queue_id", json_integer(pc->queue_id)) ||
	    json_object_set_new(p, "lacp_prio",
	    json_integer(pc->lacp_port_priority)) ||
	    json_object_set_new(p, "lacp_key", json_integer(pc->lacp_port_key)))
		return -ENOMEM;
	return 0;
}

static int
options_to_json(json_t *top, json_t *bond, const struct nic_config *cfg)
{
	for (unsigned i = 0; i < ctl_options_count; i++) {
		const struct ctl_option *opt = &ctl_options[i];
		json_t *v = ctl_option_json(opt, cfg);

		if (!v || json_object_set_new(opt->lagnic ? top : bond,
		    opt->name, v))
			return -ENOMEM;
	}
	return 0;
}

json_t *
ctl_config_to_json(const struct nic_config *cfg)
{
	json_t *top = json_object(), *bond = json_object(),
	    *ports = json_object();
	int e = top && bond && ports ? 0 : -ENOMEM;

	if (!e)
		e = json_object_set_new(top, "device", json_string(cfg->name)) ||
		    json_object_set_new(top, "pf", json_boolean(cfg->pf));
	if (!e)
		e = options_to_json(top, bond, cfg);
	for (unsigned i = 0; !e && i < cfg->nports; i++)
		e = port_to_json(ports, &cfg->ports[i]);
	if (!e)
		e = json_object_set(top, "bond", bond) ||
		    json_object_set(top, "ports", ports) ||
		    json_object_set_new(top, "vfs", ctl_vf_configs_json(cfg));
	json_decref(bond);
	json_decref(ports);
	if (e) {
		json_decref(top);
		return NULL;
	}
	return top;
}
