/*
 * lagnicctl end to end, without root: the control server of a NIC on sim
 * ports listens on a socket in /tmp; the test runs the real lagnicctl
 * binary against it, serving the socket while it runs, and checks exit
 * status, stdout (text and -j, against golden files) and stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl_golden.h"
#include "ctl/config.h"
#include "ctl/server.h"
#include "lib/log.h"
#include "port/sim.h"

#define OUT_MAX	(64 * 1024)

struct fixture {
	struct sim sim;
	struct sim_wire *wire[3];
	struct nic *nic;
	struct nic_caps caps;
	struct vclock wall;
	struct ctl_server *srv;
	struct ctl_client *clients[8];
	char dir[32], path[64];
	char out[OUT_MAX], err[OUT_MAX];
	size_t nout, nerr;
};

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
	struct ctl_server_config sc = { .group = CTL_GROUP_NONE };
	struct nic_env env;
	struct nic_config cfg;
	struct nic_err err = { 0 };

	assert_int_equal(sim_init(&f->sim, 0xc71), 0);
	f->wire[0] = sim_wire_add(&f->sim, "a0", "b0");
	f->wire[1] = sim_wire_add(&f->sim, "a1", "b1");
	f->wire[2] = sim_wire_add(&f->sim, "a2", "b2");
	assert_non_null(sim_wire_add(&f->sim, "v0", "w0"));
	nic_caps_default(&f->caps);
	f->caps.max_ports_per_lag = 4;
	assert_int_equal(ctl_config_load_string("{\"backend\": \"sim\", "
	    "\"pf\": false, \"runner\": {\"name\": \"activebackup\"}, "
	    "\"ports\": {\"a0\": {\"prio\": 2}, \"a1\": {}}}", NULL, &f->caps,
	    &cfg, &err), 0);
	env = (struct nic_env){ .clock = sim_clock(&f->sim), .sim = &f->sim };
	if (nic_create(&f->nic, &cfg, &f->caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = f->nic }), 0);
	vclock_init(&f->wall, 1767323045123456789ull);
	strcpy(f->dir, "/tmp/lagnicctl_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/lag0.sock", f->dir);
	sc.path = f->path;
	sc.wall = &f->wall.base;
	assert_int_equal(ctl_server_open(&f->srv, f->nic, NULL, &sc, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_server_close(f->srv);
	rmdir(f->dir);
	sim_run_for(&f->sim, NSEC_PER_MSEC);	/* frames of the NIC's pool */
	nic_destroy(f->nic);
	sim_fini(&f->sim);
	free(f);
	return 0;
}

static void
drain(int fd, char *buf, size_t *n)
{
	ssize_t r;

	while (*n < OUT_MAX - 1 &&
	    (r = read(fd, buf + *n, OUT_MAX - 1 - *n)) > 0)
		*n += (size_t)r;
	buf[*n] = '\0';
}

/* Serve what the child asks: new connections, then their requests. */
static void
serve(struct fixture *f)
{
	struct ctl_client *c;

	while (ctl_server_accept(f->srv, &c) == 0)
		for (unsigned i = 0; i < 8; i++)
			if (!f->clients[i]) {
				f->clients[i] = c;
				break;
			}
	for (unsigned i = 0; i < 8; i++)
		if (f->clients[i] && !ctl_client_input(f->clients[i]))
			f->clients[i] = NULL;
}

static pid_t
spawn(struct fixture *f, const char *const *args, int *out, int *err)
{
	const char *argv[24] = { LAGNICCTL };
	int po[2], pe[2];
	unsigned n = 1;
	pid_t pid;

	for (; *args && n < 23; args++)
		argv[n++] = strcmp(*args, "@") == 0 ? f->path : *args;
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(LAGNICCTL, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	*out = po[0];
	*err = pe[0];
	return pid;
}

/* Run lagnicctl with args ("@" is the socket); its exit status. */
static int
run(struct fixture *f, const char *const *args)
{
	struct pollfd p[2];
	int status, out, err;
	pid_t pid = spawn(f, args, &out, &err);

	f->nout = f->nerr = 0;
	for (;;) {
		serve(f);
		drain(out, f->out, &f->nout);
		drain(err, f->err, &f->nerr);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		p[0] = (struct pollfd){ .fd = out, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = err, .events = POLLIN };
		poll(p, 2, 5);
	}
	drain(out, f->out, &f->nout);
	drain(err, f->err, &f->nerr);
	serve(f);
	close(out);
	close(err);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, OUT_MAX);

	if (fp) {
		size_t n = fread(buf, 1, OUT_MAX - 1, fp);

		buf[n] = '\0';
		fclose(fp);
	}
	return buf;
}

static void
assert_golden(const char *text, const char *name)
{
	char path[512];
	char *want;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", CTL_GOLDEN_DIR, name);
	if (getenv("LAGNIC_GOLDEN_UPDATE")) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(text, fp);
		fclose(fp);
	}
	want = slurp(path);
	if (strcmp(text, want) != 0)
		fail_msg("%s differs; got:\n%s", path, text);
	free(want);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_show_text_and_json(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, ARGS("-s", "@", "show")), 0);
	assert_string_equal(f->err, "");
	assert_golden(f->out, "lagnicctl_show.txt");
	assert_int_equal(run(f, ARGS("-j", "-s", "@", "show")), 0);
	assert_golden(f->out, "lagnicctl_show.json");
	assert_int_equal(run(f, ARGS("-s", "@", "counters")), 0);
	assert_golden(f->out, "lagnicctl_counters.txt");
	assert_int_equal(run(f, ARGS("-j", "-s", "@", "counters")), 0);
	assert_non_null(strstr(f->out, "\"port_counters\""));
	assert_int_equal(run(f, ARGS("-s", "@", "config")), 0);
	assert_golden(f->out, "lagnicctl_config.txt");
	assert_int_equal(run(f, ARGS("-j", "-s", "@", "config")), 0);
	assert_golden(f->out, "lagnicctl_config.json");
	assert_int_equal(run(f, ARGS("-s", "@", "caps")), 0);
	assert_non_null(strstr(f->out, "max_ports_per_lag 4"));
	assert_non_null(strstr(f->out, "max_vfs 64"));
}

/* lagnicctl -j config is a config file lagnicd takes back. */
static void
test_config_reloads(void **state)
{
	struct fixture *f = *state;
	struct nic_config cfg;
	struct nic_err err = { 0 };

	assert_int_equal(run(f, ARGS("-j", "-s", "@", "config")), 0);
	assert_int_equal(ctl_config_load_string(f->out, "out", &f->caps, &cfg,
	    &err), 0);
	assert_memory_equal(&cfg, nic_config(f->nic), sizeof(cfg));
}

static void
test_changes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, ARGS("-s", "@", "port", "add", "a2", "sim")), 0);
	assert_string_equal(f->out, "");
	assert_int_equal(nic_lag(f->nic)->nmembers, 3);
	assert_int_equal(run(f, ARGS("-s", "@", "option", "set", "miimon",
	    "100")), 0);
	assert_int_equal(nic_config(f->nic)->lag.miimon, 100);
	assert_int_equal(run(f, ARGS("-s", "@", "port", "del", "a2")), 0);
	assert_int_equal(nic_lag(f->nic)->nmembers, 2);
}

/* VFs the way ip link takes their settings; refusals change nothing. */
static void
test_vf_commands(void **state)
{
	struct fixture *f = *state;
	const struct nic_vf_config *vc;

	assert_int_equal(run(f, ARGS("-s", "@", "vf", "add", "3", "name", "v0",
	    "mac", "02:00:00:00:0f:03", "vlan", "10", "qos", "2",
	    "max_tx_rate", "100")), 0);
	assert_string_equal(f->err, "");
	vc = nic_vf_get(f->nic, 3);
	assert_non_null(vc);
	assert_int_equal(vc->esw.vlan, 10);
	assert_int_equal(vc->esw.qos, 2);
	assert_int_equal(vc->max_tx_rate, 100);
	/* vlan without qos: qos 0, as ip link */
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "set", "3", "vlan", "20",
	    "spoofchk", "off", "state", "enable")), 0);
	vc = nic_vf_get(f->nic, 3);
	assert_int_equal(vc->esw.vlan, 20);
	assert_int_equal(vc->esw.qos, 0);
	assert_false(vc->esw.spoofchk);
	assert_int_equal(vc->esw.link_state, ESW_LINK_ENABLE);
	assert_int_equal(run(f, ARGS("-s", "@", "show")), 0);
	assert_non_null(strstr(f->out, "vf 3: name v0, mac 02:00:00:00:0f:03, "
	    "vlan 20"));
	assert_int_equal(run(f, ARGS("-j", "-s", "@", "counters")), 0);
	assert_non_null(strstr(f->out, "\"vf3\""));
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "set", "3", "qos", "1")), 1);
	assert_string_equal(f->err, "lagnicctl: vf 3: qos needs vlan\n");
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "set", "4", "trust",
	    "on")), 1);
	assert_string_equal(f->err, "lagnicctl: vf 4: no such VF\n");
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "add", "3")), 1);
	assert_string_equal(f->err, "lagnicctl: vf 3: exists\n");
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "add", "99")), 1);
	assert_non_null(strstr(f->err, "beyond the limit max_vfs="));
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "set", "3", "mac",
	    "zz")), 1);
	assert_non_null(strstr(f->err, "xx:xx:xx:xx:xx:xx"));
	assert_int_equal(nic_vf_get(f->nic, 3)->esw.vlan, 20);
	/* usage: a setting without its value, or given twice */
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "set", "3", "vlan")), 2);
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "add", "1", "vlan", "1",
	    "vlan", "2")), 2);
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "del", "3")), 0);
	assert_null(nic_vf_get(f->nic, 3));
	assert_int_equal(run(f, ARGS("-s", "@", "vf", "del", "3")), 1);
}

/* The daemon's refusals: status 1, its message on stderr. */
static void
test_daemon_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, ARGS("-s", "@", "option", "set", "resend_igmp",
	    "1")), 1);
	assert_string_equal(f->err, "lagnicctl: resend_igmp: not supported "
	    "(IGMP reports are not sent on failover yet)\n");
	assert_string_equal(f->out, "");
	assert_int_equal(run(f, ARGS("-s", "@", "option", "set", "miimon",
	    "-5")), 1);
	assert_non_null(strstr(f->err, "miimon: '-5' out of range"));
	assert_int_equal(run(f, ARGS("-s", "@", "port", "add", "a0")), 1);
	assert_string_equal(f->err, "lagnicctl: port a0: already in lag0\n");
	assert_int_equal(run(f, ARGS("-s", "@", "port", "del", "zz")), 1);
	assert_int_equal(run(f, ARGS("-s", "@", "port", "add", "zz")), 1);
	assert_non_null(strstr(f->err, "port zz"));
	assert_int_equal(nic_lag(f->nic)->nmembers, 2);
	assert_int_equal(run(f, ARGS("-s", "/nonexistent/x.sock", "show")), 1);
	assert_non_null(strstr(f->err, "cannot connect"));
}

static void
test_usage_errors(void **state)
{
	const char *const *const bad[] = {
		ARGS("-s", "@"),
		ARGS("-s", "@", "frobnicate"),
		ARGS("-s", "@", "show", "extra"),
		ARGS("-s", "@", "port"),
		ARGS("-s", "@", "port", "add"),
		ARGS("-s", "@", "port", "add", "a", "b", "c"),
		ARGS("-s", "@", "port", "del"),
		ARGS("-s", "@", "option", "set", "miimon"),
		ARGS("-s", "@", "option", "get", "miimon"),
		ARGS("-x", "show"),
		ARGS("-s", "@", "-n", "lag0", "show"),
	};
	struct fixture *f = *state;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(run(f, bad[i]), 2);
		assert_string_equal(f->out, "");
		assert_non_null(strstr(f->err, "usage: lagnicctl"));
	}
}

/* monitor: one line per event; SIGINT ends it with status 0. */
static void
test_monitor(void **state)
{
	struct fixture *f = *state;
	pid_t pid;
	int out, err, status;
	bool sent = false;

	for (int json = 0; json < 2; json++) {
		pid = spawn(f, json ? ARGS("-j", "-s", "@", "monitor") :
		    ARGS("-s", "@", "monitor"), &out, &err);
		f->nout = f->nerr = 0;
		sent = false;
		for (int i = 0; i < 2000; i++) {
			serve(f);
			drain(out, f->out, &f->nout);
			drain(err, f->err, &f->nerr);
			if (!sent && ctl_server_nmonitors(f->srv)) {
				/* a failover and back */
				sim_carrier_set(f->wire[0], false);
				sim_carrier_set(f->wire[0], true);
				sent = true;
			}
			if (sent && strstr(f->out, "active"))
				break;
			usleep(1000);
		}
		kill(pid, SIGINT);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		drain(out, f->out, &f->nout);
		close(out);
		close(err);
		serve(f);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_golden(f->out, json ? "lagnicctl_monitor.json" :
		    "lagnicctl_monitor.txt");
	}
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_show_text_and_json),
		T(test_config_reloads),
		T(test_changes),
		T(test_vf_commands),
		T(test_daemon_errors),
		T(test_usage_errors),
		T(test_monitor),
	};
#undef T

	log_threshold = LOG_L_ERR;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
