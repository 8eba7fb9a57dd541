/* Placeholder until the afxdp backend lands: refuses to open. */
#include <errno.h>

#include "port/port.h"

static int
port_afxdp_open(struct port *port, const struct port_config *cfg)
{
	return -EOPNOTSUPP;
}

const struct port_ops port_afxdp_ops = {
	.name = "afxdp",
	.open = port_afxdp_open,
};
