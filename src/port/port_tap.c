/*
 * TAP as a port: one read() per received frame and one write() per sent
 * frame. The fd is non-blocking; the loop polls it. MAC and MTU changes
 * go through rtnetlink like the other backends.
 */
#include "port/port_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "port/link.h"

struct port_tap {
	int fd;
};

static int
tap_attach(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int
port_tap_open(struct port *port, const struct port_config *cfg)
{
	struct port_tap *pt = port->priv;
	struct link_info li;
	int err;

	pt->fd = tap_attach(cfg->ifname);
	if (pt->fd < 0)
		return pt->fd;
	err = link_query(cfg->ifname, &li);
	if (err)
		goto fail_close;
	port->ifindex = li.ifindex;
	memcpy(port->mac, li.mac, ETH_ALEN_);
	memcpy(port->perm_mac, li.mac, ETH_ALEN_);
	port->mtu = li.mtu;
	/* ours to set: down until the LAG says otherwise */
	err = port_tap_set_carrier(port, false);
	if (err)
		goto fail_close;
	return 0;
fail_close:
	close(pt->fd);
	return err;
}

static void
port_tap_close(struct port *port)
{
	struct port_tap *pt = port->priv;

	close(pt->fd);
}

static unsigned
port_tap_rx_burst(struct port *port, struct pkt **pkts, unsigned max)
{
	struct port_tap *pt = port->priv;
	unsigned n = 0;

	while (n < max) {
		struct pkt *p = pkt_alloc(port->pool);
		ssize_t len;

		if (!p) {
			port->cnt.rx_dropped++;
			break;
		}
		len = read(pt->fd, p->data, pkt_tailroom(p));
		if (len <= 0) {
			pkt_free(p);
			if (len < 0 && errno != EAGAIN && errno != EINTR)
				port->cnt.rx_errors++;
			break;
		}
		p->len = (uint32_t)len;
		p->in_port = port->id;
		port_count_rx(port, p->len);
		pkts[n++] = p;
	}
	return n;
}

static unsigned
port_tap_tx_burst(struct port *port, struct pkt **pkts, unsigned n)
{
	struct port_tap *pt = port->priv;
	unsigned i;

	for (i = 0; i < n; i++) {
		ssize_t w = write(pt->fd, pkts[i]->data, pkts[i]->len);

		if (w < 0 && errno == EAGAIN)
			break;		/* the host is not reading: caller drops */
		if (w < 0)
			port->cnt.tx_errors++;
		else
			port_count_tx(port, pkts[i]->len);
		pkt_free(pkts[i]);
	}
	return i;
}

static int
port_tap_fd(struct port *port)
{
	return ((struct port_tap *)port->priv)->fd;
}

int
port_tap_set_carrier(struct port *port, bool up)
{
	struct port_tap *pt = port->priv;
	unsigned int on = up;

	if (ioctl(pt->fd, TUNSETCARRIER, &on) < 0)
		return -errno;
	port_carrier_set(port, up);
	return 0;
}

int
port_tap_set_mac(struct port *port, const uint8_t mac[ETH_ALEN_])
{
	struct port_tap *pt = port->priv;
	struct ifreq ifr = { 0 };

	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN_);
	if (ioctl(pt->fd, SIOCSIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(port->mac, mac, ETH_ALEN_);
	return 0;
}

const struct port_ops port_tap_ops = {
	.name = "tap",
	.priv_size = sizeof(struct port_tap),
	.open = port_tap_open,
	.close = port_tap_close,
	.rx_burst = port_tap_rx_burst,
	.tx_burst = port_tap_tx_burst,
	.fd = port_tap_fd,
	.mac_set = link_port_mac_set,
	.mtu_set = link_port_mtu_set,
};
