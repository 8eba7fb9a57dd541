/*
 * The control socket's request handling, through socketpairs, on a NIC
 * over sim ports: exact-size, oversize and garbage requests get an error
 * reply and change nothing; changes go through nic_reconfigure; the
 * monitor's events; the socket file and the credential check.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl/config.h"
#include "ctl/server.h"
#include "lib/log.h"
#include "port/sim.h"

#define REPLY_MAX	(256 * 1024)

struct fixture {
	struct sim sim;
	struct sim_wire *wire[4];
	struct nic *nic;
	struct nic_caps caps;
	struct vclock wall;
	struct ctl_server *srv;
	struct ctl_client *c;
	int peer;			/* the test's end of c's socketpair */
	char *buf;
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

/* A client of f->srv; returns the test's end of its socketpair. */
static int
connect_client_buf(struct fixture *f, struct ctl_client **c, int sndbuf)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	if (sndbuf)
		assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF,
		    &sndbuf, sizeof(sndbuf)), 0);
	assert_int_equal(ctl_server_attach(f->srv, sv[0], c), 0);
	return sv[1];
}

static int
connect_client(struct fixture *f, struct ctl_client **c)
{
	return connect_client_buf(f, c, 0);
}

static void
server_open(struct fixture *f, bool read_only)
{
	struct ctl_server_config sc = {
		.group = CTL_GROUP_NONE, .read_only = read_only,
		.wall = &f->wall.base,
	};
	struct nic_err err = { 0 };

	assert_int_equal(ctl_server_open(&f->srv, f->nic, NULL, &sc, &err), 0);
	f->peer = connect_client(f, &f->c);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nic_env env;
	struct nic_config cfg;
	struct nic_err err = { 0 };

	assert_int_equal(sim_init(&f->sim, 0x5e7), 0);
	for (int i = 0; i < 4; i++) {
		char a[4], b[4];

		snprintf(a, sizeof(a), "a%d", i);
		snprintf(b, sizeof(b), "b%d", i);
		f->wire[i] = sim_wire_add(&f->sim, a, b);
	}
	nic_caps_default(&f->caps);
	f->caps.max_ports_per_lag = 3;
	assert_int_equal(ctl_config_load_string("{\"backend\": \"sim\", "
	    "\"pf\": false, \"bond\": {\"mode\": \"active-backup\"}, "
	    "\"ports\": [\"a0\", \"a1\"]}", NULL, &f->caps, &cfg, &err), 0);
	env = (struct nic_env){ .clock = sim_clock(&f->sim), .sim = &f->sim };
	if (nic_create(&f->nic, &cfg, &f->caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = f->nic }), 0);
	vclock_init(&f->wall, 1767323045123456789ull);	/* 2026-01-02 */
	f->buf = malloc(REPLY_MAX);
	server_open(f, false);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->peer);
	ctl_server_close(f->srv);
	nic_destroy(f->nic);
	sim_fini(&f->sim);
	free(f->buf);
	free(f);
	return 0;
}

/* The next message on fd (waits up to a second), parsed. */
static json_t *
recv_json(struct fixture *f, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	json_error_t je;
	ssize_t n;
	json_t *j;

	assert_int_equal(poll(&p, 1, 1000), 1);
	n = recv(fd, f->buf, REPLY_MAX, 0);
	assert_true(n > 0);
	j = json_loadb(f->buf, (size_t)n, 0, &je);
	if (!j)
		fail_msg("reply is not JSON: %s", je.text);
	return j;
}

static bool
nothing_pending(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

static json_t *
request_raw(struct fixture *f, const void *buf, size_t len)
{
	assert_int_equal(send(f->peer, buf, len, 0), (ssize_t)len);
	assert_true(ctl_client_input(f->c));
	return recv_json(f, f->peer);
}

static json_t *
request(struct fixture *f, const char *text)
{
	return request_raw(f, text, strlen(text));
}

static json_t *
ok(json_t *reply)
{
	json_t *err = json_object_get(reply, "error");

	if (!json_is_true(json_object_get(reply, "ok")))
		fail_msg("not ok: %s", json_string_value(err));
	return json_object_get(reply, "result");
}

static void
assert_error(json_t *reply, int code, const char *want)
{
	const char *msg = json_string_value(json_object_get(reply, "error"));

	assert_true(json_is_false(json_object_get(reply, "ok")));
	assert_int_equal(json_integer_value(json_object_get(reply, "errno")),
	    code);
	assert_non_null(msg);
	if (!strstr(msg, want))
		fail_msg("error '%s' lacks '%s'", msg, want);
	json_decref(reply);
}

static void
request_ok(struct fixture *f, const char *text)
{
	json_t *r = request(f, text);

	ok(r);
	json_decref(r);
}

static void
request_err(struct fixture *f, const char *text, int code, const char *want)
{
	assert_error(request(f, text), code, want);
}

/* The NIC's whole state that a request could change, as text. */
static char *
snapshot(struct fixture *f)
{
	json_t *j = ctl_config_to_json(nic_config(f->nic));
	char *s = json_dumps(j, JSON_COMPACT);
	char tail[64];

	json_decref(j);
	snprintf(tail, sizeof(tail), "/%u/%s", nic_lag(f->nic)->nmembers,
	    nic_lag(f->nic)->active ? nic_lag(f->nic)->active->port->name :
	    "-");
	s = realloc(s, strlen(s) + strlen(tail) + 1);
	strcat(s, tail);
	return s;
}

static void
assert_unchanged(struct fixture *f, const char *before)
{
	char *now = snapshot(f);

	assert_string_equal(now, before);
	free(now);
}

static void
test_read_commands(void **state)
{
	struct fixture *f = *state;
	json_t *r;

	r = request(f, "{\"cmd\": \"show\"}");
	assert_string_equal(json_string_value(json_object_get(ok(r), "name")),
	    "lag0");
	assert_int_equal(json_array_size(json_object_get(ok(r), "members")), 2);
	json_decref(r);
	r = request(f, "{\"cmd\": \"counters\"}");
	assert_non_null(json_object_get(json_object_get(ok(r), "ports"), "a1"));
	json_decref(r);
	r = request(f, "{\"cmd\": \"config\"}");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    ok(r), "bond"), "mode")), "active-backup");
	json_decref(r);
	r = request(f, "{\"cmd\": \"caps\"}");
	assert_int_equal(json_integer_value(json_object_get(ok(r),
	    "max_ports_per_lag")), 3);
	json_decref(r);
}

static void
test_exact_size_and_oversize(void **state)
{
	struct fixture *f = *state;
	char *before = snapshot(f);
	static char big[CTL_REQ_MAX * 16];
	const char *head = "{\"cmd\": \"option-set\", \"name\": \"miimon\", "
	    "\"value\": \"7\"";
	size_t hl = strlen(head);

	/* exactly CTL_REQ_MAX bytes: served */
	memset(big, ' ', sizeof(big));
	memcpy(big, head, hl);
	big[CTL_REQ_MAX - 1] = '}';
	json_decref(request_raw(f, big, CTL_REQ_MAX));
	assert_int_equal(nic_config(f->nic)->lag.miimon, 7);
	request_ok(f, "{\"cmd\": \"option-set\", \"name\": \"miimon\", "
	    "\"value\": \"0\"}");
	assert_unchanged(f, before);
	/* one byte more: refused whole, whatever it says */
	big[CTL_REQ_MAX - 1] = ' ';
	big[CTL_REQ_MAX] = '}';
	assert_error(request_raw(f, big, CTL_REQ_MAX + 1), EMSGSIZE,
	    "request of 4097 bytes exceeds the limit of 4096");
	assert_error(request_raw(f, big, sizeof(big)), EMSGSIZE,
	    "exceeds the limit");
	assert_unchanged(f, before);
	request_ok(f, "{\"cmd\": \"show\"}");	/* still served */
	free(before);
}

static void
test_garbage(void **state)
{
	static const struct {
		const char *req;
		size_t len;		/* 0: strlen */
		const char *want;
	} cases[] = {
		{ "not json", 0, "not a JSON request" },
		{ "", 1, "not a JSON request" },	/* one NUL byte */
		{ "{\"cmd\": \"sh\0ow\"}", 16, "not a JSON request" },
		{ "{\"cmd\": \"show\"", 0, "not a JSON request" },
		{ "{\"cmd\": \"show\"} {}", 0, "not a JSON request" },
		{ "{\"cmd\": \"show\", \"cmd\": \"show\"}", 0, "duplicate" },
		{ "[\"show\"]", 0, "a request is a JSON object" },
		{ "{}", 0, "needs \"cmd\"" },
		{ "{\"cmd\": 5}", 0, "needs \"cmd\"" },
		{ "{\"cmd\": \"nope\"}", 0, "unknown command 'nope' (show, "
		    "counters, config, caps, rdma, monitor, port-add, port-del, "
		    "option-set, vf-add, vf-set, vf-del)" },
		{ "{\"cmd\": \"show\", \"verbose\": \"1\"}", 0,
		    "show: unknown field 'verbose'" },
		{ "{\"cmd\": \"port-add\"}", 0, "port-add: field 'port' is "
		    "missing" },
		{ "{\"cmd\": \"port-add\", \"port\": 7}", 0,
		    "field 'port' must be a string" },
		{ "{\"cmd\": \"port-del\", \"port\": \"a0\", \"backend\": "
		    "\"sim\"}", 0, "port-del: unknown field 'backend'" },
		{ "{\"cmd\": \"option-set\", \"name\": \"miimon\"}", 0,
		    "field 'value' is missing" },
		{ "{\"cmd\": \"option-set\", \"name\": \"miimon\", \"value\": "
		    "100}", 0, "field 'value' must be a string" },
	};
	struct fixture *f = *state;
	char *before = snapshot(f);

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].req);

		assert_error(request_raw(f, cases[i].req, len), EINVAL,
		    cases[i].want);
		assert_unchanged(f, before);
	}
	/* an empty message is a request too, not the end of the connection */
	assert_error(request_raw(f, "", 0), EINVAL, "empty request");
	request_ok(f, "{\"cmd\": \"show\"}");
	assert_int_equal(ctl_server_nclients(f->srv), 1);
	free(before);
}

static void
test_option_set(void **state)
{
	struct fixture *f = *state;
	char *before;

	request_ok(f, "{\"cmd\": \"option-set\", \"name\": \"miimon\", "
	    "\"value\": \"100\"}");
	assert_int_equal(nic_config(f->nic)->lag.miimon, 100);
	assert_int_equal(nic_lag(f->nic)->opt.miimon, 100);
	request_ok(f, "{\"cmd\": \"option-set\", \"name\": \"primary\", "
	    "\"value\": \"a1\"}");
	assert_string_equal(nic_lag(f->nic)->active->port->name, "a1");
	request_ok(f, "{\"cmd\": \"option-set\", \"name\": \"mode\", "
	    "\"value\": \"1\"}");		/* the same mode, by number */
	before = snapshot(f);
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"miimon\", "
	    "\"value\": \"-1\"}", EINVAL, "miimon: '-1' out of range");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"resend_igmp\", "
	    "\"value\": \"1\"}", EOPNOTSUPP, "resend_igmp: not supported");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"mode\", "
	    "\"value\": \"balance-tlb\"}", EOPNOTSUPP, "not supported");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"nope\", "
	    "\"value\": \"1\"}", ENOENT, "nope: unknown option");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"mode\", "
	    "\"value\": \"balance-xor\"}", EBUSY, "mode");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"mtu\", "
	    "\"value\": \"1400\"}", EOPNOTSUPP, "mtu");
	assert_unchanged(f, before);
	free(before);
}

static void
test_port_add_del(void **state)
{
	struct fixture *f = *state;
	char *before;

	request_ok(f, "{\"cmd\": \"port-add\", \"port\": \"a2\"}");
	assert_int_equal(nic_lag(f->nic)->nmembers, 3);
	assert_string_equal(nic_config(f->nic)->ports[2].ifname, "a2");
	assert_int_equal(nic_config(f->nic)->ports[2].lacp_port_priority, 255);
	before = snapshot(f);
	request_err(f, "{\"cmd\": \"port-add\", \"port\": \"a2\"}", EBUSY,
	    "port a2: already in lag0");
	request_err(f, "{\"cmd\": \"port-add\", \"port\": \"a3\"}", ENOSPC,
	    "max_ports_per_lag=3");
	request_err(f, "{\"cmd\": \"port-add\", \"port\": \"a3\", "
	    "\"backend\": \"tap\"}", EINVAL, "unknown backend 'tap'");
	request_err(f, "{\"cmd\": \"port-add\", \"port\": \"a/3\"}", EINVAL,
	    "port: interface name 'a/3'");
	request_err(f, "{\"cmd\": \"port-del\", \"port\": \"a9\"}", ENOENT,
	    "port a9: not in lag0");
	assert_unchanged(f, before);
	free(before);
	request_ok(f, "{\"cmd\": \"port-del\", \"port\": \"a2\"}");
	assert_int_equal(nic_lag(f->nic)->nmembers, 2);
	/* a port that does not exist: refused, nothing half-applied */
	before = snapshot(f);
	assert_error(request(f, "{\"cmd\": \"port-add\", \"port\": \"zz\", "
	    "\"backend\": \"sim\"}"), ENODEV, "port zz");
	assert_unchanged(f, before);
	free(before);
}

static json_t *
next_event(struct fixture *f, int fd, const char *name)
{
	json_t *ev = recv_json(f, fd);
	const char *got = json_string_value(json_object_get(ev, "event"));

	if (!got || strcmp(got, name) != 0)
		fail_msg("event %s, want %s", got, name);
	return ev;
}

/* The next event of that name; the others before it are skipped. */
static json_t *
wait_event(struct fixture *f, int fd, const char *name)
{
	for (;;) {
		json_t *ev = recv_json(f, fd);
		const char *got = json_string_value(json_object_get(ev,
		    "event"));

		assert_non_null(got);
		if (strcmp(got, name) == 0)
			return ev;
		json_decref(ev);
	}
}

static const char *
str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void
test_monitor(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *mc;
	int mfd = connect_client(f, &mc);
	json_t *ev;

	assert_int_equal(send(mfd, "{\"cmd\":\"monitor\"}", 17, 0), 17);
	assert_true(ctl_client_input(mc));
	ev = recv_json(f, mfd);
	ok(ev);
	json_decref(ev);
	request_ok(f, "{\"cmd\": \"port-add\", \"port\": \"a2\"}");
	ev = wait_event(f, mfd, "port-added");
	assert_string_equal(str(ev, "port"), "a2");
	assert_string_equal(str(ev, "time"), "2026-01-02T03:04:05.123456Z");
	assert_true(json_is_integer(json_object_get(ev, "ts_ns")));
	json_decref(ev);
	while (!nothing_pending(mfd))		/* a2's own link events */
		json_decref(recv_json(f, mfd));

	sim_carrier_set(f->wire[0], false);	/* failover to a1 */
	ev = next_event(f, mfd, "link");
	assert_string_equal(str(ev, "port"), "a0");
	assert_true(json_is_false(json_object_get(ev, "up")));
	assert_string_equal(str(ev, "state"), "down");
	json_decref(ev);
	ev = wait_event(f, mfd, "active");
	assert_string_equal(str(ev, "port"), "a1");
	assert_string_equal(str(ev, "old"), "a0");
	json_decref(ev);

	/* the monitor goes away: the next event finds it, then it is closed */
	close(mfd);
	sim_carrier_set(f->wire[0], true);
	assert_false(ctl_client_input(mc));
	assert_int_equal(ctl_server_nclients(f->srv), 1);
	request_ok(f, "{\"cmd\": \"port-del\", \"port\": \"a2\"}");
}

/* A monitor that does not read loses events, and is told how many. */
static void
test_monitor_lost(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *mc;
	/* the server end's send buffer as small as the kernel allows */
	int mfd = connect_client_buf(f, &mc, 1), lost = 0, n = 0;
	json_t *ev;

	assert_int_equal(send(mfd, "{\"cmd\":\"monitor\"}", 17, 0), 17);
	assert_true(ctl_client_input(mc));
	json_decref(recv_json(f, mfd));
	for (int i = 0; i < 50; i++) {
		request_ok(f, "{\"cmd\": \"port-add\", \"port\": \"a2\"}");
		request_ok(f, "{\"cmd\": \"port-del\", \"port\": \"a2\"}");
	}
	while (!nothing_pending(mfd)) {
		json_decref(recv_json(f, mfd));
		n++;
	}
	request_ok(f, "{\"cmd\": \"port-add\", \"port\": \"a2\"}");
	ev = recv_json(f, mfd);
	if (strcmp(str(ev, "event"), "lost") == 0) {
		lost = (int)json_integer_value(json_object_get(ev, "count"));
		json_decref(ev);
		ev = wait_event(f, mfd, "port-added");
	}
	assert_true(lost > 0);
	assert_true(n > 0);
	json_decref(ev);
	close(mfd);
}

static struct nic *
lacp_nic(struct fixture *f, const char *json)
{
	struct nic_env env = { .clock = sim_clock(&f->sim), .sim = &f->sim };
	struct nic_config cfg;
	struct nic_err err = { 0 };
	struct nic *nic;

	assert_int_equal(ctl_config_load_string(json, NULL, &f->caps, &cfg,
	    &err), 0);
	if (nic_create(&nic, &cfg, &f->caps, &env, &err))
		fail_msg("nic_create: %s", err.msg);
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = node_poll, .next_deadline = node_deadline,
	    .arg = nic }), 0);
	return nic;
}

static void
unplug(struct nic *nic)
{
	struct nic_config cfg = *nic_config(nic);
	struct nic_err err = { 0 };

	cfg.nports = 0;
	assert_int_equal(nic_reconfigure(nic, &cfg, &err), 0);
}

/* 802.3ad against a partner NIC: the monitor sees LACP state changes. */
static void
test_monitor_lacp(void **state)
{
	struct fixture *f = *state;
	struct nic *a, *b, *ab = f->nic;
	json_t *ev;
	bool seen = false;

	unplug(ab);			/* the fixture's a0, a1 move to a */
	a = lacp_nic(f, "{\"device\": \"lagA\", \"backend\": \"sim\", "
	    "\"pf\": false, \"runner\": {\"name\": \"lacp\", \"fast_rate\": "
	    "true}, \"ports\": [\"a0\", \"a1\"]}");
	b = lacp_nic(f, "{\"device\": \"lagB\", \"backend\": \"sim\", "
	    "\"pf\": false, \"runner\": {\"name\": \"lacp\"}, "
	    "\"ports\": [\"b0\", \"b1\"]}");
	close(f->peer);
	ctl_server_close(f->srv);
	f->nic = a;
	server_open(f, false);
	request_ok(f, "{\"cmd\": \"monitor\"}");
	sim_run_for(&f->sim, 5 * NSEC_PER_SEC);
	while (!nothing_pending(f->peer)) {
		ev = recv_json(f, f->peer);
		if (strcmp(str(ev, "event"), "lacp") == 0 &&
		    strcmp(str(ev, "port"), "a0") == 0 &&
		    strcmp(str(ev, "mux"), "collecting_distributing") == 0) {
			assert_true(json_is_array(json_object_get(ev,
			    "partner")));
			assert_true(json_is_boolean(json_object_get(ev,
			    "actor_churn")));
			seen = true;
		}
		json_decref(ev);
	}
	assert_true(seen);
	close(f->peer);
	ctl_server_close(f->srv);
	unplug(a);
	unplug(b);
	sim_fini(&f->sim);
	nic_destroy(a);
	nic_destroy(b);
	/* what teardown closes: a fresh sim, the old NIC, a server */
	assert_int_equal(sim_init(&f->sim, 1), 0);
	f->nic = ab;
	server_open(f, false);
}

static void
test_too_many_monitors(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *mc[9];
	int fd[9];
	json_t *r;

	for (int i = 0; i < 9; i++) {
		fd[i] = connect_client(f, &mc[i]);
		assert_int_equal(send(fd[i], "{\"cmd\":\"monitor\"}", 17, 0), 17);
		assert_true(ctl_client_input(mc[i]));
		r = recv_json(f, fd[i]);
		if (i < 8)
			ok(r);
		else
			assert_error(json_incref(r), ENOSPC,
			    "monitor: too many monitors");
		json_decref(r);
	}
	for (int i = 0; i < 9; i++)
		close(fd[i]);
	/* closed monitors free their places */
	sim_carrier_set(f->wire[1], false);
	for (int i = 0; i < 9; i++)
		ctl_client_input(mc[i]);
	assert_int_equal(ctl_server_nclients(f->srv), 1);
	fd[0] = connect_client(f, &mc[0]);
	assert_int_equal(send(fd[0], "{\"cmd\":\"monitor\"}", 17, 0), 17);
	assert_true(ctl_client_input(mc[0]));
	ok(r = recv_json(f, fd[0]));
	json_decref(r);
	close(fd[0]);
}

static void
test_read_only(void **state)
{
	struct fixture *f = *state;

	close(f->peer);
	ctl_server_close(f->srv);
	server_open(f, true);
	request_ok(f, "{\"cmd\": \"show\"}");
	request_ok(f, "{\"cmd\": \"config\"}");
	request_err(f, "{\"cmd\": \"port-del\", \"port\": \"a0\"}", EPERM,
	    "port-del: this socket is read-only");
	request_err(f, "{\"cmd\": \"option-set\", \"name\": \"miimon\", "
	    "\"value\": \"1\"}", EPERM, "read-only");
	assert_int_equal(nic_lag(f->nic)->nmembers, 2);
}

static void
test_peer_allowed(void **state)
{
	gid_t groups[] = { 10, 20 };

	assert_true(ctl_peer_allowed(0, 0, NULL, 0, 0, CTL_GROUP_NONE));
	assert_true(ctl_peer_allowed(0, 5, NULL, 0, 1000, 30));
	assert_true(ctl_peer_allowed(1000, 5, NULL, 0, 1000, CTL_GROUP_NONE));
	assert_false(ctl_peer_allowed(1000, 5, NULL, 0, 0, CTL_GROUP_NONE));
	assert_true(ctl_peer_allowed(1000, 30, NULL, 0, 0, 30));
	assert_true(ctl_peer_allowed(1000, 5, groups, 2, 0, 20));
	assert_false(ctl_peer_allowed(1000, 5, groups, 2, 0, 30));
	assert_false(ctl_peer_allowed(1000, 30, NULL, 0, 0, CTL_GROUP_NONE));
}

/* ---- a socket file ---- */

static int
connect_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void
wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 5000), 1);
}

static void
test_socket_file(void **state)
{
	struct fixture *f = *state;
	struct ctl_server_config sc = { .group = 4321 };
	char dir[] = "/tmp/lagnic_ctl_XXXXXX", path[100];
	struct ctl_server *srv, *other;
	struct ctl_client *c;
	struct nic_err err = { 0 };
	struct stat st;
	json_t *r;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run/lag0.sock", dir);
	sc.path = path;
	assert_int_equal(ctl_server_open(&srv, f->nic, NULL, &sc, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, 4321);
	fd = connect_path(path);
	assert_true(fd >= 0);
	wait_readable(ctl_server_fd(srv));
	assert_int_equal(ctl_server_accept(srv, &c), 0);
	assert_int_equal(send(fd, "{\"cmd\":\"caps\"}", 14, 0), 14);
	assert_true(ctl_client_input(c));
	r = recv_json(f, fd);
	ok(r);
	json_decref(r);
	close(fd);
	assert_false(ctl_client_input(c));	/* closed by the peer */
	assert_int_equal(ctl_server_nclients(srv), 0);
	/* a second daemon on the same socket is refused (its probe is a
	 * connection that closes at once) */
	assert_int_equal(ctl_server_open(&other, f->nic, NULL, &sc, &err),
	    -EADDRINUSE);
	assert_non_null(strstr(err.msg, "another daemon"));
	assert_int_equal(ctl_server_accept(srv, &c), 0);
	assert_false(ctl_client_input(c));
	ctl_server_close(srv);
	assert_int_equal(stat(path, &st), -1);	/* removed */

	/* a file left by a daemon that died is replaced */
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)),
		    0);
	}
	close(fd);
	assert_int_equal(ctl_server_open(&srv, f->nic, NULL, &sc, &err), 0);
	ctl_server_close(srv);
	snprintf(path, sizeof(path), "%s/run", dir);
	rmdir(path);
	rmdir(dir);
}

/* Not root, not in the group: refused by its credentials, told why. */
static void
test_peer_refused(void **state)
{
	struct fixture *f = *state;
	struct ctl_server_config sc = { .group = 4321, .mode = 0666 };
	char dir[] = "/tmp/lagnic_ctl_XXXXXX", path[100];
	struct ctl_server *srv;
	struct nic_err err = { 0 };
	int status;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/lag0.sock", dir);
	sc.path = path;
	assert_int_equal(ctl_server_open(&srv, f->nic, NULL, &sc, &err), 0);
	pid = fork();
	if (pid == 0) {
		char buf[512];
		ssize_t n;
		int fd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		fd = connect_path(path);
		if (fd < 0)
			_exit(11);
		send(fd, "{\"cmd\":\"show\"}", 14, 0);
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == ECONNRESET)	/* the reply first */
			n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			_exit(12);
		buf[n] = '\0';
		_exit(strstr(buf, "\"errno\":13") &&
		    strstr(buf, "permission denied: uid 65534") ? 0 : 13);
	}
	wait_readable(ctl_server_fd(srv));
	assert_int_equal(ctl_server_accept(srv, NULL), -EACCES);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(ctl_server_nclients(srv), 0);
	ctl_server_close(srv);
	rmdir(dir);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_read_commands),
		T(test_exact_size_and_oversize),
		T(test_garbage),
		T(test_option_set),
		T(test_port_add_del),
		T(test_monitor),
		T(test_monitor_lost),
		T(test_monitor_lacp),
		T(test_too_many_monitors),
		T(test_read_only),
		cmocka_unit_test(test_peer_allowed),
		T(test_socket_file),
		T(test_peer_refused),
	};
#undef T

	log_threshold = LOG_L_ERR;	/* refused requests are logged at info */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
