/*
 * lagnicd's RDMA socket: applications (liblagnic) connect here; each
 * connection goes to the NIC's RDMA service, its socket and doorbell into
 * the event loop.
 */
#include "daemon/lagnicd_rdma.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "rdma/rdma_svc.h"

struct lagnicd_rdma {
	struct loop *loop;
	struct rdma_svc *svc;
	int fd;
	char path[108];
};

static void
on_client(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rdma_client *c = arg;

	/* closes it at the end of its stream */
	rdma_svc_client_input(rdma_svc_client_svc(c), c);
}

static void
on_doorbell(struct loop *loop, int fd, uint32_t events, void *arg)
{
	rdma_svc_doorbell(arg);
}

/* The client's process ended (its socket may live on in another one). */
static void
on_peer_exit(struct loop *loop, int fd, uint32_t events, void *arg)
{
	rdma_svc_client_drop(arg);
}

/* Before the service closes a client's fds: out of the loop. */
static void
on_close(struct rdma_client *c, void *arg)
{
	struct lagnicd_rdma *r = arg;
	int db = rdma_svc_client_doorbell_fd(c);
	int pidfd = rdma_svc_client_pidfd(c);

	loop_fd_del(r->loop, rdma_svc_client_fd(c));
	if (db >= 0)
		loop_fd_del(r->loop, db);
	if (pidfd >= 0)
		loop_fd_del(r->loop, pidfd);
}

/* The doorbell exists after HELLO: watch it from the first request on. */
static void
on_client_first(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rdma_client *c = arg;
	int db;

	if (rdma_svc_client_input(rdma_svc_client_svc(c), c) == -ECONNRESET)
		return;
	db = rdma_svc_client_doorbell_fd(c);
	if (db < 0)
		return;
	loop_fd_del(loop, fd);
	if (loop_fd_add(loop, fd, EPOLLIN, on_client, c) ||
	    loop_fd_add(loop, db, EPOLLIN, on_doorbell, c))
		log_warn("rdma: event loop full, a client is not served");
}

static void
on_accept(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct lagnicd_rdma *r = arg;
	struct rdma_client *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int pidfd;

	if (cfd < 0)
		return;
	if (rdma_svc_client_add(r->svc, cfd, &c))
		return;		/* closed by the service */
	pidfd = rdma_svc_client_pidfd(c);
	if (loop_fd_add(loop, cfd, EPOLLIN, on_client_first, c) ||
	    (pidfd >= 0 && loop_fd_add(loop, pidfd, EPOLLIN, on_peer_exit, c)))
		rdma_svc_client_drop(c);
}

static int
listen_at(const char *path, gid_t group, bool has_group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	{	/* its directory, one level (as /run/lagnic) */
		char dir[sizeof(sa.sun_path)], *slash;

		strcpy(dir, path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0755);	/* EEXIST is fine; bind says */
		}
	}
	unlink(path);		/* ours from an earlier run (one lagnicd a name) */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (has_group && chown(path, (uid_t)-1, group) < 0) ||
	    chmod(path, has_group ? 0660 : 0600) < 0 || listen(fd, 16) < 0) {
		e = -errno;
		close(fd);
		unlink(path);
		return e;
	}
	return fd;
}

int
lagnicd_rdma_open(struct lagnicd_rdma **out, struct loop *loop,
    struct nic *nic, const char *path, gid_t group, bool has_group)
{
	struct lagnicd_rdma *r;
	int fd;

	*out = NULL;
	if (!nic_rdma_svc(nic))
		return 0;		/* no PF, no RDMA device */
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	fd = listen_at(path, group, has_group);
	if (fd < 0) {
		free(r);
		return fd;
	}
	r->svc = nic_rdma_svc(nic);
	r->loop = loop;
	r->fd = fd;
	snprintf(r->path, sizeof(r->path), "%s", path);
	rdma_svc_set_close_cb(r->svc, on_close, r);
	if (loop_fd_add(loop, fd, EPOLLIN, on_accept, r)) {
		close(fd);
		unlink(path);
		free(r);
		return -ENOSPC;
	}
	*out = r;
	return 0;
}

/* Before the NIC goes: its service closes the clients (on_close). */
void
lagnicd_rdma_close(struct lagnicd_rdma *r)
{
	if (!r)
		return;
	loop_fd_del(r->loop, r->fd);
	close(r->fd);
	unlink(r->path);
	free(r);
}
