/*
 * lagnicd's RDMA service: the RDMA engine (src/roce) offered to
 * applications (liblagnic) over the protocol of rdma_proto.h.
 *
 * The owner (lagnicd's loop, or a test) accepts connections and hands
 * each one to rdma_svc_client_add(); it watches the client's socket and
 * doorbell fds and calls rdma_svc_client_input() when the socket is
 * readable (the doorbell only has to wake the loop: rdma_svc_doorbell()
 * drains it), and rdma_svc_poll() every round: work requests from the
 * rings into the engine, completions from the engine into the rings.
 * poll returns whether it did anything; when it did not, it has told the
 * clients that the service may sleep (they ring the doorbell after
 * posting) and looked at the rings once more, so no post is left waiting.
 *
 * A client that goes (end of stream, a protocol error) is closed with
 * everything it made: QPs, AHs, MRs, CQs, PDs, mappings.
 */
#ifndef LAGNIC_RDMA_SVC_H
#define LAGNIC_RDMA_SVC_H

#include <stdbool.h>
#include <stdint.h>

#include "roce/roce_engine.h"

#define RDMA_CLIENTS_MAX	64

struct rdma_svc;
struct rdma_client;

struct rdma_svc_counters {
	uint64_t clients;		/* accepted, ever */
	uint64_t bad_requests;		/* refused: size, type, handle, fds */
	uint64_t send_wqes;		/* work requests taken from rings */
	uint64_t recv_wqes;
	uint64_t wqe_errors;		/* refused by the engine: error WCs */
	uint64_t completions;		/* written to rings */
	uint64_t doorbells;
	uint64_t cq_events;		/* completion channel notifications */
	uint64_t mem_faults;		/* copies to or from an application's
					 * own memory that failed */
	uint64_t async_events;		/* put in the clients' event rings */
	uint64_t events_lost;		/* a client's event ring was full */
};

int rdma_svc_create(struct rdma_svc **out, struct roce_engine *engine);
/* Called as a client is closed, before its fds are: the owner takes them
 * out of its event loop (an fd the client still holds a copy of, the
 * doorbell, would otherwise stay in epoll). */
typedef void rdma_svc_close_fn(struct rdma_client *c, void *arg);
void rdma_svc_set_close_cb(struct rdma_svc *svc, rdma_svc_close_fn *fn,
    void *arg);
/* Closes every client. */
void rdma_svc_destroy(struct rdma_svc *svc);

/* A new connection (the service owns fd from now on, also on error):
 * -ENOSPC beyond RDMA_CLIENTS_MAX, -ENOMEM. */
int rdma_svc_client_add(struct rdma_svc *svc, int fd,
    struct rdma_client **out);
/* The socket is readable. 0, or -ECONNRESET: the client was closed
 * (the pointer is gone). */
int rdma_svc_client_input(struct rdma_svc *svc, struct rdma_client *c);
int rdma_svc_client_fd(const struct rdma_client *c);
struct rdma_svc *rdma_svc_client_svc(const struct rdma_client *c);
/* Close a client now (the owner could not watch it). */
void rdma_svc_client_drop(struct rdma_client *c);
int rdma_svc_client_doorbell_fd(const struct rdma_client *c);
/* Readable once the client's process exited: drop the client then (its
 * MRs name memory by that PID). -1 if there is none to watch. */
int rdma_svc_client_pidfd(const struct rdma_client *c);
void rdma_svc_doorbell(struct rdma_client *c);

/*
 * Where a destination GID is on the wire, for an address vector without a
 * MAC (verbs applications give GIDs): its MAC into mac and 0, or -EAGAIN
 * while it is being found out (the client asks again), or another -errno.
 * sgid_index: the source GID, whose address asks.
 */
typedef int rdma_svc_resolve_fn(void *arg, unsigned sgid_index,
    const union roce_gid *dgid, uint8_t mac[6]);
void rdma_svc_set_resolver(struct rdma_svc *svc, rdma_svc_resolve_fn *fn,
    void *arg);

/* The lane for a QP of lane ROCE_LANE_AUTO created by a thread on NUMA
 * node numa_node (>= 0): one on a port of that node, or ROCE_LANE_AUTO
 * to leave it to the mode. */
typedef uint32_t rdma_svc_numa_lane_fn(void *arg, int numa_node);
void rdma_svc_set_numa_lane(struct rdma_svc *svc, rdma_svc_numa_lane_fn *fn,
    void *arg);

/*
 * Asynchronous events to the applications (ibv_get_async_event):
 *  - engine_event: the engine's (struct roce_ops.event; completion
 *    notifications are ignored), to the client owning the QP, SRQ or CQ;
 *  - port_changed: after roce_engine_set_port_active() (the LAG's
 *    carrier): PORT_ACTIVE or PORT_ERR to every client if the port's
 *    state changed, and the state in their status pages;
 *  - gid_changed: GID_CHANGE to every client (the GID table changed).
 */
void rdma_svc_engine_event(struct rdma_svc *svc, const struct roce_event *ev);
void rdma_svc_port_changed(struct rdma_svc *svc);
void rdma_svc_gid_changed(struct rdma_svc *svc);

bool rdma_svc_poll(struct rdma_svc *svc);
const struct rdma_svc_counters *rdma_svc_counters(const struct rdma_svc *s);
unsigned rdma_svc_nclients(const struct rdma_svc *svc);

#endif
