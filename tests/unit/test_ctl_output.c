/*
 * lagnicctl's text output of documents the daemon sends (the golden JSON
 * files), for what the end-to-end test cannot reach without a partner:
 * 802.3ad state and LACP events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl_golden.h"
#include "cli/output.h"

static json_t *
golden_json(const char *name)
{
	char path[512];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", CTL_GOLDEN_DIR, name);
	j = json_load_file(path, 0, &je);
	if (!j)
		fail_msg("%s: %s", path, je.text);
	return j;
}

/* out's text against tests/golden/<name> (LAGNIC_GOLDEN_UPDATE writes). */
static void
assert_golden_text(const char *text, const char *name)
{
	char path[512], want[65536];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", CTL_GOLDEN_DIR, name);
	if (getenv("LAGNIC_GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		fputs(text, f);
		fclose(f);
	}
	f = fopen(path, "r");
	if (f) {
		n = fread(want, 1, sizeof(want) - 1, f);
		fclose(f);
	}
	want[n] = '\0';
	if (strcmp(text, want) != 0)
		fail_msg("%s differs; got:\n%s", path, text);
}

typedef void print_fn(FILE *f, const json_t *j);

static void
render(print_fn *fn, const json_t *j, const char *golden)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, j);
	fclose(f);
	assert_golden_text(buf, golden);
	free(buf);
}

static void
test_show_lacp_text(void **state)
{
	json_t *j = golden_json("show_lacp.json");

	render(out_text.show, j, "lagnicctl_show_lacp.txt");
	json_decref(j);
	j = golden_json("counters_lacp.json");
	render(out_text.counters, j, "lagnicctl_counters_lacp.txt");
	json_decref(j);
}

static void
test_show_vfs_text(void **state)
{
	json_t *j = golden_json("show_vfs.json");

	render(out_text.show, j, "lagnicctl_show_vfs.txt");
	json_decref(j);
	j = golden_json("counters_vfs.json");
	render(out_text.counters, j, "lagnicctl_counters_vfs.txt");
	json_decref(j);
	j = golden_json("config_vfs.json");
	render(out_text.config, j, "lagnicctl_config_vfs.txt");
	json_decref(j);
}

static void
test_events_text(void **state)
{
	static const char *const events[] = {
		"{\"event\": \"lacp\", \"port\": \"a0\", \"actor\": [\"activity\","
		" \"aggregation\"], \"actor_old\": [], \"partner\": [], "
		"\"partner_old\": [], \"mux\": \"waiting\", \"rx\": "
		"\"defaulted\", \"actor_churn\": false, \"partner_churn\": true,"
		" \"ts_ns\": 5, \"time\": \"2026-01-02T03:04:05.000001Z\"}",
		"{\"event\": \"carrier\", \"up\": false, \"ts_ns\": 6, "
		"\"time\": \"2026-01-02T03:04:05.000002Z\"}",
		"{\"event\": \"active\", \"port\": null, \"old\": \"a1\", "
		"\"ts_ns\": 7, \"time\": \"2026-01-02T03:04:05.000003Z\"}",
		"{\"event\": \"port-removed\", \"port\": \"a1\", \"ts_ns\": 8, "
		"\"time\": \"2026-01-02T03:04:05.000004Z\"}",
		"{\"event\": \"lost\", \"count\": 12, \"ts_ns\": 9, "
		"\"time\": \"2026-01-02T03:04:05.000005Z\"}",
	};
	char *buf = NULL, *jbuf = NULL;
	size_t len = 0, jlen = 0;
	FILE *f = open_memstream(&buf, &len), *jf = open_memstream(&jbuf, &jlen);

	for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		json_t *ev = json_loads(events[i], 0, NULL);

		assert_non_null(ev);
		out_text.event(f, ev);
		out_json.event(jf, ev);
		json_decref(ev);
	}
	fclose(f);
	fclose(jf);
	assert_golden_text(buf, "lagnicctl_events.txt");
	/* -j: one compact object per line, as received */
	assert_int_equal(strchr(jbuf, '\n') - jbuf, (long)strcspn(jbuf, "\n"));
	assert_non_null(strstr(jbuf, "{\"event\":\"carrier\",\"up\":false,"));
	free(buf);
	free(jbuf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_lacp_text),
		cmocka_unit_test(test_show_vfs_text),
		cmocka_unit_test(test_events_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
