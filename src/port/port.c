#include "port/port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const port_xdp_mode_names[] = {
	[PORT_XDP_AUTO] = "auto",
	[PORT_XDP_NATIVE] = "native",
	[PORT_XDP_GENERIC] = "generic",
};
static_assert(ARRAY_SIZE(port_xdp_mode_names) == PORT_XDP_MODE_COUNT,
    "xdp mode names");

static const struct port_ops *const port_backends[] = {
	&port_afxdp_ops,
	&port_afpacket_ops,
	&port_sim_ops,
	&port_tap_ops,
};

const struct port_ops *
port_backend_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(port_backends); i++)
		if (strcmp(port_backends[i]->name, name) == 0)
			return port_backends[i];
	return NULL;
}

/* The NUMA node of a netdev's device, as sysfs says; -1 without one (a
 * veth, a TAP, a machine of one node). */
static int
numa_node_of(const char *ifname)
{
	char path[96];
	FILE *f;
	int node = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device/numa_node",
	    ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &node) != 1)
		node = -1;
	fclose(f);
	return node;
}

int
port_open(struct port **out, const char *backend,
    const struct port_config *cfg, struct pkt_pool *rx_pool, uint32_t id)
{
	const struct port_ops *ops = port_backend_find(backend);
	struct port *port;
	int err;

	if (!ops)
		return -ENOENT;
	if (!cfg->ifname || strlen(cfg->ifname) >= IF_NAMESIZE)
		return -EINVAL;
	port = calloc(1, sizeof(*port));
	if (!port)
		return -ENOMEM;
	port->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!port->priv) {
		err = -ENOMEM;
		goto fail_free_port;
	}
	port->ops = ops;
	port->id = id;
	port->pool = rx_pool;
	port->clock = cfg->clock ? cfg->clock : &clock_monotonic;
	strcpy(port->name, cfg->ifname);
	err = ops->open(port, cfg);
	if (err)
		goto fail_free_priv;
	port->numa_node = port->ifindex > 0 ? numa_node_of(port->name) : -1;
	*out = port;
	return 0;
fail_free_priv:
	free(port->priv);
fail_free_port:
	free(port);
	return err;
}

void
port_close(struct port *port)
{
	if (!port)
		return;
	port->ops->close(port);
	free(port->priv);
	free(port);
}

int
port_mac_set(struct port *port, const uint8_t mac[ETH_ALEN_])
{
	int err;

	if (!port->ops->mac_set)
		return -EOPNOTSUPP;
	err = port->ops->mac_set(port, mac);
	if (!err)
		memcpy(port->mac, mac, ETH_ALEN_);
	return err;
}

int
port_mtu_set(struct port *port, uint32_t mtu)
{
	int err;

	if (mtu < 68 || mtu + 18 > pkt_pool_data_room(port->pool))
		return -EINVAL;
	if (!port->ops->mtu_set)
		return -EOPNOTSUPP;
	err = port->ops->mtu_set(port, mtu);
	if (!err)
		port->mtu = mtu;
	return err;
}

void
port_set_carrier_cb(struct port *port, port_carrier_fn *fn, void *arg)
{
	port->carrier_cb = fn;
	port->carrier_arg = arg;
}

void
port_carrier_set(struct port *port, bool up)
{
	if (port->carrier == up)
		return;
	port->carrier = up;
	port->cnt.carrier_changes++;
	if (port->carrier_cb)
		port->carrier_cb(port, up, port->carrier_arg);
}
