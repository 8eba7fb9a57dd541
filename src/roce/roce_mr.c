/* Protection domains, memory regions, address handles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roce/roce_int.h"

int
roce_alloc_pd(struct roce_engine *e, struct roce_pd **out)
{
	struct roce_pd *pd = calloc(1, sizeof(*pd));

	if (!pd)
		return -ENOMEM;
	pd->e = e;
	roce_list_add_tail(&e->pds, &pd->node);
	e->npd++;
	*out = pd;
	return 0;
}

int
roce_dealloc_pd(struct roce_pd *pd)
{
	if (pd->refs)
		return -EBUSY;
	pd->e->npd--;
	roce_list_del(&pd->node);
	free(pd);
	return 0;
}

/* ---- MR ---- */

/* Verbs: remote write or atomic need local write (ibv_reg_mr(3)). */
static int
mr_access_check(unsigned access)
{
	if (access & ~ROCE_ACCESS_ALL)
		return -EINVAL;
	if ((access & (ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & ROCE_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	return 0;
}

/* A free slot of the MR table, from the cursor on; -ENOSPC if full. */
static int
mr_slot(struct roce_engine *e, uint32_t *slot)
{
	for (uint32_t n = 0; n < e->cfg.max_mr; n++) {
		uint32_t i = (e->mr_cursor + n) % e->cfg.max_mr;

		if (!e->mrs[i]) {
			*slot = i;
			e->mr_cursor = i + 1;
			return 0;
		}
	}
	return -ENOSPC;
}

int
roce_reg_mr(struct roce_pd *pd, void *addr, size_t length, unsigned access,
    struct roce_mr **out)
{
	return roce_reg_mr_iova(pd, addr, length, (uintptr_t)addr, access, out);
}

/* A new MR in pd over [iova, iova + length): the caller says where its
 * bytes are. */
static int
mr_new(struct roce_pd *pd, uint64_t iova, size_t length, unsigned access,
    struct roce_mr **out)
{
	struct roce_engine *e = pd->e;
	struct roce_mr *mr;
	uint32_t slot;
	int err;

	err = mr_access_check(access);
	if (err)
		return err;
	if (length == 0 || length > e->attr.max_mr_size ||
	    iova + length < iova)
		return -EINVAL;
	err = mr_slot(e, &slot);
	if (err)
		return err;
	mr = calloc(1, sizeof(*mr));
	if (!mr)
		return -ENOMEM;
	/* commit: nothing below may fail */
	mr->e = e;
	mr->pd = pd;
	mr->iova = iova;
	mr->length = length;
	mr->access = access;
	/* the low byte changes with every registration: a stale key of a
	 * slot used again does not find the new MR */
	mr->key = slot << 8 | e->mr_key++;
	e->mrs[slot] = mr;
	pd->refs++;
	*out = mr;
	return 0;
}

int
roce_reg_mr_iova(struct roce_pd *pd, void *addr, size_t length, uint64_t iova,
    unsigned access, struct roce_mr **out)
{
	int err;

	if (!addr || (uintptr_t)addr + length < (uintptr_t)addr)
		return -EINVAL;
	err = mr_new(pd, iova, length, access, out);
	if (!err)
		(*out)->addr = addr;
	return err;
}

int
roce_reg_mr_ops(struct roce_pd *pd, const struct roce_mem_ops *ops, void *ctx,
    uint64_t iova, size_t length, unsigned access, struct roce_mr **out)
{
	int err;

	if (!ops || !ops->read || !ops->write)
		return -EINVAL;
	err = mr_new(pd, iova, length, access, out);
	if (!err) {
		(*out)->ops = ops;
		(*out)->ops_ctx = ctx;
	}
	return err;
}

int
roce_dereg_mr(struct roce_mr *mr)
{
	mr->e->mrs[mr->key >> 8] = NULL;
	mr->pd->refs--;
	free(mr);
	return 0;
}

void
roce_mr_destroy_all(struct roce_engine *e)
{
	for (uint32_t i = 0; i < e->cfg.max_mr; i++)
		if (e->mrs[i])
			roce_dereg_mr(e->mrs[i]);
}

uint32_t
roce_mr_lkey(const struct roce_mr *mr)
{
	return mr->key;
}

uint32_t
roce_mr_rkey(const struct roce_mr *mr)
{
	return mr->key;
}

struct roce_mr *
roce_mr_find(struct roce_engine *e, uint32_t key, const struct roce_pd *pd)
{
	struct roce_mr *mr;

	if ((key >> 8) >= e->cfg.max_mr)
		return NULL;
	mr = e->mrs[key >> 8];
	if (!mr || mr->key != key || mr->pd != pd)
		return NULL;
	return mr;
}

int
roce_mr_check(const struct roce_mr *mr, uint64_t va, uint64_t len,
    unsigned access)
{
	uint64_t start = mr->iova;

	if ((mr->access & access) != access)
		return -EACCES;
	if (va < start || len > mr->length || va - start > mr->length - len)
		return -EFAULT;
	return 0;
}

int
roce_mr_copy(const struct roce_mr *mr, uint64_t va, void *buf, uint64_t len,
    bool to_mr)
{
	uint64_t off = va - mr->iova;

	if (!len)
		return 0;
	if (mr->ops)
		return to_mr ? mr->ops->write(mr->ops_ctx, va, buf, len) :
		    mr->ops->read(mr->ops_ctx, va, buf, len);
	if (to_mr)
		memcpy(mr->addr + off, buf, len);
	else
		memcpy(buf, mr->addr + off, len);
	return 0;
}

struct roce_mr *
roce_sge_check(const struct roce_qp *qp, const struct roce_sge *sge,
    uint32_t off, uint32_t len, unsigned access, int *err)
{
	struct roce_mr *mr = roce_mr_find(qp->e, sge->lkey, qp->pd);

	*err = -EINVAL;
	if (!mr)
		return NULL;
	*err = -EFAULT;
	if (off > sge->length || len > sge->length - off)
		return NULL;
	*err = roce_mr_check(mr, sge->addr + off, len, access);
	return *err ? NULL : mr;
}

uint64_t
roce_sgl_len(const struct roce_sge *sge, uint32_t nsge)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < nsge; i++)
		n += sge[i].length;
	return n;
}

/* Walk [off, off + len) of the list: check every piece, or copy each
 * (after a walk that checked them). */
static int
sgl_walk(const struct roce_qp *qp, const struct roce_sge *sge, uint32_t nsge,
    uint32_t off, uint8_t *buf, uint32_t len, bool to_sges, bool copy)
{
	unsigned access = to_sges ? ROCE_ACCESS_LOCAL_WRITE : 0;
	uint32_t i = 0;

	while (i < nsge && off >= sge[i].length)
		off -= sge[i++].length;
	while (len) {
		struct roce_mr *mr;
		uint32_t n;
		int err;

		if (i == nsge)
			return -EFAULT;
		n = MIN(len, sge[i].length - off);
		mr = roce_sge_check(qp, &sge[i], off, n, access, &err);
		if (!mr)
			return err;
		if (copy) {
			err = roce_mr_copy(mr, sge[i].addr + off, buf, n,
			    to_sges);
			if (err)
				return err;
		}
		buf += n;
		len -= n;
		off = 0;
		i++;
	}
	return 0;
}

int
roce_sgl_copy(const struct roce_qp *qp, const struct roce_sge *sge,
    uint32_t nsge, uint32_t off, void *buf, uint32_t len, bool to_sges)
{
	int err;

	err = sgl_walk(qp, sge, nsge, off, buf, len, to_sges, false);
	if (err)
		return err;
	/* every piece is in bounds with the right access: a copy fails now
	 * only if an application's memory went away under its MR */
	return sgl_walk(qp, sge, nsge, off, buf, len, to_sges, true);
}

/* ---- AH ---- */

static int
ah_attr_check(const struct roce_engine *e, const struct roce_ah_attr *a)
{
	static const union roce_gid zero;

	if (a->port_num != 1 || a->grh.sgid_index >= ROCE_GID_TABLE_LEN ||
	    !e->gid_valid[a->grh.sgid_index])
		return -EINVAL;
	if (!memcmp(&a->grh.dgid, &zero, sizeof(zero)) ||
	    a->grh.flow_label > 0xfffff)
		return -EINVAL;
	return 0;
}

int
roce_create_ah(struct roce_pd *pd, const struct roce_ah_attr *attr,
    struct roce_ah **out)
{
	struct roce_ah *ah;
	int err;

	err = ah_attr_check(pd->e, attr);
	if (err)
		return err;
	ah = calloc(1, sizeof(*ah));
	if (!ah)
		return -ENOMEM;
	ah->pd = pd;
	ah->attr = *attr;
	roce_list_add_tail(&pd->e->ahs, &ah->node);
	pd->refs++;
	*out = ah;
	return 0;
}

int
roce_destroy_ah(struct roce_ah *ah)
{
	ah->pd->refs--;
	roce_list_del(&ah->node);
	free(ah);
	return 0;
}

int
roce_ah_attr_check(const struct roce_engine *e, const struct roce_ah_attr *a)
{
	return ah_attr_check(e, a);
}
