/* lagnicctl's two outputs: text (wrapped "name value" lists) and JSON. */
#include "cli/output.h"

#include <stdbool.h>
#include <string.h>

#define WRAP_COLS	78

/* ---- JSON: the daemon's result as it is, indented; events compact ---- */

static void
json_result(FILE *f, const json_t *result)
{
	json_dumpf(result, f, JSON_INDENT(2));
	fputc('\n', f);
}

static void
json_event(FILE *f, const json_t *ev)
{
	json_dumpf(ev, f, JSON_COMPACT);
	fputc('\n', f);
	fflush(f);
}

const struct out_ops out_json = {
	.name = "json",
	.show = json_result,
	.counters = json_result,
	.config = json_result,
	.caps = json_result,
	.rdma = json_result,
	.event = json_event,
};

/* ---- text ---- */

/* A line of "name value" items, wrapped under an indent. */
struct wrap {
	FILE *f;
	int indent;
	int col;
	unsigned items;
};

static void
wrap_begin(struct wrap *w, FILE *f, int indent, const char *head)
{
	*w = (struct wrap){ .f = f, .indent = indent };
	w->col = fprintf(f, "%*s%s", indent, "", head ? head : "");
}

static void
wrap_add(struct wrap *w, const char *item)
{
	int len = (int)strlen(item);

	if (w->items && w->col + 2 + len > WRAP_COLS) {
		fprintf(w->f, ",\n");
		w->col = fprintf(w->f, "%*s", w->indent + 4, "");
	} else if (w->items) {
		w->col += fprintf(w->f, ", ");
	}
	w->col += fprintf(w->f, "%s", item);
	w->items++;
}

static void
wrap_end(struct wrap *w)
{
	fputc('\n', w->f);
}

static bool
is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static bool
is_scalar_list(const json_t *v)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, x)
		if (!is_scalar(x))
			return false;
	return true;
}

/* A scalar, or a list of them joined by ",", as text. */
static void
value_text(const json_t *v, char *buf, size_t len)
{
	size_t used = 0, i;
	json_t *x;

	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, len, "%s", json_string_value(v)[0] ?
		    json_string_value(v) : "\"\"");
		return;
	case JSON_INTEGER:
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return;
	case JSON_REAL:
		snprintf(buf, len, "%g", json_real_value(v));
		return;
	case JSON_TRUE:
		snprintf(buf, len, "yes");
		return;
	case JSON_FALSE:
		snprintf(buf, len, "no");
		return;
	case JSON_ARRAY:
		buf[0] = '\0';
		json_array_foreach(v, i, x) {
			if (used >= len)
				break;
			used += (size_t)snprintf(buf + used, len - used, "%s",
			    i ? "," : "");
			if (used < len)
				value_text(x, buf + used, len - used);
			used += strlen(buf + used);
		}
		if (!json_array_size(v))
			snprintf(buf, len, "-");
		return;
	default:
		snprintf(buf, len, "-");
	}
}

static void text_object(FILE *f, const json_t *obj, int indent);

/* An object's scalars on one wrapped line after head. */
static void
text_scalars(FILE *f, const json_t *obj, int indent, const char *head)
{
	char item[512], val[448];
	struct wrap w;
	const char *key;
	json_t *v;

	wrap_begin(&w, f, indent, head);
	json_object_foreach((json_t *)obj, key, v) {
		if ((!is_scalar(v) && !is_scalar_list(v)) || json_is_null(v))
			continue;	/* null: does not apply (not 802.3ad) */
		value_text(v, val, sizeof(val));
		snprintf(item, sizeof(item), "%s %s", key, val);
		wrap_add(&w, item);
	}
	wrap_end(&w);
}

static bool
has_scalars(const json_t *obj)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
		if ((is_scalar(v) && !json_is_null(v)) || is_scalar_list(v))
			return true;
	return false;
}

/* Nested objects and lists of objects, each under its key. */
static void
text_nested(FILE *f, const json_t *obj, int indent)
{
	char head[96];
	const char *key;
	json_t *v, *x;
	size_t i;

	json_object_foreach((json_t *)obj, key, v) {
		if (json_is_object(v)) {
			snprintf(head, sizeof(head), "%s: ", key);
			if (has_scalars(v))
				text_scalars(f, v, indent, head);
			else
				fprintf(f, "%*s%s:%s\n", indent, "", key,
				    json_object_size(v) ? "" : " none");
			text_nested(f, v, indent + 2);
		} else if (json_is_array(v) && !is_scalar_list(v)) {
			json_array_foreach(v, i, x) {
				fprintf(f, "%*s%s[%zu]:\n", indent, "", key, i);
				text_object(f, x, indent + 2);
			}
		}
	}
}

static void
text_object(FILE *f, const json_t *obj, int indent)
{
	if (!json_is_object(obj))
		return;
	if (has_scalars(obj))
		text_scalars(f, obj, indent, NULL);
	text_nested(f, obj, indent);
}

static const char *
str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static bool
flag(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

static void
text_lacp_info(FILE *f, const json_t *info, const char *who)
{
	char state[256], head[16];

	value_text(json_object_get(info, "state"), state, sizeof(state));
	snprintf(head, sizeof(head), "%s:", who);
	fprintf(f, "      %-8s system %s prio %lld, key %lld, port %lld prio "
	    "%lld\n%15sstate %s\n", head, str(info, "system"),
	    json_integer_value(json_object_get(info, "system_priority")),
	    json_integer_value(json_object_get(info, "key")),
	    json_integer_value(json_object_get(info, "port")),
	    json_integer_value(json_object_get(info, "port_priority")), "",
	    state);
}

static void
text_member(FILE *f, const json_t *m)
{
	const json_t *lacp = json_object_get(m, "lacp");

	fprintf(f, "  port %s (%s): link %s, carrier %s%s%s, %lld lanes\n",
	    str(m, "port"), str(m, "backend"), str(m, "link"),
	    flag(m, "carrier") ? "up" : "down",
	    flag(m, "collecting") ? ", collecting" : "",
	    flag(m, "distributing") ? ", distributing" : "",
	    json_integer_value(json_object_get(m, "lanes")));
	if (!json_is_object(lacp))
		return;
	fprintf(f, "    lacp: aggregator %lld %s, mux %s, rx %s%s%s\n",
	    json_integer_value(json_object_get(lacp, "aggregator")),
	    str(lacp, "selected"), str(lacp, "mux"), str(lacp, "rx"),
	    flag(lacp, "actor_churn") ? ", actor churn" : "",
	    flag(lacp, "partner_churn") ? ", partner churn" : "");
	text_lacp_info(f, json_object_get(lacp, "actor"), "actor");
	text_lacp_info(f, json_object_get(lacp, "partner"), "partner");
}

/* "vf N: name ..., mac ..., ...": its scalars but the number. */
static void
text_vf(FILE *f, const json_t *vf)
{
	json_t *rest = json_deep_copy(vf);
	char head[32];

	snprintf(head, sizeof(head), "vf %lld: ",
	    json_integer_value(json_object_get(vf, "vf")));
	if (!rest)
		return;
	json_object_del(rest, "vf");
	text_scalars(f, rest, 2, head);
	json_decref(rest);
}

static void
text_show(FILE *f, const json_t *r)
{
	const json_t *lacp = json_object_get(r, "lacp"),
	    *pf = json_object_get(r, "pf"), *m;
	size_t i;

	fprintf(f, "%s: %s, carrier %s", str(r, "name"), str(r, "mode"),
	    flag(r, "carrier") ? "up" : "down");
	if (json_is_string(json_object_get(r, "active")))
		fprintf(f, ", active %s", str(r, "active"));
	fputc('\n', f);
	text_scalars(f, json_object_get(r, "options"), 2, "options: ");
	if (json_is_object(lacp))
		text_scalars(f, lacp, 2, "lacp: ");
	json_array_foreach(json_object_get(r, "members"), i, m)
		text_member(f, m);
	if (json_is_object(pf))
		fprintf(f, "  pf: %s\n", str(pf, "name"));
	json_array_foreach(json_object_get(r, "vfs"), i, m)
		text_vf(f, m);
	text_scalars(f, json_object_get(r, "caps"), 2, "caps: ");
}

static void
text_generic(FILE *f, const json_t *r)
{
	text_object(f, r, 0);
}

/* "path value" lines, as `option set` takes them for bond.*. */
static void
text_flat(FILE *f, const json_t *obj, const char *prefix)
{
	char path[128], val[512];
	const char *key;
	json_t *v;

	json_t *x;
	size_t i;

	json_object_foreach((json_t *)obj, key, v) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] ? "." : "", key);
		if (json_is_object(v)) {
			text_flat(f, v, path);
			continue;
		}
		if (json_is_array(v) && !is_scalar_list(v)) {
			json_array_foreach(v, i, x) {
				char item[160];

				snprintf(item, sizeof(item), "%.128s[%zu]", path,
				    i);
				text_flat(f, x, item);
			}
			continue;
		}
		value_text(v, val, sizeof(val));
		fprintf(f, "%s %s\n", path, val);
	}
}

static void
text_config(FILE *f, const json_t *r)
{
	text_flat(f, r, "");
}

static void
text_event_lacp(FILE *f, const json_t *ev)
{
	char actor[256], partner[256];

	value_text(json_object_get(ev, "actor"), actor, sizeof(actor));
	value_text(json_object_get(ev, "partner"), partner, sizeof(partner));
	fprintf(f, " mux %s, rx %s, actor %s, partner %s%s%s", str(ev, "mux"),
	    str(ev, "rx"), actor, partner,
	    flag(ev, "actor_churn") ? ", actor churn" : "",
	    flag(ev, "partner_churn") ? ", partner churn" : "");
}

static void
text_event(FILE *f, const json_t *ev)
{
	const char *type = str(ev, "event");
	const json_t *port = json_object_get(ev, "port");

	fprintf(f, "%s %s", str(ev, "time"), type);
	if (json_is_string(port))
		fprintf(f, " %s", json_string_value(port));
	else if (port)
		fprintf(f, " none");
	if (strcmp(type, "link") == 0)
		fprintf(f, " %s", str(ev, "state"));
	else if (strcmp(type, "carrier") == 0)
		fprintf(f, " %s", flag(ev, "up") ? "up" : "down");
	else if (strcmp(type, "active") == 0)
		fprintf(f, " (was %s)", json_is_string(json_object_get(ev,
		    "old")) ? str(ev, "old") : "none");
	else if (strcmp(type, "lacp") == 0)
		text_event_lacp(f, ev);
	else if (strcmp(type, "lost") == 0)
		fprintf(f, " %lld events",
		    json_integer_value(json_object_get(ev, "count")));
	fputc('\n', f);
	fflush(f);
}

const struct out_ops out_text = {
	.name = "text",
	.show = text_show,
	.counters = text_generic,
	.config = text_config,
	.caps = text_generic,
	.rdma = text_generic,
	.event = text_event,
};
