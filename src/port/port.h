/*
 * The port interface: one physical (or simulated) Ethernet port that the
 * datapath receives from and transmits to in bursts. Backends: "afxdp",
 * "afpacket", "sim" (an in-memory wire, see sim.h) and "tap" (a function
 * presented to the host, see port_tap.h).
 *
 * Ownership: rx_burst hands out pkts from the port's pool; the caller frees
 * them. tx_burst takes pkts[0..ret) (sent or, if the medium drops them,
 * counted and freed by the backend); the caller still owns pkts[ret..n).
 *
 * A port is used by one thread at a time. Carrier changes arrive through
 * port_carrier_set(), called by the backend (sim) or by the rtnetlink link
 * monitor (real interfaces); the registered callback runs synchronously.
 */
#ifndef LAGNIC_PORT_PORT_H
#define LAGNIC_PORT_PORT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/compiler.h"
#include "lib/pkt.h"

struct sim;

#define ETH_ALEN_ 6

enum port_xdp_mode {
	PORT_XDP_AUTO,		/* native if the driver has it, else generic */
	PORT_XDP_NATIVE,
	PORT_XDP_GENERIC,
	PORT_XDP_MODE_COUNT
};
extern const char *const port_xdp_mode_names[];

struct port_config {
	const char *ifname;		/* Linux interface, or sim wire end */
	uint32_t rx_ring_size;		/* 0: backend default */
	uint32_t tx_ring_size;		/* 0: backend default */
	uint32_t queue_id;		/* afxdp: the interface queue to bind */
	enum port_xdp_mode xdp_mode;	/* afxdp only */
	bool no_promisc;		/* members normally run promiscuous */
	/* afpacket: the host stack sees received frames too (members
	 * normally keep it off them, as a bonding slave; stack_mute.h) */
	bool keep_host_stack;
	struct sim *sim;		/* sim only: the world the wire is in */
	const struct clock *clock;	/* rx timestamps; NULL: monotonic */
};

/* name, description */
#define PORT_COUNTERS(_)						\
	_(rx_packets,      "frames received")				\
	_(rx_bytes,        "bytes received")				\
	_(tx_packets,      "frames handed to the medium")		\
	_(tx_bytes,        "bytes handed to the medium")		\
	_(rx_dropped,      "frames lost on receive (ring or pool full)")	\
	_(rx_truncated,    "frames larger than a buffer, dropped")	\
	_(rx_errors,       "receive errors reported by the medium")	\
	_(tx_dropped,      "frames dropped on transmit (carrier down)")	\
	_(tx_errors,       "frames refused on transmit (too big, error)")	\
	_(carrier_changes, "carrier transitions")

struct port_counters {
#define PORT_COUNTER_FIELD(name, desc) uint64_t name;
	PORT_COUNTERS(PORT_COUNTER_FIELD)
#undef PORT_COUNTER_FIELD
};

struct port;
typedef void port_carrier_fn(struct port *port, bool up, void *arg);

struct port_ops {
	const char *name;
	size_t priv_size;
	/* Fill port->ifindex, mac, perm_mac, mtu, carrier. 0 or -errno. */
	int (*open)(struct port *port, const struct port_config *cfg);
	void (*close)(struct port *port);
	unsigned (*rx_burst)(struct port *port, struct pkt **pkts, unsigned max);
	unsigned (*tx_burst)(struct port *port, struct pkt **pkts, unsigned n);
	int (*fd)(struct port *port);		/* pollable for rx, or -1 */
	int (*mac_set)(struct port *port, const uint8_t mac[ETH_ALEN_]);
	int (*mtu_set)(struct port *port, uint32_t mtu);
};

struct port {
	const struct port_ops *ops;
	char name[IF_NAMESIZE];
	uint32_t id;			/* stamped into pkt->in_port */
	int ifindex;			/* 0 for sim */
	int numa_node;			/* of its device; -1: unknown */
	uint8_t mac[ETH_ALEN_];
	uint8_t perm_mac[ETH_ALEN_];
	uint32_t mtu;
	bool carrier;
	struct pkt_pool *pool;		/* rx buffers */
	const struct clock *clock;
	struct port_counters cnt;
	port_carrier_fn *carrier_cb;
	void *carrier_arg;
	void *priv;			/* backend state, priv_size bytes */
};

extern const struct port_ops port_sim_ops;
extern const struct port_ops port_afpacket_ops;
extern const struct port_ops port_afxdp_ops;
extern const struct port_ops port_tap_ops;

/* Backend by name ("sim", "afpacket", "afxdp", "tap"); NULL if unknown. */
const struct port_ops *port_backend_find(const char *name);

/* 0 or -errno; -ENOENT for an unknown backend, -ENODEV for no interface. */
int port_open(struct port **out, const char *backend,
    const struct port_config *cfg, struct pkt_pool *rx_pool, uint32_t id);
void port_close(struct port *port);

static inline unsigned
port_rx_burst(struct port *port, struct pkt **pkts, unsigned max)
{
	return port->ops->rx_burst(port, pkts, max);
}

static inline unsigned
port_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	return port->ops->tx_burst(port, pkts, n);
}

static inline int
port_fd(struct port *port)
{
	return port->ops->fd ? port->ops->fd(port) : -1;
}

int port_mac_set(struct port *port, const uint8_t mac[ETH_ALEN_]);
int port_mtu_set(struct port *port, uint32_t mtu);

void port_set_carrier_cb(struct port *port, port_carrier_fn *fn, void *arg);

/* Record a carrier state; on a change, count it and call the callback. */
void port_carrier_set(struct port *port, bool up);

/* Helpers for backends. */
static inline void
port_count_rx(struct port *port, uint32_t len)
{
	port->cnt.rx_packets++;
	port->cnt.rx_bytes += len;
}

static inline void
port_count_tx(struct port *port, uint32_t len)
{
	port->cnt.tx_packets++;
	port->cnt.tx_bytes += len;
}

/* Largest frame (no FCS) the port may send: MTU + Ethernet + one VLAN tag. */
static inline uint32_t
port_max_frame(const struct port *port)
{
	return port->mtu + 14 + 4;
}

#endif
