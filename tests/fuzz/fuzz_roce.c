/*
 * libFuzzer target: roce_pkt_parse() on any bytes. Besides the
 * sanitizers it checks that a refusal names one reason and bumps its
 * counter once, that the payload lies inside the input, and that an
 * accepted packet built again parses to the same fields. Inputs whose
 * only fault is the ICRC are parsed a second time with the ICRC fixed,
 * so that the fuzzer reaches the accepting paths without forging CRCs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roce/roce_icrc.h"
#include "roce/roce_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)
#define FRAME_MAX	(ETH_HLEN + NET_VLAN_HLEN * NET_VLAN_MAX_TAGS + \
			 NET_IP_MAXPACKET)

static uint8_t rebuilt[FRAME_MAX];

static uint64_t
drops_total(const struct roce_drops *d)
{
	uint64_t n = 0;

	for (int r = 1; r < ROCE_DROP_COUNT; r++)
		n += roce_drops_get(d, r);
	return n;
}

static void
check_payload(const uint8_t *data, size_t size, const struct roce_pkt *p)
{
	volatile uint8_t sink = 0;

	CHECK(p->op != NULL);
	CHECK(p->payload >= data + p->bth_off + p->op->hdr_len);
	CHECK(p->payload + p->payload_len + p->padcnt + ROCE_ICRC_LEN <=
	    data + size);
	for (uint32_t i = 0; i < p->payload_len; i++)
		sink ^= p->payload[i];	/* ASan sees a payload that escaped */
	(void)sink;
	if (p->payload_len)
		CHECK(p->op->flags & ROCE_F_PAYLOAD);
}

/* Build the accepted packet again: it parses to the same fields. */
static void
check_rebuild(const struct roce_pkt *p)
{
	struct roce_pkt q;
	int n;

	n = roce_pkt_build(rebuilt, sizeof(rebuilt), &p->l2l3, p, p->payload,
	    p->payload_len);
	CHECK(n > 0);
	CHECK(roce_pkt_parse(rebuilt, (size_t)n, &q, NULL) == ROCE_OK);
	CHECK(q.opcode == p->opcode && q.psn == p->psn &&
	    q.dest_qpn == p->dest_qpn && q.pkey == p->pkey &&
	    q.ackreq == p->ackreq && q.se == p->se && q.mig == p->mig);
	CHECK(q.payload_len == p->payload_len);
	CHECK(memcmp(q.payload, p->payload, p->payload_len) == 0);
	CHECK(memcmp(&q.reth, &p->reth, sizeof(q.reth)) == 0);
	CHECK(q.aeth.syndrome == p->aeth.syndrome && q.aeth.msn == p->aeth.msn);
	CHECK(q.immdt == p->immdt && q.ieth_rkey == p->ieth_rkey);
	CHECK(q.deth.qkey == p->deth.qkey && q.deth.src_qpn == p->deth.src_qpn);
	CHECK(q.atomicack_orig == p->atomicack_orig);
}

/* Write the right ICRC into a copy and parse that: it must pass. */
static void
parse_with_icrc_fixed(const uint8_t *data, size_t size)
{
	struct net_frame f;
	struct roce_pkt p;
	uint8_t *copy;
	uint32_t icrc;

	CHECK(net_parse_frame(data, size, &f) == NET_OK);
	copy = malloc(size);
	CHECK(copy != NULL);
	memcpy(copy, data, size);
	CHECK(roce_icrc_calc(copy + f.l3_off, f.l3_len - ROCE_ICRC_LEN,
	    &icrc) == 0);
	roce_icrc_put(copy + f.l3_off + f.l3_len - ROCE_ICRC_LEN, icrc);
	CHECK(roce_pkt_parse(copy, size, &p, NULL) == ROCE_OK);
	check_payload(copy, size, &p);
	check_rebuild(&p);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roce_drops drops = { 0 };
	struct roce_pkt p;
	enum roce_drop d;

	d = roce_pkt_parse(data, size, &p, &drops);
	CHECK((unsigned)d < ROCE_DROP_COUNT);
	CHECK(drops_total(&drops) == (d != ROCE_OK));
	if (d != ROCE_OK)
		CHECK(roce_drops_get(&drops, d) == 1);
	if (d == ROCE_OK || d == ROCE_E_BAD_ICRC)
		check_payload(data, size, &p);
	if (d == ROCE_OK)
		check_rebuild(&p);
	else if (d == ROCE_E_BAD_ICRC)
		parse_with_icrc_fixed(data, size);
	return 0;
}
