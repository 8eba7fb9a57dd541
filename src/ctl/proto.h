/*
 * What lagnicd's control socket and its clients (lagnicctl) agree on: where
 * the socket is and how large a request may be. The messages themselves
 * are JSON, described in ctl/server.h.
 */
#ifndef LAGNIC_CTL_PROTO_H
#define LAGNIC_CTL_PROTO_H

#include <stddef.h>
#include <stdio.h>

#define CTL_SOCK_DIR		"/run/lagnic"
#define CTL_REQ_MAX		4096	/* bytes in one request message */

/* CTL_SOCK_DIR/<name>.sock; 0, or -1 if buf is too small. */
static inline int
ctl_socket_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s.sock", CTL_SOCK_DIR, name);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

#endif
