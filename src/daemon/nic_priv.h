/* Inside the NIC: shared by nic.c (control), nic_fn.c and nic_vf.c (the
 * functions) and datapath.c. */
#ifndef LAGNIC_DAEMON_NIC_PRIV_H
#define LAGNIC_DAEMON_NIC_PRIV_H

#include <assert.h>

#include "daemon/nic.h"
#include "lag/announce.h"
#include "lib/pkt.h"
#include "net/neigh.h"

#define NIC_SUBSCRIBERS_MAX 8

struct link_monitor;
struct txs;
struct txs_node;
struct txs_queue;

#define NIC_TXQ_SIZE		1024	/* frames per function queue */
/* A VF whose queue holds more than this is not read (its TAP's own queue
 * then pushes back on the sender); read again below NIC_TXQ_RESUME. */
#define NIC_TXQ_PAUSE		(NIC_TXQ_SIZE - PKT_BURST_MAX)
#define NIC_TXQ_RESUME		(NIC_TXQ_SIZE / 2)

/* In a commit step: a call the checks and try steps made sure succeeds. */
#define NIC_CANNOT_FAIL(call)						\
	do {								\
		int e_ = (call);					\
		assert(e_ == 0);					\
		(void)e_;						\
	} while (0)

struct nic_port {
	struct nic_port_config cfg;
	struct port *port;
	struct lag_member *member;
	struct txs_node *node;		/* its TX scheduler node */
};

/* A VF at run time, at nic->vfs[N]. */
struct nic_vf {
	bool used;
	struct nic_vf_config cfg;
	struct port *port;		/* its TAP (or sim end) */
	struct txs_queue *txq;
	uint64_t rx_dropped;		/* its TAP refused a frame */
	bool readable;			/* the loop saw its fd ready */
	bool paused;			/* TX queue full: its TAP is not read */
	struct announce_target who;	/* MAC, VLAN, addresses learnt */
};

/* Frames for one function, gathered over a burst: its port takes them in
 * one port_tx_burst (a TAP: one system call for the lot). */
struct nic_fn_out {
	unsigned n;
	struct pkt *pkts[PKT_BURST_MAX];
};
/* Held at most before every function's batch is handed on: copies of a
 * flood wait in them, and they come from the pool. */
#define NIC_FN_OUT_HELD		(4 * PKT_BURST_MAX)

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
	bool pf_readable;		/* the loop saw its fd ready */
	struct nic_fn_counters pf_cnt;
	struct esw *esw;		/* vport 0 the PF, 1 + n VF n */
	struct txs *txs;
	struct txs_node *park;		/* queues whose lane has no member */
	struct txs_queue *pf_txq;
	struct nic_vf vfs[NIC_VFS_MAX];	/* by VF number */
	struct nic_fn_out fn_out[1 + NIC_VFS_MAX];	/* by vport */
	uint8_t fn_out_vports[1 + NIC_VFS_MAX];	/* those with frames */
	unsigned fn_out_nvports, fn_out_held;
	struct announce announce;	/* failover peer notifications */
	uint64_t pf_addrs_next;		/* when to read the PF's addresses */
	uint64_t rx_not_for_us;		/* passed the LAG, no function wants it */
	struct nic_subscriber subs[NIC_SUBSCRIBERS_MAX];
	/* RDMA (nic_rdma.c): the engine, its service, its frames */
	struct roce_engine *roce;
	struct rdma_svc *rdma;
	struct pkt_pool rdma_pool;
	uint8_t rdma_lanes[LAG_LANES];	/* the table the engine knows */
	struct neigh neigh;		/* its peers' MACs (nic_neigh.c) */
	uint32_t numa_lane_salt;	/* spreads QPs over a node's lanes */
};

void nic_emit(struct nic *nic, const struct nic_event *ev);

/* nic_rdma.c: the RDMA engine on the lanes and its service. */
int nic_rdma_start(struct nic *nic, struct nic_err *err);
void nic_rdma_stop(struct nic *nic);
bool nic_rdma_rx(struct nic *nic, struct pkt *pkt);
void nic_rdma_lanes_changed(struct nic *nic);
void nic_rdma_carrier(struct nic *nic, bool up);
void nic_rdma_mac_update(struct nic *nic);
struct link_addrs;
void nic_rdma_gids_update(struct nic *nic, const struct link_addrs *la);
bool nic_rdma_poll(struct nic *nic, uint64_t now);
uint64_t nic_rdma_next_deadline(const struct nic *nic);
struct nic_port *nic_port_find(struct nic *nic, const char *ifname);

/* nic_neigh.c: the RDMA peers' MACs, for the service's resolver. */
void nic_neigh_start(struct nic *nic);
void nic_neigh_snoop(struct nic *nic, const struct pkt *pkt);

/* nic_fn.c: the functions' eSwitch and TX scheduler. */
int nic_fn_start(struct nic *nic, struct nic_err *err);
void nic_fn_stop(struct nic *nic);
/* A member's scheduler node: made before lag_member_add, gone after del. */
int nic_fn_node_add(struct nic *nic, struct nic_port *np);
void nic_fn_node_del(struct nic *nic, struct nic_port *np);
/* The lane table changed: queues follow their lanes' members. */
void nic_fn_lanes_changed(struct nic *nic);
/* The LAG's carrier or a VF's link state changed: TAP carriers follow. */
void nic_fn_carrier_update(struct nic *nic);
/* The PF's MAC as the eSwitch knows it. */
void nic_fn_pf_mac_update(struct nic *nic);
uint32_t nic_fn_lane(unsigned vport);
/* Announcement targets: the PF (first) and every VF; then start. */
void nic_fn_announce(struct nic *nic);

/* nic_vf.c: the VFs' part of nic_reconfigure (try, undo, commit). */
struct nic_vf_prep {
	struct port *port;		/* opened for a new VF */
	struct txs_queue *txq;		/* made for a new VF */
	bool mac_set;			/* an existing VF's TAP got a new MAC */
};
int nic_vfs_prepare(struct nic *nic, struct nic_config *want,
    struct nic_vf_prep *prep, struct nic_err *err);
void nic_vfs_undo(struct nic *nic, const struct nic_config *want,
    struct nic_vf_prep *prep);
void nic_vfs_commit(struct nic *nic, const struct nic_config *want,
    struct nic_vf_prep *prep);
int nic_vfs_check_fixed(const struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err);
void nic_vfs_close(struct nic *nic);

#endif
