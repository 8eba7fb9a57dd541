/*
 * Exported verbs lagnic does not do, failing as verbs programs expect
 * (NULL with errno, or the error), and rdma-core's private interface
 * (IBVERBS_PRIVATE_34) for the providers programs load beside us:
 * perftest links libmlx5 and libefa, which register themselves when
 * loaded and, bound at load time, need every symbol they import. They
 * are never called on lagnic's device.
 */
#include "verbs/verbs_priv.h"

#include <errno.h>
#include <stdbool.h>

#define VB_UNSUP(what)	vb_trace("%s: not supported by lagnic", what)

struct ibv_context *
ibv_import_device(int cmd_fd)
{
	VB_UNSUP("import_device");
	return vb_fail(EOPNOTSUPP);
}

struct ibv_pd *
ibv_import_pd(struct ibv_context *context, uint32_t pd_handle)
{
	VB_UNSUP("import_pd");
	return vb_fail(EOPNOTSUPP);
}

void
ibv_unimport_pd(struct ibv_pd *pd)
{
}

struct ibv_mr *
ibv_import_mr(struct ibv_pd *pd, uint32_t mr_handle)
{
	VB_UNSUP("import_mr");
	return vb_fail(EOPNOTSUPP);
}

void
ibv_unimport_mr(struct ibv_mr *mr)
{
}

struct ibv_dm *
ibv_import_dm(struct ibv_context *context, uint32_t dm_handle)
{
	VB_UNSUP("import_dm");
	return vb_fail(EOPNOTSUPP);
}

void
ibv_unimport_dm(struct ibv_dm *dm)
{
}

struct ibv_mr *
ibv_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset, size_t length,
    uint64_t iova, int fd, int access)
{
	VB_UNSUP("reg_dmabuf_mr");
	return vb_fail(EOPNOTSUPP);
}

int
ibv_rereg_mr(struct ibv_mr *mr, int flags, struct ibv_pd *pd, void *addr,
    size_t length, int access)
{
	VB_UNSUP("rereg_mr");
	errno = EOPNOTSUPP;
	return IBV_REREG_MR_ERR_INPUT;	/* the old MR stays valid */
}

/* Conversions from the kernel's uverbs structs (librdmacm's): there is
 * no kernel device behind lagnic, so nothing calls them with one. */
void ibv_copy_ah_attr_from_kern(void *dst, const void *src);
void ibv_copy_qp_attr_from_kern(void *dst, const void *src);
void ibv_copy_path_rec_from_kern(void *dst, const void *src);
void ibv_copy_path_rec_to_kern(void *dst, const void *src);

void
ibv_copy_ah_attr_from_kern(void *dst, const void *src)
{
	VB_UNSUP("copy_ah_attr_from_kern");
}

void
ibv_copy_qp_attr_from_kern(void *dst, const void *src)
{
	VB_UNSUP("copy_qp_attr_from_kern");
}

void
ibv_copy_path_rec_from_kern(void *dst, const void *src)
{
	VB_UNSUP("copy_path_rec_from_kern");
}

void
ibv_copy_path_rec_to_kern(void *dst, const void *src)
{
	VB_UNSUP("copy_path_rec_to_kern");
}

/* ---- IBVERBS_PRIVATE_34 ---- */

bool verbs_allow_disassociate_destroy;
unsigned int __ioctl_final_num_attrs(unsigned int num_attrs, void *cmd);

unsigned int
__ioctl_final_num_attrs(unsigned int num_attrs, void *cmd)
{
	return num_attrs;
}

#define VB_PRIVATE_INT(_)						\
	_(execute_ioctl) _(ibv_cmd_advise_mr) _(ibv_cmd_alloc_dm)	\
	_(ibv_cmd_alloc_mw) _(ibv_cmd_alloc_pd) _(ibv_cmd_attach_mcast)	\
	_(ibv_cmd_close_xrcd) _(ibv_cmd_create_ah)			\
	_(ibv_cmd_create_counters) _(ibv_cmd_create_cq)			\
	_(ibv_cmd_create_cq_ex) _(ibv_cmd_create_flow)			\
	_(ibv_cmd_create_flow_action_esp) _(ibv_cmd_create_qp)		\
	_(ibv_cmd_create_qp_ex) _(ibv_cmd_create_qp_ex2)		\
	_(ibv_cmd_create_rwq_ind_table) _(ibv_cmd_create_srq)		\
	_(ibv_cmd_create_srq_ex) _(ibv_cmd_create_wq)			\
	_(ibv_cmd_dealloc_mw) _(ibv_cmd_dealloc_pd) _(ibv_cmd_dereg_mr)	\
	_(ibv_cmd_destroy_ah) _(ibv_cmd_destroy_counters)		\
	_(ibv_cmd_destroy_cq) _(ibv_cmd_destroy_flow)			\
	_(ibv_cmd_destroy_flow_action) _(ibv_cmd_destroy_qp)		\
	_(ibv_cmd_destroy_rwq_ind_table) _(ibv_cmd_destroy_srq)		\
	_(ibv_cmd_destroy_wq) _(ibv_cmd_detach_mcast) _(ibv_cmd_free_dm)	\
	_(ibv_cmd_get_context) _(ibv_cmd_modify_cq)			\
	_(ibv_cmd_modify_flow_action_esp) _(ibv_cmd_modify_qp)		\
	_(ibv_cmd_modify_qp_ex) _(ibv_cmd_modify_srq) _(ibv_cmd_modify_wq)	\
	_(ibv_cmd_open_qp) _(ibv_cmd_open_xrcd) _(ibv_cmd_poll_cq)	\
	_(ibv_cmd_post_recv) _(ibv_cmd_post_send)			\
	_(ibv_cmd_post_srq_recv) _(ibv_cmd_query_context)		\
	_(ibv_cmd_query_device_any) _(ibv_cmd_query_mr)			\
	_(ibv_cmd_query_port) _(ibv_cmd_query_qp) _(ibv_cmd_query_srq)	\
	_(ibv_cmd_read_counters) _(ibv_cmd_reg_dm_mr)			\
	_(ibv_cmd_reg_dmabuf_mr) _(ibv_cmd_reg_mr)			\
	_(ibv_cmd_req_notify_cq) _(ibv_cmd_rereg_mr)			\
	_(ibv_cmd_resize_cq) _(ibv_read_ibdev_sysfs_file) _(verbs_init_cq)

#define VB_PRIVATE_PTR(_) _(_verbs_init_and_alloc_context) _(verbs_open_device)

#define VB_PRIVATE_VOID(_)						\
	_(__verbs_log) _(verbs_register_driver_34) _(verbs_set_ops)	\
	_(verbs_uninit_context)

#define VB_DEF_INT(n)							\
	int n(void);							\
	int n(void) { VB_UNSUP(#n); return EOPNOTSUPP; }
#define VB_DEF_PTR(n)							\
	void *n(void);							\
	void *n(void) { VB_UNSUP(#n); return vb_fail(EOPNOTSUPP); }
/* verbs_register_driver_34 runs in every provider's constructor */
#define VB_DEF_VOID(n)							\
	void n(void);							\
	void n(void) { }

VB_PRIVATE_INT(VB_DEF_INT)
VB_PRIVATE_PTR(VB_DEF_PTR)
VB_PRIVATE_VOID(VB_DEF_VOID)
