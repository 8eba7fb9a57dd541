/*
 * lagnicctl: lagnicd's command line, in the spirit of ip and teamdctl.
 *
 *   lagnicctl [-j] [-s SOCKET | -n NAME] COMMAND
 *
 * It sends one JSON request over the control socket and prints the reply
 * as text or, with -j, as JSON. Exit status: 0 done, 1 the daemon refused
 * (its message on stderr) or could not be reached, 2 a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/output.h"
#include "ctl/proto.h"

#define EXIT_DAEMON	1
#define EXIT_USAGE	2

struct cli_cmd {
	const char *word, *word2;	/* "port", "add"; word2 NULL: none */
	unsigned min_args, max_args;	/* after the words */
	const char *cmd;		/* the request's "cmd" */
	const char *const *fields;	/* the arguments' names, in order */
	/* prints the result; NULL: nothing to print */
	void (*print)(const struct out_ops *o, FILE *f, const json_t *r);
	bool monitor;
	bool pairs;			/* after fields[0]: KEY VALUE pairs */
};

static void
print_show(const struct out_ops *o, FILE *f, const json_t *r)
{
	o->show(f, r);
}

static void
print_counters(const struct out_ops *o, FILE *f, const json_t *r)
{
	o->counters(f, r);
}

static void
print_config(const struct out_ops *o, FILE *f, const json_t *r)
{
	o->config(f, r);
}

static void
print_caps(const struct out_ops *o, FILE *f, const json_t *r)
{
	o->caps(f, r);
}

static void
print_rdma(const struct out_ops *o, FILE *f, const json_t *r)
{
	o->rdma(f, r);
}

static const char *const a_port_add[] = { "port", "backend", NULL };
static const char *const a_port[] = { "port", NULL };
static const char *const a_option[] = { "name", "value", NULL };
static const char *const a_vf[] = { "vf", NULL };

static const struct cli_cmd cli_cmds[] = {
	{ "show", NULL, 0, 0, "show", NULL, print_show, false, false },
	{ "counters", NULL, 0, 0, "counters", NULL, print_counters, false, false },
	{ "config", NULL, 0, 0, "config", NULL, print_config, false, false },
	{ "caps", NULL, 0, 0, "caps", NULL, print_caps, false, false },
	{ "rdma", NULL, 0, 0, "rdma", NULL, print_rdma, false, false },
	{ "port", "add", 1, 2, "port-add", a_port_add, NULL, false, false },
	{ "port", "del", 1, 1, "port-del", a_port, NULL, false, false },
	{ "option", "set", 2, 2, "option-set", a_option, NULL, false, false },
	{ "monitor", NULL, 0, 0, "monitor", NULL, NULL, true, false },
	{ "vf", "add", 1, 19, "vf-add", a_vf, NULL, false, true },
	{ "vf", "set", 3, 19, "vf-set", a_vf, NULL, false, true },
	{ "vf", "del", 1, 1, "vf-del", a_vf, NULL, false, false },
};

static volatile sig_atomic_t stop;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lagnicctl [-j] [-s SOCKET | -n NAME] COMMAND\n"
	    "  show                       the LAG, its options and ports\n"
	    "  counters                   counters of the LAG, ports, functions\n"
	    "  config                     the effective configuration\n"
	    "  caps                       the device's capability profile\n"
	    "  rdma                       the RDMA device, its QPs and counters\n"
	    "  port add IF [BACKEND]      add a member port\n"
	    "  port del IF                remove a member port\n"
	    "  option set NAME VALUE      set an option (bonding's names)\n"
	    "  vf add N [SETTING VALUE]...  add VF N (a TAP, lagvfN); settings as\n"
	    "                             ip link's: mac MAC, vlan V [qos Q],\n"
	    "                             spoofchk on|off, trust on|off,\n"
	    "                             state auto|enable|disable,\n"
	    "                             max_tx_rate MBPS, min_tx_rate MBPS,\n"
	    "                             and name IFNAME\n"
	    "  vf set N SETTING VALUE...  change VF N (same settings)\n"
	    "  vf del N                   remove VF N\n"
	    "  monitor                    print events as they happen\n"
	    "  -j         JSON output\n"
	    "  -s SOCKET  the control socket\n"
	    "  -n NAME    the LAG's name (socket %s/NAME.sock; default lag0)\n",
	    CTL_SOCK_DIR);
}

static const struct cli_cmd *
cmd_find(int argc, char **argv, unsigned *nargs)
{
	for (unsigned i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++) {
		const struct cli_cmd *c = &cli_cmds[i];
		int words = c->word2 ? 2 : 1;

		if (argc < words || strcmp(argv[0], c->word) != 0 ||
		    (c->word2 && strcmp(argv[1], c->word2) != 0))
			continue;
		*nargs = (unsigned)(argc - words);
		if (*nargs < c->min_args || *nargs > c->max_args)
			return NULL;
		return c;
	}
	return NULL;
}

/* The i-th argument's field name: from the list, or the KEY of a pair. */
static const char *
arg_field(const struct cli_cmd *c, char **args, unsigned i)
{
	if (!c->pairs || i == 0)
		return c->fields[i];
	return (i % 2) ? args[i] : NULL;
}

static json_t *
make_request(const struct cli_cmd *c, char **args, unsigned nargs)
{
	json_t *req = json_pack("{s:s}", "cmd", c->cmd);

	if (c->pairs && nargs % 2 == 0) {
		fprintf(stderr, "lagnicctl: %s %s: SETTING without a VALUE\n",
		    c->word, c->word2);
		json_decref(req);
		return NULL;
	}
	for (unsigned i = 0; req && i < nargs; i++) {
		const char *name = arg_field(c, args, i);
		const char *value = c->pairs && i ? args[i + 1] : args[i];

		if (!name)
			continue;
		if (json_object_get(req, name) ||
		    json_object_set_new(req, name, json_string(value))) {
			fprintf(stderr, "lagnicctl: %s given twice\n", name);
			json_decref(req);
			return NULL;
		}
	}
	return req;
}

static int
connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lagnicctl: %s: path too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "lagnicctl: cannot connect to %s: %s%s\n", path,
		    strerror(errno), errno == ENOENT || errno == ECONNREFUSED ?
		    " (is lagnicd running?)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One message, whatever its size; NULL at the end or on an error. */
static json_t *
recv_json(int fd)
{
	json_error_t je;
	ssize_t n;
	char *buf;
	json_t *j;

	for (int tries = 0;; tries++) {
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		/* a refusal closes at once: the reply is still there */
		if (n < 0 && (errno == EINTR || errno == ECONNRESET) &&
		    !stop && tries < 2)
			continue;
		break;
	}
	if (n <= 0)
		return NULL;
	buf = malloc((size_t)n);
	if (!buf || recv(fd, buf, (size_t)n, 0) != n) {
		free(buf);
		return NULL;
	}
	j = json_loadb(buf, (size_t)n, 0, &je);
	if (!j)
		fprintf(stderr, "lagnicctl: the daemon's reply is not JSON: %s\n",
		    je.text);
	free(buf);
	return j;
}

/* Send a request, take its reply: 0, or an exit status. */
static int
transact(int fd, const json_t *req, json_t **reply)
{
	char *text = json_dumps(req, JSON_COMPACT);
	const char *msg;
	ssize_t n;

	n = text ? send(fd, text, strlen(text), MSG_NOSIGNAL) : -1;
	free(text);
	if (n < 0) {
		fprintf(stderr, "lagnicctl: send: %s\n", strerror(errno));
		return EXIT_DAEMON;
	}
	*reply = recv_json(fd);
	if (!*reply) {
		fprintf(stderr, "lagnicctl: no reply from the daemon\n");
		return EXIT_DAEMON;
	}
	if (json_is_true(json_object_get(*reply, "ok")))
		return 0;
	msg = json_string_value(json_object_get(*reply, "error"));
	fprintf(stderr, "lagnicctl: %s\n", msg ? msg : "refused");
	json_decref(*reply);
	*reply = NULL;
	return EXIT_DAEMON;
}

static void
on_signal(int sig)
{
	stop = 1;
}

/* Events until the daemon goes away (1) or a signal stops us (0). */
static int
monitor(int fd, const struct out_ops *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	json_t *ev;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		ev = recv_json(fd);
		if (!ev)
			break;
		o->event(stdout, ev);
		json_decref(ev);
	}
	if (stop)
		return 0;
	fprintf(stderr, "lagnicctl: the daemon closed the connection\n");
	return EXIT_DAEMON;
}

struct cli_args {
	const struct out_ops *out;
	const char *socket;
	const char *name;
	char path[108];
};

static int
parse_args(int argc, char **argv, struct cli_args *a)
{
	int c;

	a->out = &out_text;
	while ((c = getopt(argc, argv, "+js:n:h")) != -1) {
		switch (c) {
		case 'j':
			a->out = &out_json;
			break;
		case 's':
			a->socket = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (a->socket && a->name) {
		fprintf(stderr, "lagnicctl: -s and -n exclude each other\n");
		return -1;
	}
	if (!a->socket && ctl_socket_path(a->path, sizeof(a->path),
	    a->name ? a->name : "lag0")) {
		fprintf(stderr, "lagnicctl: -n %s: name too long\n", a->name);
		return -1;
	}
	if (!a->socket)
		a->socket = a->path;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli_args a = { 0 };
	const struct cli_cmd *c;
	json_t *req, *reply = NULL;
	unsigned nargs = 0;
	int fd, rc;

	if (parse_args(argc, argv, &a) ||
	    !(c = cmd_find(argc - optind, argv + optind, &nargs))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	req = make_request(c, argv + optind + (c->word2 ? 2 : 1), nargs);
	if (!req)
		return EXIT_USAGE;
	fd = connect_socket(a.socket);
	if (fd < 0) {
		json_decref(req);
		return EXIT_DAEMON;
	}
	rc = transact(fd, req, &reply);
	json_decref(req);
	if (!rc && c->print)
		c->print(a.out, stdout, json_object_get(reply, "result"));
	if (!rc && c->monitor)
		rc = monitor(fd, a.out);
	json_decref(reply);
	close(fd);
	return rc;
}
