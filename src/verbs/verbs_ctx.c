/*
 * The device and its context: ibv_get_device_list (one device, lagnic0,
 * when lagnicd's RDMA socket answers), ibv_open_device, the queries
 * (device, port, GID, P_Key), async events, fork and sysfs helpers.
 */
#include "verbs/verbs_priv.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* rdma-core's private ones, which ibv_devinfo calls */
enum ibv_gid_type_sysfs {
	IBV_GID_TYPE_SYSFS_IB_ROCE_V1,
	IBV_GID_TYPE_SYSFS_ROCE_V2,
};
int ibv_query_gid_type(struct ibv_context *context, uint8_t port_num,
    unsigned int index, enum ibv_gid_type_sysfs *type);
int ibv_read_sysfs_file(const char *dir, const char *file, char *buf,
    size_t size);
const char *ibv_get_sysfs_path(void);
int ibv_dontfork_range(void *base, size_t size);
int ibv_dofork_range(void *base, size_t size);

/* The header makes these macros; we define the functions. */
#undef ibv_query_port
#undef ibv_get_device_list

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vb_device *the_dev;	/* lives as long as the process */

void
vb_trace(const char *fmt, ...)
{
	static int on = -1;
	va_list ap;

	if (on < 0)
		on = getenv("LAGNIC_VERBS_DEBUG") != NULL;
	if (!on)
		return;
	va_start(ap, fmt);
	fputs("lagnic-verbs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void *
vb_fail(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

void
vb_lock(struct vb_context *c)
{
	pthread_mutex_lock(&c->lock);
}

void
vb_unlock(struct vb_context *c)
{
	pthread_mutex_unlock(&c->lock);
}

static const char *
sock_path(void)
{
	const char *p = getenv("LAGNIC_RDMA_SOCKET");

	return p && *p ? p : LAGNIC_RDMA_SOCKET_DEFAULT;
}

/* Ask lagnicd for the device once: it is there, and its node GUID. */
static int
probe(const char *path, uint64_t *guid)
{
	struct lagnic_context *lc = lagnic_open(path);
	struct roce_device_attr a;

	if (!lc)
		return errno;
	lagnic_query_device(lc, &a);
	lagnic_close(lc);
	*guid = a.node_guid;
	return 0;
}

static void
dev_fill(struct vb_device *d, const char *path, uint64_t guid)
{
	memset(d, 0, sizeof(*d));
	d->dev.node_type = IBV_NODE_CA;
	d->dev.transport_type = IBV_TRANSPORT_IB;
	snprintf(d->dev.name, sizeof(d->dev.name), "%s", VB_DEVICE_NAME);
	snprintf(d->dev.dev_name, sizeof(d->dev.dev_name), "uverbs_%s",
	    VB_DEVICE_NAME);
	snprintf(d->dev.dev_path, sizeof(d->dev.dev_path),
	    "/sys/class/infiniband_verbs/uverbs_%s", VB_DEVICE_NAME);
	snprintf(d->dev.ibdev_path, sizeof(d->dev.ibdev_path),
	    "/sys/class/infiniband/%s", VB_DEVICE_NAME);
	snprintf(d->sock_path, sizeof(d->sock_path), "%s", path);
	d->node_guid = guid;
}

struct ibv_device **
ibv_get_device_list(int *num_devices)
{
	struct ibv_device **list = calloc(2, sizeof(*list));
	const char *path = sock_path();
	uint64_t guid = 0;
	int err, n = 0;

	if (!list)
		return vb_fail(ENOMEM);
	err = probe(path, &guid);
	if (err) {
		fprintf(stderr, "lagnic-verbs: no RDMA device: lagnicd at %s: "
		    "%s\n", path, strerror(err));
	} else {
		pthread_mutex_lock(&dev_lock);
		if (!the_dev)
			the_dev = malloc(sizeof(*the_dev));
		if (the_dev) {
			dev_fill(the_dev, path, guid);
			list[n++] = &the_dev->dev;
		}
		pthread_mutex_unlock(&dev_lock);
	}
	if (num_devices)
		*num_devices = n;
	return list;
}

void
ibv_free_device_list(struct ibv_device **list)
{
	free(list);
}

const char *
ibv_get_device_name(struct ibv_device *device)
{
	return device->name;
}

__be64
ibv_get_device_guid(struct ibv_device *device)
{
	struct vb_device *d = vb_container_of(device, struct vb_device, dev);

	return htobe64(d->node_guid);
}

int
ibv_get_device_index(struct ibv_device *device)
{
	return -1;	/* no kernel device behind it */
}

static int
query_port(struct ibv_context *ctx, uint8_t port, struct ibv_port_attr *a,
    size_t len)
{
	struct vb_context *c = vb_ctx(ctx);
	struct ibv_port_attr p = { 0 };
	struct roce_port_attr now;
	bool up;

	if (port != VB_PORT)
		return EINVAL;
	/* the LAG's carrier as lagnicd keeps it in the status page */
	lagnic_query_port(c->lc, VB_PORT, &now);
	up = now.state == IBV_PORT_ACTIVE;
	p.state = (enum ibv_port_state)now.state;
	p.max_mtu = (enum ibv_mtu)c->port.max_mtu;
	p.active_mtu = (enum ibv_mtu)c->port.active_mtu;
	p.gid_tbl_len = (int)c->port.gid_tbl_len;
	p.port_cap_flags = IBV_PORT_CM_SUP | IBV_PORT_IP_BASED_GIDS;
	p.max_msg_sz = 1u << 31;
	p.pkey_tbl_len = c->port.pkey_tbl_len;
	p.max_vl_num = 1;
	p.active_width = 2;		/* 4X */
	p.active_speed = 4;		/* QDR: 40 Gb/s, a nominal figure */
	p.phys_state = up ? 5 : 3;	/* LinkUp, Disabled */
	p.link_layer = c->port.link_layer;
	memcpy(a, &p, len < sizeof(p) ? len : sizeof(p));
	return 0;
}

/* Programs built with older headers call this one: their struct ends
 * after link_layer (and a reserved byte). */
int
ibv_query_port(struct ibv_context *ctx, uint8_t port,
    struct _compat_ibv_port_attr *a)
{
	return query_port(ctx, port, (struct ibv_port_attr *)a,
	    offsetof(struct ibv_port_attr, flags));
}

int
ibv_query_device(struct ibv_context *ctx, struct ibv_device_attr *a)
{
	const struct roce_device_attr *d = &vb_ctx(ctx)->dev;

	memset(a, 0, sizeof(*a));
	snprintf(a->fw_ver, sizeof(a->fw_ver), "lagnic");
	a->node_guid = a->sys_image_guid = htobe64(d->node_guid);
	a->max_mr_size = d->max_mr_size;
	a->page_size_cap = 0xfffff000;
	a->vendor_id = d->vendor_id;
	a->max_qp = (int)d->max_qp;
	a->max_qp_wr = (int)d->max_qp_wr;
	a->device_cap_flags = IBV_DEVICE_RC_RNR_NAK_GEN;
	a->max_sge = a->max_sge_rd = (int)d->max_sge;
	a->max_cq = (int)d->max_cq;
	a->max_cqe = (int)d->max_cqe;
	a->max_mr = (int)d->max_mr;
	a->max_pd = (int)d->max_pd;
	a->max_qp_rd_atom = a->max_res_rd_atom = (int)d->max_qp_rd_atom;
	a->max_qp_init_rd_atom = (int)d->max_qp_init_rd_atom;
	a->atomic_cap = IBV_ATOMIC_HCA;
	a->max_ah = (int)d->max_qp;
	a->max_srq = (int)d->max_srq;
	a->max_srq_wr = (int)d->max_srq_wr;
	a->max_srq_sge = (int)d->max_srq_sge;
	a->max_pkeys = 1;
	a->local_ca_ack_delay = 15;
	a->phys_port_cnt = d->phys_port_cnt;
	return 0;
}

static int
query_device_ex(struct ibv_context *ctx,
    const struct ibv_query_device_ex_input *input,
    struct ibv_device_attr_ex *attr, size_t size)
{
	struct ibv_device_attr_ex a = { 0 };

	if (input && input->comp_mask)
		return EINVAL;
	if (size < sizeof(a.orig_attr))
		return EINVAL;
	ibv_query_device(ctx, &a.orig_attr);
	a.phys_port_cnt_ex = a.orig_attr.phys_port_cnt;
	memcpy(attr, &a, size < sizeof(a) ? size : sizeof(a));
	return 0;
}

int
ibv_query_gid(struct ibv_context *ctx, uint8_t port, int index,
    union ibv_gid *gid)
{
	struct vb_context *c = vb_ctx(ctx);
	union roce_gid g;
	int err;

	if (port != VB_PORT || index < 0 ||
	    (uint32_t)index >= c->port.gid_tbl_len)
		return -1;
	vb_lock(c);
	err = lagnic_query_gid(c->lc, port, index, &g);
	vb_unlock(c);
	if (err == EINVAL)		/* an empty entry reads as zeros */
		memset(&g, 0, sizeof(g));
	else if (err)
		return -1;
	memcpy(gid->raw, g.raw, sizeof(gid->raw));
	return 0;
}

int
_ibv_query_gid_ex(struct ibv_context *ctx, uint32_t port, uint32_t index,
    struct ibv_gid_entry *entry, uint32_t flags, size_t entry_size)
{
	struct ibv_gid_entry e = { .gid_index = index, .port_num = port,
	    .gid_type = IBV_GID_TYPE_ROCE_V2 };
	static const union ibv_gid zero;

	if (flags || entry_size < sizeof(e) || port != VB_PORT)
		return EINVAL;
	if (ibv_query_gid(ctx, (uint8_t)port, (int)index, &e.gid))
		return EINVAL;
	if (!memcmp(&e.gid, &zero, sizeof(zero)))
		return ENODATA;
	memcpy(entry, &e, sizeof(e));
	return 0;
}

ssize_t
_ibv_query_gid_table(struct ibv_context *ctx, struct ibv_gid_entry *entries,
    size_t max_entries, uint32_t flags, size_t entry_size)
{
	struct vb_context *c = vb_ctx(ctx);
	size_t n = 0;

	if (flags || entry_size < sizeof(*entries))
		return -EINVAL;
	for (uint32_t i = 0; i < c->port.gid_tbl_len; i++) {
		struct ibv_gid_entry e;

		if (_ibv_query_gid_ex(ctx, VB_PORT, i, &e, 0, sizeof(e)))
			continue;
		if (n == max_entries)
			return -EINVAL;
		memcpy((char *)entries + n++ * entry_size, &e, sizeof(e));
	}
	return (ssize_t)n;
}

int
ibv_query_gid_type(struct ibv_context *ctx, uint8_t port, unsigned int index,
    enum ibv_gid_type_sysfs *type)
{
	if (port != VB_PORT || index >= vb_ctx(ctx)->port.gid_tbl_len)
		return -1;
	*type = IBV_GID_TYPE_SYSFS_ROCE_V2;
	return 0;
}

/* One P_Key, the default (full membership). */
int
ibv_query_pkey(struct ibv_context *ctx, uint8_t port, int index, __be16 *pkey)
{
	if (port != VB_PORT || index != 0)
		return -1;
	*pkey = htobe16(0xffff);
	return 0;
}

int
ibv_get_pkey_index(struct ibv_context *ctx, uint8_t port, __be16 pkey)
{
	if (port != VB_PORT || (be16toh(pkey) & 0x7fff) != 0x7fff)
		return -1;
	return 0;
}

static void
ops_init(struct vb_context *c)
{
	struct ibv_context *ctx = &c->vctx.context;

	ctx->ops.poll_cq = vb_cq_poll;
	ctx->ops.req_notify_cq = vb_cq_req_notify;
	ctx->ops.post_send = vb_post_send;
	ctx->ops.post_recv = vb_post_recv;
	ctx->ops.post_srq_recv = vb_post_srq_recv;
	c->vctx.sz = sizeof(c->vctx);
	c->vctx.query_port = query_port;
	c->vctx.query_device_ex = query_device_ex;
	c->vctx.create_cq_ex = vb_create_cq_ex;
	c->vctx.create_qp_ex = vb_create_qp_ex;
}

struct ibv_context *
ibv_open_device(struct ibv_device *device)
{
	struct vb_device *d = vb_container_of(device, struct vb_device, dev);
	struct vb_context *c = calloc(1, sizeof(*c));
	struct ibv_context *ctx;
	int err;

	if (!c)
		return vb_fail(ENOMEM);
	c->lc = lagnic_open(d->sock_path);
	if (!c->lc) {
		err = errno;
		goto fail_free;
	}
	/* commit: nothing below may fail */
	lagnic_query_device(c->lc, &c->dev);
	lagnic_query_port(c->lc, VB_PORT, &c->port);
	pthread_mutex_init(&c->lock, NULL);
	ctx = &c->vctx.context;
	ctx->device = device;
	ctx->cmd_fd = -1;
	ctx->async_fd = lagnic_async_fd(c->lc);	/* readable: events */
	ctx->num_comp_vectors = 1;
	pthread_mutex_init(&ctx->mutex, NULL);
	ctx->abi_compat = __VERBS_ABI_IS_EXTENDED;
	ops_init(c);
	return ctx;
fail_free:
	free(c);
	return vb_fail(err);
}

/* lagnicd frees what the connection held; liblagnic its own side. */
int
ibv_close_device(struct ibv_context *ctx)
{
	struct vb_context *c = vb_ctx(ctx);

	lagnic_close(c->lc);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

/* lagnicd reaches the memory through the process (shared or read by
 * process_vm_*): fork needs no care. */
int
ibv_fork_init(void)
{
	return 0;
}

enum ibv_fork_status
ibv_is_fork_initialized(void)
{
	return IBV_FORK_UNNEEDED;
}

int
ibv_dontfork_range(void *base, size_t size)
{
	return 0;
}

int
ibv_dofork_range(void *base, size_t size)
{
	return 0;
}

const char *
ibv_get_sysfs_path(void)
{
	return "/sys";
}

int
ibv_read_sysfs_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	if (n <= 0)
		return -1;
	if ((size_t)n < size)
		buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return (int)n;
}
