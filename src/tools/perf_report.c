/*
 * perf: the report, as text for people or one JSON object for scripts.
 * Both are made from the same numbers; Gbit/s counts L2 frame bytes only
 * (no preamble, IFG or FCS), see perf.h.
 */
#include "tools/perf.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>

struct perf_rate {
	double seconds, pps, gbps;
};

static struct perf_rate
perf_rate_of(uint64_t frames, uint64_t bytes, uint64_t first_ns,
    uint64_t last_ns)
{
	struct perf_rate r = { 0 };

	if (last_ns <= first_ns)
		return r;
	r.seconds = (double)(last_ns - first_ns) / NSEC_PER_SEC;
	r.pps = frames / r.seconds;
	r.gbps = bytes * 8.0 / r.seconds / 1e9;
	return r;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static json_t *
report_json(const struct perf_tool *tool, const struct perf_opts *o,
    uint64_t frames, uint64_t bytes, const struct perf_rate *r, uint64_t loss)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:f,"
	    " s:f, s:I}",
	    "tool", tool->name, "mode", perf_mode_names[o->mode],
	    "backend", o->backend, "if", o->ifname,
	    "size", (json_int_t)o->size, "flows", (json_int_t)o->flows,
	    "frames", (json_int_t)frames, "bytes", (json_int_t)bytes,
	    "seconds", r->seconds, "pps", r->pps, "gbps", r->gbps,
	    "loss", (json_int_t)loss);
}

static int
report_counters_json(json_t *obj, const struct perf_counters *pc)
{
	json_t *c = json_object();

	if (!c)
		return -ENOMEM;
	for (unsigned i = 0; pc && i < pc->n; i++)
		json_object_set_new(c, pc->c[i].name,
		    json_integer((json_int_t)pc->c[i].value));
	return json_object_set_new(obj, "counters", c) ? -ENOMEM : 0;
}

static int
report_json_print(FILE *out, json_t *obj, const struct perf_counters *pc)
{
	int err = report_counters_json(obj, pc);

	if (!err && json_dumpf(obj, out, JSON_COMPACT | JSON_REAL_PRECISION(10)))
		err = -EIO;
	if (!err)
		fputc('\n', out);
	json_decref(obj);
	fflush(out);
	return err;
}

static void
report_text_rate(FILE *out, const struct perf_rate *r)
{
	fprintf(out, "  rate      %.3f Mpps, %.3f Gbit/s (frame bytes, no "
	    "preamble/IFG/FCS)\n", r->pps / 1e6, r->gbps);
}

/* Nonzero counters only: a zero says nothing a person needs to read. */
static void
report_text_counters(FILE *out, const struct perf_counters *pc)
{
	const char *sep = "  counters  ";

	for (unsigned i = 0; pc && i < pc->n; i++) {
		if (!pc->c[i].value)
			continue;
		fprintf(out, "%s%s %" PRIu64, sep, pc->c[i].name,
		    pc->c[i].value);
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc('\n', out);
}

int
perf_report_tx(FILE *out, const struct perf_tool *tool,
    const struct perf_opts *o, const struct perf_tx *tx, uint64_t loss_tx,
    const struct perf_counters *pc)
{
	struct perf_rate r = perf_rate_of(tx->frames, tx->bytes, tx->start_ns,
	    tx->last_ns);
	json_t *obj;

	if (o->json) {
		obj = report_json(tool, o, tx->frames, tx->bytes, &r, loss_tx);
		if (obj && (json_object_set_new(obj, "rate_limit_pps",
		    json_integer((json_int_t)o->rate_pps)) ||
		    json_object_set_new(obj, "end_markers",
		    json_integer((json_int_t)tx->end_markers)))) {
			json_decref(obj);
			obj = NULL;
		}
		return obj ? report_json_print(out, obj, pc) : -ENOMEM;
	}
	fprintf(out, "%s tx: %s %s, %u B frames, %u flow%s\n", tool->name,
	    o->backend, o->ifname, o->size, o->flows, plural(o->flows));
	fprintf(out, "  sent      %" PRIu64 " frames, %" PRIu64 " B in %.3f s"
	    ", %" PRIu64 " end marker%s\n", tx->frames, tx->bytes, r.seconds,
	    tx->end_markers, plural(tx->end_markers));
	report_text_rate(out, &r);
	fprintf(out, "  loss      %" PRIu64 " (taken by the port, then "
	    "dropped)\n", loss_tx);
	report_text_counters(out, pc);
	fflush(out);
	return 0;
}

static int
report_rx_json_add(json_t *obj, const struct perf_rx *rx,
    const struct perf_rx_sum *s)
{
	json_t *more = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f,"
	    " s:b, s:I}",
	    "streams", (json_int_t)s->streams,
	    "unique", (json_int_t)s->unique,
	    "duplicates", (json_int_t)s->dups,
	    "reordered", (json_int_t)s->reordered,
	    "stale", (json_int_t)s->stale,
	    "other", (json_int_t)rx->other,
	    "expected", (json_int_t)s->expected,
	    "loss_pct", s->expected ? 100.0 * s->lost / s->expected : 0.0,
	    "end_seen", s->end_seen_all,
	    "end_markers", (json_int_t)rx->end_markers);

	if (!more || json_object_update(obj, more)) {
		json_decref(more);
		return -ENOMEM;
	}
	json_decref(more);
	return 0;
}

static void
report_rx_text(FILE *out, const struct perf_tool *tool,
    const struct perf_opts *o, const struct perf_rx *rx,
    const struct perf_rx_sum *s, const struct perf_rate *r)
{
	fprintf(out, "%s rx: %s %s, %" PRIu64 " stream%s, %s\n", tool->name,
	    o->backend, o->ifname, s->streams, plural(s->streams),
	    s->end_seen_all ? "end marker seen" : "no end marker");
	fprintf(out, "  received  %" PRIu64 " frames, %" PRIu64 " B in %.3f s"
	    "\n", rx->frames, rx->bytes, r->seconds);
	report_text_rate(out, r);
	fprintf(out, "  loss      %" PRIu64 " of %" PRIu64 " (%.4f %%), "
	    "duplicates %" PRIu64 ", reordered %" PRIu64 ", other frames %"
	    PRIu64 "\n", s->lost, s->expected,
	    s->expected ? 100.0 * s->lost / s->expected : 0.0, s->dups,
	    s->reordered, rx->other);
	if (s->stale)
		fprintf(out, "  stale     %" PRIu64 " (too late to tell)\n",
		    s->stale);
}

int
perf_report_rx(FILE *out, const struct perf_tool *tool,
    const struct perf_opts *o, const struct perf_rx *rx,
    const struct perf_counters *pc)
{
	struct perf_rate r = perf_rate_of(rx->frames, rx->bytes, rx->first_ns,
	    rx->last_ns);
	struct perf_rx_sum s;
	json_t *obj;

	perf_rx_sum(rx, &s);
	if (o->json) {
		obj = report_json(tool, o, rx->frames, rx->bytes, &r, s.lost);
		if (!obj || report_rx_json_add(obj, rx, &s)) {
			json_decref(obj);
			return -ENOMEM;
		}
		return report_json_print(out, obj, pc);
	}
	report_rx_text(out, tool, o, rx, &s, &r);
	report_text_counters(out, pc);
	fflush(out);
	return 0;
}
