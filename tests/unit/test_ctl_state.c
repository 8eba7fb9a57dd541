/*
 * The JSON of show, counters, config and caps against golden files, for a
 * NIC on sim ports. LAGNIC_GOLDEN_UPDATE=1 rewrites the files instead (then
 * review the diff: the output is an interface).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl_golden.h"
#include "ctl/config.h"
#include "ctl/state.h"
#include "port/sim.h"

struct fixture {
	struct sim sim;
	struct sim_wire *wire[3];
	struct nic *nic;
	struct nic_caps caps;
};

/* A fixed profile: the golden files must not follow what is built. */
static void
golden_caps(struct nic_caps *caps)
{
	caps->max_lags = 1;
	caps->max_ports_per_lag = 4;
	caps->max_vfs = 8;
	caps->modes = (1u << LAG_MODE_BALANCE_RR) |
	    (1u << LAG_MODE_ACTIVE_BACKUP) | (1u << LAG_MODE_BALANCE_XOR) |
	    (1u << LAG_MODE_BROADCAST);
	caps->hash_policies = (1u << LAG_HASH_COUNT) - 1;
}

static void
node_poll(void *arg, uint64_t now)
{
	nic_poll(arg);
}

static uint64_t
node_deadline(void *arg)
{
	return nic_next_deadline(arg);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nic_env env;
	struct nic_config cfg;
	struct nic_err err = { 0 };

	assert_int_equal(sim_init(&f->sim, 0x601d), 0);
	f->wire[0] = sim_wire_add(&f->sim, "a0", "b0");
	f->wire[1] = sim_wire_add(&f->sim, "a1", "b1");
	f->wire[2] = sim_wire_add(&f->sim, "a2", "b2");
	golden_caps(&f->caps);
	assert_int_equal(ctl_config_load_string("{\"device\": \"lag0\", "
	    "\"backend\": \"sim\", \"pf\": false, \"runner\": {\"name\": "
	    "\"activebackup\"}, \"link_watch\": {\"name\": \"ethtool\", "
	    "\"delay_up\": 100}, \"notify_peers\": {\"count\": 2}, "
	    "\"ports\": {\"a0\": {\"prio\": 10}, \"a1\": {\"lacp_prio\": 7}, "
	    "\"a2\": {\"queue_id\": 2}}}", NULL, &f->caps, &cfg, &err), 0);
	env = (struct nic_env){ .clock = sim_clock(&f->sim), .sim = &f->sim };
	if (nic_create(&f->nic, &cfg, &f->caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = f->nic }), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nic_destroy(f->nic);
	sim_fini(&f->sim);
	free(f);
	return 0;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* Compare (or with LAGNIC_GOLDEN_UPDATE, write) tests/golden/<name>. */
static void
assert_golden(json_t *j, const char *name)
{
	char path[512], *text, *want;
	FILE *fp;

	assert_non_null(j);
	text = json_dumps(j, JSON_INDENT(2));
	assert_non_null(text);
	snprintf(path, sizeof(path), "%s/%s", CTL_GOLDEN_DIR, name);
	if (getenv("LAGNIC_GOLDEN_UPDATE")) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fprintf(fp, "%s\n", text);
		fclose(fp);
	}
	want = slurp(path);
	if (!want)
		fail_msg("%s: missing (LAGNIC_GOLDEN_UPDATE=1 writes it)", path);
	if (strlen(want) && want[strlen(want) - 1] == '\n')
		want[strlen(want) - 1] = '\0';
	if (strcmp(text, want) != 0)
		fail_msg("%s differs; got:\n%s", path, text);
	free(want);
	free(text);
	json_decref(j);
}

/* a0 comes up, a1 waits its updelay, a2's carrier is cut: every state. */
static void
settle(struct fixture *f)
{
	sim_carrier_set(f->wire[2], false);
	sim_run_for(&f->sim, 50 * NSEC_PER_MSEC);
}

static void
test_show(void **state)
{
	struct fixture *f = *state;
	struct ctl_view v;

	settle(f);
	ctl_view_of_nic(&v, f->nic);
	assert_golden(ctl_state_show(&v), "show_active_backup.json");
}

static void
test_show_after_failover(void **state)
{
	struct fixture *f = *state;
	struct ctl_view v;

	settle(f);
	sim_run_for(&f->sim, 100 * NSEC_PER_MSEC);	/* a1 past updelay */
	sim_carrier_set(f->wire[0], false);
	ctl_view_of_nic(&v, f->nic);
	assert_non_null(v.lag->active);
	assert_string_equal(v.lag->active->port->name, "a1");
	assert_golden(ctl_state_show(&v), "show_failover.json");
	assert_golden(ctl_state_counters(&v), "counters_failover.json");
}

static void
test_config_and_caps(void **state)
{
	struct fixture *f = *state;

	assert_golden(ctl_config_to_json(nic_config(f->nic)),
	    "config_active_backup.json");
	assert_golden(ctl_state_caps(nic_caps(f->nic)), "caps.json");
}

/* The PF's rows, with a port and counters made up for the view. */
static void
test_pf_rows(void **state)
{
	struct fixture *f = *state;
	struct port pf = { .name = "lag0" };
	struct nic_fn_counters cnt = {
		.rx_packets = 1, .rx_bytes = 2, .tx_packets = 3, .tx_bytes = 4,
		.rx_dropped = 5, .tx_dropped = 6,
	};
	struct ctl_view v;
	json_t *j;

	pf.cnt.rx_packets = 10;
	pf.cnt.carrier_changes = 11;
	ctl_view_of_nic(&v, f->nic);
	v.pf = &pf;
	v.pf_cnt = &cnt;
	j = ctl_state_counters(&v);
	assert_non_null(j);
	assert_golden(json_incref(json_object_get(j, "functions")),
	    "counters_pf.json");
	json_decref(j);
}

/* Two NICs in 802.3ad, joined by two sim wires, after negotiation. */
struct lacp_pair {
	struct sim sim;
	struct nic *a, *b;
};

static struct nic *
lacp_nic(struct lacp_pair *p, const char *json)
{
	struct nic_env env = { .clock = sim_clock(&p->sim), .sim = &p->sim };
	struct nic_config cfg;
	struct nic_caps caps;
	struct nic_err err = { 0 };
	struct nic *nic;

	golden_caps(&caps);
	caps.modes |= 1u << LAG_MODE_8023AD;
	assert_int_equal(ctl_config_load_string(json, NULL, &caps, &cfg,
	    &err), 0);
	if (nic_create(&nic, &cfg, &caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&p->sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = nic }), 0);
	return nic;
}

static void
lacp_nic_unplug(struct nic *nic)
{
	struct nic_config cfg = *nic_config(nic);
	struct nic_err err = { 0 };

	cfg.nports = 0;
	assert_int_equal(nic_reconfigure(nic, &cfg, &err), 0);
}

static void
test_lacp(void **state)
{
	struct lacp_pair *p = calloc(1, sizeof(*p));
	struct ctl_view v;

	assert_int_equal(sim_init(&p->sim, 0x1ac9), 0);
	sim_wire_add(&p->sim, "a0", "b0");
	sim_wire_add(&p->sim, "a1", "b1");
	p->a = lacp_nic(p, "{\"device\": \"lagA\", \"backend\": \"sim\", "
	    "\"pf\": false, \"runner\": {\"name\": \"lacp\", \"fast_rate\": "
	    "true, \"sys_prio\": 100}, \"bond\": {\"ad_actor_system\": "
	    "\"02:00:00:00:00:0a\"}, \"ports\": [\"a0\", \"a1\"]}");
	p->b = lacp_nic(p, "{\"device\": \"lagB\", \"backend\": \"sim\", "
	    "\"pf\": false, \"runner\": {\"name\": \"lacp\"}, \"bond\": "
	    "{\"ad_actor_system\": \"02:00:00:00:00:0b\"}, "
	    "\"ports\": [\"b0\", \"b1\"]}");
	sim_run_for(&p->sim, 5 * NSEC_PER_SEC);
	ctl_view_of_nic(&v, p->a);
	assert_true(v.lag->carrier);
	assert_golden(ctl_state_show(&v), "show_lacp.json");
	assert_golden(ctl_state_counters(&v), "counters_lacp.json");
	/* frames in flight belong to the NICs' pools: ports go first, then
	 * the sim frees what is in flight, then the pools go */
	lacp_nic_unplug(p->a);
	lacp_nic_unplug(p->b);
	sim_fini(&p->sim);
	nic_destroy(p->a);
	nic_destroy(p->b);
	free(p);
}

/* No LAG yet (a view of a config only): the rows still render. */
static void
test_view_without_lag(void **state)
{
	struct nic_config cfg;
	struct nic_caps caps;
	struct ctl_view v = { .cfg = &cfg, .caps = &caps };
	json_t *j;

	nic_config_default(&cfg);
	golden_caps(&caps);
	j = ctl_state_show(&v);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "carrier")));
	assert_true(json_is_null(json_object_get(j, "active")));
	assert_int_equal(json_array_size(json_object_get(j, "members")), 0);
	json_decref(j);
}

/* VFs: their settings, state, learnt address and counters. */
static void
vm_send(struct port *vm, struct pkt_pool *pool, const uint8_t *src,
    bool arp)
{
	struct pkt *p = pkt_alloc(pool);
	static const uint8_t hdr[] = { 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };

	assert_non_null(p);
	memset(p->data, 0, 60);
	memset(p->data, 0xff, 6);
	memcpy(p->data + 6, src, 6);
	p->data[12] = 0x88;
	p->data[13] = 0xb5;
	if (arp) {
		memcpy(p->data + 12, hdr, sizeof(hdr));
		memcpy(p->data + 22, src, 6);
		memcpy(p->data + 28, (uint8_t[]){ 10, 9, 0, 5 }, 4);
		memcpy(p->data + 38, (uint8_t[]){ 10, 9, 0, 1 }, 4);
	}
	p->len = 60;
	assert_int_equal(port_tx_burst(vm, &p, 1), 1);
}

static void
test_vfs(void **state)
{
	static const uint8_t mac0[6] = { 2, 0, 0, 0, 0xf, 0 };
	static const uint8_t forged[6] = { 2, 0xde, 0xad, 0, 0, 1 };
	struct nic_env env;
	struct nic_config cfg;
	struct nic_caps caps;
	struct nic_err err = { 0 };
	struct pkt_pool pool;
	struct port *vm, *sw;
	struct ctl_view v;
	struct sim sim;
	struct nic *nic;

	assert_int_equal(sim_init(&sim, 0x7f5), 0);
	sim_wire_add(&sim, "a0", "b0");
	sim_wire_add(&sim, "v0", "w0");
	sim_wire_add(&sim, "v1", "w1");
	assert_int_equal(pkt_pool_init(&pool, 256, 2048), 0);
	assert_int_equal(port_open(&vm, "sim", &(struct port_config){
	    .ifname = "w0", .sim = &sim }, &pool, 90), 0);
	assert_int_equal(port_open(&sw, "sim", &(struct port_config){
	    .ifname = "b0", .sim = &sim }, &pool, 91), 0);
	golden_caps(&caps);
	assert_int_equal(ctl_config_load_string("{\"device\": \"lag0\", "
	    "\"backend\": \"sim\", \"pf\": false, \"runner\": {\"name\": "
	    "\"activebackup\"}, \"ports\": [\"a0\"], \"vfs\": [{\"vf\": 0, "
	    "\"name\": \"v0\", \"mac\": \"02:00:00:00:0f:00\", "
	    "\"max_tx_rate\": 100}, {\"vf\": 5, \"name\": \"v1\", \"mac\": "
	    "\"02:00:00:00:0f:05\", \"vlan\": 10, \"qos\": 2, \"trust\": true, "
	    "\"state\": \"disable\"}]}", NULL, &caps, &cfg, &err), 0);
	env = (struct nic_env){ .clock = sim_clock(&sim), .sim = &sim };
	if (nic_create(&nic, &cfg, &caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = nic }), 0);
	sim_run_for(&sim, NSEC_PER_MSEC);
	vm_send(vm, &pool, mac0, true);		/* learnt: 10.9.0.5 */
	vm_send(vm, &pool, mac0, false);
	vm_send(vm, &pool, forged, false);	/* spoofed: dropped */
	sim_run_for(&sim, NSEC_PER_MSEC);
	ctl_view_of_nic(&v, nic);
	assert_int_equal(v.nvfs, 2);
	assert_golden(ctl_state_show(&v), "show_vfs.json");
	assert_golden(ctl_state_counters(&v), "counters_vfs.json");
	assert_golden(ctl_config_to_json(nic_config(nic)), "config_vfs.json");
	/* the NIC's frames in sw's ring go back to the NIC's pool first */
	port_close(sw);
	port_close(vm);
	nic_destroy(nic);
	sim_fini(&sim);
	pkt_pool_fini(&pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show_after_failover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_and_caps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pf_rows, setup, teardown),
		cmocka_unit_test(test_view_without_lag),
		cmocka_unit_test(test_lacp),
		cmocka_unit_test(test_vfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
