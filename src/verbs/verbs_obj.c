/*
 * Objects other than QPs and CQs: PD, MR, AH.
 */
#include "verbs/verbs_priv.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#undef ibv_reg_mr
#undef ibv_reg_mr_iova

struct ibv_pd *
ibv_alloc_pd(struct ibv_context *ctx)
{
	struct vb_context *c = vb_ctx(ctx);
	struct vb_pd *p = calloc(1, sizeof(*p));

	if (!p)
		return vb_fail(ENOMEM);
	vb_lock(c);
	p->lp = lagnic_alloc_pd(c->lc);
	vb_unlock(c);
	if (!p->lp) {
		int err = errno;

		free(p);
		return vb_fail(err);
	}
	p->pd.context = ctx;
	return &p->pd;
}

int
ibv_dealloc_pd(struct ibv_pd *pd)
{
	struct vb_context *c = vb_ctx(pd->context);
	struct vb_pd *p = vb_pd(pd);
	int err;

	vb_lock(c);
	err = lagnic_dealloc_pd(p->lp);
	vb_unlock(c);
	if (!err)
		free(p);
	return err;
}

/* Flags verbs defines that lagnic cannot honour (the optional range,
 * IBV_ACCESS_OPTIONAL_RANGE, may always be ignored). */
#define VB_ACCESS_KNOWN	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC | IBV_ACCESS_HUGETLB)

static struct ibv_mr *
reg_mr(struct ibv_pd *pd, void *addr, size_t length, uint64_t iova,
    unsigned access)
{
	struct vb_context *c = vb_ctx(pd->context);
	struct vb_mr *m;
	int err;

	access &= ~(unsigned)IBV_ACCESS_OPTIONAL_RANGE;
	if (access & ~(unsigned)VB_ACCESS_KNOWN) {
		vb_trace("reg_mr: access 0x%x not supported", access);
		return vb_fail(EOPNOTSUPP);
	}
	/* C10-87: remote write or atomic needs local write */
	if ((access & (IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & IBV_ACCESS_LOCAL_WRITE))
		return vb_fail(EINVAL);
	if (iova != (uintptr_t)addr) {
		vb_trace("reg_mr: an iova other than the address");
		return vb_fail(EOPNOTSUPP);
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return vb_fail(ENOMEM);
	vb_lock(c);
	m->lm = lagnic_reg_mr(vb_pd(pd)->lp, addr, length,
	    (int)(access & ROCE_ACCESS_ALL));
	vb_unlock(c);
	if (!m->lm) {
		err = errno;
		vb_trace("reg_mr %p+%zu: %s", addr, length, strerror(err));
		free(m);
		return vb_fail(err);
	}
	m->mr = (struct ibv_mr){ .context = pd->context, .pd = pd,
	    .addr = addr, .length = length, .handle = m->lm->handle,
	    .lkey = m->lm->lkey, .rkey = m->lm->rkey };
	return &m->mr;
}

struct ibv_mr *
ibv_reg_mr(struct ibv_pd *pd, void *addr, size_t length, int access)
{
	return reg_mr(pd, addr, length, (uintptr_t)addr, (unsigned)access);
}

struct ibv_mr *
ibv_reg_mr_iova(struct ibv_pd *pd, void *addr, size_t length, uint64_t iova,
    int access)
{
	return reg_mr(pd, addr, length, iova, (unsigned)access);
}

struct ibv_mr *
ibv_reg_mr_iova2(struct ibv_pd *pd, void *addr, size_t length, uint64_t iova,
    unsigned int access)
{
	return reg_mr(pd, addr, length, iova, access);
}

int
ibv_dereg_mr(struct ibv_mr *mr)
{
	struct vb_context *c = vb_ctx(mr->context);
	struct vb_mr *m = vb_container_of(mr, struct vb_mr, mr);
	int err;

	vb_lock(c);
	err = lagnic_dereg_mr(m->lm);
	vb_unlock(c);
	if (!err)
		free(m);
	return err;
}

/* ---- address handles ---- */

/* RoCE: the AV is always global. lagnic's may also name the next hop's
 * MAC: for multicast it follows from the GID; for an address lagnicd
 * finds it (ARP/ND on the LAG), and creating the AH or moving the QP to
 * RTR waits for it, as the kernel's RoCE does. */
int
vb_ah_attr_to_roce(const struct ibv_ah_attr *a, struct roce_ah_attr *r)
{
	if (!a->is_global)
		return EINVAL;		/* RoCE needs the GRH */
	if (a->port_num != VB_PORT)
		return EINVAL;
	memset(r, 0, sizeof(*r));
	memcpy(r->grh.dgid.raw, a->grh.dgid.raw, sizeof(r->grh.dgid.raw));
	r->grh.flow_label = a->grh.flow_label;
	r->grh.sgid_index = a->grh.sgid_index;
	r->grh.hop_limit = a->grh.hop_limit;
	r->grh.traffic_class = a->grh.traffic_class;
	r->sl = a->sl;
	r->port_num = a->port_num;
	vb_gid_mcast_mac(&a->grh.dgid, r->dmac);
	return 0;
}

void
vb_ah_attr_from_roce(const struct roce_ah_attr *r, struct ibv_ah_attr *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->grh.dgid.raw, r->grh.dgid.raw, sizeof(a->grh.dgid.raw));
	a->grh.flow_label = r->grh.flow_label;
	a->grh.sgid_index = r->grh.sgid_index;
	a->grh.hop_limit = r->grh.hop_limit;
	a->grh.traffic_class = r->grh.traffic_class;
	a->sl = r->sl;
	a->is_global = 1;
	a->port_num = r->port_num;
}

struct ibv_ah *
ibv_create_ah(struct ibv_pd *pd, struct ibv_ah_attr *attr)
{
	struct vb_context *c = vb_ctx(pd->context);
	struct roce_ah_attr r;
	struct vb_ah *a;
	int err;

	err = vb_ah_attr_to_roce(attr, &r);
	if (err)
		return vb_fail(err);
	a = calloc(1, sizeof(*a));
	if (!a)
		return vb_fail(ENOMEM);
	vb_lock(c);
	a->ra = lagnic_create_ah(vb_pd(pd)->lp, &r);
	vb_unlock(c);
	if (!a->ra) {
		err = errno;
		free(a);
		return vb_fail(err);
	}
	a->ah.context = pd->context;
	a->ah.pd = pd;
	return &a->ah;
}

int
ibv_destroy_ah(struct ibv_ah *ah)
{
	struct vb_context *c = vb_ctx(ah->context);
	struct vb_ah *a = vb_ah(ah);
	int err;

	vb_lock(c);
	err = lagnic_destroy_ah(a->ra);
	vb_unlock(c);
	if (!err)
		free(a);
	return err;
}

/* Our GID equal to gid (the address a datagram came to): its index. */
static int
sgid_index_of(struct ibv_context *ctx, const union ibv_gid *gid)
{
	union ibv_gid g;

	for (uint32_t i = 0; i < vb_ctx(ctx)->port.gid_tbl_len; i++)
		if (!ibv_query_gid(ctx, VB_PORT, (int)i, &g) &&
		    !memcmp(&g, gid, sizeof(g)))
			return (int)i;
	return -1;
}

/* The sender from a UD receive's GRH: for RoCEv2 over IPv4 the 40 bytes
 * hold 20 of zeros and the IPv4 header, over IPv6 the IPv6 header. */
int
ibv_init_ah_from_wc(struct ibv_context *ctx, uint8_t port_num,
    struct ibv_wc *wc, struct ibv_grh *grh, struct ibv_ah_attr *ah_attr)
{
	const uint8_t *g = (const uint8_t *)grh;
	union ibv_gid src = { 0 }, dst = { 0 };
	uint8_t tclass;
	int sgid;

	if (!(wc->wc_flags & IBV_WC_GRH) || port_num != VB_PORT)
		return -1;
	if ((g[20] >> 4) == 4) {
		src.raw[10] = src.raw[11] = dst.raw[10] = dst.raw[11] = 0xff;
		memcpy(&src.raw[12], g + 20 + 12, 4);
		memcpy(&dst.raw[12], g + 20 + 16, 4);
		tclass = g[21];
	} else if ((g[0] >> 4) == 6) {
		memcpy(src.raw, g + 8, 16);
		memcpy(dst.raw, g + 24, 16);
		tclass = (uint8_t)(((g[0] & 0xf) << 4) | (g[1] >> 4));
	} else {
		return -1;
	}
	sgid = sgid_index_of(ctx, &dst);
	if (sgid < 0)
		return -1;
	memset(ah_attr, 0, sizeof(*ah_attr));
	ah_attr->grh.dgid = src;
	ah_attr->grh.sgid_index = (uint8_t)sgid;
	ah_attr->grh.hop_limit = 0xff;
	ah_attr->grh.traffic_class = tclass;
	ah_attr->is_global = 1;
	ah_attr->sl = wc->sl;
	ah_attr->port_num = port_num;
	return 0;
}

struct ibv_ah *
ibv_create_ah_from_wc(struct ibv_pd *pd, struct ibv_wc *wc,
    struct ibv_grh *grh, uint8_t port_num)
{
	struct ibv_ah_attr a;

	if (ibv_init_ah_from_wc(pd->context, port_num, wc, grh, &a))
		return vb_fail(EINVAL);
	return ibv_create_ah(pd, &a);
}

int
ibv_resolve_eth_l2_from_gid(struct ibv_context *context,
    struct ibv_ah_attr *attr, uint8_t eth_mac[6], uint16_t *vid)
{
	int err = vb_gid_to_mac(&attr->grh.dgid, eth_mac);

	if (err) {
		errno = err;
		return -1;
	}
	if (vid)
		*vid = 0xffff;		/* none */
	return 0;
}

int
ibv_attach_mcast(struct ibv_qp *qp, const union ibv_gid *gid, uint16_t lid)
{
	return EOPNOTSUPP;
}

int
ibv_detach_mcast(struct ibv_qp *qp, const union ibv_gid *gid, uint16_t lid)
{
	return EOPNOTSUPP;
}
