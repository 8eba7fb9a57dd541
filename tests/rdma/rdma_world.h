/*
 * The world of the liblagnic tests: two hosts (RDMA engines over a LAG of
 * two sim wires, tests/roce's fixture) each with an RDMA service, run by
 * a thread in virtual time; the test's main thread is the applications,
 * talking liblagnic over socketpairs and shared-memory rings. The
 * engines' events go to the services (as lagnicd's roce_ops.event).
 */
#ifndef LAGNIC_TESTS_RDMA_WORLD_H
#define LAGNIC_TESTS_RDMA_WORLD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lagnic/lagnic.h"
#include "rdma/rdma_svc.h"
#include "roce_fixture.h"

#define BUF_LEN		(1u << 20)

struct world {
	struct rf *rf;
	struct rdma_svc *svc[2];
	pthread_t thread;
	_Atomic int stop;
	pthread_mutex_t lock;		/* client_add while the thread runs */
	struct rdma_client *clients[2][8];
	unsigned nclients[2];
};

struct app {
	struct lagnic_context *ctx;
	struct lagnic_pd *pd;
	struct lagnic_cq *cq;
	struct lagnic_qp *qp;
	uint8_t *buf;
	struct lagnic_mr *mr;
	struct lagnic_comp_channel *ch;	/* the CQ's, if asked for */
};

struct world *world_new(void);
/* The daemons' thread (world_new starts it; stop it with w->stop). */
void *daemon_thread(void *arg);
void world_free(struct world *w);
/* Host h's port (the LAG's carrier, as lagnicd's LAG event sets it). */
void world_port(struct world *w, unsigned h, bool active);

/* A new application on host h (raw: the bare socket, no liblagnic). */
struct lagnic_context *app_open(struct world *w, unsigned h, int *raw);
/* An application's objects; its CQ on a completion channel if with_ch. */
void app_objects_ch(struct world *w, unsigned h, struct app *a, bool with_ch);
void app_objects(struct world *w, unsigned h, struct app *a);
/* a->qp on host ha to RTS, connected to QP dqpn of the other host: to
 * RTR (INIT first), then to RTS. */
void rc_connect(struct world *w, struct app *a, unsigned ha, uint32_t dqpn);
void rc_to_rtr(struct world *w, struct app *a, unsigned ha, uint32_t dqpn);
void rc_to_rts(struct app *a);
/* One completion, within 10 s of real time. */
struct roce_wc wait_wc(struct lagnic_cq *cq);
void post1(struct app *a, enum roce_wr_opcode op, uint64_t laddr,
    uint32_t len, uint64_t raddr, uint32_t rkey, uint64_t wr_id);
void fill(uint8_t *p, size_t n, uint8_t seed);

#endif
