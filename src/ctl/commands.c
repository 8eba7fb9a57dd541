/*
 * The control commands: one table of {name, handler, read_only, fields},
 * the request checks every command shares, and the monitor's events.
 * Handlers only parse and call the NIC's API (nic_port_add,
 * nic_reconfigure, ...), which applies a whole config or nothing.
 */
#include "ctl/server_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/config.h"
#include "ctl/options.h"
#include "ctl/state_priv.h"
#include "ctl/vf.h"
#include "lib/log.h"

struct ctl_cmd {
	const char *name;
	int (*handler)(struct ctl_client *c, const json_t *req,
	    json_t **result, struct nic_err *err);
	bool read_only;			/* allowed on a read-only socket */
	const char *const *required;	/* string fields, NULL-terminated */
	const char *const *optional;
};

static struct ratelimit ctl_req_rl = RATELIMIT_INIT;

static const char *
field(const json_t *req, const char *name)
{
	return json_string_value(json_object_get(req, name));
}

static int
oom(struct nic_err *err)
{
	return nic_err_set(err, -ENOMEM, "out of memory");
}

static int
cmd_show(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	struct ctl_view v;

	ctl_view_of_nic(&v, c->srv->nic);
	*result = ctl_state_show(&v);
	return *result ? 0 : oom(err);
}

static int
cmd_counters(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	struct ctl_view v;

	ctl_view_of_nic(&v, c->srv->nic);
	*result = ctl_state_counters(&v);
	return *result ? 0 : oom(err);
}

static int
cmd_config(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	*result = ctl_config_to_json(nic_config(c->srv->nic));
	return *result ? 0 : oom(err);
}

static int
cmd_caps(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	*result = ctl_state_caps(nic_caps(c->srv->nic));
	return *result ? 0 : oom(err);
}

static int
cmd_rdma(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	*result = ctl_state_rdma(c->srv->nic);
	return *result ? 0 : oom(err);
}

static int
cmd_port_add(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	const char *port = field(req, "port"), *backend = field(req, "backend");
	struct nic_port_config pc;
	int e = ctl_ifname_check(port, "port", err);

	if (e)
		return e;
	if (backend && !ctl_backend_valid(backend))
		return nic_err_set(err, -EINVAL, "backend: unknown backend "
		    "'%s' (afxdp, afpacket or sim)", backend);
	ctl_port_config_init(&pc, port);
	if (backend)
		snprintf(pc.backend, sizeof(pc.backend), "%s", backend);
	return nic_port_add(c->srv->nic, &pc, err);
}

static int
cmd_port_del(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	const char *port = field(req, "port");
	int e = ctl_ifname_check(port, "port", err);

	return e ? e : nic_port_del(c->srv->nic, port, err);
}

static int
cmd_option_set(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	struct nic_config cfg = *nic_config(c->srv->nic);
	int e = ctl_option_set(&cfg, field(req, "name"), field(req, "value"),
	    err);

	return e ? e : nic_reconfigure(c->srv->nic, &cfg, err);
}

/* ---- VFs ---- */

/* The settings of a vf-add/vf-set request into vc, as ip link takes them:
 * vlan without qos means qos 0, qos needs vlan. */
static int
vf_fields(const json_t *req, struct nic_vf_config *vc, struct nic_err *err)
{
	const char *key;
	json_t *v;
	int e;

	if (field(req, "qos") && !field(req, "vlan"))
		return nic_err_set(err, -EINVAL, "vf %u: qos needs vlan",
		    vc->vf);
	if (field(req, "vlan"))
		vc->esw.qos = 0;
	json_object_foreach((json_t *)req, key, v) {
		if (strcmp(key, "cmd") == 0 || strcmp(key, "vf") == 0)
			continue;
		e = ctl_vf_parse(vc, key, json_string_value(v), err);
		if (e)
			return e;
	}
	return 0;
}

static int
cmd_vf_add(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	struct nic_vf_config vc;
	uint32_t n;
	int e = ctl_vf_number(field(req, "vf"), &n, err);

	if (e)
		return e;
	nic_vf_config_default(&vc, n);
	e = vf_fields(req, &vc, err);
	return e ? e : nic_vf_add(c->srv->nic, &vc, err);
}

static int
cmd_vf_set(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	const struct nic_vf_config *cur;
	struct nic_vf_config vc;
	uint32_t n;
	int e = ctl_vf_number(field(req, "vf"), &n, err);

	if (e)
		return e;
	cur = nic_vf_get(c->srv->nic, n);
	if (!cur)
		return nic_err_set(err, -ENOENT, "vf %u: no such VF", n);
	vc = *cur;
	e = vf_fields(req, &vc, err);
	return e ? e : nic_vf_set(c->srv->nic, &vc, err);
}

static int
cmd_vf_del(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	uint32_t n;
	int e = ctl_vf_number(field(req, "vf"), &n, err);

	return e ? e : nic_vf_del(c->srv->nic, n, err);
}

/* ---- monitor ---- */

/* ISO 8601, UTC, microseconds. */
static void
wall_time(const struct ctl_server *srv, char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	uint64_t ns;
	time_t s;
	size_t n;

	if (srv->cfg.wall) {
		ns = clock_now(srv->cfg.wall);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	}
	s = (time_t)(ns / NSEC_PER_SEC);
	gmtime_r(&s, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06uZ",
	    (unsigned)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
}

static const char *
member_name(const struct lag_member *m)
{
	return m ? m->port->name : NULL;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
lower_str(const char *s)
{
	char buf[32];
	size_t i;

	if (!s)
		return json_null();
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return json_string(buf);
}

/* A member's LACP state moved: actor and partner state, machines, churn. */
static int
lacp_event_fields(json_t *j, const struct lag_event *ev)
{
	json_t *f = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
	    "actor", ctl_lacp_state_json(ev->lacp.actor_new),
	    "actor_old", ctl_lacp_state_json(ev->lacp.actor_old),
	    "partner", ctl_lacp_state_json(ev->lacp.partner_new),
	    "partner_old", ctl_lacp_state_json(ev->lacp.partner_old),
	    "mux", lower_str(ev->lacp.mux), "rx", lower_str(ev->lacp.rx),
	    "actor_churn", ev->lacp.actor_churn,
	    "partner_churn", ev->lacp.partner_churn);
	int e = f ? json_object_update(j, f) : -1;

	json_decref(f);
	return e;
}

/* The fields of a LAG event after "event" and "port". */
static int
lag_event_fields(json_t *j, const struct lag_event *ev)
{
	switch (ev->type) {
	case LAG_EV_LINK:
		return json_object_set_new(j, "up", json_boolean(ev->up)) ||
		    json_object_set_new(j, "state", json_string(
		    lag_link_state_names[ev->member->link]));
	case LAG_EV_ACTIVE:
		return json_object_set_new(j, "old",
		    str_or_null(member_name(ev->old)));
	case LAG_EV_CARRIER:
		return json_object_set_new(j, "up", json_boolean(ev->up));
	case LAG_EV_LACP:
		return lacp_event_fields(j, ev);
	default:
		return 0;
	}
}

static json_t *
event_json(const struct ctl_server *srv, const struct nic_event *ev)
{
	const char *name = ev->type == NIC_EV_LAG ?
	    lag_event_type_names[ev->lag->type] : nic_event_type_names[ev->type];
	json_t *j = json_object();
	char when[40];

	wall_time(srv, when, sizeof(when));
	if (!j || json_object_set_new(j, "event", json_string(name)) ||
	    ((ev->port || (ev->lag && ev->lag->type == LAG_EV_ACTIVE)) &&
	    json_object_set_new(j, "port", str_or_null(ev->port))) ||
	    (ev->lag && lag_event_fields(j, ev->lag)) ||
	    json_object_set_new(j, "ts_ns", json_integer((json_int_t)ev->ts_ns)) ||
	    json_object_set_new(j, "time", json_string(when))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* First say how many events were lost, if any. */
static int
monitor_send(struct ctl_client *c, const json_t *j)
{
	json_t *lost;
	int e;

	if (c->lost) {
		lost = json_pack("{s:s, s:I, s:O, s:O}", "event", "lost",
		    "count", (json_int_t)c->lost,
		    "ts_ns", json_object_get(j, "ts_ns"),
		    "time", json_object_get(j, "time"));
		e = lost ? ctl_client_send(c, lost) : -ENOMEM;
		json_decref(lost);
		if (e)
			return e;
		c->lost = 0;
	}
	return ctl_client_send(c, j);
}

static void
monitor_event(const struct nic_event *ev, void *arg)
{
	struct ctl_client *c = arg;
	json_t *j;
	int e;

	if (c->dead)
		return;
	j = event_json(c->srv, ev);
	e = j ? monitor_send(c, j) : -EAGAIN;
	json_decref(j);
	if (e == -EAGAIN || e == -ENOBUFS) {
		c->lost++;		/* a slow reader: it is told later */
	} else if (e) {
		c->dead = true;		/* closed at its next input */
		ctl_monitor_stop(c);
	}
}

void
ctl_monitor_stop(struct ctl_client *c)
{
	nic_unsubscribe(c->srv->nic, c);
	c->monitor = false;
}

static int
cmd_monitor(struct ctl_client *c, const json_t *req, json_t **result,
    struct nic_err *err)
{
	int e;

	if (c->monitor)
		return 0;
	e = nic_subscribe(c->srv->nic, monitor_event, c);
	if (e)
		return nic_err_set(err, e, "monitor: %s", e == -ENOSPC ?
		    "too many monitors already" : strerror(-e));
	c->monitor = true;
	return 0;
}

/* ---- the table and the checks every request goes through ---- */

static const char *const f_port[] = { "port", NULL };
static const char *const f_backend[] = { "backend", NULL };
static const char *const f_option[] = { "name", "value", NULL };
static const char *const f_vf[] = { "vf", NULL };

static const struct ctl_cmd ctl_cmds[] = {
	{ "show", cmd_show, true, NULL, NULL },
	{ "counters", cmd_counters, true, NULL, NULL },
	{ "config", cmd_config, true, NULL, NULL },
	{ "caps", cmd_caps, true, NULL, NULL },
	{ "rdma", cmd_rdma, true, NULL, NULL },
	{ "monitor", cmd_monitor, true, NULL, NULL },
	{ "port-add", cmd_port_add, false, f_port, f_backend },
	{ "port-del", cmd_port_del, false, f_port, NULL },
	{ "option-set", cmd_option_set, false, f_option, NULL },
	{ "vf-add", cmd_vf_add, false, f_vf, ctl_vf_key_names },
	{ "vf-set", cmd_vf_set, false, f_vf, ctl_vf_key_names },
	{ "vf-del", cmd_vf_del, false, f_vf, NULL },
};

static bool
listed(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static const struct ctl_cmd *
cmd_find(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(ctl_cmds); i++)
		if (strcmp(ctl_cmds[i].name, name) == 0)
			return &ctl_cmds[i];
	return NULL;
}

static int
unknown_cmd(const char *name, struct nic_err *err)
{
	char names[128];
	size_t used = 0;

	names[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(ctl_cmds) && used < sizeof(names);
	    i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
		    "%s%s", i ? ", " : "", ctl_cmds[i].name);
	return nic_err_set(err, -EINVAL, "unknown command '%s' (%s)", name,
	    names);
}

static int
check_fields(const struct ctl_cmd *cmd, const json_t *req,
    struct nic_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)req, key, v) {
		if (strcmp(key, "cmd") == 0)
			continue;
		if (!listed(cmd->required, key) && !listed(cmd->optional, key))
			return nic_err_set(err, -EINVAL,
			    "%s: unknown field '%s'", cmd->name, key);
		if (!json_is_string(v))
			return nic_err_set(err, -EINVAL,
			    "%s: field '%s' must be a string", cmd->name, key);
	}
	for (const char *const *f = cmd->required; f && *f; f++)
		if (!json_object_get(req, *f))
			return nic_err_set(err, -EINVAL,
			    "%s: field '%s' is missing", cmd->name, *f);
	return 0;
}

/* Parse and check a request; its command, or NULL with err set. */
static const struct ctl_cmd *
request_cmd(const struct ctl_server *srv, const json_t *req,
    struct nic_err *err)
{
	const char *name = json_string_value(json_object_get(req, "cmd"));
	const struct ctl_cmd *cmd;

	if (!json_is_object(req)) {
		nic_err_set(err, -EINVAL, "a request is a JSON object");
		return NULL;
	}
	if (!name) {
		nic_err_set(err, -EINVAL, "a request needs \"cmd\", a string");
		return NULL;
	}
	cmd = cmd_find(name);
	if (!cmd) {
		unknown_cmd(name, err);
		return NULL;
	}
	if (check_fields(cmd, req, err))
		return NULL;
	if (srv->cfg.read_only && !cmd->read_only) {
		nic_err_set(err, -EPERM, "%s: this socket is read-only", name);
		return NULL;
	}
	return cmd;
}

json_t *
ctl_reply_error(int code, const char *msg)
{
	json_t *r = json_pack("{s:b, s:i, s:s}", "ok", 0, "errno", -code,
	    "error", msg);

	return r ? r : json_null();
}

static json_t *
reply_ok(json_t *result)
{
	json_t *r = json_pack("{s:b}", "ok", 1);

	if (r && result && json_object_set_new(r, "result", result)) {
		json_decref(r);
		return ctl_reply_error(-ENOMEM, "out of memory");
	}
	return r ? r : json_null();
}

static json_t *
request_error(const struct nic_err *err)
{
	if (ratelimit_ok(&ctl_req_rl, &clock_monotonic))
		log_info("control: request refused: %s", err->msg);
	return ctl_reply_error(err->code, err->msg);
}

json_t *
ctl_request(struct ctl_client *c, const char *buf, size_t len)
{
	struct nic_err err = { 0 };
	const struct ctl_cmd *cmd;
	json_t *req, *result = NULL;
	json_error_t je;
	int e;

	if (len == 0) {
		nic_err_set(&err, -EINVAL, "empty request");
		return request_error(&err);
	}
	if (len > CTL_REQ_MAX) {
		nic_err_set(&err, -EMSGSIZE, "request of %zu bytes exceeds the "
		    "limit of %u", len, CTL_REQ_MAX);
		return request_error(&err);
	}
	req = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!req) {
		nic_err_set(&err, -EINVAL, "not a JSON request: %s (at byte %d)",
		    je.text, je.position);
		return request_error(&err);
	}
	cmd = request_cmd(c->srv, req, &err);
	e = cmd ? cmd->handler(c, req, &result, &err) : err.code;
	json_decref(req);
	return e ? request_error(&err) : reply_ok(result);
}
