/*
 * Asynchronous events (ibv_get_async_event) for the applications: the
 * engine's affiliated events (a QP's, an SRQ's, a CQ's) go to the client
 * that owns the object, named by its handle; the port's (the LAG's
 * carrier) and GID_CHANGE go to every client. Each client has a ring of
 * events in its status page and a pipe with a byte for each
 * (rdma_proto.h); the port's state is kept current in the status page
 * too, so a query needs no request.
 */
#include "rdma/rdma_svc_priv.h"

static const char *
event_name(uint32_t type)
{
	switch (type) {
	case ROCE_EVENT_PORT_ACTIVE: return "PORT_ACTIVE";
	case ROCE_EVENT_PORT_ERR: return "PORT_ERR";
	case ROCE_EVENT_GID_CHANGE: return "GID_CHANGE";
	default: return "QP/SRQ/CQ";
	}
}

void
rdma_client_event(struct rdma_client *c, uint32_t type, uint32_t handle)
{
	struct rdma_status *st = c->status;
	uint32_t tail, head;

	if (!st || c->evfd < 0)
		return;
	tail = c->ev_tail;	/* ours: the page's copy is the client's too */
	head = atomic_load_explicit(&st->ev_head, memory_order_acquire);
	if (tail - head >= RDMA_EVENTS) {
		/* the application does not take its events: it loses them */
		atomic_fetch_add(&st->ev_lost, 1);
		c->svc->cnt.events_lost++;
		if (ratelimit_ok(&c->svc->log_rl, &clock_monotonic))
			log_warn("rdma: a client's event ring is full: %s lost",
			    event_name(type));
		return;
	}
	st->ev[tail % RDMA_EVENTS] = (struct rdma_async_event){
	    .type = type, .handle = handle };
	c->ev_tail = tail + 1;
	atomic_store_explicit(&st->ev_tail, c->ev_tail, memory_order_release);
	c->svc->cnt.async_events++;
	/* a full pipe (a client that moved its head without reading) only
	 * costs that client its wake-ups */
	rdma_notify(c->evfd);
}

/* The handle in c of the event's object (by its class), or 0. */
static uint32_t
handle_in(const struct rdma_client *c, const struct roce_event *ev)
{
	switch (rdma_event_class(ev->type)) {
	case RDMA_EVC_QP:
		for (unsigned j = 0; ev->qp && j < RDMA_QPS_MAX; j++)
			if (c->qps[j].qp == ev->qp)
				return j + 1;
		return 0;
	case RDMA_EVC_SRQ:
		for (unsigned j = 0; ev->srq && j < RDMA_SRQS_MAX; j++)
			if (c->srqs[j].srq == ev->srq)
				return j + 1;
		return 0;
	case RDMA_EVC_CQ:
		for (unsigned j = 0; ev->cq && j < RDMA_CQS_MAX; j++)
			if (c->cqs[j].cq == ev->cq)
				return j + 1;
		return 0;
	default:
		return 0;
	}
}

/* An event of the engine (not a completion notification: the service
 * makes those from the rings' arm words): to the client that owns its
 * object. None does while the object goes with its client. */
void
rdma_svc_engine_event(struct rdma_svc *s, const struct roce_event *ev)
{
	uint32_t h;

	if (ev->comp)
		return;
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i] && (h = handle_in(s->clients[i], ev))) {
			rdma_client_event(s->clients[i], ev->type, h);
			return;
		}
}

static void
broadcast(struct rdma_svc *s, uint32_t type)
{
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i])
			rdma_client_event(s->clients[i], type, 1);
}

uint32_t
rdma_svc_port_state(const struct rdma_svc *s)
{
	struct roce_port_attr pa;

	roce_query_port(s->e, 1, &pa);
	return pa.state;
}

void
rdma_svc_port_changed(struct rdma_svc *s)
{
	uint32_t st = rdma_svc_port_state(s);

	if (st == s->port_state)
		return;
	s->port_state = st;
	for (unsigned i = 0; i < RDMA_CLIENTS_MAX; i++)
		if (s->clients[i] && s->clients[i]->status)
			atomic_store(&s->clients[i]->status->port_state, st);
	broadcast(s, st == ROCE_PORT_STATE_ACTIVE ? ROCE_EVENT_PORT_ACTIVE :
	    ROCE_EVENT_PORT_ERR);
}

void
rdma_svc_gid_changed(struct rdma_svc *s)
{
	broadcast(s, ROCE_EVENT_GID_CHANGE);
}
