/* lagnicd's RDMA socket (lagnicd_rdma.c). */
#ifndef LAGNIC_DAEMON_LAGNICD_RDMA_H
#define LAGNIC_DAEMON_LAGNICD_RDMA_H

#include <stdbool.h>
#include <sys/types.h>

#include "daemon/loop.h"
#include "daemon/nic.h"

struct lagnicd_rdma;

/* Listen at path (mode 0600, or 0660 with group) and serve applications
 * with the NIC's RDMA service; *out NULL without one (no PF). */
int lagnicd_rdma_open(struct lagnicd_rdma **out, struct loop *loop,
    struct nic *nic, const char *path, gid_t group, bool has_group);
void lagnicd_rdma_close(struct lagnicd_rdma *r);

#endif
