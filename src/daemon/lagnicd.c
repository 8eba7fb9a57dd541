/*
 * lagnicd: the daemon that is the NIC. It reads its configuration (file,
 * then command-line options), builds the NIC, serves the control socket
 * and runs the event loop until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ctl/config.h"
#include "ctl/options.h"
#include "ctl/proto.h"
#include "ctl/server.h"
#include "daemon/lagnicd_rdma.h"
#include "daemon/loop.h"
#include "daemon/nic.h"
#include "lib/log.h"

struct lagnicd_args {
	const char *config;
	const char *socket;
	const char *rdma_socket;
	const char *group;
	int rt_priority;		/* SCHED_FIFO priority; 0: normal */
	struct nic_config cfg;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lagnicd [-c FILE] [-n NAME] [-b BACKEND] [-p PORT]...\n"
	    "               [-o OPTION=VALUE]... [-s SOCKET] [-g GROUP] [-P PRIO]\n"
	    "               [-v]\n"
	    "  -c FILE     JSON configuration (teamd's format or bonding's\n"
	    "              option names), applied first\n"
	    "  -n NAME     the LAG and its host interface (default lag0)\n"
	    "  -b BACKEND  port backend: afxdp (default), afpacket\n"
	    "  -p PORT     a member port (repeat for more)\n"
	    "  -o OPT=VAL  a bonding option, e.g. -o mode=802.3ad -o miimon=100\n"
	    "  -s SOCKET   control socket (default /run/lagnic/NAME.sock)\n"
	    "  -r SOCKET   RDMA socket for applications (liblagnic; default\n"
	    "              /run/lagnic/NAME.rdma.sock)\n"
	    "  -g GROUP    group that may use the control socket (default root)\n"
	    "  -P PRIO     run under SCHED_FIFO at PRIO (1-99), as chronyd -P:\n"
	    "              a failover is not delayed by other processes; the\n"
	    "              loop polls while traffic flows, so it may then hold\n"
	    "              a CPU (the kernel's RT throttling leaves others 5%%)\n"
	    "  -v          debug logging\n");
}

static int
add_port(struct nic_config *cfg, const char *name)
{
	struct nic_port_config *pc;

	if (cfg->nports == NIC_PORTS_MAX || strlen(name) >= IF_NAMESIZE) {
		fprintf(stderr, "lagnicd: -p %s: too many ports or bad name\n",
		    name);
		return -EINVAL;
	}
	pc = &cfg->ports[cfg->nports++];
	ctl_port_config_init(pc, name);
	return 0;
}

static int
set_option(struct nic_config *cfg, const char *arg)
{
	struct nic_err err = { 0 };
	const char *eq = strchr(arg, '=');
	char name[64];

	if (!eq || (size_t)(eq - arg) >= sizeof(name)) {
		fprintf(stderr, "lagnicd: -o %s: expected OPTION=VALUE\n", arg);
		return -EINVAL;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (ctl_option_set(cfg, name, eq + 1, &err)) {
		fprintf(stderr, "lagnicd: -o %s: %s\n", arg, err.msg);
		return err.code;
	}
	return 0;
}

static int
parse_priority(const char *arg, int *prio)
{
	char *end;
	long v = strtol(arg, &end, 10);
	int lo = sched_get_priority_min(SCHED_FIFO),
	    hi = sched_get_priority_max(SCHED_FIFO);

	if (*arg == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "lagnicd: -P %s: a priority from %d to %d\n",
		    arg, lo, hi);
		return -EINVAL;
	}
	*prio = (int)v;
	return 0;
}

/* The file first, so the command line can override it. */
static int
load_config_file(int argc, char **argv, struct lagnicd_args *a,
    const struct nic_caps *caps)
{
	struct nic_err err = { 0 };
	int c;

	nic_config_default(&a->cfg);
	opterr = 0;
	while ((c = getopt(argc, argv, "c:n:b:p:o:s:r:g:P:vh")) != -1)
		if (c == 'c')
			a->config = optarg;
	optind = 1;
	opterr = 1;
	if (a->config &&
	    ctl_config_load_file(a->config, caps, &a->cfg, &err)) {
		fprintf(stderr, "lagnicd: %s\n", err.msg);
		return err.code;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct lagnicd_args *a,
    const struct nic_caps *caps)
{
	int c, e = load_config_file(argc, argv, a, caps);

	while (!e && (c = getopt(argc, argv, "c:n:b:p:o:s:r:g:P:vh")) != -1) {
		switch (c) {
		case 'c':
			break;
		case 'n':
			snprintf(a->cfg.name, sizeof(a->cfg.name), "%s", optarg);
			break;
		case 'b':
			snprintf(a->cfg.backend, sizeof(a->cfg.backend), "%s",
			    optarg);
			break;
		case 'p':
			e = add_port(&a->cfg, optarg);
			break;
		case 'o':
			e = set_option(&a->cfg, optarg);
			break;
		case 's':
			a->socket = optarg;
			break;
		case 'r':
			a->rdma_socket = optarg;
			break;
		case 'g':
			a->group = optarg;
			break;
		case 'P':
			e = parse_priority(optarg, &a->rt_priority);
			break;
		case 'v':
			log_threshold = LOG_L_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (!e && optind < argc) {
		fprintf(stderr, "lagnicd: unexpected argument '%s'\n",
		    argv[optind]);
		e = -EINVAL;
	}
	return e;
}

static void
on_signal(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si))
		log_info("signal %u: stopping", si.ssi_signo);
	loop_stop(loop);
}

static int
signals_open(struct loop *loop)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	return loop_fd_add(loop, fd, EPOLLIN, on_signal, NULL) ? -EIO : fd;
}

static int
socket_gid(const char *group, gid_t *gid)
{
	struct group *g;

	*gid = 0;
	if (!group)
		return 0;
	g = getgrnam(group);
	if (!g) {
		fprintf(stderr, "lagnicd: -g %s: no such group\n", group);
		return -ENOENT;
	}
	*gid = g->gr_gid;
	return 0;
}

static int
run(struct lagnicd_args *a, const struct nic_caps *caps)
{
	struct nic_err err = { 0 };
	struct ctl_server *srv = NULL;
	struct lagnicd_rdma *rdma = NULL;
	struct nic *nic = NULL;
	struct loop *loop;
	char path[128], rpath[128];
	gid_t gid;
	int e, sigfd;

	e = socket_gid(a->group, &gid);
	if (e)
		return e;
	if (a->rt_priority && sched_setscheduler(0, SCHED_FIFO,
	    &(struct sched_param){ .sched_priority = a->rt_priority }) < 0) {
		e = -errno;
		fprintf(stderr, "lagnicd: -P %d: SCHED_FIFO: %s\n",
		    a->rt_priority, strerror(-e));
		return e;
	}
	loop = loop_create(&clock_monotonic);
	if (!loop)
		return -ENOMEM;
	sigfd = signals_open(loop);
	if (sigfd < 0) {
		e = sigfd;
		goto out_loop;
	}
	e = nic_create(&nic, &a->cfg, caps, &(struct nic_env){
	    .clock = &clock_monotonic, .loop = loop }, &err);
	if (e) {
		fprintf(stderr, "lagnicd: %s\n", err.msg);
		goto out_sig;
	}
	if (!a->socket) {
		ctl_socket_path(path, sizeof(path), a->cfg.name);
		a->socket = path;
	}
	e = ctl_server_open(&srv, nic, loop, &(struct ctl_server_config){
	    .path = a->socket, .group = a->group ? gid : CTL_GROUP_NONE },
	    &err);
	if (e) {
		fprintf(stderr, "lagnicd: %s\n", err.msg);
		goto out_nic;
	}
	if (!a->rdma_socket) {
		snprintf(rpath, sizeof(rpath), "/run/lagnic/%s.rdma.sock",
		    a->cfg.name);
		a->rdma_socket = rpath;
	}
	e = lagnicd_rdma_open(&rdma, loop, nic, a->rdma_socket, gid,
	    a->group != NULL);
	if (e) {
		fprintf(stderr, "lagnicd: RDMA socket %s: %s\n", a->rdma_socket,
		    strerror(-e));
		goto out_srv;
	}
	log_info("%s: running, %u ports, control socket %s%s%s", a->cfg.name,
	    a->cfg.nports, a->socket, rdma ? ", RDMA socket " : "",
	    rdma ? a->rdma_socket : "");
	e = loop_run(loop);
	lagnicd_rdma_close(rdma);
out_srv:
	ctl_server_close(srv);
out_nic:
	nic_destroy(nic);
out_sig:
	if (sigfd >= 0)
		close(sigfd);
out_loop:
	loop_destroy(loop);
	return e;
}

int
main(int argc, char **argv)
{
	struct lagnicd_args a = { 0 };
	struct nic_caps caps;
	int e;

	setvbuf(stderr, NULL, _IOLBF, 0);
	nic_caps_default(&caps);
	if (parse_args(argc, argv, &a, &caps))
		return 2;
	e = run(&a, &caps);
	return e ? 1 : 0;
}
