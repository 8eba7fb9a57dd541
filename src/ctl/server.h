/*
 * The control socket: a unix SOCK_SEQPACKET socket (default
 * /run/lagnic/<name>.sock), so one request is one message and one reply is
 * one message. Requests and replies are JSON objects:
 *
 *   {"cmd": "show"}                          -> {"ok": true, "result": {...}}
 *   {"cmd": "port-add", "port": "eth0", "backend": "afxdp"}
 *   {"cmd": "option-set", "name": "miimon", "value": "100"}
 *   ...                                      -> {"ok": false, "errno": N,
 *                                                "error": "message"}
 *
 * A request larger than CTL_REQ_MAX, not JSON, not an object, with an
 * unknown command or an unknown field gets an error reply and changes
 * nothing; the connection and the daemon go on. Changes (port add/del,
 * option set) edit a copy of the NIC's config and apply it with
 * nic_reconfigure(): all of it or nothing.
 *
 * After {"cmd": "monitor"} the connection receives one message per NIC
 * event: {"event": "link", "port": "eth0", "up": false, ..., "ts_ns": N,
 * "time": "2026-01-02T03:04:05.123456Z"}. A monitor that does not read
 * loses events; it is then told {"event": "lost", "count": N}.
 *
 * Access: the socket file is mode 0660, group --group; a connection is
 * also checked by its peer credentials (SO_PEERCRED, SO_PEERGROUPS): root,
 * the daemon's own user, or a member of the group; others are refused with
 * EACCES. A read-only server refuses commands that change state (EPERM).
 */
#ifndef LAGNIC_CTL_SERVER_H
#define LAGNIC_CTL_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "ctl/proto.h"
#include "daemon/nic.h"

#define CTL_CLIENTS_MAX		32
#define CTL_GROUP_NONE		((gid_t)-1)

struct loop;
struct ctl_server;
struct ctl_client;

struct ctl_server_config {
	const char *path;		/* NULL: no listening socket (tests) */
	gid_t group;			/* CTL_GROUP_NONE: root only */
	mode_t mode;			/* of the socket file; 0: 0660 */
	bool read_only;
	const struct clock *wall;	/* event "time"; NULL: CLOCK_REALTIME */
};

/*
 * Listen on cfg->path (a stale socket file is replaced; one a live daemon
 * serves is -EADDRINUSE). Without a loop nothing is registered: the owner
 * calls ctl_server_accept() and ctl_client_input() itself.
 */
int ctl_server_open(struct ctl_server **out, struct nic *nic,
    struct loop *loop, const struct ctl_server_config *cfg,
    struct nic_err *err);
void ctl_server_close(struct ctl_server *srv);
int ctl_server_fd(const struct ctl_server *srv);

/*
 * Take one pending connection (*out, if not NULL, is its client). 0,
 * -EAGAIN, -EACCES (refused: told why and closed), -errno.
 */
int ctl_server_accept(struct ctl_server *srv, struct ctl_client **out);

/*
 * Serve an already connected socket (a socketpair's end in tests) as an
 * accepted connection: credentials checked. The server owns fd after.
 */
int ctl_server_attach(struct ctl_server *srv, int fd,
    struct ctl_client **out);

/* Serve every pending request; false if the client was closed (freed). */
bool ctl_client_input(struct ctl_client *c);

unsigned ctl_server_nclients(const struct ctl_server *srv);
/* Connections that receive events. */
unsigned ctl_server_nmonitors(const struct ctl_server *srv);

/* The access rule on a peer's credentials; self: the daemon's euid. */
bool ctl_peer_allowed(uid_t uid, gid_t gid, const gid_t *groups,
    unsigned ngroups, uid_t self, gid_t group);

#endif
