/* Inside the NIC: shared by nic.c (control) and datapath.c. */
#ifndef LAGNIC_DAEMON_NIC_PRIV_H
#define LAGNIC_DAEMON_NIC_PRIV_H

#include "daemon/nic.h"
#include "lag/announce.h"
#include "lib/pkt.h"

#define NIC_SUBSCRIBERS_MAX 8

struct link_monitor;

struct nic_port {
	struct nic_port_config cfg;
	struct port *port;
	struct lag_member *member;
};

struct nic_subscriber {
	nic_event_fn *fn;
	void *arg;
};

struct nic {
	struct nic_config cfg;
	struct nic_caps caps;
	struct nic_env env;
	struct pkt_pool pool;
	struct link_monitor *mon;
	struct lag *lag;
	struct nic_port ports[NIC_PORTS_MAX];
	unsigned nports;
	uint32_t next_port_id;
	struct port *pf;
	struct nic_fn_counters pf_cnt;
	struct announce announce;	/* failover peer notifications */
	uint64_t probe_src_next;	/* when to read the PF's addresses */
	uint64_t rx_not_for_us;		/* passed the LAG, no function wants it */
	struct nic_subscriber subs[NIC_SUBSCRIBERS_MAX];
};

void nic_emit(struct nic *nic, const struct nic_event *ev);
struct nic_port *nic_port_find(struct nic *nic, const char *ifname);

#endif
