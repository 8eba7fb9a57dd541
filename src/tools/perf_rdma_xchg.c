/* lagnic-perf's exchange over TCP: the QP count, then per QP its number,
 * buffer address, rkey, and the side's GID (IPv4) and MAC. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/perf_rdma.h"

void
rperf_xfer(int fd, void *p, size_t n, bool out)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = out ? write(fd, b, n) : read(fd, b, n);

		if (k <= 0)
			rperf_die("exchange", k < 0 ? errno : ECONNRESET);
		b += k;
		n -= (size_t)k;
	}
}

static int
tcp_server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), fd;

	if (l < 0)
		rperf_die("socket", errno);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		rperf_die("listen", errno);
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		rperf_die("accept", errno);
	close(l);
	return fd;
}

static int
tcp_client(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		rperf_die(host, EINVAL);
	/* the server may still be creating its QPs: 10000 take a while */
	for (int i = 0; i < 1200; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			rperf_die("socket", errno);
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		usleep(100000);
	}
	rperf_die("connect", errno);
}

int
rperf_tcp_open(const struct rperf_opts *o)
{
	return o->server ? tcp_client(o->server, o->port) :
	    tcp_server(o->port);
}

bool
rperf_tcp_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

void
rperf_exchange(struct rperf *r, int tcp)
{
	uint32_t n = htonl(r->nqp), peer_n;
	struct rperf_peer *mine = calloc(r->nqp, sizeof(*mine));
	struct rperf_peer *theirs = calloc(r->nqp, sizeof(*theirs));

	if (!mine || !theirs)
		rperf_die("calloc", ENOMEM);
	rperf_xfer(tcp, &n, sizeof(n), true);
	rperf_xfer(tcp, &peer_n, sizeof(peer_n), false);
	if (ntohl(peer_n) != r->nqp) {
		fprintf(stderr, "lagnic-perf: the peer has %u QPs, we %u "
		    "(-q must match)\n", ntohl(peer_n), r->nqp);
		exit(2);
	}
	for (unsigned i = 0; i < r->nqp; i++) {
		mine[i] = r->me;
		mine[i].qpn = lagnic_qp_num(r->qps[i].qp);
		mine[i].rkey = r->qps[i].c->mr->rkey;
		mine[i].va = (uintptr_t)r->qps[i].c->buf;
	}
	/* one side writes first: both writing 24 B x 10000 QPs at once
	 * could fill both sockets' buffers and wait forever */
	if (r->o->server) {
		rperf_xfer(tcp, mine, r->nqp * sizeof(*mine), true);
		rperf_xfer(tcp, theirs, r->nqp * sizeof(*theirs), false);
	} else {
		rperf_xfer(tcp, theirs, r->nqp * sizeof(*theirs), false);
		rperf_xfer(tcp, mine, r->nqp * sizeof(*mine), true);
	}
	for (unsigned i = 0; i < r->nqp; i++)
		r->qps[i].peer = theirs[i];
	free(mine);
	free(theirs);
}
