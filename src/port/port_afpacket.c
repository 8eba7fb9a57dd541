/* Placeholder until the afpacket backend lands: refuses to open. */
#include <errno.h>

#include "port/port.h"

static int
port_afpacket_open(struct port *port, const struct port_config *cfg)
{
	return -EOPNOTSUPP;
}

const struct port_ops port_afpacket_ops = {
	.name = "afpacket",
	.open = port_afpacket_open,
};
