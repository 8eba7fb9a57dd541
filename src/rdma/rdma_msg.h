/*
 * One protocol message (rdma_proto.h) on a SEQPACKET socket, with up to
 * RDMA_MSG_FDS file descriptors (SCM_RIGHTS). Shared by the service and
 * liblagnic.
 */
#ifndef LAGNIC_RDMA_MSG_H
#define LAGNIC_RDMA_MSG_H

#include <stddef.h>

#include "rdma/rdma_proto.h"

#define RDMA_MSG_FDS	3

/* hdr then body (len bytes); fds[0..nfds). 0 or -errno. */
int rdma_msg_send(int sock, const struct rdma_hdr *hdr, const void *body,
    size_t len, const int *fds, unsigned nfds);
/*
 * A whole message into buf (cap bytes): its length, 0 at end of stream,
 * or -errno (-EMSGSIZE: cut short). Received fds go to fds[] (*nfds
 * set); the caller owns and closes them, also on an error.
 */
int rdma_msg_recv(int sock, void *buf, size_t cap, int *fds, unsigned *nfds);

#endif
