/*
 * The IP addresses of a Linux interface (rtnetlink RTM_GETADDR), in the
 * calling thread's namespace: what a failover announces for the PF.
 */
#ifndef LAGNIC_PORT_LINK_ADDR_H
#define LAGNIC_PORT_LINK_ADDR_H

#include <stdint.h>

struct link_addrs {
	uint32_t ipv4[16];		/* host order */
	unsigned n_ipv4;
	uint8_t ipv6[16][16];
	unsigned n_ipv6;		/* link-local ones included */
};

/* Up to 16 of each; the rest are left out. 0 or -errno. */
int link_addrs_get(int ifindex, struct link_addrs *out);

#endif
