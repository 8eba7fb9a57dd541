/*
 * The RDMA device as JSON for `lagnicctl rdma`: the port, the GIDs, the
 * engine's counters, every QP with its state, lane and the member that
 * carries it now, and the service's counters.
 */
#include "ctl/state.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "lag/lag.h"
#include "net/neigh.h"
#include "rdma/rdma_svc.h"
#include "roce/roce_engine.h"

static json_t *
gids_json(const struct roce_engine *e)
{
	json_t *a = json_array();
	union roce_gid g;
	char s[INET6_ADDRSTRLEN];

	for (unsigned i = 0; a && i < ROCE_GID_TABLE_LEN; i++) {
		if (roce_query_gid(e, i, &g) || !inet_ntop(AF_INET6, g.raw, s,
		    sizeof(s)))
			continue;
		json_array_append_new(a, json_pack("{s:I, s:s}", "index",
		    (json_int_t)i, "gid", s));
	}
	return a;
}

static json_t *
counters_json(const struct roce_counters *c)
{
	const uint64_t *v = (const uint64_t *)c;
	json_t *o = json_object(), *naks_s = json_object(),
	    *naks_r = json_object(), *drops = json_object();

	if (!o || !naks_s || !naks_r || !drops) {
		json_decref(o);
		json_decref(naks_s);
		json_decref(naks_r);
		json_decref(drops);
		return NULL;
	}
	for (size_t i = 0; i < ROCE_COUNTERS_SCALAR; i++)
		json_object_set_new(o, roce_counter_names[i],
		    json_integer((json_int_t)v[i]));
	for (unsigned i = 0; i < ROCE_NAK_CODE_COUNT; i++) {
		json_object_set_new(naks_s, roce_nak_code_name(i),
		    json_integer((json_int_t)c->naks_sent[i]));
		json_object_set_new(naks_r, roce_nak_code_name(i),
		    json_integer((json_int_t)c->naks_rcvd[i]));
	}
	for (unsigned i = 0; i < ROCE_RX_DROP_COUNT; i++)
		json_object_set_new(drops, roce_rx_drop_name(i),
		    json_integer((json_int_t)c->rx_drops[i]));
	json_object_set_new(o, "naks_sent", naks_s);
	json_object_set_new(o, "naks_rcvd", naks_r);
	json_object_set_new(o, "rx_drops", drops);
	return o;
}

struct qps_walk {
	struct lag *lag;
	json_t *qps;
};

static void
qp_json(struct roce_qp *qp, void *arg)
{
	struct qps_walk *w = arg;
	uint32_t lane = roce_qp_lane(qp);
	const struct lag_member *m = lag_lane_member(w->lag, lane);

	json_array_append_new(w->qps, json_pack("{s:I, s:s, s:I, s:s, s:o}",
	    "qpn", (json_int_t)roce_qp_num(qp),
	    "state", roce_qp_state_name(roce_qp_state(qp)),
	    "lane", (json_int_t)lane,
	    "port", m ? m->port->name : "",
	    "counters", counters_json(roce_qp_counters(qp))));
}

static json_t *
service_json(const struct rdma_svc *s)
{
	const struct rdma_svc_counters *c = rdma_svc_counters(s);

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I}",
	    "clients", (json_int_t)rdma_svc_nclients(s),
	    "clients_total", (json_int_t)c->clients,
	    "bad_requests", (json_int_t)c->bad_requests,
	    "send_wqes", (json_int_t)c->send_wqes,
	    "recv_wqes", (json_int_t)c->recv_wqes,
	    "wqe_errors", (json_int_t)c->wqe_errors,
	    "completions", (json_int_t)c->completions,
	    "doorbells", (json_int_t)c->doorbells,
	    "cq_events", (json_int_t)c->cq_events,
	    "mem_faults", (json_int_t)c->mem_faults,
	    "async_events", (json_int_t)c->async_events,
	    "events_lost", (json_int_t)c->events_lost);
}

/* The peers' MACs lagnicd learnt and asked for (address vectors
 * without one). */
static json_t *
neigh_json(const struct neigh_counters *c)
{
	return json_pack("{s:I, s:I, s:I}",
	    "learnt", (json_int_t)c->learnt,
	    "asked", (json_int_t)c->asked,
	    "misses", (json_int_t)c->misses);
}

json_t *
ctl_state_rdma(struct nic *nic)
{
	struct roce_engine *e = nic_rdma_engine(nic);
	struct roce_port_attr pa;
	struct roce_device_attr da;
	struct qps_walk w = { .lag = nic_lag(nic), .qps = json_array() };
	uint8_t m[6];
	char mac[18], guid[20];

	if (!e || !w.qps) {
		json_decref(w.qps);
		return json_pack("{s:n}", "device");
	}
	roce_query_port(e, 1, &pa);
	roce_query_device(e, &da);
	roce_engine_mac(e, m);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
	snprintf(guid, sizeof(guid), "%016llx",
	    (unsigned long long)da.node_guid);
	roce_engine_foreach_qp(e, qp_json, &w);
	return json_pack("{s:{s:s, s:s, s:s, s:I, s:o}, s:o, s:o, s:o, s:o}",
	    "device", "mac", mac, "node_guid", guid,
	    "port_state", pa.state == 4 ? "active" : "down",
	    "active_mtu", (json_int_t)roce_mtu_bytes(pa.active_mtu),
	    "gids", gids_json(e),
	    "counters", counters_json(roce_engine_counters(e)),
	    "qps", w.qps,
	    "service", service_json(nic_rdma_svc(nic)),
	    "neigh", neigh_json(nic_neigh_counters(nic)));
}
