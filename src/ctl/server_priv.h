/* Inside the control socket: shared by server.c and commands.c. */
#ifndef LAGNIC_CTL_SERVER_PRIV_H
#define LAGNIC_CTL_SERVER_PRIV_H

#include <jansson.h>
#include <sys/un.h>

#include "ctl/server.h"

struct ctl_client {
	struct ctl_server *srv;
	int fd;
	bool monitor;			/* subscribed to the NIC's events */
	bool dead;			/* send failed: close at the next input */
	uint64_t lost;			/* events that did not fit */
	struct ctl_client *next;
};

struct ctl_server {
	struct nic *nic;
	struct loop *loop;
	struct ctl_server_config cfg;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;				/* listening; -1 without a path */
	struct ctl_client *clients;
	unsigned nclients;
};

/* The reply to one request (a new reference; never NULL). */
json_t *ctl_request(struct ctl_client *c, const char *buf, size_t len);
/* {"ok": false, "errno": N, "error": msg}. */
json_t *ctl_reply_error(int code, const char *msg);
/* Stop the client's event stream (on close). */
void ctl_monitor_stop(struct ctl_client *c);

/* One message; 0, -EAGAIN if it does not fit now, -errno. */
int ctl_client_send(struct ctl_client *c, const json_t *j);

#endif
