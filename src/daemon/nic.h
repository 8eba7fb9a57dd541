/*
 * The NIC lagnicd implements: its ports, the LAG over them and the
 * functions on top: the PF (a TAP interface named after the LAG) and the
 * VFs (a TAP each), joined to the LAG by the eSwitch (esw/) and the TX
 * scheduler (txs/).
 *
 * Configuration is applied as a whole: nic_create() and nic_reconfigure()
 * take a complete struct nic_config, check it against the capability
 * profile and the running state, and either apply all of it or nothing
 * (the error says which limit or which item). Port add/del, VF
 * add/set/del and option set are small edits of the current config through
 * the same path.
 */
#ifndef LAGNIC_DAEMON_NIC_H
#define LAGNIC_DAEMON_NIC_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "esw/esw.h"
#include "lag/announce.h"
#include "lag/lag.h"
#include "lib/compiler.h"
#include "port/port.h"

struct loop;
struct sim;

#define NIC_PORTS_MAX		LAG_MEMBERS_MAX
#define NIC_BACKEND_LEN		16
#define NIC_ERR_LEN		256
#define NIC_MTU_MAX		(NIC_BUF_SIZE - PKT_HEADROOM - 18)
#define NIC_BUF_SIZE		2048	/* frame buffers; no jumbo frames yet */
/* Every function is a failover announcement target: the PF and the VFs. */
#define NIC_VFS_MAX		64	/* as many SR-IOV NICs give a PF */
static_assert(NIC_VFS_MAX < ANNOUNCE_TARGETS_MAX, "the PF and every VF");
#define NIC_VF_IFNAME_FMT	"lagvf%u"

/* An error for a user: -errno code and a sentence naming what is wrong. */
struct nic_err {
	int code;
	char msg[NIC_ERR_LEN];
};

/* Sets err (if not NULL) and returns code (a -errno). */
int nic_err_set(struct nic_err *err, int code, const char *fmt, ...)
    __printf(3, 4);

struct nic_port_config {
	char ifname[IF_NAMESIZE];
	char backend[NIC_BACKEND_LEN];	/* "": the NIC's default */
	uint32_t queue_id;
	uint16_t lacp_port_priority;	/* teamd "lacp_prio"; default 255 */
	uint16_t lacp_port_key;		/* teamd "lacp_key"; default 0 */
};

/* Failover announcements, bonding's names. */
struct nic_notify_config {
	uint32_t num_grat_arp;		/* default 1 */
	uint32_t num_unsol_na;		/* default 1 */
	uint32_t peer_notif_delay;	/* ms between them; default 0 */
};

/*
 * A virtual function, with the meaning of `ip link set DEV vf N ...`
 * (see esw/esw.h for mac, vlan, qos, spoofchk, trust and state, and
 * txs/txs.h for the rates). It is a TAP interface in lagnicd's namespace
 * (a "sim" wire end when the NIC's backend is sim) that a user may move to
 * another namespace: lagnicd keeps its fd.
 */
struct nic_vf_config {
	uint32_t vf;			/* N, 0 .. max_vfs - 1 */
	char ifname[IF_NAMESIZE];	/* default lagvfN */
	struct esw_vf_config esw;	/* mac zero: the TAP's own */
	uint32_t max_tx_rate;		/* Mbit/s; 0: unlimited */
	uint32_t min_tx_rate;		/* Mbit/s; 0: no guarantee */
};

/* VF n with the defaults: lagvfN, ip link's defaults, no rates. */
void nic_vf_config_default(struct nic_vf_config *vc, uint32_t vf);

struct nic_config {
	char name[IF_NAMESIZE];		/* the LAG and its PF TAP: "lag0" */
	char backend[NIC_BACKEND_LEN];	/* afxdp | afpacket | sim */
	enum port_xdp_mode xdp_mode;
	bool pf;			/* create the PF TAP; default true */
	uint32_t mtu;			/* default 1500 */
	struct lag_options lag;
	struct nic_notify_config notify;
	struct nic_port_config ports[NIC_PORTS_MAX];
	unsigned nports;
	struct nic_vf_config vfs[NIC_VFS_MAX];	/* in the order added */
	unsigned nvfs;
};

void nic_config_default(struct nic_config *cfg);

/* The capability profile: what this NIC can do. */
struct nic_caps {
	unsigned max_lags;
	unsigned max_ports_per_lag;
	uint32_t modes;			/* 1 << enum lag_mode */
	uint32_t hash_policies;		/* 1 << enum lag_hash_policy */
	unsigned max_vfs;		/* VFs 0 .. max_vfs - 1 */
};

/* The default profile: what the code supports today. */
void nic_caps_default(struct nic_caps *caps);

/* Whole-config check against a profile (no system state needed). */
int nic_config_check(const struct nic_config *cfg, const struct nic_caps *caps,
    struct nic_err *err);

enum nic_event_type {
	NIC_EV_PORT_ADDED,
	NIC_EV_PORT_REMOVED,
	NIC_EV_LAG,			/* a struct lag_event, see lag */
	NIC_EV_VF_ADDED,		/* port: the VF's interface */
	NIC_EV_VF_REMOVED,
	NIC_EV_COUNT
};
extern const char *const nic_event_type_names[];

struct nic_event {
	enum nic_event_type type;
	uint64_t ts_ns;
	const char *port;		/* PORT_*, VF_*, LAG events with a member */
	const struct lag_event *lag;	/* NIC_EV_LAG */
};

typedef void nic_event_fn(const struct nic_event *ev, void *arg);

/* The PF's counters (a VF's: struct nic_vf_state). */
struct nic_fn_counters {
	uint64_t rx_packets;		/* from the wire to the function */
	uint64_t rx_bytes;
	uint64_t tx_packets;		/* from the function to the LAG */
	uint64_t tx_bytes;
	uint64_t rx_dropped;		/* function's queue full */
	uint64_t tx_dropped;		/* no member, pool empty */
};

struct nic;

/* Where a NIC runs. */
struct nic_env {
	const struct clock *clock;
	/* NULL: the owner calls nic_poll() at nic_next_deadline() itself
	 * (sim tests); else the NIC registers its fds and poller there. */
	struct loop *loop;
	struct sim *sim;		/* for ports of the "sim" backend */
};

int nic_create(struct nic **out, const struct nic_config *cfg,
    const struct nic_caps *caps, const struct nic_env *env,
    struct nic_err *err);
void nic_destroy(struct nic *nic);

/* Apply cfg as a whole, or nothing. */
int nic_reconfigure(struct nic *nic, const struct nic_config *cfg,
    struct nic_err *err);

const struct nic_config *nic_config(const struct nic *nic);
const struct nic_caps *nic_caps(const struct nic *nic);
struct lag *nic_lag(struct nic *nic);
struct port *nic_port(struct nic *nic, const char *ifname);
/* The PF TAP's port, or NULL when cfg.pf is false. */
struct port *nic_pf(struct nic *nic);
/* The RDMA device (NULL without a PF): the engine, and the service that
 * lagnicd hands applications' connections to. */
struct rdma_svc *nic_rdma_svc(struct nic *nic);
struct roce_engine *nic_rdma_engine(struct nic *nic);
/* The RDMA peers' MACs lagnicd learnt and asked for. */
struct neigh_counters;
const struct neigh_counters *nic_neigh_counters(const struct nic *nic);
const struct nic_fn_counters *nic_pf_counters(const struct nic *nic);

/* Small edits through nic_reconfigure. */
int nic_port_add(struct nic *nic, const struct nic_port_config *pc,
    struct nic_err *err);
int nic_port_del(struct nic *nic, const char *ifname, struct nic_err *err);

/*
 * VFs: add (-EEXIST if VF N exists or its MAC is another function's,
 * -ERANGE beyond the profile's max_vfs), set (the whole config of VF N:
 * get it, change fields, set; -ENOENT), del (-ENOENT). All or nothing.
 */
int nic_vf_add(struct nic *nic, const struct nic_vf_config *vc,
    struct nic_err *err);
int nic_vf_set(struct nic *nic, const struct nic_vf_config *vc,
    struct nic_err *err);
int nic_vf_del(struct nic *nic, uint32_t vf, struct nic_err *err);
/* NULL if VF N does not exist. */
const struct nic_vf_config *nic_vf_get(const struct nic *nic, uint32_t vf);

/* What `show` and `counters` say about one VF. */
struct nic_vf_state {
	const struct nic_vf_config *cfg;
	const struct port *port;		/* its TAP */
	bool link_up;				/* the carrier it shows */
	const char *tx_port;			/* member its queue is under */
	const struct esw_counters *esw;		/* rx/tx and drops by reason */
	uint64_t rx_dropped;			/* its TAP refused a frame */
	uint64_t tx_queue_dropped;		/* its TX queue was full */
	uint64_t tx_throttled;			/* waits for max_tx_rate */
	const struct announce_target *announce;	/* MAC, learnt addresses */
};

/* -ENOENT if VF N does not exist. */
int nic_vf_state(struct nic *nic, uint32_t vf, struct nic_vf_state *st);

/* The TX scheduler's work counters (node and queue moves). */
struct txs_stats;
const struct txs_stats *nic_txs_stats(const struct nic *nic);

/* One round of the datapath and timers; true if it did work. */
bool nic_poll(struct nic *nic);
uint64_t nic_next_deadline(struct nic *nic);

/* Up to 8 subscribers (monitor clients). */
int nic_subscribe(struct nic *nic, nic_event_fn *fn, void *arg);
void nic_unsubscribe(struct nic *nic, void *arg);

#endif
