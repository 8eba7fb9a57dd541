/*
 * The "sim" port backend: a port attached to one end of a sim wire.
 * Frames that arrive are copied into the port's own pool (as a NIC DMAs
 * into its ring) and queued until rx_burst takes them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/sim.h"

#define SIM_RX_RING_DEFAULT 1024

struct port_sim {
	struct sim_end *end;
	struct pkt **ring;
	uint32_t size;		/* power of two */
	uint32_t head;		/* next to take */
	uint32_t tail;		/* next free slot */
};

/* A locally administered MAC made from the end's position in the world. */
static void
sim_end_mac(const struct sim_end *end, uint8_t mac[ETH_ALEN_])
{
	mac[0] = 0x02;
	mac[1] = 0x51;
	mac[2] = 0x4d;
	mac[3] = 0x00;
	mac[4] = (uint8_t)end->wire->index;
	mac[5] = end == &end->wire->end[0] ? 0x0a : 0x0b;
}

static int
port_sim_open(struct port *port, const struct port_config *cfg)
{
	struct port_sim *ps = port->priv;
	struct sim_end *end;

	if (!cfg->sim)
		return -EINVAL;
	end = sim_end_find(cfg->sim, cfg->ifname);
	if (!end)
		return -ENODEV;
	if (end->port)
		return -EBUSY;
	ps->size = round_up_pow2(cfg->rx_ring_size ? cfg->rx_ring_size :
	    SIM_RX_RING_DEFAULT);
	ps->ring = calloc(ps->size, sizeof(*ps->ring));
	if (!ps->ring)
		return -ENOMEM;
	/* commit: nothing below may fail */
	ps->end = end;
	end->port = port;
	sim_end_mac(end, port->perm_mac);
	memcpy(port->mac, port->perm_mac, ETH_ALEN_);
	port->mtu = 1500;
	port->carrier = end->wire->carrier;
	if (!cfg->clock)
		port->clock = sim_clock(cfg->sim);
	return 0;
}

static void
port_sim_close(struct port *port)
{
	struct port_sim *ps = port->priv;

	while (ps->head != ps->tail)
		pkt_free(ps->ring[ps->head++ & (ps->size - 1)]);
	free(ps->ring);
	ps->end->port = NULL;
}

void
port_sim_deliver(struct port *port, struct pkt *pkt)
{
	struct port_sim *ps = port->priv;
	struct pkt *copy;

	if (ps->tail - ps->head == ps->size) {
		port->cnt.rx_dropped++;
		pkt_free(pkt);
		return;
	}
	if (pkt->len > pkt_pool_data_room(port->pool)) {
		port->cnt.rx_truncated++;
		pkt_free(pkt);
		return;
	}
	copy = pkt_alloc(port->pool);
	if (!copy) {
		port->cnt.rx_dropped++;
		pkt_free(pkt);
		return;
	}
	pkt_set(copy, pkt->data, pkt->len);
	pkt_free(pkt);
	copy->in_port = port->id;
	copy->rx_ts_ns = clock_now(port->clock);
	ps->ring[ps->tail++ & (ps->size - 1)] = copy;
	port_count_rx(port, copy->len);
}

static unsigned
port_sim_rx_burst(struct port *port, struct pkt **pkts, unsigned max)
{
	struct port_sim *ps = port->priv;
	unsigned n = 0;

	while (n < max && ps->head != ps->tail)
		pkts[n++] = ps->ring[ps->head++ & (ps->size - 1)];
	return n;
}

static unsigned
port_sim_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	struct port_sim *ps = port->priv;

	for (unsigned i = 0; i < n; i++) {
		struct pkt *pkt = pkts[i];

		if (pkt->len > port_max_frame(port)) {
			port->cnt.tx_errors++;
			pkt_free(pkt);
			continue;
		}
		if (!port->carrier) {
			port->cnt.tx_dropped++;
			pkt_free(pkt);
			continue;
		}
		port_count_tx(port, pkt->len);
		sim_transmit(ps->end, pkt);
	}
	return n;
}

static int
port_sim_mac_set(struct port *port, const uint8_t mac[ETH_ALEN_])
{
	return 0;
}

static int
port_sim_mtu_set(struct port *port, uint32_t mtu)
{
	return 0;
}

const struct port_ops port_sim_ops = {
	.name = "sim",
	.priv_size = sizeof(struct port_sim),
	.open = port_sim_open,
	.close = port_sim_close,
	.rx_burst = port_sim_rx_burst,
	.tx_burst = port_sim_tx_burst,
	.mac_set = port_sim_mac_set,
	.mtu_set = port_sim_mtu_set,
};
