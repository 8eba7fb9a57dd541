/*
 * The RDMA device's neighbours: the MAC of a peer that a verbs
 * application names by GID only. The cache (net/neigh.h) learns from the
 * ARP and neighbour advertisements that reach the PF; on a miss lagnicd
 * asks itself, from the PF's MAC and the source GID's address, through
 * the LAG. The service hears -EAGAIN until the answer is in; its client
 * asks again.
 */
#include "daemon/nic_priv.h"

#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/icmp6.h"
#include "rdma/rdma_svc.h"
#include "roce/roce_engine.h"

/* A frame from the wire that passed the LAG: ARP and IPv6 teach the
 * cache (two compares for the rest). */
void
nic_neigh_snoop(struct nic *nic, const struct pkt *pkt)
{
	uint16_t type;

	if (pkt->len < ETH_HLEN)
		return;
	type = (uint16_t)(pkt->data[12] << 8 | pkt->data[13]);
	if (type == ETH_P_ARP || type == ETH_P_IPV6)
		neigh_snoop(&nic->neigh, pkt->data, pkt->len,
		    clock_now(nic->env.clock));
}

/* An ARP request or a neighbour solicitation for dgid, from sgid. */
static void
ask(struct nic *nic, const union roce_gid *sgid, const union roce_gid *dgid)
{
	struct pkt *p = pkt_alloc(&nic->rdma_pool);
	uint32_t spa, tpa;
	int n;

	if (!p)
		return;
	if (neigh_ip_is_v4(dgid->raw, &tpa))
		n = neigh_ip_is_v4(sgid->raw, &spa) ?
		    net_arp_build_request(p->data, pkt_tailroom(p),
		    nic->lag->mac, spa, tpa, NULL, 0) : -EINVAL;
	else
		n = net_icmp6_build_ns(p->data, pkt_tailroom(p),
		    nic->lag->mac, sgid->raw, dgid->raw, NULL, 0);
	if (n <= 0) {
		pkt_free(p);
		return;
	}
	p->len = (uint32_t)n;
	lag_xmit(nic->lag, &p, 1);
}

static int
resolve(void *arg, unsigned sgid_index, const union roce_gid *dgid,
    uint8_t mac[ETH_ALEN_])
{
	struct nic *nic = arg;
	union roce_gid sgid;
	bool asking;
	int err;

	err = neigh_lookup(&nic->neigh, dgid->raw, clock_now(nic->env.clock),
	    mac, &asking);
	if (asking && roce_query_gid(nic->roce, sgid_index, &sgid) == 0)
		ask(nic, &sgid, dgid);
	return err;
}

void
nic_neigh_start(struct nic *nic)
{
	neigh_init(&nic->neigh);
	rdma_svc_set_resolver(nic->rdma, resolve, nic);
}

const struct neigh_counters *
nic_neigh_counters(const struct nic *nic)
{
	return &nic->neigh.cnt;
}
