/*
 * roce_gen_pcap OUT.pcap: one frame of every opcode in the table, over
 * IPv4 then IPv6, built by roce_pkt_build() and written to a pcap for
 * test_roce_tshark.sh. Prints what each frame should decode to, one
 * "FRAME FIELD VALUE" line per field, with Wireshark's field names (and
 * "name" for our opcode name), so the script can ask tshark for them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pcap_file.h"
#include "roce/roce_pkt.h"

static const uint8_t payload[] = "lagnic RoCEv2 frame for tshark";

static struct roce_l2l3
gen_l2l3(bool ipv6)
{
	struct roce_l2l3 l = {
		.dst_mac = { 0x02, 0xbb, 0, 0, 0, 0 },
		.src_mac = { 0x02, 0xaa, 0, 0, 0, 0 },
		.ipv6 = ipv6, .saddr4 = 0xc6120001, .daddr4 = 0xc6120002,
		.saddr6 = { 0xfd, [15] = 1 }, .daddr6 = { 0xfd, [15] = 2 },
		.tclass = 0x02, .ttl = 64, .ip_id = 0x1234,
		.dont_fragment = true, .udp_sport = 0xc0de,
		.udp_csum = ipv6,	/* RFC 8200: none is not allowed */
	};
	return l;
}

/* Field values differ per frame (n) so that a mix-up shows. */
static struct roce_pkt
gen_pkt(uint8_t opcode, unsigned n)
{
	const struct roce_opinfo *op = roce_opinfo(opcode);
	struct roce_pkt p = {
		.opcode = opcode, .pkey = ROCE_PKEY_DEFAULT,
		.dest_qpn = 0x000100 + n, .psn = roce_psn_add(0xfffff0, n),
		.ackreq = (op->flags & ROCE_F_END) && (op->flags & ROCE_F_REQ),
		.reth = { 0x00007f0000001000ull + 64 * n, 0x1234 + n, 64 * n },
		.aeth = { (uint8_t)(n % 3 == 0 ? roce_aeth_ack(31) :
		    n % 3 == 1 ? roce_aeth_rnr_nak(20) :
		    roce_aeth_nak(ROCE_NAK_REMOTE_ACCESS_ERROR)), 7 + n },
		.atomiceth = { 0x559f98ab8000ull, 0x1c3f, 1 + n, 0x42 },
		.atomicack_orig = 0xb8b70d30b066558full + n,
		.immdt = 0x11223300 + n, .ieth_rkey = 0x1dea,
		.deth = { 0x11111111, 0x22 + n },
	};
	return p;
}

static void
print_expect(unsigned no, const struct roce_pkt *p, size_t plen)
{
	uint32_t f = roce_opinfo(p->opcode)->flags;

	printf("%u name %s\n", no, roce_opcode_name(p->opcode));
	printf("%u infiniband.bth.opcode %u\n", no, p->opcode);
	printf("%u infiniband.bth.destqp %u\n", no, p->dest_qpn);
	printf("%u infiniband.bth.psn %u\n", no, p->psn);
	printf("%u infiniband.bth.padcnt %zu\n", no, -plen & 3);
	printf("%u infiniband.bth.a %d\n", no, p->ackreq);
	if (f & ROCE_F_RETH) {
		printf("%u infiniband.reth.va %" PRIu64 "\n", no, p->reth.va);
		printf("%u infiniband.reth.r_key %u\n", no, p->reth.rkey);
		printf("%u infiniband.reth.dmalen %u\n", no, p->reth.dma_len);
	}
	if (f & ROCE_F_AETH) {
		printf("%u infiniband.aeth.syndrome %u\n", no,
		    p->aeth.syndrome);
		printf("%u infiniband.aeth.msn %u\n", no, p->aeth.msn);
	}
	if (f & ROCE_F_ATMETH) {
		printf("%u infiniband.atomiceth.swapdt %" PRIu64 "\n", no,
		    p->atomiceth.swap_add);
		printf("%u infiniband.atomiceth.cmpdt %" PRIu64 "\n", no,
		    p->atomiceth.compare);
	}
	if (f & ROCE_F_ATMACK)
		printf("%u infiniband.atomicacketh.origremdt %" PRIu64 "\n",
		    no, p->atomicack_orig);
	if (f & ROCE_F_DETH) {
		printf("%u infiniband.deth.q_key %u\n", no, p->deth.qkey);
		printf("%u infiniband.deth.srcqp %u\n", no, p->deth.src_qpn);
	}
	if (f & ROCE_F_IMMDT)
		printf("%u infiniband.immdt %u\n", no, p->immdt);
	if (f & ROCE_F_IETH)
		printf("%u infiniband.ieth %u\n", no, p->ieth_rkey);
}

static int
gen_one(FILE *out, unsigned no, bool ipv6, uint8_t opcode)
{
	struct roce_l2l3 l = gen_l2l3(ipv6);
	struct roce_pkt p = gen_pkt(opcode, no);
	size_t plen = 0;
	uint8_t buf[256];
	int n;

	if (roce_opinfo(opcode)->flags & ROCE_F_PAYLOAD)
		plen = sizeof(payload) - 1 - no % 4;	/* every PadCnt */
	n = roce_pkt_build(buf, sizeof(buf), &l, &p, payload, plen);
	if (n < 0)
		return n;
	print_expect(no, &p, plen);
	return pcap_writer_add(out, buf, (uint32_t)n);
}

int
main(int argc, char **argv)
{
	unsigned no = 0, v, op;
	FILE *out;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: roce_gen_pcap OUT.pcap\n");
		return 2;
	}
	err = pcap_writer_open(&out, argv[1]);
	for (v = 0; v < 2 && !err; v++)
		for (op = 0; op < 256 && !err; op++)
			if (roce_opinfo((uint8_t)op))
				err = gen_one(out, ++no, v, (uint8_t)op);
	if (!err)
		err = pcap_writer_close(out);
	if (err) {
		fprintf(stderr, "roce_gen_pcap: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
