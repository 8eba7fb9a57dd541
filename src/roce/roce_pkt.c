/* RoCEv2 frames: parse (roce_pkt_parse) and build (roce_pkt_build). */
#include <errno.h>
#include <string.h>

#include "net/udp.h"
#include "roce/roce_icrc.h"
#include "roce/roce_pkt.h"

#define ROCE_PAD_ALIGN	4

static const char *const roce_drop_names[] = {
	[ROCE_OK] = "OK",
#define ROCE_DROP_NAME(name, field, desc) [ROCE_E_##name] = #name,
	ROCE_DROPS(ROCE_DROP_NAME)
#undef ROCE_DROP_NAME
};
static_assert(ARRAY_SIZE(roce_drop_names) == ROCE_DROP_COUNT, "drop names");

static const char *const roce_drop_descs[] = {
	[ROCE_OK] = "parsed",
#define ROCE_DROP_DESC(name, field, desc) [ROCE_E_##name] = desc,
	ROCE_DROPS(ROCE_DROP_DESC)
#undef ROCE_DROP_DESC
};
static_assert(ARRAY_SIZE(roce_drop_descs) == ROCE_DROP_COUNT, "drop descs");

/* The counters in reason order: struct roce_drops is an array of them. */
static_assert(sizeof(struct roce_drops) ==
    (ROCE_DROP_COUNT - 1) * sizeof(uint64_t), "one counter per reason");

const char *
roce_drop_name(enum roce_drop d)
{
	return (unsigned)d < ROCE_DROP_COUNT ? roce_drop_names[d] : "?";
}

const char *
roce_drop_desc(enum roce_drop d)
{
	return (unsigned)d < ROCE_DROP_COUNT ? roce_drop_descs[d] : "?";
}

void
roce_drops_inc(struct roce_drops *drops, enum roce_drop d)
{
	switch (d) {
#define ROCE_DROP_CASE(name, field, desc)				\
	case ROCE_E_##name: drops->field++; break;
	ROCE_DROPS(ROCE_DROP_CASE)
#undef ROCE_DROP_CASE
	default:
		break;
	}
}

uint64_t
roce_drops_get(const struct roce_drops *drops, enum roce_drop d)
{
	switch (d) {
#define ROCE_DROP_GET(name, field, desc)				\
	case ROCE_E_##name: return drops->field;
	ROCE_DROPS(ROCE_DROP_GET)
#undef ROCE_DROP_GET
	default:
		return 0;
	}
}

static enum roce_drop
drop(struct roce_drops *drops, enum roce_drop d)
{
	if (drops)
		roce_drops_inc(drops, d);
	return d;
}

/* ---- parse ---- */

static void
parse_l2(const struct net_frame *f, struct roce_l2l3 *l)
{
	memcpy(l->dst_mac, f->eth.dst, ETH_ALEN);
	memcpy(l->src_mac, f->eth.src, ETH_ALEN);
	l->n_tags = f->eth.n_tags;
	memcpy(l->tags, f->eth.tags, sizeof(l->tags));
	l->udp_sport = f->sport;
	l->udp_csum = f->udp.checksum != 0;
}

/* IP fields; the IP header's length into *hlen. */
static enum roce_drop
parse_l3(const struct net_frame *f, struct roce_l2l3 *l, size_t *hlen)
{
	if (f->flags & NET_F_IPV4) {
		if (f->ip4.hdr_len != NET_IPV4_HLEN)
			return ROCE_E_IP_OPTIONS;
		l->saddr4 = f->ip4.saddr;
		l->daddr4 = f->ip4.daddr;
		l->tclass = f->ip4.type_of_service;
		l->ttl = f->ip4.time_to_live;
		l->ip_id = f->ip4.identification;
		l->dont_fragment = f->ip4.dont_fragment;
		*hlen = NET_IPV4_HLEN;
		return ROCE_OK;
	}
	if (f->ip6.hdr_len != NET_IPV6_HLEN)
		return ROCE_E_IP_OPTIONS;
	l->ipv6 = true;
	memcpy(l->saddr6, f->ip6.saddr, NET_IPV6_ALEN);
	memcpy(l->daddr6, f->ip6.daddr, NET_IPV6_ALEN);
	l->tclass = f->ip6.traffic_class;
	l->ttl = f->ip6.hop_limit;
	l->flow_label = f->ip6.flow_label;
	*hlen = NET_IPV6_HLEN;
	return ROCE_OK;
}

static enum roce_drop
parse_bth(const uint8_t *t, size_t tlen, struct roce_pkt *p)
{
	struct roce_bth_hdr h;

	if (tlen < ROCE_BTH_LEN + ROCE_ICRC_LEN)
		return ROCE_E_SHORT;
	memcpy(&h, t, sizeof(h));
	p->opcode = h.opcode;
	p->se = roce_bth_se(&h);
	p->mig = roce_bth_mig(&h);
	p->padcnt = roce_bth_padcnt(&h);
	p->tver = roce_bth_tver(&h);
	p->pkey = roce_bth_pkey(&h);
	p->fecn = roce_bth_fecn(&h);
	p->becn = roce_bth_becn(&h);
	p->dest_qpn = roce_bth_dest_qpn(&h);
	p->ackreq = roce_bth_ackreq(&h);
	p->psn = roce_bth_psn(&h);
	if (p->tver != ROCE_TVER)
		return ROCE_E_BAD_VERSION;
	p->op = roce_opinfo(p->opcode);
	if (!p->op)
		return ROCE_E_UNKNOWN_OPCODE;
	return ROCE_OK;
}

/* Headers, data and pad fit the tlen bytes from the BTH to the ICRC. */
static enum roce_drop
parse_layout(const uint8_t *t, size_t tlen, struct roce_pkt *p)
{
	size_t data;

	if (tlen < (size_t)p->op->hdr_len + ROCE_ICRC_LEN)
		return ROCE_E_SHORT;
	if (tlen % ROCE_PAD_ALIGN)
		return ROCE_E_BAD_LENGTH;
	data = tlen - p->op->hdr_len - ROCE_ICRC_LEN;
	if (p->padcnt > data)
		return ROCE_E_BAD_PAD;
	if (data && !(p->op->flags & ROCE_F_PAYLOAD))
		return ROCE_E_UNEXPECTED_PAYLOAD;
	p->payload = t + p->op->hdr_len;
	p->payload_len = (uint32_t)(data - p->padcnt);
	p->icrc = roce_icrc_get(t + tlen - ROCE_ICRC_LEN);
	return ROCE_OK;
}

/* The extension headers the opcode carries (parse_layout checked room). */
static void
parse_ext(const uint8_t *t, struct roce_pkt *p)
{
	const struct roce_opinfo *op = p->op;

	if (op->flags & ROCE_F_DETH)
		roce_deth_load(&p->deth, t + op->off[ROCE_HDR_DETH]);
	if (op->flags & ROCE_F_RETH)
		roce_reth_load(&p->reth, t + op->off[ROCE_HDR_RETH]);
	if (op->flags & ROCE_F_ATMETH)
		roce_atomiceth_load(&p->atomiceth,
		    t + op->off[ROCE_HDR_ATMETH]);
	if (op->flags & ROCE_F_AETH)
		roce_aeth_load(&p->aeth, t + op->off[ROCE_HDR_AETH]);
	if (op->flags & ROCE_F_ATMACK)
		p->atomicack_orig = roce_be64_load(t + op->off[ROCE_HDR_ATMACK]);
	if (op->flags & ROCE_F_IMMDT)
		p->immdt = roce_be32_load(t + op->off[ROCE_HDR_IMMDT]);
	if (op->flags & ROCE_F_IETH)
		p->ieth_rkey = roce_be32_load(t + op->off[ROCE_HDR_IETH]);
}

static enum roce_drop
parse_transport(const uint8_t *buf, const struct net_frame *f, size_t hlen,
    struct roce_pkt *p)
{
	const uint8_t *t;
	enum roce_drop d;
	uint32_t icrc;
	size_t tlen;

	if (f->udp.length != f->l3_len - hlen)
		return ROCE_E_BAD_LENGTH;
	p->bth_off = f->l4_off + NET_UDP_HLEN;
	t = buf + p->bth_off;
	tlen = f->udp.payload_len;
	d = parse_bth(t, tlen, p);
	if (d == ROCE_OK)
		d = parse_layout(t, tlen, p);
	if (d != ROCE_OK)
		return d;
	parse_ext(t, p);
	if (roce_icrc_calc(buf + f->l3_off, f->l3_len - ROCE_ICRC_LEN,
	    &icrc) != 0 || icrc != p->icrc)
		return ROCE_E_BAD_ICRC;
	return ROCE_OK;
}

enum roce_drop
roce_pkt_parse_frame(const uint8_t *buf, size_t len,
    const struct net_frame *f, struct roce_pkt *p, struct roce_drops *drops)
{
	enum roce_drop d;
	size_t hlen;

	memset(p, 0, sizeof(*p));
	if (!net_frame_is_rocev2(f) || !(f->flags & (NET_F_IPV4 | NET_F_IPV6)))
		return drop(drops, ROCE_E_NOT_ROCEV2);
	if ((size_t)f->l3_off + f->l3_len > len)
		return drop(drops, ROCE_E_SHORT);
	parse_l2(f, &p->l2l3);
	d = parse_l3(f, &p->l2l3, &hlen);
	if (d == ROCE_OK)
		d = parse_transport(buf, f, hlen, p);
	return d == ROCE_OK ? ROCE_OK : drop(drops, d);
}

enum roce_drop
roce_pkt_parse(const uint8_t *buf, size_t len, struct roce_pkt *p,
    struct roce_drops *drops)
{
	struct net_frame f;
	enum net_verdict v;

	v = net_parse_frame(buf, len, &f);
	if (v != NET_OK) {
		memset(p, 0, sizeof(*p));
		return drop(drops, v == NET_E_TRUNCATED ? ROCE_E_SHORT :
		    ROCE_E_BAD_FRAME);
	}
	return roce_pkt_parse_frame(buf, len, &f, p, drops);
}

/* ---- build ---- */

static size_t
pad_len(size_t payload_len)
{
	return -payload_len & (ROCE_PAD_ALIGN - 1);
}

static size_t
l3_hlen(const struct roce_l2l3 *l)
{
	return l->ipv6 ? NET_IPV6_HLEN : NET_IPV4_HLEN;
}

size_t
roce_pkt_frame_len(const struct roce_l2l3 *l, uint8_t opcode,
    size_t payload_len)
{
	const struct roce_opinfo *op = roce_opinfo(opcode);

	if (!op || l->n_tags > NET_VLAN_MAX_TAGS || payload_len > UINT16_MAX)
		return 0;
	return ETH_HLEN + (size_t)NET_VLAN_HLEN * l->n_tags + l3_hlen(l) +
	    NET_UDP_HLEN + op->hdr_len + payload_len + pad_len(payload_len) +
	    ROCE_ICRC_LEN;
}

static int
build_validate(const struct roce_l2l3 *l, const struct roce_pkt *p,
    size_t payload_len)
{
	const struct roce_opinfo *op = roce_opinfo(p->opcode);
	size_t ip_payload;

	if (!op || p->dest_qpn > ROCE_QPN_MASK || p->psn > ROCE_PSN_MASK ||
	    p->tver != ROCE_TVER)
		return -EINVAL;
	if (payload_len && !(op->flags & ROCE_F_PAYLOAD))
		return -EINVAL;
	if ((op->flags & ROCE_F_DETH) && p->deth.src_qpn > ROCE_QPN_MASK)
		return -EINVAL;
	if ((op->flags & ROCE_F_AETH) && p->aeth.msn > ROCE_PSN_MASK)
		return -EINVAL;
	if (payload_len > NET_IP_MAXPACKET)
		return -EINVAL;
	ip_payload = NET_UDP_HLEN + op->hdr_len + payload_len +
	    pad_len(payload_len) + ROCE_ICRC_LEN;
	if (ip_payload + (l->ipv6 ? 0 : NET_IPV4_HLEN) > NET_IP_MAXPACKET)
		return -EINVAL;
	return 0;
}

/* Ethernet, IP and UDP headers for a UDP payload of udp_payload bytes. */
static int
build_l2l3(uint8_t *buf, size_t cap, const struct roce_l2l3 *l,
    size_t udp_payload)
{
	struct net_eth eth = {
		.dst = l->dst_mac, .src = l->src_mac, .n_tags = l->n_tags,
		.ethertype = l->ipv6 ? ETH_P_IPV6 : ETH_P_IP,
	};
	int off, n;

	if (l->n_tags > NET_VLAN_MAX_TAGS)
		return -EINVAL;
	memcpy(eth.tags, l->tags, sizeof(eth.tags));
	off = net_eth_build(buf, cap, &eth);
	if (off < 0)
		return off;
	if (l->ipv6) {
		struct net_ipv6 ip6 = {
			.traffic_class = l->tclass, .flow_label = l->flow_label,
			.next_header = IPPROTO_UDP, .hop_limit = l->ttl,
			.saddr = l->saddr6, .daddr = l->daddr6,
		};
		n = net_ipv6_build(buf + off, cap - off, &ip6,
		    NET_UDP_HLEN + udp_payload);
	} else {
		struct net_ipv4 ip4 = {
			.type_of_service = l->tclass, .identification = l->ip_id,
			.dont_fragment = l->dont_fragment,
			.time_to_live = l->ttl, .protocol = IPPROTO_UDP,
			.saddr = l->saddr4, .daddr = l->daddr4,
		};
		n = net_ipv4_build(buf + off, cap - off, &ip4,
		    NET_UDP_HLEN + udp_payload);
	}
	if (n < 0)
		return n;
	off += n;
	n = net_udp_build(buf + off, cap - off, l->udp_sport,
	    NET_UDP_PORT_ROCEV2, udp_payload);
	return n < 0 ? n : off + n;
}

static void
build_bth(uint8_t *t, const struct roce_pkt *p, size_t pad)
{
	struct roce_bth_hdr h;
	uint32_t w;

	h.opcode = p->opcode;
	h.se_m_pad_tver = (uint8_t)((p->se ? ROCE_BTH_SE : 0) |
	    (p->mig ? ROCE_BTH_MIG : 0) | pad << ROCE_BTH_PAD_SHIFT | p->tver);
	h.pkey = htobe16(p->pkey);
	w = p->dest_qpn | (p->fecn ? ROCE_BTH_FECN : 0) |
	    (p->becn ? ROCE_BTH_BECN : 0);
	h.fb_dqpn = htobe32(w);
	h.a_psn = htobe32(p->psn | (p->ackreq ? ROCE_BTH_ACKREQ : 0));
	memcpy(t, &h, sizeof(h));
}

static void
build_ext(uint8_t *t, const struct roce_pkt *p)
{
	const struct roce_opinfo *op = roce_opinfo(p->opcode);

	if (op->flags & ROCE_F_DETH)
		roce_deth_store(t + op->off[ROCE_HDR_DETH], &p->deth);
	if (op->flags & ROCE_F_RETH)
		roce_reth_store(t + op->off[ROCE_HDR_RETH], &p->reth);
	if (op->flags & ROCE_F_ATMETH)
		roce_atomiceth_store(t + op->off[ROCE_HDR_ATMETH],
		    &p->atomiceth);
	if (op->flags & ROCE_F_AETH)
		roce_aeth_store(t + op->off[ROCE_HDR_AETH], &p->aeth);
	if (op->flags & ROCE_F_ATMACK)
		roce_be64_store(t + op->off[ROCE_HDR_ATMACK], p->atomicack_orig);
	if (op->flags & ROCE_F_IMMDT)
		roce_be32_store(t + op->off[ROCE_HDR_IMMDT], p->immdt);
	if (op->flags & ROCE_F_IETH)
		roce_be32_store(t + op->off[ROCE_HDR_IETH], p->ieth_rkey);
}

/* ICRC over the IP packet at ip (len with the ICRC), then UDP checksum. */
static void
build_trailer(uint8_t *ip, size_t len, const struct roce_l2l3 *l)
{
	uint8_t *udp = ip + l3_hlen(l);
	uint32_t icrc;
	int err;

	err = roce_icrc_calc(ip, len - ROCE_ICRC_LEN, &icrc);
	assert(err == 0);
	(void)err;
	roce_icrc_put(ip + len - ROCE_ICRC_LEN, icrc);
	if (!l->udp_csum)
		return;
	if (l->ipv6)
		net_udp_csum_set6(udp, len - NET_IPV6_HLEN, l->saddr6,
		    l->daddr6);
	else
		net_udp_csum_set4(udp, len - NET_IPV4_HLEN, l->saddr4,
		    l->daddr4);
}

int
roce_pkt_build(uint8_t *buf, size_t cap, const struct roce_l2l3 *l,
    const struct roce_pkt *p, const void *payload, size_t payload_len)
{
	const struct roce_opinfo *op;
	size_t len, pad, tlen;
	uint8_t *t;
	int err, off;

	err = build_validate(l, p, payload_len);
	if (err)
		return err;
	len = roce_pkt_frame_len(l, p->opcode, payload_len);
	if (len == 0)
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;
	op = roce_opinfo(p->opcode);
	pad = pad_len(payload_len);
	tlen = op->hdr_len + payload_len + pad + ROCE_ICRC_LEN;
	off = build_l2l3(buf, cap, l, tlen);
	if (off < 0)
		return off;
	/* commit: nothing below may fail */
	t = buf + off;
	build_bth(t, p, pad);
	build_ext(t, p);
	if (payload_len)
		memcpy(t + op->hdr_len, payload, payload_len);
	memset(t + op->hdr_len + payload_len, 0, pad);
	build_trailer(t - NET_UDP_HLEN - l3_hlen(l),
	    l3_hlen(l) + NET_UDP_HLEN + tlen, l);
	return (int)len;
}

int
roce_pkt_build_pkt(struct pkt *pkt, const struct roce_l2l3 *l,
    const struct roce_pkt *p, const void *payload, size_t payload_len)
{
	int n;

	n = roce_pkt_build(pkt->data, pkt_tailroom(pkt) + pkt->len, l, p,
	    payload, payload_len);
	if (n < 0)
		return n;
	pkt->len = (uint32_t)n;
	return 0;
}
