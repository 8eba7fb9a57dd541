/*
 * Keep the host's network stack off the frames a raw-socket port receives.
 *
 * An interface opened with AF_PACKET still hands every received frame to
 * the kernel's stack: a member of a LAG would then answer ARP for the
 * host's addresses with its own MAC, and give ping and TCP a second copy
 * of what lagnic delivers on lag0. A Linux bonding slave has no such
 * stack; we get the same by dropping every frame at tc ingress, which
 * runs after the packet taps (our AF_PACKET socket still sees the frame)
 * and before the IP stack.
 */
#ifndef LAGNIC_PORT_STACK_MUTE_H
#define LAGNIC_PORT_STACK_MUTE_H

#include <stdbool.h>

struct port_stack_mute {
	int prog_fd;		/* -1: not attached */
	int link_fd;		/* tcx link; -1 on the legacy tc hook */
	int ifindex;
	bool hook_created;	/* legacy: we added the clsact qdisc */
	unsigned tc_handle;	/* legacy: our filter, as attach chose it */
	unsigned tc_priority;
};

/* Drop every frame at ifindex's tc ingress; in the calling thread's
 * namespace. A tcx link goes away with the process; on kernels without
 * tcx (< 6.6) a clsact filter is used and removed by port_stack_unmute. */
int port_stack_mute(int ifindex, struct port_stack_mute *m);
void port_stack_unmute(struct port_stack_mute *m);

#endif
