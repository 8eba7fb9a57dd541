/* The control socket: listening, access, connections, framing. */
#include "ctl/server_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/loop.h"
#include "lib/log.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59	/* Linux 4.13 */
#endif

#define CTL_BACKLOG		16
#define CTL_REQS_PER_ROUND	16	/* then the other fds get their turn */
#define CTL_PEER_GROUPS_MAX	64

static struct ratelimit ctl_log_rl = RATELIMIT_INIT;

bool
ctl_peer_allowed(uid_t uid, gid_t gid, const gid_t *groups, unsigned ngroups,
    uid_t self, gid_t group)
{
	if (uid == 0 || uid == self)
		return true;
	if (group == CTL_GROUP_NONE)
		return false;
	if (gid == group)
		return true;
	for (unsigned i = 0; i < ngroups; i++)
		if (groups[i] == group)
			return true;
	return false;
}

/* 0, or -EACCES with why set. */
static int
peer_check(const struct ctl_server *srv, int fd, char *why, size_t len)
{
	struct ucred cr;
	gid_t groups[CTL_PEER_GROUPS_MAX];
	socklen_t sl = sizeof(cr), gl = sizeof(groups);
	unsigned ng = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &sl) < 0) {
		snprintf(why, len, "no peer credentials: %s", strerror(errno));
		return -EACCES;
	}
	/* supplementary groups; without them only the primary one counts */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) == 0)
		ng = gl / sizeof(gid_t);
	if (ctl_peer_allowed(cr.uid, cr.gid, groups, ng, geteuid(),
	    srv->cfg.group))
		return 0;
	if (srv->cfg.group == CTL_GROUP_NONE)
		snprintf(why, len, "permission denied: uid %u is not root",
		    (unsigned)cr.uid);
	else
		snprintf(why, len, "permission denied: uid %u is not root and "
		    "not in group %u", (unsigned)cr.uid,
		    (unsigned)srv->cfg.group);
	return -EACCES;
}

int
ctl_client_send(struct ctl_client *c, const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	ssize_t n;

	if (!text)
		return -ENOMEM;
	n = send(c->fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL);
	free(text);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

/*
 * Tell a connection why it is refused, and close it. What it sent is read
 * first: closing on unread data would make its recv fail (ECONNRESET)
 * before it sees the reply.
 */
static int
refuse(int fd, int code, const char *msg)
{
	json_t *r = ctl_reply_error(code, msg);
	struct ctl_client tmp = { .fd = fd };
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
		;
	ctl_client_send(&tmp, r);
	json_decref(r);
	close(fd);
	if (ratelimit_ok(&ctl_log_rl, &clock_monotonic))
		log_warn("control: connection refused: %s", msg);
	return code;
}

static void
client_close(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;
	struct ctl_client **pp;

	if (c->monitor)
		ctl_monitor_stop(c);
	if (srv->loop)
		loop_fd_del(srv->loop, c->fd);
	close(c->fd);
	for (pp = &srv->clients; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	srv->nclients--;
	free(c);
}

static void
client_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	ctl_client_input(arg);
}

static int
client_new(struct ctl_server *srv, int fd, struct ctl_client **out)
{
	struct ctl_client *c = calloc(1, sizeof(*c));
	int e;

	if (!c)
		return -ENOMEM;
	c->srv = srv;
	c->fd = fd;
	if (srv->loop) {
		e = loop_fd_add(srv->loop, fd, EPOLLIN, client_ready, c);
		if (e) {
			free(c);
			return e;
		}
	}
	/* commit: nothing below may fail */
	c->next = srv->clients;
	srv->clients = c;
	srv->nclients++;
	if (out)
		*out = c;
	return 0;
}

int
ctl_server_attach(struct ctl_server *srv, int fd, struct ctl_client **out)
{
	char why[128], msg[64];
	int e;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return refuse(fd, -errno, "cannot set O_NONBLOCK");
	if (peer_check(srv, fd, why, sizeof(why)))
		return refuse(fd, -EACCES, why);
	if (srv->nclients >= CTL_CLIENTS_MAX) {
		snprintf(msg, sizeof(msg), "too many connections (%u)",
		    CTL_CLIENTS_MAX);
		return refuse(fd, -EMFILE, msg);
	}
	e = client_new(srv, fd, out);
	if (e)
		return refuse(fd, e, strerror(-e));
	return 0;
}

int
ctl_server_accept(struct ctl_server *srv, struct ctl_client **out)
{
	int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return ctl_server_attach(srv, fd, out);
}

static void
server_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct ctl_server *srv = arg;
	int e;

	for (unsigned i = 0; i < CTL_BACKLOG; i++) {
		e = ctl_server_accept(srv, NULL);
		if (e == -EAGAIN)
			return;
		if (e && e != -EACCES && e != -EMFILE &&
		    ratelimit_ok(&ctl_log_rl, &clock_monotonic))
			log_warn("control: accept: %s", strerror(-e));
	}
}

/* recv gave 0: the peer closed, or sent an empty message. */
static bool
peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) != 0 && (p.revents & (POLLRDHUP | POLLHUP));
}

/* One request read, answered; false when the connection is gone. */
static bool
client_serve_one(struct ctl_client *c, bool *more)
{
	char buf[CTL_REQ_MAX + 1];
	json_t *reply;
	ssize_t n;
	int e;

	/* MSG_TRUNC: n is the message's real size, even past buf */
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	*more = n >= 0;
	if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
		return true;
	if (n < 0 || (n == 0 && peer_closed(c->fd)))
		return false;		/* closed by the peer, or an error */
	reply = ctl_request(c, buf, (size_t)n);
	e = ctl_client_send(c, reply);
	json_decref(reply);
	if (e && ratelimit_ok(&ctl_log_rl, &clock_monotonic))
		log_warn("control: reply not sent: %s", strerror(-e));
	return !e;
}

bool
ctl_client_input(struct ctl_client *c)
{
	bool more = true;

	for (unsigned i = 0; more && i < CTL_REQS_PER_ROUND; i++) {
		if (c->dead || !client_serve_one(c, &more)) {
			client_close(c);
			return false;
		}
	}
	if (c->dead) {
		client_close(c);
		return false;
	}
	return true;
}

unsigned
ctl_server_nclients(const struct ctl_server *srv)
{
	return srv->nclients;
}

unsigned
ctl_server_nmonitors(const struct ctl_server *srv)
{
	unsigned n = 0;

	for (const struct ctl_client *c = srv->clients; c; c = c->next)
		n += c->monitor;
	return n;
}

int
ctl_server_fd(const struct ctl_server *srv)
{
	return srv->fd;
}

/* The directory of the socket, if missing (one level, as /run/lagnic). */
static int
make_dir(const char *path, struct nic_err *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST)
		return nic_err_set(err, -errno, "%s: %s", dir, strerror(errno));
	return 0;
}

/* A socket file left by a daemon that died is replaced, a live one not. */
static int
clear_stale(const struct sockaddr_un *sa, struct nic_err *err)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int e = 0;

	if (fd < 0)
		return nic_err_set(err, -errno, "socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		e = nic_err_set(err, -EADDRINUSE,
		    "%s: another daemon is serving it", sa->sun_path);
	else if (errno == ECONNREFUSED && unlink(sa->sun_path) < 0)
		e = nic_err_set(err, -errno, "%s: %s", sa->sun_path,
		    strerror(errno));
	close(fd);
	return e;
}

static int
bind_socket(struct ctl_server *srv, const struct sockaddr_un *sa,
    struct nic_err *err)
{
	mode_t mode = srv->cfg.mode ? srv->cfg.mode : 0660, old;
	int e;

	old = umask(0177);	/* never a moment wider than 0600 */
	e = bind(srv->fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (e < 0)
		return nic_err_set(err, -errno, "%s: %s", sa->sun_path,
		    strerror(errno));
	if ((srv->cfg.group != CTL_GROUP_NONE &&
	    chown(sa->sun_path, (uid_t)-1, srv->cfg.group) < 0) ||
	    chmod(sa->sun_path, mode) < 0) {
		e = nic_err_set(err, -errno, "%s: %s", sa->sun_path,
		    strerror(errno));
		unlink(sa->sun_path);
		return e;
	}
	return 0;
}

static int
listen_open(struct ctl_server *srv, struct nic_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int e;

	if (strlen(srv->cfg.path) >= sizeof(sa.sun_path))
		return nic_err_set(err, -ENAMETOOLONG, "%s: path too long",
		    srv->cfg.path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", srv->cfg.path);
	snprintf(srv->path, sizeof(srv->path), "%s", srv->cfg.path);
	e = make_dir(sa.sun_path, err);
	if (!e)
		e = clear_stale(&sa, err);
	if (e)
		return e;
	srv->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (srv->fd < 0)
		return nic_err_set(err, -errno, "socket: %s", strerror(errno));
	e = bind_socket(srv, &sa, err);
	if (e)
		goto fail_close;
	if (listen(srv->fd, CTL_BACKLOG) < 0) {
		e = nic_err_set(err, -errno, "listen: %s", strerror(errno));
		goto fail_unlink;
	}
	if (srv->loop) {
		e = loop_fd_add(srv->loop, srv->fd, EPOLLIN, server_ready, srv);
		if (e) {
			nic_err_set(err, e, "event loop: %s", strerror(-e));
			goto fail_unlink;
		}
	}
	return 0;
fail_unlink:
	unlink(sa.sun_path);
fail_close:
	close(srv->fd);
	srv->fd = -1;
	return e;
}

int
ctl_server_open(struct ctl_server **out, struct nic *nic, struct loop *loop,
    const struct ctl_server_config *cfg, struct nic_err *err)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));
	int e;

	if (!srv)
		return nic_err_set(err, -ENOMEM, "out of memory");
	srv->nic = nic;
	srv->loop = loop;
	srv->cfg = *cfg;
	srv->cfg.path = NULL;	/* kept in srv->path */
	srv->fd = -1;
	if (cfg->path) {
		srv->cfg.path = cfg->path;
		e = listen_open(srv, err);
		srv->cfg.path = NULL;
		if (e) {
			free(srv);
			return e;
		}
	}
	*out = srv;
	return 0;
}

void
ctl_server_close(struct ctl_server *srv)
{
	if (!srv)
		return;
	while (srv->clients)
		client_close(srv->clients);
	if (srv->fd >= 0) {
		if (srv->loop)
			loop_fd_del(srv->loop, srv->fd);
		close(srv->fd);
		unlink(srv->path);
	}
	free(srv);
}
