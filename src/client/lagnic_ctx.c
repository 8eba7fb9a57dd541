/* liblagnic: the connection to lagnicd, and the objects other than QPs. */
#include "client/lagnic_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void
lagnic_obj_add(struct lagnic_context *ctx, struct lagnic_obj *o,
    void (*free_fn)(struct lagnic_obj *o))
{
	o->free = free_fn;
	o->next = ctx->objs.next;
	o->prev = &ctx->objs;
	ctx->objs.next->prev = o;
	ctx->objs.next = o;
}

void
lagnic_obj_del(struct lagnic_obj *o)
{
	o->prev->next = o->next;
	o->next->prev = o->prev;
}

static void
obj_free_plain(struct lagnic_obj *o)
{
	free(o);
}

static void
obj_free_cq(struct lagnic_obj *o)
{
	struct lagnic_cq *cq = (struct lagnic_cq *)o;

	cq->ctx->cqs[cq->handle - 1] = NULL;
	shm_region_unmap(cq->mem, cq->len);
	free(cq);
}

void *
lagnic_fail(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

static void
close_fds(const int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
}

static int
wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, LAGNIC_REPLY_TIMEOUT_MS);

	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static int
recv_reply(struct lagnic_context *ctx, enum rdma_msg_type type, void *rep,
    int *rfds, unsigned *nrfds)
{
	_Alignas(16) uint8_t buf[RDMA_MSG_MAX];
	const struct rdma_hdr *h = (const void *)buf;
	int fds[RDMA_MSG_FDS], n;
	unsigned nfds = 0;
	size_t want = rdma_msg_sizes[type].rep;

	n = wait_readable(ctx->sock);
	if (!n)
		n = rdma_msg_recv(ctx->sock, buf, sizeof(buf), fds, &nfds);
	if (n >= 0 && ((size_t)n < sizeof(*h) || h->type != type ||
	    h->seq != ctx->seq || (!h->err && (size_t)n != sizeof(*h) + want)))
		n = n == 0 ? -ECONNRESET : -EPROTO;
	if (n >= 0 && h->err)
		n = h->err;
	if (n < 0) {
		close_fds(fds, nfds);
		return n;
	}
	memcpy(rep, buf + sizeof(*h), want);
	if (rfds) {
		memcpy(rfds, fds, nfds * sizeof(int));
		*nrfds = nfds;
	} else {
		close_fds(fds, nfds);
	}
	return 0;
}

int
lagnic_call(struct lagnic_context *ctx, enum rdma_msg_type type,
    const void *req, void *rep, const int *fds, unsigned nfds, int *rfds,
    unsigned *nrfds)
{
	struct rdma_hdr h = { .type = type, .seq = ++ctx->seq };
	uint8_t none[1];
	int err;

	err = rdma_msg_send(ctx->sock, &h, req, rdma_msg_sizes[type].req, fds,
	    nfds);
	if (err)
		return err;
	return recv_reply(ctx, type, rep ? rep : none, rfds, nrfds);
}

void
lagnic_doorbell(struct lagnic_context *ctx, unsigned work_bit)
{
	uint64_t one = 1;

	/* after the WQEs are in the ring: lagnicd takes the bit, then
	 * reads the ring */
	atomic_fetch_or(&ctx->status->work[work_bit / 64],
	    1ull << (work_bit % 64));
	/* pairs with lagnicd's flag-then-look (rdma_svc_poll) */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(ctx->sleeping, memory_order_relaxed) &&
	    write(ctx->doorbell, &one, sizeof(one)) < 0)
		return;		/* a full counter still wakes it */
}

int
lagnic_call_resolving(struct lagnic_context *ctx, enum rdma_msg_type type,
    const void *req, void *rep)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	int err;

	for (int i = 0; i < LAGNIC_RESOLVE_TIMEOUT_MS; i++) {
		err = lagnic_call(ctx, type, req, rep, NULL, 0, NULL, NULL);
		if (err != -EAGAIN)
			return err;
		nanosleep(&ms, NULL);
	}
	return -EHOSTUNREACH;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* HELLO: the device's attributes, the doorbell, the status page and the
 * event pipe's read end. */
static int
hello(struct lagnic_context *ctx)
{
	struct rdma_hello_req q = { .version = RDMA_PROTO_VERSION };
	struct rdma_hello_rep p;
	int fds[RDMA_MSG_FDS], err;
	unsigned n = 0;

	err = lagnic_call(ctx, RDMA_MSG_HELLO, &q, &p, NULL, 0, fds, &n);
	if (err)
		return err;
	if (n != 3 || p.version != RDMA_PROTO_VERSION) {
		close_fds(fds, n);
		return -EPROTO;
	}
	ctx->doorbell = fds[0];
	ctx->evfd = fds[2];
	ctx->status_len = RDMA_STATUS_BYTES;
	err = shm_region_map(fds[1], ctx->status_len, &ctx->status_mem);
	close(fds[1]);
	if (err)
		return err;
	ctx->status = ctx->status_mem;
	ctx->sleeping = &ctx->status->sleeping;
	ctx->dev = p.dev;
	ctx->port = p.port;
	return 0;
}

struct lagnic_context *
lagnic_open_fd(int fd)
{
	struct lagnic_context *ctx = calloc(1, sizeof(*ctx));
	int err;

	if (!ctx) {
		close(fd);
		return lagnic_fail(-ENOMEM);
	}
	ctx->sock = fd;
	ctx->doorbell = -1;
	ctx->evfd = -1;
	ctx->objs.next = ctx->objs.prev = &ctx->objs;
	err = hello(ctx);
	if (err) {
		close(ctx->sock);
		if (ctx->doorbell >= 0)
			close(ctx->doorbell);
		if (ctx->evfd >= 0)
			close(ctx->evfd);
		free(ctx);
		return lagnic_fail(err);
	}
	pthread_mutex_init(&ctx->ev_lock, NULL);
	pthread_cond_init(&ctx->ev_cond, NULL);
	return ctx;
}

struct lagnic_context *
lagnic_open(const char *path)
{
	const char *env = getenv("LAGNIC_RDMA_SOCKET");
	int fd;

	if (!path)
		path = env ? env : LAGNIC_RDMA_SOCKET_DEFAULT;
	fd = connect_to(path);
	if (fd < 0)
		return lagnic_fail(fd);
	return lagnic_open_fd(fd);
}

/* lagnicd frees everything of a connection that closes. */
int
lagnic_close(struct lagnic_context *ctx)
{
	if (!ctx)
		return EINVAL;
	while (ctx->objs.next != &ctx->objs) {
		struct lagnic_obj *o = ctx->objs.next;

		lagnic_obj_del(o);
		o->free(o);
	}
	for (unsigned i = 0; i < LAGNIC_BUFS_MAX; i++)
		if (ctx->bufs[i].addr)
			munmap(ctx->bufs[i].addr, ctx->bufs[i].len);
	shm_region_unmap(ctx->status_mem, ctx->status_len);
	close(ctx->doorbell);
	close(ctx->evfd);
	close(ctx->sock);
	pthread_cond_destroy(&ctx->ev_cond);
	pthread_mutex_destroy(&ctx->ev_lock);
	free(ctx);
	return 0;
}

int
lagnic_query_device(struct lagnic_context *ctx, struct roce_device_attr *a)
{
	*a = ctx->dev;
	return 0;
}

int
lagnic_query_port(struct lagnic_context *ctx, uint8_t port,
    struct roce_port_attr *a)
{
	if (port != 1)
		return EINVAL;
	*a = ctx->port;
	a->state = atomic_load(&ctx->status->port_state);
	return 0;
}

int
lagnic_query_gid(struct lagnic_context *ctx, uint8_t port, int index,
    union roce_gid *gid)
{
	struct rdma_query_gid_req q = { .index = (uint32_t)index };
	struct rdma_query_gid_rep p;
	int err;

	if (port != 1 || index < 0)
		return EINVAL;
	err = lagnic_call(ctx, RDMA_MSG_QUERY_GID, &q, &p, NULL, 0, NULL, NULL);
	if (err)
		return -err;
	*gid = p.gid;
	return 0;
}

struct lagnic_pd *
lagnic_alloc_pd(struct lagnic_context *ctx)
{
	struct lagnic_pd *pd = calloc(1, sizeof(*pd));
	struct rdma_handle p;
	int err;

	if (!pd)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call(ctx, RDMA_MSG_ALLOC_PD, NULL, &p, NULL, 0, NULL,
	    NULL);
	if (err) {
		free(pd);
		return lagnic_fail(err);
	}
	pd->ctx = ctx;
	pd->handle = p.handle;
	lagnic_obj_add(ctx, &pd->obj, obj_free_plain);
	return pd;
}

static int
destroy(struct lagnic_context *ctx, enum rdma_msg_type type, uint32_t h)
{
	struct rdma_handle q = { .handle = h };

	return -lagnic_call(ctx, type, &q, NULL, NULL, 0, NULL, NULL);
}

int
lagnic_dealloc_pd(struct lagnic_pd *pd)
{
	int err = destroy(pd->ctx, RDMA_MSG_DEALLOC_PD, pd->handle);

	if (!err) {
		lagnic_obj_del(&pd->obj);
		free(pd);
	}
	return err;
}

void *
lagnic_alloc_buf(struct lagnic_context *ctx, size_t length)
{
	struct rdma_map_buf_req q;
	struct rdma_handle p;
	size_t len = (length + 4095) & ~(size_t)4095;
	void *mem;
	int fd, err, i;

	for (i = 0; i < LAGNIC_BUFS_MAX && ctx->bufs[i].addr; i++)
		;
	if (length == 0 || i == LAGNIC_BUFS_MAX)
		return lagnic_fail(length ? -ENOMEM : -EINVAL);
	err = shm_region_create("lagnic-buf", len, &fd, &mem);
	if (err)
		return lagnic_fail(err);
	q = (struct rdma_map_buf_req){ .va = (uintptr_t)mem, .len = len };
	err = lagnic_call(ctx, RDMA_MSG_MAP_BUF, &q, &p, &fd, 1, NULL, NULL);
	close(fd);
	if (err) {
		munmap(mem, len);
		return lagnic_fail(err);
	}
	ctx->bufs[i] = (struct lagnic_buf){ .addr = mem, .len = len,
	    .handle = p.handle };
	return mem;
}

static struct lagnic_buf *
buf_of(struct lagnic_context *ctx, const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	for (unsigned i = 0; i < LAGNIC_BUFS_MAX; i++) {
		struct lagnic_buf *b = &ctx->bufs[i];
		uintptr_t s = (uintptr_t)b->addr;

		if (b->addr && a >= s && a - s <= b->len && len <= b->len -
		    (a - s))
			return b;
	}
	return NULL;
}

int
lagnic_free_buf(struct lagnic_context *ctx, void *buf)
{
	struct lagnic_buf *b = buf_of(ctx, buf, 0);
	int err;

	if (!b || b->addr != buf)
		return EINVAL;
	err = destroy(ctx, RDMA_MSG_UNMAP_BUF, b->handle);
	if (err)
		return err;
	munmap(b->addr, b->len);
	memset(b, 0, sizeof(*b));
	return 0;
}

struct lagnic_mr *
lagnic_reg_mr(struct lagnic_pd *pd, void *addr, size_t length, int access)
{
	struct lagnic_buf *b = buf_of(pd->ctx, addr, length);
	struct rdma_reg_mr_req q;
	struct rdma_reg_mr_rep p;
	struct lagnic_mr_obj *mo;
	int err;

	mo = calloc(1, sizeof(*mo));
	if (!mo)
		return lagnic_fail(-ENOMEM);
	/* buf 0: memory of ours lagnicd does not map, it copies */
	q = (struct rdma_reg_mr_req){ .pd = pd->handle,
	    .buf = b ? b->handle : 0, .va = (uintptr_t)addr, .len = length,
	    .access = (uint32_t)access };
	err = lagnic_call(pd->ctx, RDMA_MSG_REG_MR, &q, &p, NULL, 0, NULL, NULL);
	if (err) {
		free(mo);
		return lagnic_fail(err);
	}
	mo->mr = (struct lagnic_mr){ .context = pd->ctx, .addr = addr,
	    .length = length, .lkey = p.lkey, .rkey = p.rkey,
	    .handle = p.handle };
	lagnic_obj_add(pd->ctx, &mo->obj, obj_free_plain);
	return &mo->mr;
}

int
lagnic_dereg_mr(struct lagnic_mr *mr)
{
	struct lagnic_mr_obj *mo = container_of(mr, struct lagnic_mr_obj, mr);
	int err = destroy(mr->context, RDMA_MSG_DEREG_MR, mr->handle);

	if (!err) {
		lagnic_obj_del(&mo->obj);
		free(mo);
	}
	return err;
}

struct lagnic_cq *
lagnic_create_cq(struct lagnic_context *ctx, int cqe, void *cq_context)
{
	return lagnic_create_cq_ch(ctx, cqe, cq_context, NULL);
}

struct lagnic_cq *
lagnic_create_cq_ch(struct lagnic_context *ctx, int cqe, void *cq_context,
    struct lagnic_comp_channel *channel)
{
	struct rdma_create_cq_req q = { .cqe = (uint32_t)cqe,
	    .channel = channel ? channel->handle : 0 };
	struct rdma_create_cq_rep p;
	struct lagnic_cq *cq;
	int fd, err;
	unsigned n = 0;

	if (cqe <= 0)
		return lagnic_fail(-EINVAL);
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call(ctx, RDMA_MSG_CREATE_CQ, &q, &p, NULL, 0, &fd, &n);
	if (!err && (n != 1 || p.handle == 0 || p.handle > RDMA_STATUS_CQS)) {
		close_fds(&fd, n);
		err = -EPROTO;
	}
	if (!err) {
		cq->len = p.ring_bytes;
		err = shm_region_map(fd, cq->len, &cq->mem);
		close(fd);
	}
	if (!err)
		err = shm_ring_attach(&cq->ring, cq->mem, cq->len,
		    sizeof(struct roce_wc), p.entries, SHM_RING_CONSUMER);
	if (err) {
		if (cq->mem)
			shm_region_unmap(cq->mem, cq->len);
		free(cq);
		return lagnic_fail(err);
	}
	cq->ctx = ctx;
	cq->handle = p.handle;
	cq->cq_context = cq_context;
	cq->channel = channel;
	lagnic_ev_register(ctx, RDMA_EVC_CQ, p.handle, cq, &cq->evc);
	lagnic_obj_add(ctx, &cq->obj, obj_free_cq);
	return cq;
}

int
lagnic_destroy_cq(struct lagnic_cq *cq)
{
	int err = destroy(cq->ctx, RDMA_MSG_DESTROY_CQ, cq->handle);

	if (err)
		return err;
	lagnic_ev_withdraw(cq->ctx, RDMA_EVC_CQ, cq->handle, &cq->evc);
	lagnic_obj_del(&cq->obj);
	obj_free_cq(&cq->obj);
	return 0;
}

int
lagnic_poll_cq(struct lagnic_cq *cq, int num, struct roce_wc *wc)
{
	int n;

	if (num <= 0)
		return 0;
	n = shm_ring_pop(&cq->ring, wc, (unsigned)num);
	return n;	/* -EPROTO: lagnicd's ring is broken */
}

struct roce_ah *
lagnic_create_ah(struct lagnic_pd *pd, struct roce_ah_attr *attr)
{
	struct rdma_create_ah_req q = { .pd = pd->handle, .attr = *attr };
	struct rdma_handle p;
	struct roce_ah *ah = calloc(1, sizeof(*ah));
	int err;

	if (!ah)
		return lagnic_fail(-ENOMEM);
	err = lagnic_call_resolving(pd->ctx, RDMA_MSG_CREATE_AH, &q, &p);
	if (err) {
		free(ah);
		return lagnic_fail(err);
	}
	ah->ctx = pd->ctx;
	ah->handle = p.handle;
	lagnic_obj_add(pd->ctx, &ah->obj, obj_free_plain);
	return ah;
}

int
lagnic_destroy_ah(struct roce_ah *ah)
{
	int err = destroy(ah->ctx, RDMA_MSG_DESTROY_AH, ah->handle);

	if (!err) {
		lagnic_obj_del(&ah->obj);
		free(ah);
	}
	return err;
}
