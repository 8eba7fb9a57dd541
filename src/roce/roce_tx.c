/* Frames out: addressing from the path, build, hand to the owner. */
#include <errno.h>
#include <string.h>

#include "roce/roce_int.h"

#define ROCE_TTL_DEFAULT 64

static bool
gid_is_v4mapped(const union roce_gid *g)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(g->raw, prefix, sizeof(prefix));
}

/* Ethernet and IP fields of a packet to av from our GID sgid_index. */
static void
tx_l2l3(const struct roce_qp *qp, const struct roce_ah_attr *av,
    struct roce_l2l3 *l)
{
	const union roce_gid *sgid = &qp->e->gids[av->grh.sgid_index];

	memset(l, 0, sizeof(*l));
	memcpy(l->dst_mac, av->dmac, ETH_ALEN);
	memcpy(l->src_mac, qp->e->cfg.mac, ETH_ALEN);
	l->ipv6 = !gid_is_v4mapped(sgid);
	if (l->ipv6) {
		memcpy(l->saddr6, sgid->raw, ROCE_GID_LEN);
		memcpy(l->daddr6, av->grh.dgid.raw, ROCE_GID_LEN);
		l->flow_label = av->grh.flow_label;
	} else {
		l->saddr4 = roce_be32_load(&sgid->raw[12]);
		l->daddr4 = roce_be32_load(&av->grh.dgid.raw[12]);
		l->dont_fragment = true;
	}
	l->tclass = av->grh.traffic_class;
	l->ttl = av->grh.hop_limit ? av->grh.hop_limit : ROCE_TTL_DEFAULT;
	l->udp_sport = qp->udp_sport;
}

void
roce_tx_bth(const struct roce_qp *qp, struct roce_pkt *p, uint8_t opcode,
    uint32_t dest_qpn, uint32_t psn)
{
	memset(p, 0, sizeof(*p));
	p->opcode = opcode;
	p->pkey = ROCE_PKEY_DEFAULT;
	p->dest_qpn = dest_qpn;
	p->psn = psn & ROCE_PSN_MASK;
}

int
roce_tx(struct roce_qp *qp, const struct roce_ah_attr *av,
    struct roce_pkt *p, const void *payload, uint32_t len)
{
	struct roce_engine *e = qp->e;
	struct roce_l2l3 l;
	struct pkt *pkt;
	int err;

	if (!e->gid_valid[av->grh.sgid_index]) {
		roce_cnt_inc(qp, tx_drops);
		return -EADDRNOTAVAIL;
	}
	tx_l2l3(qp, av, &l);
	pkt = pkt_alloc(e->cfg.pool);
	if (!pkt) {
		roce_cnt_inc(qp, tx_drops);
		return -ENOBUFS;
	}
	err = roce_pkt_build_pkt(pkt, &l, p, payload, len);
	if (err) {
		pkt_free(pkt);
		roce_cnt_inc(qp, tx_drops);
		return err;
	}
	roce_cnt_inc(qp, tx_pkts);
	roce_cnt_add(qp, tx_bytes, pkt->len);
	err = e->cfg.ops->tx(e->cfg.ctx, qp->lane, pkt);
	if (err)
		roce_cnt_inc(qp, tx_drops);
	return err;
}
