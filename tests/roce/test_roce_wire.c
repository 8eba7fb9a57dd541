/*
 * The RoCEv2 wire layer on its own: the opcode table against the header
 * layouts of IBA 9.3 written out again here, PSN compare around the
 * 24-bit wrap, AETH syndromes, build/parse of every opcode, every drop
 * reason from a crafted frame, every truncation refused without reading
 * past the end (run under ASan), the ICRC's masked fields.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/udp.h"
#include "roce/roce_icrc.h"
#include "roce/roce_pkt.h"

#define ETH_IP4_UDP	(ETH_HLEN + NET_IPV4_HLEN + NET_UDP_HLEN)
#define ETH_IP6_UDP	(ETH_HLEN + NET_IPV6_HLEN + NET_UDP_HLEN)
#define FRAME_MAX	2048

/* ---- the table ---- */

struct hdr_at {
	enum roce_hdr h;
	uint8_t off;
};

struct op_expect {
	uint8_t opcode;
	const char *name;
	uint8_t hdr_len;
	bool payload;
	struct hdr_at hdrs[3];	/* ends at off 0 */
};

#define R(h, o)	{ ROCE_HDR_##h, o }
/* IBA 9.3 / table 38, written out by hand (RC, UC, UD). */
static const struct op_expect expected_ops[] = {
	{ 0x00, "RC_SEND_FIRST", 12, true, { { 0 } } },
	{ 0x01, "RC_SEND_MIDDLE", 12, true, { { 0 } } },
	{ 0x02, "RC_SEND_LAST", 12, true, { { 0 } } },
	{ 0x03, "RC_SEND_LAST_WITH_IMMEDIATE", 16, true, { R(IMMDT, 12) } },
	{ 0x04, "RC_SEND_ONLY", 12, true, { { 0 } } },
	{ 0x05, "RC_SEND_ONLY_WITH_IMMEDIATE", 16, true, { R(IMMDT, 12) } },
	{ 0x06, "RC_RDMA_WRITE_FIRST", 28, true, { R(RETH, 12) } },
	{ 0x07, "RC_RDMA_WRITE_MIDDLE", 12, true, { { 0 } } },
	{ 0x08, "RC_RDMA_WRITE_LAST", 12, true, { { 0 } } },
	{ 0x09, "RC_RDMA_WRITE_LAST_WITH_IMMEDIATE", 16, true,
	    { R(IMMDT, 12) } },
	{ 0x0a, "RC_RDMA_WRITE_ONLY", 28, true, { R(RETH, 12) } },
	{ 0x0b, "RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE", 32, true,
	    { R(RETH, 12), R(IMMDT, 28) } },
	{ 0x0c, "RC_RDMA_READ_REQUEST", 28, false, { R(RETH, 12) } },
	{ 0x0d, "RC_RDMA_READ_RESPONSE_FIRST", 16, true, { R(AETH, 12) } },
	{ 0x0e, "RC_RDMA_READ_RESPONSE_MIDDLE", 12, true, { { 0 } } },
	{ 0x0f, "RC_RDMA_READ_RESPONSE_LAST", 16, true, { R(AETH, 12) } },
	{ 0x10, "RC_RDMA_READ_RESPONSE_ONLY", 16, true, { R(AETH, 12) } },
	{ 0x11, "RC_ACKNOWLEDGE", 16, false, { R(AETH, 12) } },
	{ 0x12, "RC_ATOMIC_ACKNOWLEDGE", 24, false,
	    { R(AETH, 12), R(ATMACK, 16) } },
	{ 0x13, "RC_COMPARE_SWAP", 40, false, { R(ATMETH, 12) } },
	{ 0x14, "RC_FETCH_ADD", 40, false, { R(ATMETH, 12) } },
	{ 0x16, "RC_SEND_LAST_WITH_INVALIDATE", 16, true, { R(IETH, 12) } },
	{ 0x17, "RC_SEND_ONLY_WITH_INVALIDATE", 16, true, { R(IETH, 12) } },
	{ 0x20, "UC_SEND_FIRST", 12, true, { { 0 } } },
	{ 0x21, "UC_SEND_MIDDLE", 12, true, { { 0 } } },
	{ 0x22, "UC_SEND_LAST", 12, true, { { 0 } } },
	{ 0x23, "UC_SEND_LAST_WITH_IMMEDIATE", 16, true, { R(IMMDT, 12) } },
	{ 0x24, "UC_SEND_ONLY", 12, true, { { 0 } } },
	{ 0x25, "UC_SEND_ONLY_WITH_IMMEDIATE", 16, true, { R(IMMDT, 12) } },
	{ 0x26, "UC_RDMA_WRITE_FIRST", 28, true, { R(RETH, 12) } },
	{ 0x27, "UC_RDMA_WRITE_MIDDLE", 12, true, { { 0 } } },
	{ 0x28, "UC_RDMA_WRITE_LAST", 12, true, { { 0 } } },
	{ 0x29, "UC_RDMA_WRITE_LAST_WITH_IMMEDIATE", 16, true,
	    { R(IMMDT, 12) } },
	{ 0x2a, "UC_RDMA_WRITE_ONLY", 28, true, { R(RETH, 12) } },
	{ 0x2b, "UC_RDMA_WRITE_ONLY_WITH_IMMEDIATE", 32, true,
	    { R(RETH, 12), R(IMMDT, 28) } },
	{ 0x64, "UD_SEND_ONLY", 20, true, { R(DETH, 12) } },
	{ 0x65, "UD_SEND_ONLY_WITH_IMMEDIATE", 24, true,
	    { R(DETH, 12), R(IMMDT, 20) } },
};
#undef R

static const struct op_expect *
expected_op(unsigned opcode)
{
	for (size_t i = 0; i < ARRAY_SIZE(expected_ops); i++)
		if (expected_ops[i].opcode == opcode)
			return &expected_ops[i];
	return NULL;
}

static void
check_op_headers(const struct op_expect *e, const struct roce_opinfo *op)
{
	uint32_t want = 0;

	for (const struct hdr_at *h = e->hdrs; h->off; h++) {
		want |= ROCE_F_HDR(h->h);
		assert_int_equal(op->off[h->h], h->off);
	}
	for (unsigned h = 0; h < ROCE_HDR_COUNT; h++)
		if (!(want & ROCE_F_HDR(h)))
			assert_int_equal(op->off[h], 0);
	assert_int_equal(op->flags & (ROCE_F_HDR(ROCE_HDR_COUNT) -
	    ROCE_F_HDR(0)), want);
}

static void
check_op_meaning(unsigned opcode, const struct roce_opinfo *op)
{
	uint32_t t = op->flags & (ROCE_F_RC | ROCE_F_UC | ROCE_F_UD);
	uint32_t pos = op->flags & (ROCE_F_FIRST | ROCE_F_MIDDLE |
	    ROCE_F_LAST | ROCE_F_ONLY);

	switch (opcode & ROCE_OP_TRANSPORT_MASK) {
	case ROCE_OP_RC: assert_int_equal(t, ROCE_F_RC); break;
	case ROCE_OP_UC: assert_int_equal(t, ROCE_F_UC); break;
	case ROCE_OP_UD: assert_int_equal(t, ROCE_F_UD); break;
	default: fail_msg("opcode %#x: transport", opcode);
	}
	/* exactly one position, one direction */
	assert_true(pos && !(pos & (pos - 1)));
	assert_true(!(op->flags & ROCE_F_REQ) != !(op->flags & ROCE_F_RESP));
	assert_int_equal(!!(op->flags & ROCE_F_IMM),
	    !!(op->flags & ROCE_F_IMMDT));
	assert_int_equal(!!(op->flags & ROCE_F_INV),
	    !!(op->flags & ROCE_F_IETH));
	assert_int_equal(!!strstr(op->name, "IMMEDIATE"),
	    !!(op->flags & ROCE_F_IMM));
	assert_int_equal(!!strstr(op->name, "SEND"),
	    !!(op->flags & ROCE_F_SEND));
	assert_int_equal(!!strstr(op->name, "RDMA_WRITE"),
	    !!(op->flags & ROCE_F_WRITE));
	assert_int_equal(!!strstr(op->name, "READ_REQUEST"),
	    !!(op->flags & ROCE_F_READ));
	assert_int_equal(!!strstr(op->name, "READ_RESPONSE"),
	    !!(op->flags & ROCE_F_READ_RESP));
	assert_int_equal(!!(strstr(op->name, "COMPARE_SWAP") ||
	    strstr(op->name, "FETCH_ADD")), !!(op->flags & ROCE_F_ATOMIC));
	assert_int_equal(!!strstr(op->name, "ACKNOWLEDGE"),
	    !!(op->flags & ROCE_F_ACK));
}

static void
test_opcode_table(void **state)
{
	unsigned opcode, known = 0, max_hdr = 0;

	(void)state;
	for (opcode = 0; opcode < 256; opcode++) {
		const struct op_expect *e = expected_op(opcode);
		const struct roce_opinfo *op = roce_opinfo((uint8_t)opcode);

		if (!e) {
			assert_null(op);
			assert_int_equal(roce_ops[opcode].flags, 0);
			assert_string_equal(roce_opcode_name((uint8_t)opcode),
			    "?");
			continue;
		}
		known++;
		assert_non_null(op);
		assert_string_equal(op->name, e->name);
		assert_int_equal(op->hdr_len, e->hdr_len);
		assert_int_equal(!!(op->flags & ROCE_F_PAYLOAD), e->payload);
		check_op_headers(e, op);
		check_op_meaning(opcode, op);
		max_hdr = MAX(max_hdr, op->hdr_len);
	}
	assert_int_equal(known, ARRAY_SIZE(expected_ops));
	assert_int_equal(max_hdr, ROCE_HDR_MAX_LEN);
	assert_string_equal(roce_hdr_name(ROCE_HDR_ATMACK), "AtomicAckETH");
	assert_string_equal(roce_hdr_name(ROCE_HDR_COUNT), "?");
}

/* ---- PSN and AETH ---- */

static void
test_psn(void **state)
{
	(void)state;
	assert_int_equal(roce_psn_cmp(5, 5), 0);
	assert_true(roce_psn_cmp(6, 5) > 0);
	assert_true(roce_psn_cmp(5, 6) < 0);
	/* across the wrap */
	assert_true(roce_psn_cmp(0, 0xffffff) > 0);
	assert_true(roce_psn_cmp(0xffffff, 0) < 0);
	assert_true(roce_psn_cmp(2, 0xfffffd) > 0);
	assert_true(roce_psn_cmp(0xfffffd, 2) < 0);
	/* half the space ahead is after, the other half before */
	assert_true(roce_psn_cmp(0x7fffff, 0) > 0);
	assert_true(roce_psn_cmp(0x800000, 0) < 0);
	assert_true(roce_psn_cmp(0x800001, 0) < 0);
	assert_true(roce_psn_cmp(0x000010, 0x800011) > 0);
	/* only 24 bits count */
	assert_int_equal(roce_psn_cmp(0x1000005, 5), 0);
	assert_true(roce_psn_cmp(0xff000001, 0x00ffffff) > 0);
	assert_int_equal(roce_psn_add(0xfffffd, 3), 0);
	assert_int_equal(roce_psn_add(0xffffff, 0x1000001), 0);
	assert_int_equal(roce_psn_add(0x123456, 1), 0x123457);
}

static void
test_aeth(void **state)
{
	(void)state;
	assert_int_equal(roce_aeth_ack(ROCE_AETH_CREDITS_INVALID), 0x1f);
	assert_int_equal(roce_aeth_rnr_nak(20), 0x34);
	assert_int_equal(roce_aeth_nak(ROCE_NAK_PSN_SEQUENCE_ERROR), 0x60);
	assert_int_equal(roce_aeth_nak(ROCE_NAK_INVALID_REQUEST), 0x61);
	assert_int_equal(roce_aeth_nak(ROCE_NAK_REMOTE_ACCESS_ERROR), 0x62);
	assert_int_equal(roce_aeth_nak(ROCE_NAK_REMOTE_OPERATIONAL_ERROR),
	    0x63);
	assert_int_equal(roce_aeth_nak(ROCE_NAK_INVALID_RD_REQUEST), 0x64);
	assert_int_equal(roce_aeth_kind(0x1f), ROCE_AETH_ACK);
	assert_int_equal(roce_aeth_kind(0x34), ROCE_AETH_RNR_NAK);
	assert_int_equal(roce_aeth_kind(0x62), ROCE_AETH_NAK);
	assert_int_equal(roce_aeth_kind(0x40), ROCE_AETH_RESERVED);
	assert_int_equal(roce_aeth_value(0x34), 20);
	assert_true(roce_aeth_is_ack(0x00));
	assert_false(roce_aeth_is_ack(0x60));
	assert_true(roce_aeth_syndrome_valid(0x63));
	assert_false(roce_aeth_syndrome_valid(0x40));
	assert_false(roce_aeth_syndrome_valid(0x9f));
	assert_string_equal(roce_nak_code_name(3), "REMOTE_OPERATIONAL_ERROR");
	assert_string_equal(roce_nak_code_name(5), "?");
	assert_string_equal(roce_aeth_kind_name(ROCE_AETH_RNR_NAK), "RNR_NAK");
}

/* Header loads and stores against bytes written out by hand. */
static void
test_hdr_accessors(void **state)
{
	static const uint8_t bth[ROCE_BTH_LEN] = {
		0x04, 0xb0, 0xff, 0xff, 0xc0, 0x00, 0x00, 0x11,
		0x80, 0xfd, 0x4e, 0x59,
	};
	static const uint8_t reth[ROCE_RETH_LEN] = {
		0x00, 0x00, 0x55, 0xbe, 0x0c, 0x52, 0x40, 0x00,
		0x00, 0x00, 0x05, 0x5d, 0x00, 0x00, 0x10, 0x00,
	};
	static const uint8_t atmeth[ROCE_ATMETH_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x1c, 0x3f,
		0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0, 0, 0, 0, 0, 0, 0x20,
	};
	static const uint8_t aeth[] = { 0x62, 0x00, 0x01, 0x02 };
	static const uint8_t deth[] = { 0x80, 0x01, 0, 0, 0xff, 0, 0, 0x01 };
	struct roce_bth_hdr h;
	struct roce_reth r;
	struct roce_atomiceth a;
	struct roce_aeth ae;
	struct roce_deth d;
	uint8_t out[ROCE_ATMETH_LEN];

	(void)state;
	memcpy(&h, bth, sizeof(h));
	assert_int_equal(h.opcode, ROCE_OP_RC_SEND_ONLY);
	assert_true(roce_bth_se(&h));
	assert_false(roce_bth_mig(&h));
	assert_int_equal(roce_bth_padcnt(&h), 3);
	assert_int_equal(roce_bth_tver(&h), 0);
	assert_int_equal(roce_bth_pkey(&h), 0xffff);
	assert_true(roce_bth_fecn(&h) && roce_bth_becn(&h));
	assert_int_equal(roce_bth_dest_qpn(&h), 0x11);
	assert_true(roce_bth_ackreq(&h));
	assert_int_equal(roce_bth_psn(&h), 0xfd4e59);
	roce_reth_load(&r, reth);
	assert_int_equal(r.va, 0x55be0c524000ull);
	assert_int_equal(r.rkey, 0x55d);
	assert_int_equal(r.dma_len, 4096);
	roce_reth_store(out, &r);
	assert_memory_equal(out, reth, sizeof(reth));
	roce_atomiceth_load(&a, atmeth);
	assert_int_equal(a.va, 0x0102030405060708ull);
	assert_int_equal(a.rkey, 0x1c3f);
	assert_int_equal(a.swap_add, 1);
	assert_int_equal(a.compare, 0x1000000000000020ull);
	roce_atomiceth_store(out, &a);
	assert_memory_equal(out, atmeth, sizeof(atmeth));
	roce_aeth_load(&ae, aeth);
	assert_int_equal(ae.syndrome, 0x62);
	assert_int_equal(ae.msn, 0x102);
	roce_aeth_store(out, &ae);
	assert_memory_equal(out, aeth, sizeof(aeth));
	roce_deth_load(&d, deth);
	assert_int_equal(d.qkey, 0x80010000);
	assert_int_equal(d.src_qpn, 1);		/* resv8 ignored */
	roce_deth_store(out, &d);
	assert_int_equal(out[4], 0);		/* and sent as 0 */
	assert_int_equal(roce_be32_load(aeth), 0x62000102);
	roce_be64_store(out, 0xb8b70d30b066558full);
	assert_int_equal(out[0], 0xb8);
	assert_int_equal(roce_be64_load(out), 0xb8b70d30b066558full);
}

/* ---- frames to play with ---- */

static struct roce_l2l3
l2l3(bool ipv6)
{
	struct roce_l2l3 l = {
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.ipv6 = ipv6, .saddr4 = 0xc0000201, .daddr4 = 0xc0000202,
		.saddr6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
		.daddr6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
		.tclass = 0x6a, .ttl = 64, .flow_label = ipv6 ? 0x12345 : 0,
		.ip_id = 0x4242, .dont_fragment = true, .udp_sport = 0xc123,
	};
	return l;
}

/* A packet of opcode op with every header field set to something. */
static struct roce_pkt
pkt_of(uint8_t opcode)
{
	struct roce_pkt p = {
		.opcode = opcode, .se = true, .pkey = 0xffff,
		.dest_qpn = 0x123456, .ackreq = true, .psn = 0xfffffe,
		.reth = { 0x00007f0011223344ull, 0x1dea, 3000 },
		.aeth = { 0x1f, 0x000102 },
		.atomiceth = { 0x559f98ab8000ull, 0x1c3f, 1, 0x0102030405060708 },
		.atomicack_orig = 0xb8b70d30b066558full,
		.immdt = 0x11223344, .ieth_rkey = 0xabcdef01,
		.deth = { 0x80010000, 0x000001 },
	};
	return p;
}

static const uint8_t payload13[13] = "Hello, RoCE!";

static size_t
payload_for(uint8_t opcode)
{
	return (roce_ops[opcode].flags & ROCE_F_PAYLOAD) ? sizeof(payload13) :
	    0;
}

static int
build(uint8_t *buf, bool ipv6, uint8_t opcode)
{
	struct roce_l2l3 l = l2l3(ipv6);
	struct roce_pkt p = pkt_of(opcode);

	return roce_pkt_build(buf, FRAME_MAX, &l, &p, payload13,
	    payload_for(opcode));
}

static void
check_same(const struct roce_pkt *a, const struct roce_pkt *b)
{
	uint32_t f = a->op->flags;

	assert_int_equal(a->opcode, b->opcode);
	assert_int_equal(a->se, b->se);
	assert_int_equal(a->pkey, b->pkey);
	assert_int_equal(a->dest_qpn, b->dest_qpn);
	assert_int_equal(a->ackreq, b->ackreq);
	assert_int_equal(a->psn, b->psn);
	if (f & ROCE_F_RETH)
		assert_memory_equal(&a->reth, &b->reth, sizeof(a->reth));
	if (f & ROCE_F_AETH) {
		assert_int_equal(a->aeth.syndrome, b->aeth.syndrome);
		assert_int_equal(a->aeth.msn, b->aeth.msn);
	}
	if (f & ROCE_F_ATMETH) {
		assert_int_equal(a->atomiceth.va, b->atomiceth.va);
		assert_int_equal(a->atomiceth.rkey, b->atomiceth.rkey);
		assert_int_equal(a->atomiceth.swap_add, b->atomiceth.swap_add);
		assert_int_equal(a->atomiceth.compare, b->atomiceth.compare);
	}
	if (f & ROCE_F_ATMACK)
		assert_int_equal(a->atomicack_orig, b->atomicack_orig);
	if (f & ROCE_F_IMMDT)
		assert_int_equal(a->immdt, b->immdt);
	if (f & ROCE_F_IETH)
		assert_int_equal(a->ieth_rkey, b->ieth_rkey);
	if (f & ROCE_F_DETH)
		assert_memory_equal(&a->deth, &b->deth, sizeof(a->deth));
}

/* Every opcode, IPv4 and IPv6, tagged or not, UDP checksum or not. */
static void
roundtrip_one(uint8_t opcode, bool ipv6, unsigned n_tags, bool csum)
{
	uint8_t buf[FRAME_MAX];
	struct roce_l2l3 l = l2l3(ipv6);
	struct roce_pkt p = pkt_of(opcode), q;
	size_t plen = payload_for(opcode);
	const uint8_t *udp;
	int n;

	l.n_tags = n_tags;
	l.tags[0] = (struct net_vlan){ ETH_P_8021AD, 3, 0, 100 };
	l.tags[n_tags - (n_tags > 0)] = (struct net_vlan){ ETH_P_8021Q, 5, 0,
	    200 };
	l.udp_csum = csum;
	n = roce_pkt_build(buf, sizeof(buf), &l, &p, payload13, plen);
	assert_true(n > 0);
	assert_int_equal((size_t)n, roce_pkt_frame_len(&l, opcode, plen));
	assert_int_equal(roce_pkt_parse(buf, (size_t)n, &q, NULL), ROCE_OK);
	p.op = roce_opinfo(opcode);
	check_same(&p, &q);
	assert_int_equal(q.payload_len, plen);
	assert_memory_equal(q.payload, payload13, plen);
	assert_int_equal(q.padcnt, -plen & 3);
	assert_int_equal(q.l2l3.n_tags, n_tags);
	assert_int_equal(q.l2l3.udp_csum, csum);
	assert_int_equal(q.l2l3.ipv6, ipv6);
	udp = buf + q.bth_off - NET_UDP_HLEN;
	if (csum && ipv6)
		assert_int_equal(net_udp_csum_check6(udp,
		    (size_t)n - (size_t)(udp - buf), l.saddr6, l.daddr6),
		    NET_OK);
	else if (csum)
		assert_int_equal(net_udp_csum_check4(udp,
		    (size_t)n - (size_t)(udp - buf), l.saddr4, l.daddr4),
		    NET_OK);
	else
		assert_int_equal(udp[6] | udp[7], 0);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	for (unsigned op = 0; op < 256; op++) {
		if (!roce_opinfo((uint8_t)op))
			continue;
		for (unsigned v = 0; v < 8; v++)
			roundtrip_one((uint8_t)op, v & 1, (v >> 1) % 3,
			    v & 4);
	}
}

static void
test_build_errors(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct roce_l2l3 l = l2l3(false);
	struct roce_pkt p = pkt_of(ROCE_OP_RC_SEND_ONLY);
	int n, cap;

	(void)state;
	n = roce_pkt_build(buf, sizeof(buf), &l, &p, payload13, 13);
	assert_int_equal(n, ETH_IP4_UDP + 12 + 16 + 4);
	for (cap = 0; cap < n; cap++)
		assert_int_equal(roce_pkt_build(buf, (size_t)cap, &l, &p,
		    payload13, 13), -ENOSPC);
	p.opcode = 0x15;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	p = pkt_of(ROCE_OP_RC_SEND_ONLY);
	p.dest_qpn = 0x1000000;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	p = pkt_of(ROCE_OP_RC_SEND_ONLY);
	p.tver = 1;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	p = pkt_of(ROCE_OP_RC_SEND_ONLY);
	p.psn = 0x1000000;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	p = pkt_of(ROCE_OP_RC_ACKNOWLEDGE);
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, payload13,
	    4), -EINVAL);
	p = pkt_of(ROCE_OP_RC_SEND_ONLY);
	l.n_tags = 3;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	l = l2l3(true);
	l.flow_label = 0x100000;
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL, 0),
	    -EINVAL);
	l = l2l3(false);
	assert_int_equal(roce_pkt_build(buf, sizeof(buf), &l, &p, NULL,
	    65536), -EINVAL);
}

static void
test_build_pkt(void **state)
{
	struct pkt_pool pool;
	struct roce_l2l3 l = l2l3(true);
	struct roce_pkt p = pkt_of(ROCE_OP_UD_SEND_ONLY), q;
	struct pkt *pk;

	(void)state;
	assert_int_equal(pkt_pool_init(&pool, 2, PKT_HEADROOM + 128), 0);
	pk = pkt_alloc(&pool);
	assert_non_null(pk);
	assert_int_equal(roce_pkt_build_pkt(pk, &l, &p, payload13, 13), 0);
	assert_int_equal(pk->len, ETH_IP6_UDP + 20 + 16 + 4);
	assert_int_equal(roce_pkt_parse(pk->data, pk->len, &q, NULL), ROCE_OK);
	assert_int_equal(q.deth.qkey, 0x80010000);
	pkt_reset(pk);
	assert_int_equal(roce_pkt_build_pkt(pk, &l, &p, payload13, 100),
	    -ENOSPC);
	pkt_free(pk);
	pkt_pool_fini(&pool);
}

/* ---- refusals ---- */

static void
fix_ipv4_csum(uint8_t *frame)
{
	uint8_t *ip = frame + ETH_HLEN;
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = htons(net_csum(ip, (ip[0] & 0xf) * 4));
	memcpy(ip + 10, &c, 2);
}

static void
add16(uint8_t *p, int delta)
{
	unsigned v = (unsigned)(p[0] << 8 | p[1]) + (unsigned)delta;

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Append n bytes to an IPv4 frame, IP and UDP lengths following. */
static int
grow4(uint8_t *frame, int len, int n)
{
	memset(frame + len, 0xa5, (size_t)n);
	add16(frame + ETH_HLEN + 2, n);
	add16(frame + ETH_HLEN + NET_IPV4_HLEN + 4, n);
	fix_ipv4_csum(frame);
	return len + n;
}

/* Four bytes of IPv4 options (NOPs) after the fixed header. */
static int
add_ipv4_options(uint8_t *frame, int len)
{
	uint8_t *opt = frame + ETH_HLEN + NET_IPV4_HLEN;

	memmove(opt + 4, opt, (size_t)(len - ETH_HLEN - NET_IPV4_HLEN));
	memset(opt, 1, 4);
	frame[ETH_HLEN] = 0x46;
	add16(frame + ETH_HLEN + 2, 4);
	fix_ipv4_csum(frame);
	return len + 4;
}

/* An IPv6 destination options header (8 bytes of PadN) before UDP. */
static int
add_ipv6_ext(uint8_t *frame, int len)
{
	uint8_t *ext = frame + ETH_HLEN + NET_IPV6_HLEN;
	static const uint8_t dstopt[8] = { IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };

	memmove(ext + 8, ext, (size_t)(len - ETH_HLEN - NET_IPV6_HLEN));
	memcpy(ext, dstopt, sizeof(dstopt));
	frame[ETH_HLEN + 6] = IPPROTO_DSTOPTS;
	add16(frame + ETH_HLEN + 4, 8);
	return len + 8;
}

/* Parse a copy of exactly len bytes (ASan sees any read past it). */
static enum roce_drop
parse_copy(const uint8_t *frame, size_t len, struct roce_drops *drops)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct roce_pkt p;
	enum roce_drop d;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	d = roce_pkt_parse(copy, len, &p, drops);
	free(copy);
	return d;
}

static void
expect_drop(const uint8_t *frame, int len, enum roce_drop want)
{
	struct roce_drops drops = { 0 };
	enum roce_drop d;

	d = parse_copy(frame, (size_t)len, &drops);
	if (d != want)
		fail_msg("expected %s, got %s", roce_drop_name(want),
		    roce_drop_name(d));
	assert_int_equal(roce_drops_get(&drops, want), 1);
}

static void
test_drop_reasons(void **state)
{
	uint8_t f[FRAME_MAX];
	const int bth4 = ETH_IP4_UDP;
	unsigned reached[ROCE_DROP_COUNT] = { 0 };
	int n, d;

	(void)state;
#define EXPECT(frame, len, r) do {					\
	expect_drop(frame, len, ROCE_E_##r);				\
	reached[ROCE_E_##r]++;						\
} while (0)
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	f[ETH_HLEN + 10] ^= 1;				/* IP checksum */
	EXPECT(f, n, BAD_FRAME);
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	EXPECT(f, n - 1, SHORT);			/* frame < IP length */
	n = build(f, false, ROCE_OP_RC_ACKNOWLEDGE);
	f[ETH_HLEN + NET_IPV4_HLEN + 3]++;		/* UDP dport 4792 */
	EXPECT(f, n, NOT_ROCEV2);
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	EXPECT(f, add_ipv4_options(f, n), IP_OPTIONS);
	n = build(f, true, ROCE_OP_RC_SEND_ONLY);
	EXPECT(f, add_ipv6_ext(f, n), IP_OPTIONS);
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	EXPECT(f, grow4(f, n, 2), BAD_LENGTH);		/* not 4-byte words */
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	add16(f + ETH_HLEN + NET_IPV4_HLEN + 4, -4);	/* UDP < IP payload */
	EXPECT(f, n, BAD_LENGTH);
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	f[bth4 + 1] |= 1;				/* TVer 1 */
	EXPECT(f, n, BAD_VERSION);
	for (d = 0; d < 4; d++) {
		static const uint8_t unknown[] = { 0x15, 0x40, 0x81, 0xff };

		n = build(f, d & 1, ROCE_OP_RC_SEND_ONLY);
		f[(d & 1 ? ETH_IP6_UDP : bth4)] = unknown[d];
		EXPECT(f, n, UNKNOWN_OPCODE);
	}
	n = build(f, false, ROCE_OP_RC_ACKNOWLEDGE);
	f[bth4 + 1] |= 1 << ROCE_BTH_PAD_SHIFT;		/* pad, no data */
	EXPECT(f, n, BAD_PAD);
	n = build(f, false, ROCE_OP_RC_ACKNOWLEDGE);
	EXPECT(f, grow4(f, n, 4), UNEXPECTED_PAYLOAD);
	/* the headers of the opcode do not fit before the ICRC */
	n = build(f, false, ROCE_OP_RC_ACKNOWLEDGE);
	f[bth4] = ROCE_OP_RC_COMPARE_SWAP;
	EXPECT(f, n, SHORT);
	/* less than a BTH and an ICRC in the datagram */
	n = build(f, false, ROCE_OP_RC_ACKNOWLEDGE);
	add16(f + ETH_HLEN + 2, -8);
	add16(f + ETH_HLEN + NET_IPV4_HLEN + 4, -8);
	fix_ipv4_csum(f);
	EXPECT(f, n - 8, SHORT);
	n = build(f, true, ROCE_OP_RC_SEND_ONLY);
	f[n - 5] ^= 0x80;				/* a pad byte */
	EXPECT(f, n, BAD_ICRC);
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	f[n - 1] ^= 1;					/* the ICRC */
	EXPECT(f, n, BAD_ICRC);
#undef EXPECT
	for (d = 1; d < ROCE_DROP_COUNT; d++)
		if (!reached[d])
			fail_msg("drop %s not reached", roce_drop_name(d));
	assert_string_equal(roce_drop_name(ROCE_DROP_COUNT), "?");
	assert_string_equal(roce_drop_desc(ROCE_E_BAD_ICRC),
	    "ICRC does not verify");
}

/* Every prefix of a good frame is refused, and read only within itself. */
static void
test_truncated(void **state)
{
	static const uint8_t ops[] = {
		ROCE_OP_RC_SEND_ONLY, ROCE_OP_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,
		ROCE_OP_RC_ATOMIC_ACKNOWLEDGE, ROCE_OP_RC_COMPARE_SWAP,
		ROCE_OP_UD_SEND_ONLY_WITH_IMMEDIATE, ROCE_OP_RC_ACKNOWLEDGE,
	};
	uint8_t f[FRAME_MAX];
	int n, len;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ops) * 2; i++) {
		n = build(f, i & 1, ops[i / 2]);
		assert_int_equal(parse_copy(f, (size_t)n, NULL), ROCE_OK);
		for (len = 0; len < n; len++)
			assert_int_not_equal(parse_copy(f, (size_t)len, NULL),
			    ROCE_OK);
	}
}

/* A frame padded to 60 bytes: the IP length, not the frame's, ends it. */
static void
test_padded_frame(void **state)
{
	uint8_t f[FRAME_MAX];
	struct roce_l2l3 l = l2l3(false);
	struct roce_pkt p = pkt_of(ROCE_OP_RC_SEND_ONLY), q;
	int n;

	(void)state;
	n = roce_pkt_build(f, sizeof(f), &l, &p, NULL, 0);
	assert_int_equal(n, 58);
	memset(f + n, 0, ETH_ZLEN - (size_t)n);
	assert_int_equal(roce_pkt_parse(f, ETH_ZLEN, &q, NULL), ROCE_OK);
	assert_int_equal(q.payload_len, 0);
	assert_int_equal(q.padcnt, 0);
	assert_int_equal(q.icrc, roce_icrc_get(f + 54));
}

/* Change one byte of a good frame: still good (masked) or BAD_ICRC. */
static void
expect_after_change(bool ipv6, size_t off, uint8_t x, enum roce_drop want)
{
	uint8_t f[FRAME_MAX];
	int n = build(f, ipv6, ROCE_OP_RC_RDMA_WRITE_ONLY);

	assert_true(off < (size_t)n);
	f[off] ^= x;
	if (!ipv6)
		fix_ipv4_csum(f);
	if (parse_copy(f, (size_t)n, NULL) != want)
		fail_msg("IPv%d byte %zu ^ %#x: expected %s", ipv6 ? 6 : 4,
		    off, x, roce_drop_name(want));
}

/* Fields a router may change are masked out of the ICRC; others not. */
static void
test_icrc_masks(void **state)
{
	const size_t ip4 = ETH_HLEN, ip6 = ETH_HLEN;
	const size_t bth4 = ETH_IP4_UDP, bth6 = ETH_IP6_UDP;

	(void)state;
	expect_after_change(false, ip4 + 1, 0xff, ROCE_OK);	/* TOS */
	expect_after_change(false, ip4 + 8, 0x3f, ROCE_OK);	/* TTL */
	expect_after_change(false, bth4 - 2, 0x12, ROCE_OK);	/* UDP csum */
	expect_after_change(false, bth4 - 1, 0x34, ROCE_OK);
	expect_after_change(false, bth4 + 4, 0x80, ROCE_OK);	/* FECN */
	expect_after_change(false, bth4 + 4, 0x40, ROCE_OK);	/* BECN */
	expect_after_change(false, bth4 + 4, 0x3f, ROCE_OK);	/* resv6 */
	expect_after_change(false, ip4 + 4, 0x01, ROCE_E_BAD_ICRC); /* IP ID */
	expect_after_change(false, ip4 + 12, 0x01, ROCE_E_BAD_ICRC); /* src */
	expect_after_change(false, bth4 - 8, 0x01, ROCE_E_BAD_ICRC); /* sport */
	expect_after_change(false, bth4 + 2, 0x01, ROCE_E_BAD_ICRC); /* P_Key */
	expect_after_change(false, bth4 + 1, 0x80, ROCE_E_BAD_ICRC); /* SE */
	expect_after_change(false, bth4 + 7, 0x01, ROCE_E_BAD_ICRC); /* QPN */
	expect_after_change(false, bth4 + 8, 0x40, ROCE_E_BAD_ICRC); /* resv7 */
	expect_after_change(false, bth4 + 12, 0x01, ROCE_E_BAD_ICRC); /* RETH */
	expect_after_change(true, ip6 + 0, 0x0f, ROCE_OK);	/* class hi */
	expect_after_change(true, ip6 + 1, 0xf0, ROCE_OK);	/* class lo */
	expect_after_change(true, ip6 + 1, 0x0f, ROCE_OK);	/* flow */
	expect_after_change(true, ip6 + 3, 0xff, ROCE_OK);
	expect_after_change(true, ip6 + 7, 0x3f, ROCE_OK);	/* hop limit */
	expect_after_change(true, bth6 - 1, 0x01, ROCE_OK);	/* UDP csum */
	expect_after_change(true, bth6 + 4, 0xc0, ROCE_OK);	/* FECN BECN */
	expect_after_change(true, ip6 + 8, 0x01, ROCE_E_BAD_ICRC); /* src */
	expect_after_change(true, ip6 + 39, 0x01, ROCE_E_BAD_ICRC); /* dst */
	expect_after_change(true, bth6 + 11, 0x01, ROCE_E_BAD_ICRC); /* PSN */
}

/* The CRC itself: zlib's CRC-32, LSB first, over the masked bytes. */
static void
test_icrc_calc(void **state)
{
	uint8_t f[FRAME_MAX];
	uint32_t icrc;
	int n;

	(void)state;
	n = build(f, false, ROCE_OP_RC_SEND_ONLY);
	assert_int_equal(roce_icrc_calc(f + ETH_HLEN, (size_t)n - ETH_HLEN -
	    ROCE_ICRC_LEN, &icrc), 0);
	assert_int_equal(icrc, roce_icrc_get(f + n - ROCE_ICRC_LEN));
	roce_icrc_put(f, 0x11223344);
	assert_int_equal(f[0], 0x44);
	assert_int_equal(f[3], 0x11);
	assert_int_equal(roce_icrc_calc(f + ETH_HLEN, NET_IPV4_HLEN +
	    NET_UDP_HLEN + ROCE_BTH_LEN - 1, &icrc), -EINVAL);
	f[ETH_HLEN] = 0x55;
	assert_int_equal(roce_icrc_calc(f + ETH_HLEN, 100, &icrc), -EINVAL);
	f[ETH_HLEN] = 0x44;		/* IHL 4 */
	assert_int_equal(roce_icrc_calc(f + ETH_HLEN, 100, &icrc), -EINVAL);
	assert_int_equal(roce_icrc_calc(f, 0, &icrc), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opcode_table),
		cmocka_unit_test(test_psn),
		cmocka_unit_test(test_aeth),
		cmocka_unit_test(test_hdr_accessors),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_pkt),
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_padded_frame),
		cmocka_unit_test(test_icrc_masks),
		cmocka_unit_test(test_icrc_calc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
