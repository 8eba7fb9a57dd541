/*
 * Linux interfaces over rtnetlink (libmnl): facts at open, changes made for
 * a port (MAC, MTU, promiscuity) and the link monitor that turns RTM_NEWLINK
 * events into port_carrier_set() calls. Everything acts in the network
 * namespace of the calling thread at the time of the call.
 *
 * Carrier: a port has carrier when its interface is administratively up and
 * its lower layer is up (IFF_UP and IFF_LOWER_UP).
 */
#ifndef LAGNIC_PORT_LINK_H
#define LAGNIC_PORT_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "port/port.h"

struct link_info {
	int ifindex;
	uint8_t mac[ETH_ALEN_];
	uint32_t mtu;
	bool admin_up;			/* IFF_UP */
	bool carrier;			/* admin_up and IFF_LOWER_UP */
};

/* -ENODEV if there is no such interface. */
int link_query(const char *ifname, struct link_info *out);
int link_set_mac(int ifindex, const uint8_t mac[ETH_ALEN_]);
int link_set_mtu(int ifindex, uint32_t mtu);
/* port_ops.mac_set / mtu_set for the backends on a Linux interface. */
int link_port_mac_set(struct port *port, const uint8_t mac[ETH_ALEN_]);
int link_port_mtu_set(struct port *port, uint32_t mtu);
/* `ip link set IF up|down`. */
int link_set_admin(int ifindex, bool up);

/*
 * Keep the interface promiscuous while the returned fd is open (a packet
 * socket membership, so the kernel undoes it if we die). fd or -errno.
 */
int link_promisc_hold(int ifindex);

struct link_monitor;

/* Subscribes to link events in the current namespace; NULL with errno. */
struct link_monitor *link_monitor_open(void);
void link_monitor_close(struct link_monitor *mon);
/* Readable when events are pending. */
int link_monitor_fd(const struct link_monitor *mon);
/* Follow port->ifindex; its carrier is re-read now. 0 or -errno. */
int link_monitor_watch(struct link_monitor *mon, struct port *port);
void link_monitor_unwatch(struct link_monitor *mon, struct port *port);
/*
 * Read every pending event without blocking and apply carrier changes to
 * watched ports. On a socket overrun (ENOBUFS) every watched link is
 * re-queried so no change is lost. Number of events handled, or -errno.
 */
int link_monitor_process(struct link_monitor *mon);

#endif
