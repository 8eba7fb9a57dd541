/*
 * The NIC's state for users: rows of {path, type, getter}, as teamd exports
 * its state, that become the JSON of `lagnicctl show` and `counters`. A
 * row's path is its key, dotted for nesting ("counters.tx_packets"); the
 * JSON keeps the rows' order, so the output is stable on purpose (golden
 * files in tests/golden).
 *
 * The renderers read a struct ctl_view, not the NIC itself, so they work
 * on any LAG and config (tests build one over sim ports).
 */
#ifndef LAGNIC_CTL_STATE_H
#define LAGNIC_CTL_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/nic.h"

enum ctl_val_type {
	CTL_VAL_STR,		/* NULL becomes JSON null */
	CTL_VAL_U64,
	CTL_VAL_BOOL,
	CTL_VAL_JSON,		/* the getter builds the value */
	CTL_VAL_TYPE_COUNT
};
extern const char *const ctl_val_type_names[];

union ctl_val {
	const char *s;
	uint64_t u;
	bool b;
	json_t *j;		/* a new reference */
};

struct ctl_state_row {
	const char *path;
	enum ctl_val_type type;
	void (*get)(const void *obj, union ctl_val *v);
};

/* What the renderers look at. */
struct ctl_view {
	const struct nic_config *cfg;
	const struct nic_caps *caps;
	const struct lag *lag;			/* NULL: none yet */
	const struct port *pf;			/* NULL: no PF */
	const struct nic_fn_counters *pf_cnt;	/* with pf */
	struct nic_vf_state vfs[NIC_VFS_MAX];	/* by VF number */
	unsigned nvfs;
};

void ctl_view_of_nic(struct ctl_view *v, struct nic *nic);

/* Fill obj from rows; -ENOMEM. */
int ctl_state_fill(json_t *obj, const struct ctl_state_row *rows,
    unsigned n, const void *src);

/* NULL if out of memory. */
json_t *ctl_state_show(const struct ctl_view *v);
json_t *ctl_state_counters(const struct ctl_view *v);
json_t *ctl_state_caps(const struct nic_caps *caps);
/* `lagnicctl rdma`: the RDMA device, its QPs and counters. */
json_t *ctl_state_rdma(struct nic *nic);

#endif
