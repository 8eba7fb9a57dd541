/* The state rows and the JSON of show, counters and caps. */
#include "ctl/state_priv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/config.h"
#include "ctl/options.h"
#include "ctl/vf.h"
#include "lag/probe.h"

const char *const ctl_val_type_names[] = {
	[CTL_VAL_STR] = "string",
	[CTL_VAL_U64] = "u64",
	[CTL_VAL_BOOL] = "bool",
	[CTL_VAL_JSON] = "json",
};
static_assert(ARRAY_SIZE(ctl_val_type_names) == CTL_VAL_TYPE_COUNT,
    "value type names");

void
ctl_view_of_nic(struct ctl_view *v, struct nic *nic)
{
	v->cfg = nic_config(nic);
	v->caps = nic_caps(nic);
	v->lag = nic_lag(nic);
	v->pf = nic_pf(nic);
	v->pf_cnt = nic_pf_counters(nic);
	v->nvfs = 0;
	for (uint32_t n = 0; n < NIC_VFS_MAX; n++)
		if (nic_vf_state(nic, n, &v->vfs[v->nvfs]) == 0)
			v->nvfs++;
}

/* obj[a][b]... for path "a.b.c": the object that holds "c". */
static json_t *
path_parent(json_t *obj, const char *path, const char **leaf)
{
	const char *dot;
	char key[64];
	json_t *sub;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		sub = json_object_get(obj, key);
		if (!sub) {
			sub = json_object();
			if (!sub || json_object_set_new(obj, key, sub))
				return NULL;
		}
		obj = sub;
		path = dot + 1;
	}
	*leaf = path;
	return obj;
}

static json_t *
row_value(const struct ctl_state_row *row, const void *src)
{
	union ctl_val v = { 0 };

	row->get(src, &v);
	switch (row->type) {
	case CTL_VAL_STR: return v.s ? json_string(v.s) : json_null();
	case CTL_VAL_U64: return json_integer((json_int_t)v.u);
	case CTL_VAL_BOOL: return json_boolean(v.b);
	default: return v.j;
	}
}

int
ctl_state_fill(json_t *obj, const struct ctl_state_row *rows, unsigned n,
    const void *src)
{
	for (unsigned i = 0; i < n; i++) {
		const char *leaf;
		json_t *parent = path_parent(obj, rows[i].path, &leaf);
		json_t *v = parent ? row_value(&rows[i], src) : NULL;

		if (!v || json_object_set_new(parent, leaf, v))
			return -ENOMEM;
	}
	return 0;
}

#define FILL(obj, rows, src) ctl_state_fill(obj, rows, ARRAY_SIZE(rows), src)

/* A lower-case copy of an X-macro name ("NOT_COLLECTING"). */
static const char *
lower(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

/* ---- the LAG ---- */

static const struct ctl_view *
view(const void *o)
{
	return o;
}

static void
get_name(const void *o, union ctl_val *v)
{
	v->s = view(o)->cfg->name;
}

static void
get_mode(const void *o, union ctl_val *v)
{
	v->s = lag_mode_names[view(o)->cfg->lag.mode];
}

static void
get_carrier(const void *o, union ctl_val *v)
{
	v->b = view(o)->lag && view(o)->lag->carrier;
}

static void
get_active(const void *o, union ctl_val *v)
{
	const struct lag *lag = view(o)->lag;

	v->s = lag && lag->active ? lag->active->port->name : NULL;
}

static void
get_options(const void *o, union ctl_val *v)
{
	const struct nic_config *cfg = view(o)->cfg;
	json_t *j = json_object();

	for (unsigned i = 0; j && i < ctl_options_count; i++) {
		json_t *x = ctl_option_json(&ctl_options[i], cfg);

		if (!x || json_object_set_new(j, ctl_options[i].name, x)) {
			json_decref(j);
			j = NULL;
		}
	}
	v->j = j;
}

static void
get_lacp_system(const void *o, union ctl_val *v)
{
	v->j = ctl_lacp_system_json(view(o)->lag);
}

static void
get_lag_tx_no_member(const void *o, union ctl_val *v)
{
	v->u = view(o)->lag ? view(o)->lag->cnt.tx_no_member : 0;
}

static void
get_lag_failovers(const void *o, union ctl_val *v)
{
	v->u = view(o)->lag ? view(o)->lag->cnt.failovers : 0;
}

static const struct ctl_state_row lag_rows[] = {
	{ "name", CTL_VAL_STR, get_name },
	{ "mode", CTL_VAL_STR, get_mode },
	{ "carrier", CTL_VAL_BOOL, get_carrier },
	{ "active", CTL_VAL_STR, get_active },
	{ "options", CTL_VAL_JSON, get_options },
	{ "lacp", CTL_VAL_JSON, get_lacp_system },
};

static const struct ctl_state_row lag_counter_rows[] = {
	{ "tx_no_member", CTL_VAL_U64, get_lag_tx_no_member },
	{ "failovers", CTL_VAL_U64, get_lag_failovers },
};

/* ---- a member ---- */

struct member_src {
	const struct lag_member *m;
	const char *backend;
};

static const struct lag_member *
mem(const void *o)
{
	return ((const struct member_src *)o)->m;
}

static void
get_m_port(const void *o, union ctl_val *v)
{
	v->s = mem(o)->port->name;
}

static void
get_m_backend(const void *o, union ctl_val *v)
{
	v->s = ((const struct member_src *)o)->backend;
}

static void
get_m_link(const void *o, union ctl_val *v)
{
	v->s = lag_link_state_names[mem(o)->link];
}

static void
get_m_carrier(const void *o, union ctl_val *v)
{
	v->b = mem(o)->carrier;
}

static void
get_m_collecting(const void *o, union ctl_val *v)
{
	v->b = mem(o)->collecting;
}

static void
get_m_distributing(const void *o, union ctl_val *v)
{
	v->b = mem(o)->distributing;
}

static void
get_m_lanes(const void *o, union ctl_val *v)
{
	v->u = mem(o)->nlanes;
}

static void
get_m_tx_packets(const void *o, union ctl_val *v)
{
	v->u = mem(o)->cnt.tx_packets;
}

static void
get_m_tx_dropped(const void *o, union ctl_val *v)
{
	v->u = mem(o)->cnt.tx_dropped;
}

static void
get_m_link_failures(const void *o, union ctl_val *v)
{
	v->u = mem(o)->cnt.link_failures;
}

static void
get_m_rx_drops(const void *o, union ctl_val *v)
{
	json_t *j = json_object();
	char key[32];

	for (unsigned i = 0; j && i < LAG_RX_DROP_COUNT; i++) {
		uint64_t n = mem(o)->cnt.rx_drops[i];

		lower(lag_rx_drop_names[i], key, sizeof(key));
		if (json_object_set_new(j, key, json_integer((json_int_t)n))) {
			json_decref(j);
			j = NULL;
		}
	}
	v->j = j;
}

static void
get_m_lacp(const void *o, union ctl_val *v)
{
	v->j = ctl_lacp_port_json(mem(o));
}

static void
get_m_lacp_counters(const void *o, union ctl_val *v)
{
	v->j = ctl_lacp_counters_json(mem(o));
}

/* ARP/NS probes: null when they are off. */
static void
get_m_probe(const void *o, union ctl_val *v)
{
	const struct lag_member *m = mem(o);

	v->j = lag_probe_enabled(m->lag) ?
	    json_pack("{s:b}", "alive", m->probe.alive) : json_null();
}

static void
get_m_probe_counters(const void *o, union ctl_val *v)
{
	const struct lag_member *m = mem(o);

	v->j = lag_probe_enabled(m->lag) ?
	    json_pack("{s:I, s:I, s:I}",
	    "probes_tx", (json_int_t)m->cnt.probes_tx,
	    "probes_tx_failed", (json_int_t)m->cnt.probes_tx_failed,
	    "probe_replies", (json_int_t)m->cnt.probe_replies) : json_null();
}

/* The port's own counters, one getter per PORT_COUNTERS entry. */
#define PORT_CNT_GETTER(name, desc)					\
static void								\
get_p_##name(const void *o, union ctl_val *v)				\
{									\
	v->u = ((const struct port *)o)->cnt.name;			\
}
PORT_COUNTERS(PORT_CNT_GETTER)
#undef PORT_CNT_GETTER

#define PORT_CNT_ROW(name, desc) { #name, CTL_VAL_U64, get_p_##name },
static const struct ctl_state_row port_counter_rows[] = {
	PORT_COUNTERS(PORT_CNT_ROW)
};
#undef PORT_CNT_ROW

static const struct ctl_state_row member_rows[] = {
	{ "port", CTL_VAL_STR, get_m_port },
	{ "backend", CTL_VAL_STR, get_m_backend },
	{ "link", CTL_VAL_STR, get_m_link },
	{ "carrier", CTL_VAL_BOOL, get_m_carrier },
	{ "collecting", CTL_VAL_BOOL, get_m_collecting },
	{ "distributing", CTL_VAL_BOOL, get_m_distributing },
	{ "lanes", CTL_VAL_U64, get_m_lanes },
	{ "lacp", CTL_VAL_JSON, get_m_lacp },
	{ "probe", CTL_VAL_JSON, get_m_probe },
};

static const struct ctl_state_row member_counter_rows[] = {
	{ "tx_packets", CTL_VAL_U64, get_m_tx_packets },
	{ "tx_dropped", CTL_VAL_U64, get_m_tx_dropped },
	{ "link_failures", CTL_VAL_U64, get_m_link_failures },
	{ "rx_drops", CTL_VAL_JSON, get_m_rx_drops },
	{ "lacp", CTL_VAL_JSON, get_m_lacp_counters },
	{ "probe", CTL_VAL_JSON, get_m_probe_counters },
};

/* ---- the PF ---- */

static const struct nic_fn_counters *
fn(const void *o)
{
	return o;
}

static void
get_f_rx_packets(const void *o, union ctl_val *v)
{
	v->u = fn(o)->rx_packets;
}

static void
get_f_rx_bytes(const void *o, union ctl_val *v)
{
	v->u = fn(o)->rx_bytes;
}

static void
get_f_tx_packets(const void *o, union ctl_val *v)
{
	v->u = fn(o)->tx_packets;
}

static void
get_f_tx_bytes(const void *o, union ctl_val *v)
{
	v->u = fn(o)->tx_bytes;
}

static void
get_f_rx_dropped(const void *o, union ctl_val *v)
{
	v->u = fn(o)->rx_dropped;
}

static void
get_f_tx_dropped(const void *o, union ctl_val *v)
{
	v->u = fn(o)->tx_dropped;
}

static const struct ctl_state_row fn_counter_rows[] = {
	{ "rx_packets", CTL_VAL_U64, get_f_rx_packets },
	{ "rx_bytes", CTL_VAL_U64, get_f_rx_bytes },
	{ "tx_packets", CTL_VAL_U64, get_f_tx_packets },
	{ "tx_bytes", CTL_VAL_U64, get_f_tx_bytes },
	{ "rx_dropped", CTL_VAL_U64, get_f_rx_dropped },
	{ "tx_dropped", CTL_VAL_U64, get_f_tx_dropped },
};

/* ---- a VF ---- */

static const struct nic_vf_state *
vfst(const void *o)
{
	return o;
}

static void
get_v_link(const void *o, union ctl_val *v)
{
	v->s = vfst(o)->link_up ? "up" : "down";
}

static void
get_v_tx_port(const void *o, union ctl_val *v)
{
	v->s = vfst(o)->tx_port;
}

static void
get_v_addresses(const void *o, union ctl_val *v)
{
	const struct announce_target *t = vfst(o)->announce;
	json_t *j = json_pack("{s:[], s:[]}", "ipv4", "ipv6");
	char buf[INET6_ADDRSTRLEN];

	for (unsigned i = 0; j && i < t->n_ipv4; i++) {
		uint32_t a = htonl(t->ipv4[i]);

		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		json_array_append_new(json_object_get(j, "ipv4"),
		    json_string(buf));
	}
	for (unsigned i = 0; j && i < t->n_ipv6; i++) {
		inet_ntop(AF_INET6, t->ipv6[i], buf, sizeof(buf));
		json_array_append_new(json_object_get(j, "ipv6"),
		    json_string(buf));
	}
	v->j = j;
}

static const struct ctl_state_row vf_rows[] = {
	{ "link", CTL_VAL_STR, get_v_link },
	{ "tx_port", CTL_VAL_STR, get_v_tx_port },
	{ "addresses", CTL_VAL_JSON, get_v_addresses },
};

#define VF_ESW_GETTER(name)						\
static void								\
get_v_##name(const void *o, union ctl_val *v)				\
{									\
	v->u = vfst(o)->esw->name;					\
}
VF_ESW_GETTER(rx_packets)
VF_ESW_GETTER(rx_bytes)
VF_ESW_GETTER(tx_packets)
VF_ESW_GETTER(tx_bytes)
#undef VF_ESW_GETTER

static void
get_v_rx_dropped(const void *o, union ctl_val *v)
{
	v->u = vfst(o)->rx_dropped;
}

static void
get_v_tx_queue_dropped(const void *o, union ctl_val *v)
{
	v->u = vfst(o)->tx_queue_dropped;
}

static void
get_v_tx_throttled(const void *o, union ctl_val *v)
{
	v->u = vfst(o)->tx_throttled;
}

/* What the eSwitch dropped of what the VF sent, by reason. */
static void
get_v_drops(const void *o, union ctl_val *v)
{
	json_t *j = json_object();
	char key[32];

	for (unsigned i = 0; j && i < ESW_DROP_COUNT; i++) {
		uint64_t n = vfst(o)->esw->drops[i];

		lower(esw_drop_names[i], key, sizeof(key));
		if (json_object_set_new(j, key, json_integer((json_int_t)n))) {
			json_decref(j);
			j = NULL;
		}
	}
	v->j = j;
}

static const struct ctl_state_row vf_counter_rows[] = {
	{ "rx_packets", CTL_VAL_U64, get_v_rx_packets },
	{ "rx_bytes", CTL_VAL_U64, get_v_rx_bytes },
	{ "tx_packets", CTL_VAL_U64, get_v_tx_packets },
	{ "tx_bytes", CTL_VAL_U64, get_v_tx_bytes },
	{ "rx_dropped", CTL_VAL_U64, get_v_rx_dropped },
	{ "tx_queue_dropped", CTL_VAL_U64, get_v_tx_queue_dropped },
	{ "tx_throttled", CTL_VAL_U64, get_v_tx_throttled },
	{ "drops", CTL_VAL_JSON, get_v_drops },
};

/* ---- caps ---- */

static const struct nic_caps *
caps_of(const void *o)
{
	return o;
}

static void
get_c_max_lags(const void *o, union ctl_val *v)
{
	v->u = caps_of(o)->max_lags;
}

static void
get_c_max_ports(const void *o, union ctl_val *v)
{
	v->u = caps_of(o)->max_ports_per_lag;
}

static json_t *
names_of_bits(uint32_t bits, const char *const *names, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < n; i++)
		if ((bits & (1u << i)) && json_array_append_new(a,
		    json_string(names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static void
get_c_modes(const void *o, union ctl_val *v)
{
	v->j = names_of_bits(caps_of(o)->modes, lag_mode_names,
	    LAG_MODE_COUNT);
}

static void
get_c_hashes(const void *o, union ctl_val *v)
{
	v->j = names_of_bits(caps_of(o)->hash_policies, lag_hash_policy_names,
	    LAG_HASH_COUNT);
}

static void
get_c_max_vfs(const void *o, union ctl_val *v)
{
	v->u = caps_of(o)->max_vfs;
}

static const struct ctl_state_row caps_rows[] = {
	{ "max_lags", CTL_VAL_U64, get_c_max_lags },
	{ "max_ports_per_lag", CTL_VAL_U64, get_c_max_ports },
	{ "max_vfs", CTL_VAL_U64, get_c_max_vfs },
	{ "modes", CTL_VAL_JSON, get_c_modes },
	{ "hash_policies", CTL_VAL_JSON, get_c_hashes },
};

/* ---- the documents ---- */

static const char *
member_backend(const struct nic_config *cfg, const char *ifname)
{
	for (unsigned i = 0; i < cfg->nports; i++)
		if (strcmp(cfg->ports[i].ifname, ifname) == 0 &&
		    cfg->ports[i].backend[0])
			return cfg->ports[i].backend;
	return cfg->backend;
}

/* A member's counters and its port's, into obj. */
static int
member_counters(json_t *obj, const struct member_src *src)
{
	json_t *c = json_object(), *p = json_object();
	int e = c && p ? 0 : -ENOMEM;

	if (!e)
		e = FILL(c, member_counter_rows, src);
	if (!e)
		e = FILL(p, port_counter_rows, src->m->port);
	if (!e && (json_object_set(obj, "counters", c) ||
	    json_object_set(obj, "port_counters", p)))
		e = -ENOMEM;
	json_decref(c);
	json_decref(p);
	return e;
}

static json_t *
member_json(const struct ctl_view *v, const struct lag_member *m)
{
	struct member_src src = {
		.m = m, .backend = member_backend(v->cfg, m->port->name),
	};
	json_t *obj = json_object();

	if (obj && !FILL(obj, member_rows, &src) &&
	    !member_counters(obj, &src))
		return obj;
	json_decref(obj);
	return NULL;
}

static json_t *
members_json(const struct ctl_view *v)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && v->lag && i < v->lag->nmembers; i++)
		if (json_array_append_new(a, member_json(v, v->lag->members[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
pf_json(const struct ctl_view *v)
{
	json_t *obj, *c, *p;

	if (!v->pf)
		return json_null();
	obj = json_object();
	c = json_object();
	p = json_object();
	if (obj && c && p &&
	    !json_object_set_new(obj, "name", json_string(v->pf->name)) &&
	    !FILL(c, fn_counter_rows, v->pf_cnt) &&
	    !FILL(p, port_counter_rows, v->pf) &&
	    !json_object_set(obj, "counters", c) &&
	    !json_object_set(obj, "port_counters", p)) {
		json_decref(c);
		json_decref(p);
		return obj;
	}
	json_decref(obj);
	json_decref(c);
	json_decref(p);
	return NULL;
}

static json_t *
rows_json(const struct ctl_state_row *rows, unsigned n, const void *src)
{
	json_t *obj = json_object();

	if (obj && ctl_state_fill(obj, rows, n, src)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *
vf_counters_json(const struct nic_vf_state *st)
{
	return rows_json(vf_counter_rows, ARRAY_SIZE(vf_counter_rows), st);
}

/* Its settings (ctl/vf.c), its state and its counters. */
static json_t *
vf_json(const struct nic_vf_state *st)
{
	json_t *obj = ctl_vf_config_json(st->cfg);

	if (obj && !FILL(obj, vf_rows, st) &&
	    !json_object_set_new(obj, "counters", vf_counters_json(st)))
		return obj;
	json_decref(obj);
	return NULL;
}

static json_t *
vfs_json(const struct ctl_view *v)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < v->nvfs; i++)
		if (json_array_append_new(a, vf_json(&v->vfs[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
ctl_state_caps(const struct nic_caps *caps)
{
	return rows_json(caps_rows, ARRAY_SIZE(caps_rows), caps);
}

json_t *
ctl_state_show(const struct ctl_view *v)
{
	json_t *obj = rows_json(lag_rows, ARRAY_SIZE(lag_rows), v);

	if (!obj ||
	    json_object_set_new(obj, "members", members_json(v)) ||
	    json_object_set_new(obj, "pf", pf_json(v)) ||
	    json_object_set_new(obj, "vfs", vfs_json(v)) ||
	    json_object_set_new(obj, "counters", rows_json(lag_counter_rows,
	    ARRAY_SIZE(lag_counter_rows), v)) ||
	    json_object_set_new(obj, "caps", ctl_state_caps(v->caps))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *
ports_counters_json(const struct ctl_view *v)
{
	json_t *obj = json_object();

	for (unsigned i = 0; obj && v->lag && i < v->lag->nmembers; i++) {
		const struct lag_member *m = v->lag->members[i];
		struct member_src src = { .m = m };
		json_t *one = json_object();

		if (!one || member_counters(one, &src)) {
			json_decref(one);
			one = NULL;
		}
		/* set_new takes one, even when it fails */
		if (json_object_set_new(obj, m->port->name, one)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static json_t *
functions_json(const struct ctl_view *v)
{
	json_t *obj = json_object();

	char key[16];

	if (obj && v->pf && json_object_set_new(obj, "pf", pf_json(v))) {
		json_decref(obj);
		return NULL;
	}
	for (unsigned i = 0; obj && i < v->nvfs; i++) {
		snprintf(key, sizeof(key), "vf%u", v->vfs[i].cfg->vf);
		if (json_object_set_new(obj, key,
		    vf_counters_json(&v->vfs[i]))) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

json_t *
ctl_state_counters(const struct ctl_view *v)
{
	json_t *obj = json_object();

	if (!obj ||
	    json_object_set_new(obj, "lag", rows_json(lag_counter_rows,
	    ARRAY_SIZE(lag_counter_rows), v)) ||
	    json_object_set_new(obj, "ports", ports_counters_json(v)) ||
	    json_object_set_new(obj, "functions", functions_json(v))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
