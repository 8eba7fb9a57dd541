/* The NIC's configuration path on sim ports: whole or nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/nic.h"
#include "port/sim.h"

struct fixture {
	struct sim sim;
	struct nic *nic;
	struct nic_caps caps;
	unsigned events[NIC_EV_COUNT];
	char last_port[IF_NAMESIZE];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char a[8], b[8];

	assert_int_equal(sim_init(&f->sim, 0x41c), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(a, sizeof(a), "a%d", i);
		snprintf(b, sizeof(b), "b%d", i);
		assert_non_null(sim_wire_add(&f->sim, a, b));
	}
	nic_caps_default(&f->caps);
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

static void
on_event(const struct nic_event *ev, void *arg)
{
	struct fixture *f = arg;

	f->events[ev->type]++;
	if (ev->port)
		snprintf(f->last_port, sizeof(f->last_port), "%s", ev->port);
}

static struct nic_config
config(enum lag_mode mode, unsigned nports)
{
	struct nic_config cfg;

	nic_config_default(&cfg);
	strcpy(cfg.backend, "sim");
	cfg.pf = false;
	cfg.lag.mode = mode;
	for (unsigned i = 0; i < nports; i++)
		snprintf(cfg.ports[i].ifname, IF_NAMESIZE, "a%u", i);
	cfg.nports = nports;
	return cfg;
}

static int
create(struct fixture *f, const struct nic_config *cfg, struct nic_err *err)
{
	struct nic_env env = { .clock = sim_clock(&f->sim), .sim = &f->sim };
	int e = nic_create(&f->nic, cfg, &f->caps, &env, err);

	if (!e)
		assert_int_equal(nic_subscribe(f->nic, on_event, f), 0);
	return e;
}

static void
assert_members(struct fixture *f, const char *const *names, unsigned n)
{
	struct lag *lag = nic_lag(f->nic);

	assert_int_equal(lag->nmembers, n);
	assert_int_equal(nic_config(f->nic)->nports, n);
	for (unsigned i = 0; i < n; i++)
		assert_non_null(lag_member_find(lag, names[i]));
}

static void
test_create_applies_every_port(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_ACTIVE_BACKUP, 2);
	struct nic_err err = { 0 };

	assert_int_equal(create(f, &cfg, &err), 0);
	assert_members(f, (const char *[]){ "a0", "a1" }, 2);
	assert_string_equal(nic_lag(f->nic)->active->port->name, "a0");
	assert_true(nic_lag(f->nic)->carrier);
}

static void
test_bad_port_applies_nothing(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_BALANCE_XOR, 2), bad;
	struct nic_err err = { 0 };

	assert_int_equal(create(f, &cfg, &err), 0);
	bad = cfg;
	strcpy(bad.ports[0].ifname, "a2");	/* replace a0 by a2 ... */
	strcpy(bad.ports[1].ifname, "nosuch");	/* ... and a1 by nothing */
	assert_int_equal(nic_reconfigure(f->nic, &bad, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "nosuch"));
	/* a0 and a1 still there, a2 was not left half-added */
	assert_members(f, (const char *[]){ "a0", "a1" }, 2);
	assert_null(nic_port(f->nic, "a2"));
	assert_null(sim_end_find(&f->sim, "a2")->port);
	assert_int_equal(f->events[NIC_EV_PORT_ADDED], 0);
	assert_int_equal(f->events[NIC_EV_PORT_REMOVED], 0);
}

static void
test_caps_limit_is_named(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_BALANCE_XOR, 3);
	struct nic_err err = { 0 };

	f->caps.max_ports_per_lag = 2;
	assert_int_equal(create(f, &cfg, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "max_ports_per_lag=2"));
	assert_null(f->nic);
	/* nothing stayed attached to the wires */
	assert_null(sim_end_find(&f->sim, "a0")->port);
	f->caps.modes &= ~(1u << LAG_MODE_BROADCAST);
	cfg = config(LAG_MODE_BROADCAST, 1);
	assert_int_equal(create(f, &cfg, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "broadcast"));
}

static void
test_port_add_del_and_events(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_ACTIVE_BACKUP, 2);
	struct nic_port_config pc = { .ifname = "a2" };
	struct nic_err err = { 0 };

	assert_int_equal(create(f, &cfg, &err), 0);
	assert_int_equal(nic_port_add(f->nic, &pc, &err), 0);
	assert_int_equal(f->events[NIC_EV_PORT_ADDED], 1);
	assert_string_equal(f->last_port, "a2");
	assert_int_equal(nic_port_add(f->nic, &pc, &err), -EBUSY);
	assert_int_equal(nic_port_del(f->nic, "a0", &err), 0);
	assert_int_equal(f->events[NIC_EV_PORT_REMOVED], 1);
	assert_string_equal(nic_lag(f->nic)->active->port->name, "a1");
	assert_true(f->events[NIC_EV_LAG] > 0);
	assert_members(f, (const char *[]){ "a1", "a2" }, 2);
	assert_int_equal(nic_port_del(f->nic, "a0", &err), -ENOENT);
	/* a removed port can be added again */
	strcpy(pc.ifname, "a0");
	assert_int_equal(nic_port_add(f->nic, &pc, &err), 0);
}

static void
test_mode_change_needs_no_ports(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_ACTIVE_BACKUP, 1), next;
	struct nic_err err = { 0 };

	assert_int_equal(create(f, &cfg, &err), 0);
	next = cfg;
	next.lag.mode = LAG_MODE_BALANCE_XOR;
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), -EBUSY);
	assert_int_equal(nic_lag(f->nic)->opt.mode, LAG_MODE_ACTIVE_BACKUP);
	next.nports = 0;
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), -EBUSY);
	assert_int_equal(nic_port_del(f->nic, "a0", &err), 0);
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), 0);
	assert_int_equal(nic_lag(f->nic)->opt.mode, LAG_MODE_BALANCE_XOR);
	assert_string_equal(nic_lag(f->nic)->runner->name, "balance-xor");
}

static void
test_options_apply_live(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_ACTIVE_BACKUP, 2), next;
	struct nic_err err = { 0 };

	assert_int_equal(create(f, &cfg, &err), 0);
	next = cfg;
	strcpy(next.lag.primary, "a1");
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), 0);
	assert_string_equal(nic_lag(f->nic)->active->port->name, "a1");
	next.mtu = 9000;
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), -EINVAL);
	next.mtu = 1400;
	assert_int_equal(nic_reconfigure(f->nic, &next, &err), -EOPNOTSUPP);
	assert_int_equal(nic_config(f->nic)->mtu, 1500);
}

static void
test_listed_twice_and_bad_backend(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg = config(LAG_MODE_BALANCE_XOR, 2);
	struct nic_err err = { 0 };

	strcpy(cfg.ports[1].ifname, "a0");
	assert_int_equal(create(f, &cfg, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "listed twice"));
	cfg = config(LAG_MODE_BALANCE_XOR, 1);
	strcpy(cfg.ports[0].backend, "carrier-pigeon");
	assert_int_equal(create(f, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "carrier-pigeon"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_applies_every_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_port_applies_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_limit_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_add_del_and_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_change_needs_no_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_apply_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listed_twice_and_bad_backend, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
