/* The option table: bonding's names onto struct nic_config. */
#include "ctl/options.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ctl_opt_type_names[] = {
	[CTL_OPT_ENUM] = "enum",
	[CTL_OPT_U32] = "u32",
	[CTL_OPT_U16] = "u16",
	[CTL_OPT_BOOL] = "bool",
	[CTL_OPT_IFNAME] = "ifname",
	[CTL_OPT_BACKEND] = "backend",
	[CTL_OPT_MAC] = "mac",
	[CTL_OPT_IPV4_LIST] = "ipv4 list",
	[CTL_OPT_IPV6_LIST] = "ipv6 list",
};
static_assert(ARRAY_SIZE(ctl_opt_type_names) == CTL_OPT_TYPE_COUNT,
    "option type names");

/* Bonding's values past ours, numbered as bonding numbers them. */
static const char *const mode_unsupported[] = {
	"balance-tlb", "balance-alb", NULL	/* 5, 6 */
};
static_assert(LAG_MODE_BONDING_COUNT == 5, "bonding numbers balance-tlb 5");
static_assert(LAG_HASH_COUNT == 6, "bonding's hash policies are 0..5");
static const char *const backend_names[] = { "afxdp", "afpacket", "sim" };
static const char *const bool_names[] = { "off", "on" };

#define FIELD(f)							\
	.off = offsetof(struct nic_config, f),				\
	.size = sizeof(((struct nic_config *)0)->f)
#define ENUM(n, f, tbl, cnt, num, d)					\
	{ .name = n, .type = CTL_OPT_ENUM, FIELD(f), .names = tbl,	\
	  .nnames = cnt, .numeric = num, .desc = d }
#define UINT(n, t, f, lo, hi, u, d)					\
	{ .name = n, .type = CTL_OPT_##t, FIELD(f), .min = lo,		\
	  .max = hi, .unit = u, .desc = d }
#define OTHER(n, t, f, d)						\
	{ .name = n, .type = CTL_OPT_##t, FIELD(f), .desc = d }
#define OWN(...) { __VA_ARGS__, .lagnic = true }

#define MS_MAX	2147483647u	/* bonding's INT_MAX */

const struct ctl_option ctl_options[] = {
	{ .name = "mode", .type = CTL_OPT_ENUM, FIELD(lag.mode),
	  .names = lag_mode_names, .nnames = LAG_MODE_COUNT,
	  .nnumeric = LAG_MODE_BONDING_COUNT, .numeric = true,
	  .unsupported = mode_unsupported,
	  .desc = "LAG mode (bonding's mode 0-4, or balance-slb)" },
	UINT("miimon", U32, lag.miimon, 0, MS_MAX, "ms",
	    "link polling interval; 0: carrier events only"),
	UINT("updelay", U32, lag.updelay, 0, MS_MAX, "ms",
	    "delay before a member whose link came up is used"),
	UINT("downdelay", U32, lag.downdelay, 0, MS_MAX, "ms",
	    "delay before a member whose link went down is dropped"),
	OTHER("primary", IFNAME, lag.primary,
	    "preferred member in active-backup; empty: none"),
	ENUM("primary_reselect", lag.primary_reselect,
	    lag_primary_reselect_names, LAG_RESELECT_COUNT, true,
	    "when the primary takes over again"),
	ENUM("fail_over_mac", lag.fail_over_mac, lag_fail_over_mac_names,
	    LAG_FOM_COUNT, true, "MAC addresses in active-backup"),
	ENUM("xmit_hash_policy", lag.xmit_hash_policy,
	    lag_hash_policy_names, LAG_HASH_COUNT, true,
	    "transmit hash of balance-xor and 802.3ad"),
	UINT("packets_per_slave", U32, lag.packets_per_slave, 0, 65535,
	    NULL, "frames per member in balance-rr; 0: a random member"),
	UINT("min_links", U32, lag.min_links, 0, LAG_MEMBERS_MAX, NULL,
	    "members that must be up for the LAG to have carrier"),
	OWN(.name = "rebalance_interval", .type = CTL_OPT_U32,
	    FIELD(lag.rebalance_interval), .min = 0, .max = MS_MAX,
	    .unit = "ms", .desc = "balance-slb: ms between load rebalancing "
	    "of the senders over the members; 0: never"),
	OTHER("lacp_active", BOOL, lag.lacp.lacp_active,
	    "802.3ad: send LACPDUs periodically (on) or only answer (off)"),
	ENUM("lacp_rate", lag.lacp.lacp_rate, lag_lacp_rate_names,
	    LAG_LACP_RATE_COUNT, true,
	    "802.3ad: the rate we ask the partner to send LACPDUs at"),
	ENUM("ad_select", lag.lacp.ad_select, lag_ad_select_names,
	    LAG_AD_SELECT_COUNT, true, "802.3ad: aggregator selection"),
	UINT("ad_actor_sys_prio", U16, lag.lacp.ad_actor_sys_prio, 1, 65535,
	    NULL, "802.3ad: our system priority"),
	UINT("ad_user_port_key", U16, lag.lacp.ad_user_port_key, 0, 1023,
	    NULL, "802.3ad: the user part of our port keys"),
	OTHER("ad_actor_system", MAC, lag.lacp.ad_actor_system,
	    "802.3ad: our system MAC; 00:00:00:00:00:00: the LAG's"),
	OTHER("coupled_control", BOOL, lag.lacp.coupled_control,
	    "802.3ad: collecting and distributing switched together"),
	OTHER("lacp_strict", BOOL, lag.lacp.lacp_strict,
	    "802.3ad (lagnic's): no traffic on a port without a partner"),
	UINT("arp_interval", U32, lag.arp_interval, 0, MS_MAX, "ms",
	    "ARP/NS probe interval; 0: no probes (not in 802.3ad)"),
	OTHER("arp_ip_target", IPV4_LIST, lag.arp_ip_target,
	    "IPv4 addresses probed by ARP (up to 16)"),
	OTHER("ns_ip6_target", IPV6_LIST, lag.ns_ip6_target,
	    "IPv6 addresses probed by neighbour solicitation (up to 16)"),
	ENUM("arp_validate", lag.arp_validate, lag_arp_validate_names,
	    LAG_ARP_VALIDATE_COUNT, true,
	    "which members' probe replies are validated"),
	ENUM("arp_all_targets", lag.arp_all_targets,
	    lag_arp_all_targets_names, LAG_ARP_ALL_TARGETS_COUNT, true,
	    "a validated member is up when any or all targets answer"),
	UINT("arp_missed_max", U32, lag.arp_missed_max, 1, 255, NULL,
	    "probe intervals without an answer before a member is down"),
	UINT("num_grat_arp", U32, notify.num_grat_arp, 0, 255, NULL,
	    "gratuitous ARPs per address after a failover"),
	UINT("num_unsol_na", U32, notify.num_unsol_na, 0, 255, NULL,
	    "unsolicited neighbour advertisements after a failover"),
	UINT("peer_notif_delay", U32, notify.peer_notif_delay, 0, 300000,
	    "ms", "delay between failover announcements"),
	OWN(.name = "backend", .type = CTL_OPT_BACKEND, FIELD(backend),
	    .desc = "default backend of member ports (afxdp, afpacket, sim)"),
	OWN(.name = "xdp_mode", .type = CTL_OPT_ENUM, FIELD(xdp_mode),
	    .names = port_xdp_mode_names, .nnames = PORT_XDP_MODE_COUNT,
	    .desc = "how afxdp ports attach their XDP program"),
	OWN(.name = "mtu", .type = CTL_OPT_U32, FIELD(mtu), .min = 68,
	    .max = NIC_MTU_MAX, .desc = "MTU of the LAG's functions"),
};
const unsigned ctl_options_count = ARRAY_SIZE(ctl_options);
static_assert(ARRAY_SIZE(ctl_options) <= CTL_OPTIONS_MAX, "CTL_OPTIONS_MAX");

const struct ctl_unsupported ctl_unsupported_options[] = {
	{ "all_slaves_active", "inactive members always drop" },
	{ "resend_igmp", "IGMP reports are not sent on failover yet" },
	{ "tlb_dynamic_lb", "balance-tlb is not implemented" },
	{ "lp_interval", "balance-tlb/alb are not implemented" },
	{ "use_carrier", "carrier always comes from the port" },
	{ "active_slave", "the active member cannot be forced yet" },
	{ "lacp_extended_mux", "use coupled_control" },
	{ "prio", "per-member priority is not implemented yet; use primary" },
	{ "queue_id", "a member's queue is set when it is added" },
	{ "slaves", "use port add/del" },
	{ "max_bonds", "lagnicd runs one LAG" },
	{ "tx_queues", "queues are the backend's" },
};
const unsigned ctl_unsupported_count = ARRAY_SIZE(ctl_unsupported_options);

const struct ctl_option *
ctl_option_find(const char *name)
{
	for (unsigned i = 0; i < ctl_options_count; i++)
		if (strcmp(ctl_options[i].name, name) == 0)
			return &ctl_options[i];
	return NULL;
}

const struct ctl_unsupported *
ctl_option_unsupported(const char *name)
{
	for (unsigned i = 0; i < ctl_unsupported_count; i++)
		if (strcmp(ctl_unsupported_options[i].name, name) == 0)
			return &ctl_unsupported_options[i];
	return NULL;
}

/* Fields of 1, 2, 4 or 8 bytes (bool, uint16_t, enums, uint32_t). */
static uint64_t
field_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static void
field_set_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

static void *
field(const struct ctl_option *opt, struct nic_config *cfg)
{
	return (char *)cfg + opt->off;
}

static const void *
cfield(const struct ctl_option *opt, const struct nic_config *cfg)
{
	return (const char *)cfg + opt->off;
}

/* Plain decimal, no sign, no spaces; false if not or over UINT32_MAX. */
static bool
parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static unsigned
count_names(const char *const *names)
{
	unsigned n = 0;

	while (names && names[n])
		n++;
	return n;
}

static unsigned
ctl_option_nnumeric(const struct ctl_option *opt)
{
	return opt->nnumeric ? opt->nnumeric : opt->nnames;
}

void
ctl_option_values(const struct ctl_option *opt, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < opt->nnames && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : i + 1 == opt->nnames ? " or " : ", ",
		    opt->names[i]);
	if (opt->numeric && used < len)
		snprintf(buf + used, len - used, " (or 0..%u)",
		    ctl_option_nnumeric(opt) - 1);
}

static int
parse_enum(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	unsigned nunsup = count_names(opt->unsupported);
	char allowed[160];
	uint32_t v;

	for (v = 0; v < opt->nnames; v++)
		if (strcmp(opt->names[v], value) == 0)
			goto found;
	for (unsigned i = 0; i < nunsup; i++)
		if (strcmp(opt->unsupported[i], value) == 0)
			return nic_err_set(err, -EOPNOTSUPP,
			    "%s: %s is not supported", label, value);
	if (opt->numeric && parse_u32(value, &v)) {
		unsigned nnum = ctl_option_nnumeric(opt);

		if (v < nnum)
			goto found;
		if (v < nnum + nunsup)
			return nic_err_set(err, -EOPNOTSUPP,
			    "%s: %u (%s) is not supported", label, v,
			    opt->unsupported[v - nnum]);
	}
	ctl_option_values(opt, allowed, sizeof(allowed));
	return nic_err_set(err, -EINVAL, "%s: unknown value '%s' (%s)", label,
	    value, allowed);
found:
	field_set_uint(f, opt->size, v);
	return 0;
}

static int
parse_range(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	uint32_t v;

	if (!parse_u32(value, &v) || v < opt->min || v > opt->max)
		return nic_err_set(err, -EINVAL,
		    "%s: '%s' out of range (%u..%u%s%s)", label, value,
		    opt->min, opt->max, opt->unit ? " " : "",
		    opt->unit ? opt->unit : "");
	field_set_uint(f, opt->size, v);
	return 0;
}

static int
parse_bool(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	bool v;

	if (strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		v = true;
	else if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
		v = false;
	else
		return nic_err_set(err, -EINVAL,
		    "%s: unknown value '%s' (on, off, 1 or 0)", label, value);
	field_set_uint(f, opt->size, v);
	return 0;
}

int
ctl_ifname_check(const char *name, const char *label, struct nic_err *err)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IF_NAMESIZE)
		return nic_err_set(err, -EINVAL,
		    "%s: interface name '%s' must have 1..%d characters",
		    label, name, IF_NAMESIZE - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return nic_err_set(err, -EINVAL,
		    "%s: '%s' is not an interface name", label, name);
	for (const char *s = name; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return nic_err_set(err, -EINVAL, "%s: interface name "
			    "'%s' has a '/', ':', space or control character",
			    label, name);
	return 0;
}

static int
parse_ifname(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	int e = value[0] ? ctl_ifname_check(value, label, err) : 0;

	if (e)
		return e;
	memset(f, 0, opt->size);
	memcpy(f, value, strlen(value));
	return 0;
}

bool
ctl_backend_valid(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(backend_names); i++)
		if (strcmp(backend_names[i], name) == 0)
			return true;
	return false;
}

static int
parse_backend(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	if (!ctl_backend_valid(value))
		return nic_err_set(err, -EINVAL,
		    "%s: unknown backend '%s' (afxdp, afpacket or sim)", label,
		    value);
	memset(f, 0, opt->size);
	memcpy(f, value, strlen(value));
	return 0;
}

static int
parse_mac(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	unsigned b[ETH_ALEN_];
	uint8_t *mac = f;
	int n = -1;

	if (sscanf(value, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
	    &b[3], &b[4], &b[5], &n) != ETH_ALEN_ || n != (int)strlen(value) ||
	    n != 17)
		return nic_err_set(err, -EINVAL,
		    "%s: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", label,
		    value);
	if (b[0] & 1)
		return nic_err_set(err, -EINVAL,
		    "%s: %s is a multicast address", label, value);
	for (int i = 0; i < ETH_ALEN_; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* ---- address lists: "a,b,c", "" (none), "+a" (add), "-a" (remove) ---- */

struct addr_family {
	int af;
	size_t alen;
	const char *name;
	bool (*reserved)(const uint8_t *a);	/* bonding refuses it */
};

static bool
ipv4_reserved(const uint8_t *a)		/* 0.0.0.0, broadcast, multicast */
{
	uint32_t v = (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];

	return v == 0 || v == 0xffffffffu || (a[0] >> 4) == 0xe;
}

static bool
ipv6_reserved(const uint8_t *a)		/* ::, ::1, multicast */
{
	static const uint8_t any[16], loopback[16] = { [15] = 1 };

	return !memcmp(a, any, 16) || !memcmp(a, loopback, 16) || a[0] == 0xff;
}

static const struct addr_family af_ipv4 = { AF_INET, 4, "IPv4",
	ipv4_reserved };
static const struct addr_family af_ipv6 = { AF_INET6, 16, "IPv6",
	ipv6_reserved };

/* The list as n addresses of alen bytes; IPv4 in host order. */
struct addr_list {
	uint8_t a[LAG_PROBE_TARGETS_MAX][16];
	unsigned n;
};

static void
list_load(const struct addr_family *fam, const void *f, struct addr_list *l)
{
	if (fam->af == AF_INET) {
		const struct lag_ipv4_targets *t = f;

		l->n = t->n;
		for (unsigned i = 0; i < t->n; i++) {
			uint32_t be = htonl(t->addr[i]);

			memcpy(l->a[i], &be, 4);
		}
	} else {
		const struct lag_ipv6_targets *t = f;

		l->n = t->n;
		memcpy(l->a, t->addr, sizeof(t->addr));
	}
}

static void
list_store(const struct addr_family *fam, void *f, const struct addr_list *l)
{
	if (fam->af == AF_INET) {
		struct lag_ipv4_targets *t = f;

		memset(t, 0, sizeof(*t));
		t->n = l->n;
		for (unsigned i = 0; i < l->n; i++) {
			uint32_t be;

			memcpy(&be, l->a[i], 4);
			t->addr[i] = ntohl(be);
		}
	} else {
		struct lag_ipv6_targets *t = f;

		memset(t, 0, sizeof(*t));
		t->n = l->n;
		memcpy(t->addr, l->a, sizeof(t->addr));
	}
}

static int
list_find(const struct addr_family *fam, const struct addr_list *l,
    const uint8_t *a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!memcmp(l->a[i], a, fam->alen))
			return (int)i;
	return -1;
}

static int
list_addr_parse(const struct addr_family *fam, const char *s, uint8_t *a,
    const char *label, struct nic_err *err)
{
	if (inet_pton(fam->af, s, a) != 1)
		return nic_err_set(err, -EINVAL, "%s: '%s' is not an %s address",
		    label, s, fam->name);
	if (fam->reserved(a))
		return nic_err_set(err, -EINVAL, "%s: %s cannot be a target",
		    label, s);
	return 0;
}

static int
list_add(const struct addr_family *fam, struct addr_list *l, const char *s,
    const char *label, struct nic_err *err)
{
	uint8_t a[16];
	int e = list_addr_parse(fam, s, a, label, err);

	if (e)
		return e;
	if (list_find(fam, l, a) >= 0)
		return nic_err_set(err, -EINVAL, "%s: %s is already a target",
		    label, s);
	if (l->n == LAG_PROBE_TARGETS_MAX)
		return nic_err_set(err, -EINVAL, "%s: at most %d targets",
		    label, LAG_PROBE_TARGETS_MAX);
	memcpy(l->a[l->n++], a, fam->alen);
	return 0;
}

static int
list_remove(const struct addr_family *fam, struct addr_list *l, const char *s,
    const char *label, struct nic_err *err)
{
	uint8_t a[16];
	int e = list_addr_parse(fam, s, a, label, err), i;

	if (e)
		return e;
	i = list_find(fam, l, a);
	if (i < 0)
		return nic_err_set(err, -ENOENT, "%s: %s is not a target",
		    label, s);
	memmove(l->a[i], l->a[i + 1], (l->n - (unsigned)i - 1) * 16);
	l->n--;
	return 0;
}

static int
list_parse_all(const struct addr_family *fam, struct addr_list *l,
    const char *value, const char *label, struct nic_err *err)
{
	char buf[LAG_PROBE_TARGETS_MAX * (INET6_ADDRSTRLEN + 1) + 1];
	char *save, *tok;
	int e;

	if (strlen(value) >= sizeof(buf))
		return nic_err_set(err, -EINVAL, "%s: list too long", label);
	strcpy(buf, value);
	l->n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok;
	    tok = strtok_r(NULL, ", ", &save)) {
		e = list_add(fam, l, tok, label, err);
		if (e)
			return e;
	}
	return 0;
}

static int
parse_addr_list(const struct ctl_option *opt, void *f, const char *value,
    const char *label, struct nic_err *err)
{
	const struct addr_family *fam =
	    opt->type == CTL_OPT_IPV4_LIST ? &af_ipv4 : &af_ipv6;
	struct addr_list l;
	int e;

	list_load(fam, f, &l);
	if (value[0] == '+')
		e = list_add(fam, &l, value + 1, label, err);
	else if (value[0] == '-')
		e = list_remove(fam, &l, value + 1, label, err);
	else
		e = list_parse_all(fam, &l, value, label, err);
	if (e)
		return e;
	list_store(fam, f, &l);
	return 0;
}

static int
format_addr_list(const struct ctl_option *opt, const void *f, char *buf,
    size_t len)
{
	const struct addr_family *fam =
	    opt->type == CTL_OPT_IPV4_LIST ? &af_ipv4 : &af_ipv6;
	char one[INET6_ADDRSTRLEN];
	struct addr_list l;
	size_t used = 0;
	int n;

	list_load(fam, f, &l);
	buf[0] = '\0';
	for (unsigned i = 0; i < l.n; i++) {
		inet_ntop(fam->af, l.a[i], one, sizeof(one));
		n = snprintf(buf + used, len - used, "%s%s", i ? "," : "", one);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

typedef int ctl_opt_parse_fn(const struct ctl_option *opt, void *f,
    const char *value, const char *label, struct nic_err *err);

static ctl_opt_parse_fn *const ctl_opt_parsers[] = {
	[CTL_OPT_ENUM] = parse_enum,
	[CTL_OPT_U32] = parse_range,
	[CTL_OPT_U16] = parse_range,
	[CTL_OPT_BOOL] = parse_bool,
	[CTL_OPT_IFNAME] = parse_ifname,
	[CTL_OPT_BACKEND] = parse_backend,
	[CTL_OPT_MAC] = parse_mac,
	[CTL_OPT_IPV4_LIST] = parse_addr_list,
	[CTL_OPT_IPV6_LIST] = parse_addr_list,
};
static_assert(ARRAY_SIZE(ctl_opt_parsers) == CTL_OPT_TYPE_COUNT,
    "a parser per option type");

int
ctl_option_parse(const struct ctl_option *opt, struct nic_config *cfg,
    const char *value, const char *label, struct nic_err *err)
{
	uint8_t tmp[sizeof(struct lag_ipv6_targets)];
	int e;

	static_assert(IF_NAMESIZE + NIC_BACKEND_LEN <= sizeof(tmp), "tmp");
	assert(opt->size <= sizeof(tmp));
	/* parse into a copy: cfg changes only on success */
	memcpy(tmp, cfield(opt, cfg), opt->size);
	e = ctl_opt_parsers[opt->type](opt, tmp, value, label, err);
	if (e)
		return e;
	/* commit: nothing below may fail */
	memcpy(field(opt, cfg), tmp, opt->size);
	return 0;
}

int
ctl_option_set(struct nic_config *cfg, const char *name, const char *value,
    struct nic_err *err)
{
	const struct ctl_option *opt = ctl_option_find(name);
	const struct ctl_unsupported *un;

	if (opt)
		return ctl_option_parse(opt, cfg, value, name, err);
	un = ctl_option_unsupported(name);
	if (un)
		return nic_err_set(err, -EOPNOTSUPP, "%s: not supported (%s)",
		    name, un->why);
	return nic_err_set(err, -ENOENT, "%s: unknown option", name);
}

uint64_t
ctl_option_uint(const struct ctl_option *opt, const struct nic_config *cfg)
{
	return field_uint(cfield(opt, cfg), opt->size);
}

bool
ctl_option_bool(const struct ctl_option *opt, const struct nic_config *cfg)
{
	return field_uint(cfield(opt, cfg), opt->size) != 0;
}

int
ctl_option_format(const struct ctl_option *opt, const struct nic_config *cfg,
    char *buf, size_t len)
{
	const void *f = cfield(opt, cfg);
	const uint8_t *m = f;
	uint64_t v = 0;
	int n;

	if (opt->type == CTL_OPT_IPV4_LIST || opt->type == CTL_OPT_IPV6_LIST)
		return format_addr_list(opt, f, buf, len);
	if (opt->type != CTL_OPT_IFNAME && opt->type != CTL_OPT_BACKEND &&
	    opt->type != CTL_OPT_MAC)
		v = field_uint(f, opt->size);
	switch (opt->type) {
	case CTL_OPT_ENUM:
		n = v < opt->nnames ? snprintf(buf, len, "%s", opt->names[v]) :
		    snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	case CTL_OPT_BOOL:
		n = snprintf(buf, len, "%s", bool_names[v != 0]);
		break;
	case CTL_OPT_MAC:
		n = snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
		    m[1], m[2], m[3], m[4], m[5]);
		break;
	case CTL_OPT_IFNAME:
	case CTL_OPT_BACKEND:
		n = snprintf(buf, len, "%.*s", (int)opt->size, (const char *)f);
		break;
	default:
		n = snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int
ctl_option_get(const struct nic_config *cfg, const char *name, char *buf,
    size_t len)
{
	const struct ctl_option *opt = ctl_option_find(name);

	return opt ? ctl_option_format(opt, cfg, buf, len) : -ENOENT;
}
