/* The RDMA service: connections, requests, objects (rdma_svc.h). */
#include "rdma/rdma_svc_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"
#include "rdma/rdma_msg.h"


int
rdma_svc_create(struct rdma_svc **out, struct roce_engine *engine)
{
	struct rdma_svc *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->e = engine;
	s->log_rl = (struct ratelimit)RATELIMIT_INIT;
	s->port_state = rdma_svc_port_state(s);
	*out = s;
	return 0;
}

/* ---- a client's objects, undone in reverse order of dependence ---- */

static void
client_free_qps(struct rdma_client *c)
{
	for (unsigned i = 0; i < RDMA_QPS_MAX; i++) {
		struct rdma_qp *q = &c->qps[i];

		if (!q->qp)
			continue;
		roce_destroy_qp(q->qp);
		shm_region_unmap(q->mem, q->len);
		c->cqs[q->send_cq - 1].qps--;
		c->cqs[q->recv_cq - 1].qps--;
		if (q->srq)
			c->srqs[q->srq - 1].qps--;
		memset(q, 0, sizeof(*q));
	}
}

static void
client_free_objects(struct rdma_client *c)
{
	client_free_qps(c);
	rdma_srqs_free(c);
	for (unsigned i = 0; i < RDMA_AHS_MAX; i++)
		if (c->ahs[i])
			roce_destroy_ah(c->ahs[i]);
	for (unsigned i = 0; i < RDMA_MRS_MAX; i++)
		if (c->mrs[i].mr)
			roce_dereg_mr(c->mrs[i].mr);
	for (unsigned i = 0; i < RDMA_CQS_MAX; i++)
		if (c->cqs[i].cq) {
			roce_destroy_cq(c->cqs[i].cq);
			shm_region_unmap(c->cqs[i].mem, c->cqs[i].len);
		}
	rdma_channels_close(c);
	for (unsigned i = 0; i < RDMA_PDS_MAX; i++)
		if (c->pds[i])
			roce_dealloc_pd(c->pds[i]);
	for (unsigned i = 0; i < RDMA_BUFS_MAX; i++)
		if (c->bufs[i].map)
			shm_region_unmap(c->bufs[i].map, c->bufs[i].len);
}

void
rdma_svc_set_resolver(struct rdma_svc *svc, rdma_svc_resolve_fn *fn,
    void *arg)
{
	svc->resolve = fn;
	svc->resolve_arg = arg;
}

void
rdma_svc_set_numa_lane(struct rdma_svc *svc, rdma_svc_numa_lane_fn *fn,
    void *arg)
{
	svc->numa_lane = fn;
	svc->numa_lane_arg = arg;
}

int
rdma_svc_av_resolve(struct rdma_svc *s, struct roce_ah_attr *av)
{
	static const uint8_t zero[6];

	if (!s->resolve || memcmp(av->dmac, zero, sizeof(zero)) != 0)
		return 0;
	return s->resolve(s->resolve_arg, av->grh.sgid_index, &av->grh.dgid,
	    av->dmac);
}

void
rdma_svc_set_close_cb(struct rdma_svc *svc, rdma_svc_close_fn *fn, void *arg)
{
	svc->close_cb = fn;
	svc->close_arg = arg;
}

void
rdma_svc_client_close(struct rdma_svc *s, struct rdma_client *c)
{
	if (s->close_cb)
		s->close_cb(c, s->close_arg);
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i] == c)
			s->clients[i] = NULL;
	client_free_objects(c);
	shm_region_unmap(c->status_mem, c->status_len);
	close(c->fd);
	if (c->doorbell >= 0)
		close(c->doorbell);
	if (c->evfd >= 0)
		close(c->evfd);
	if (c->pidfd >= 0)
		close(c->pidfd);
	free(c);
}

void
rdma_svc_destroy(struct rdma_svc *svc)
{
	if (!svc)
		return;
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (svc->clients[i])
			rdma_svc_client_close(svc, svc->clients[i]);
	free(svc);
}

int
rdma_svc_client_add(struct rdma_svc *s, int fd, struct rdma_client **out)
{
	struct rdma_client *c;
	unsigned slot;

	for (slot = 0; slot < RDMA_CLIENTS_MAX && s->clients[slot]; slot++)
		;
	if (slot == RDMA_CLIENTS_MAX) {
		close(fd);
		return -ENOSPC;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->svc = s;
	c->fd = fd;
	c->doorbell = -1;
	c->evfd = -1;
	rdma_client_mem_init(c);
	s->clients[slot] = c;
	s->cnt.clients++;
	*out = c;
	return 0;
}

int
rdma_svc_client_fd(const struct rdma_client *c)
{
	return c->fd;
}

int
rdma_svc_client_pidfd(const struct rdma_client *c)
{
	return c->pidfd;
}

struct rdma_svc *
rdma_svc_client_svc(const struct rdma_client *c)
{
	return c->svc;
}

void
rdma_svc_client_drop(struct rdma_client *c)
{
	rdma_svc_client_close(c->svc, c);
}

int
rdma_svc_client_doorbell_fd(const struct rdma_client *c)
{
	return c->doorbell;
}

void
rdma_svc_doorbell(struct rdma_client *c)
{
	uint64_t v;

	if (read(c->doorbell, &v, sizeof(v)) == sizeof(v))
		c->svc->cnt.doorbells++;
}

const struct rdma_svc_counters *
rdma_svc_counters(const struct rdma_svc *s)
{
	return &s->cnt;
}

unsigned
rdma_svc_nclients(const struct rdma_svc *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		n += s->clients[i] != NULL;
	return n;
}

/* ---- requests ---- */

int
rdma_req_take_fd(struct rdma_req *r)
{
	int fd;

	if (r->nfds != 1)
		return -EINVAL;
	fd = r->fds[0];
	r->fds[0] = -1;
	return fd;
}

int
rdma_notify_pipe(int fds[2])
{
	int err;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0)
		return 0;
	err = -errno;
	close(fds[0]);
	close(fds[1]);
	return err;
}

void
rdma_notify(int fd)
{
	if (write(fd, "", 1) != 1)
		return;		/* full: this notification's byte is lost */
}

static int
free_slot(const void *const *tbl, unsigned max, size_t stride)
{
	const uint8_t *p = (const uint8_t *)tbl;

	for (unsigned i = 0; i < max; i++) {
		const void *v;

		memcpy(&v, p + i * stride, sizeof(v));
		if (!v)
			return (int)i;
	}
	return -1;
}

#define FREE_SLOT(arr, field) free_slot((const void *const *)&(arr)[0].field,\
	ARRAY_SIZE(arr), sizeof((arr)[0]))

struct roce_pd *
rdma_pd_of(struct rdma_client *c, uint32_t h)
{
	int i = rdma_handle_index(h, RDMA_PDS_MAX);

	return i < 0 ? NULL : c->pds[i];
}

/* HELLO: the version, the device, the doorbell, the status page and the
 * event pipe's read end. */
static int
req_hello(struct rdma_req *r)
{
	const struct rdma_hello_req *q = r->body;
	struct rdma_hello_rep *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	int sfd, evp[2], err;

	if (q->version != RDMA_PROTO_VERSION || c->hello)
		return -EPROTO;
	c->doorbell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->doorbell < 0)
		return -errno;
	/* a byte per event, at most the ring's worth unread */
	err = rdma_notify_pipe(evp);
	if (err)
		goto fail_doorbell;
	c->evfd = evp[1];
	c->status_len = RDMA_STATUS_BYTES;
	err = shm_region_create("lagnic-status", c->status_len, &sfd,
	    &c->status_mem);
	if (err) {
		c->status_mem = NULL;
		close(evp[0]);
		goto fail_evfd;
	}
	/* commit: nothing below may fail */
	c->status = c->status_mem;
	atomic_store(&c->status->port_state, c->svc->port_state);
	c->hello = true;
	p->version = RDMA_PROTO_VERSION;
	roce_query_device(c->svc->e, &p->dev);
	roce_query_port(c->svc->e, 1, &p->port);
	p->port.state = c->svc->port_state;
	r->rep_fds[0] = c->doorbell;	/* a copy goes; we keep ours */
	r->rep_fds[1] = sfd;
	r->rep_fds[2] = evp[0];		/* the application's only */
	r->rep_nfds = 3;
	return 0;
fail_evfd:
	close(c->evfd);
	c->evfd = -1;
fail_doorbell:
	close(c->doorbell);
	c->doorbell = -1;
	return err;
}

static int
req_query_gid(struct rdma_req *r)
{
	const struct rdma_query_gid_req *q = r->body;
	struct rdma_query_gid_rep *p = rdma_rep_body(r);

	return roce_query_gid(r->c->svc->e, q->index, &p->gid);
}

static int
req_alloc_pd(struct rdma_req *r)
{
	struct rdma_handle *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	int i, err;

	for (i = 0; i < RDMA_PDS_MAX && c->pds[i]; i++)
		;
	if (i == RDMA_PDS_MAX)
		return -ENOMEM;
	err = roce_alloc_pd(c->svc->e, &c->pds[i]);
	if (err)
		return err;
	p->handle = (uint32_t)i + 1;
	return 0;
}

static int
req_dealloc_pd(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	struct roce_pd *pd = rdma_pd_of(r->c, q->handle);
	int err;

	if (!pd)
		return -EINVAL;
	err = roce_dealloc_pd(pd);
	if (err)
		return err;
	r->c->pds[q->handle - 1] = NULL;
	return 0;
}

/* MAP_BUF: the application's shared memory, mapped here too. */
static int
req_map_buf(struct rdma_req *r)
{
	const struct rdma_map_buf_req *q = r->body;
	struct rdma_handle *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	int fd = rdma_req_take_fd(r), i, err;
	void *map;

	if (fd < 0)
		return -EINVAL;
	i = FREE_SLOT(c->bufs, map);
	if (i < 0 || q->len == 0 || q->len > (1ull << 40) ||
	    q->va + q->len < q->va) {
		close(fd);
		return i < 0 ? -ENOMEM : -EINVAL;
	}
	err = shm_region_map(fd, q->len, &map);
	close(fd);
	if (err)
		return err;
	c->bufs[i] = (struct rdma_buf){ .map = map, .va = q->va, .len = q->len };
	p->handle = (uint32_t)i + 1;
	return 0;
}

static int
req_unmap_buf(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	int i = rdma_handle_index(q->handle, RDMA_BUFS_MAX);
	struct rdma_buf *b = i < 0 ? NULL : &r->c->bufs[i];

	if (!b || !b->map)
		return -EINVAL;
	if (b->mrs)
		return -EBUSY;
	shm_region_unmap(b->map, b->len);
	memset(b, 0, sizeof(*b));
	return 0;
}

/* An MR in a MAP_BUF: mapped here, the engine reaches it directly. */
static int
reg_mr_in_buf(struct rdma_req *r, struct roce_pd *pd, struct roce_mr **mr)
{
	const struct rdma_reg_mr_req *q = r->body;
	int bi = rdma_handle_index(q->buf, RDMA_BUFS_MAX);
	struct rdma_buf *b = bi < 0 ? NULL : &r->c->bufs[bi];
	int err;

	if (!b || !b->map || q->va < b->va || q->va - b->va > b->len ||
	    q->len > b->len - (q->va - b->va))
		return -EINVAL;
	err = roce_reg_mr_iova(pd, b->map + (q->va - b->va), q->len, q->va,
	    q->access, mr);
	if (!err)
		b->mrs++;
	return err;
}

/* An MR over the application's own memory (buf 0): reached by copies;
 * every page must be there now, as verbs pins them at registration. */
static int
reg_mr_own(struct rdma_req *r, struct roce_pd *pd, struct roce_mr **mr)
{
	const struct rdma_reg_mr_req *q = r->body;
	int err;

	if (q->va + q->len < q->va || q->va + q->len > RDMA_USER_VA_END)
		return -EFAULT;
	err = rdma_client_mem_probe(r->c, q->va, q->len);
	if (err)
		return err;
	return roce_reg_mr_ops(pd, &rdma_client_mem_ops, r->c, q->va, q->len,
	    q->access, mr);
}

static int
req_reg_mr(struct rdma_req *r)
{
	const struct rdma_reg_mr_req *q = r->body;
	struct rdma_reg_mr_rep *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	struct roce_pd *pd = rdma_pd_of(c, q->pd);
	int i = FREE_SLOT(c->mrs, mr), err;
	struct roce_mr *mr;

	if (!pd || q->len == 0)
		return -EINVAL;
	if (i < 0)
		return -ENOMEM;
	err = q->buf ? reg_mr_in_buf(r, pd, &mr) : reg_mr_own(r, pd, &mr);
	if (err)
		return err;
	c->mrs[i] = (struct rdma_mr){ .mr = mr, .buf = q->buf };
	p->handle = (uint32_t)i + 1;
	p->lkey = roce_mr_lkey(mr);
	p->rkey = roce_mr_rkey(mr);
	return 0;
}

static int
req_dereg_mr(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	int i = rdma_handle_index(q->handle, RDMA_MRS_MAX);
	struct rdma_mr *m = i < 0 ? NULL : &r->c->mrs[i];
	int err;

	if (!m || !m->mr)
		return -EINVAL;
	err = roce_dereg_mr(m->mr);
	if (err)
		return err;
	if (m->buf)
		r->c->bufs[m->buf - 1].mrs--;
	memset(m, 0, sizeof(*m));
	return 0;
}

static int
req_create_cq(struct rdma_req *r)
{
	const struct rdma_create_cq_req *q = r->body;
	struct rdma_create_cq_rep *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	int i = FREE_SLOT(c->cqs, cq), fd, err;
	struct rdma_cq *cq;
	uint32_t n;

	if (i < 0)
		return -ENOMEM;
	if (q->cqe == 0 || q->cqe > ROCE_MAX_CQE)
		return -EINVAL;
	err = rdma_channel_attach(c, q->channel);
	if (err)
		return err;
	cq = &c->cqs[i];
	n = round_up_pow2(q->cqe);
	cq->len = shm_ring_bytes(sizeof(struct roce_wc), n);
	err = shm_region_create("lagnic-cq", cq->len, &fd, &cq->mem);
	if (err) {
		rdma_channel_detach(c, q->channel);
		return err;
	}
	shm_ring_format(&cq->ring, cq->mem, cq->len, sizeof(struct roce_wc), n);
	err = roce_create_cq(c->svc->e, n, NULL, &cq->cq);
	if (err) {
		shm_region_unmap(cq->mem, cq->len);
		close(fd);
		memset(cq, 0, sizeof(*cq));
		rdma_channel_detach(c, q->channel);
		return err;
	}
	cq->channel = q->channel;
	/* the arm word of a handle used before starts clear */
	atomic_store(&c->status->cq_arm[i], RDMA_CQ_ARM_NONE);
	atomic_store(&c->status->cq_fired[i], 0);
	p->handle = (uint32_t)i + 1;
	p->entries = n;
	p->ring_bytes = cq->len;
	r->rep_fds[0] = fd;
	r->rep_nfds = 1;
	return 0;
}

static int
req_destroy_cq(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	int i = rdma_handle_index(q->handle, RDMA_CQS_MAX);
	struct rdma_cq *cq = i < 0 ? NULL : &r->c->cqs[i];
	int err;

	if (!cq || !cq->cq)
		return -EINVAL;
	if (cq->qps)
		return -EBUSY;
	err = roce_destroy_cq(cq->cq);
	if (err)
		return err;
	shm_region_unmap(cq->mem, cq->len);
	rdma_channel_detach(r->c, cq->channel);
	memset(cq, 0, sizeof(*cq));
	return 0;
}

static int
req_create_ah(struct rdma_req *r)
{
	const struct rdma_create_ah_req *q = r->body;
	struct rdma_handle *p = rdma_rep_body(r);
	struct rdma_client *c = r->c;
	struct roce_pd *pd = rdma_pd_of(c, q->pd);
	struct roce_ah_attr av = q->attr;
	int i, err;

	for (i = 0; i < RDMA_AHS_MAX && c->ahs[i]; i++)
		;
	if (!pd)
		return -EINVAL;
	if (i == RDMA_AHS_MAX)
		return -ENOMEM;
	err = rdma_svc_av_resolve(c->svc, &av);
	if (err)
		return err;
	err = roce_create_ah(pd, &av, &c->ahs[i]);
	if (err)
		return err;
	p->handle = (uint32_t)i + 1;
	return 0;
}

static int
req_destroy_ah(struct rdma_req *r)
{
	const struct rdma_handle *q = r->body;
	int i = rdma_handle_index(q->handle, RDMA_AHS_MAX);
	int err;

	if (i < 0 || !r->c->ahs[i])
		return -EINVAL;
	err = roce_destroy_ah(r->c->ahs[i]);
	if (!err)
		r->c->ahs[i] = NULL;
	return err;
}

typedef int rdma_req_fn(struct rdma_req *r);

static rdma_req_fn *const rdma_handlers[RDMA_MSG_COUNT] = {
	[RDMA_MSG_HELLO] = req_hello,
	[RDMA_MSG_QUERY_GID] = req_query_gid,
	[RDMA_MSG_ALLOC_PD] = req_alloc_pd,
	[RDMA_MSG_DEALLOC_PD] = req_dealloc_pd,
	[RDMA_MSG_MAP_BUF] = req_map_buf,
	[RDMA_MSG_UNMAP_BUF] = req_unmap_buf,
	[RDMA_MSG_REG_MR] = req_reg_mr,
	[RDMA_MSG_DEREG_MR] = req_dereg_mr,
	[RDMA_MSG_CREATE_CQ] = req_create_cq,
	[RDMA_MSG_DESTROY_CQ] = req_destroy_cq,
	[RDMA_MSG_CREATE_AH] = req_create_ah,
	[RDMA_MSG_DESTROY_AH] = req_destroy_ah,
	[RDMA_MSG_CREATE_QP] = rdma_req_create_qp,
	[RDMA_MSG_DESTROY_QP] = rdma_req_destroy_qp,
	[RDMA_MSG_MODIFY_QP] = rdma_req_modify_qp,
	[RDMA_MSG_QUERY_QP] = rdma_req_query_qp,
	[RDMA_MSG_CREATE_CHANNEL] = rdma_req_create_channel,
	[RDMA_MSG_DESTROY_CHANNEL] = rdma_req_destroy_channel,
	[RDMA_MSG_CREATE_SRQ] = rdma_req_create_srq,
	[RDMA_MSG_DESTROY_SRQ] = rdma_req_destroy_srq,
	[RDMA_MSG_MODIFY_SRQ] = rdma_req_modify_srq,
	[RDMA_MSG_QUERY_SRQ] = rdma_req_query_srq,
};

/* Exact sizes, a known type, HELLO first, fds only where they belong. */
static int
rdma_req_check(const struct rdma_req *r, size_t len)
{
	const struct rdma_hdr *h = r->hdr;

	if (len < sizeof(*h) || h->type >= RDMA_MSG_COUNT)
		return -EPROTO;
	if (len - sizeof(*h) != rdma_msg_sizes[h->type].req)
		return -EPROTO;
	if (!r->c->hello && h->type != RDMA_MSG_HELLO)
		return -EPROTO;
	if (r->nfds != (h->type == RDMA_MSG_MAP_BUF))
		return -EINVAL;
	return 0;
}

static int
rdma_req_reply(struct rdma_req *r, int err)
{
	struct rdma_hdr *h = (struct rdma_hdr *)r->rep;
	size_t len = err ? 0 : rdma_msg_sizes[r->hdr->type].rep;
	int e;

	*h = (struct rdma_hdr){ .type = r->hdr->type, .seq = r->hdr->seq,
	    .err = err };
	e = rdma_msg_send(r->c->fd, h, rdma_rep_body(r), len, r->rep_fds,
	    err ? 0 : r->rep_nfds);
	/* the fds we made for the client are its now (the doorbell: a
	 * copy went, ours stays) */
	for (unsigned i = 0; i < r->rep_nfds; i++)
		if (r->rep_fds[i] != r->c->doorbell)
			close(r->rep_fds[i]);
	return e;
}

int
rdma_svc_client_input(struct rdma_svc *s, struct rdma_client *c)
{
	_Alignas(16) uint8_t buf[RDMA_MSG_MAX];
	int fds[RDMA_MSG_FDS];
	struct rdma_req r = { .c = c, .hdr = (void *)buf, .fds = fds,
	    .body = buf + sizeof(struct rdma_hdr) };
	int n, err;

	n = rdma_msg_recv(c->fd, buf, sizeof(buf), fds, &r.nfds);
	if (n == -EAGAIN || n == -EINTR) {
		err = 0;
		goto out_close_fds;
	}
	if (n <= 0)
		goto fail_close;
	err = rdma_req_check(&r, (size_t)n);
	if (err == -EPROTO) {
		s->cnt.bad_requests++;
		if (ratelimit_ok(&s->log_rl, &clock_monotonic))
			log_warn("rdma: a client broke the protocol: closed");
		goto fail_close;
	}
	memset(r.rep + sizeof(struct rdma_hdr), 0, sizeof(r.rep) -
	    sizeof(struct rdma_hdr));
	if (!err)
		err = rdma_handlers[r.hdr->type](&r);
	if (err)
		s->cnt.bad_requests += err == -EINVAL;
	if (rdma_req_reply(&r, err))
		goto fail_close;
	err = 0;
out_close_fds:
	for (unsigned i = 0; i < r.nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err;
fail_close:
	for (unsigned i = 0; i < r.nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	rdma_svc_client_close(s, c);
	return -ECONNRESET;
}
