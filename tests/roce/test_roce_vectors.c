/*
 * Real RoCEv2 frames from Linux Soft-RoCE (../shared/vectors, or
 * $LAGNIC_VECTORS): every frame of every pcap there is parsed, its fields
 * checked against frames.tsv, its ICRC recomputed, and the frame built
 * again from the decoded fields must come out byte for byte the same.
 * A missing vectors directory is a failure, not a skip.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pcap_file.h"
#include "roce/roce_icrc.h"
#include "roce/roce_pkt.h"
#include "roce_vectors.h"

enum col {
	C_FILE, C_NO, C_DIR, C_IP, C_OPCODE, C_DQPN, C_PSN, C_FLAGS, C_PAD,
	C_PAYLOAD, C_HEADERS, C_TOS, C_TTL, C_UDP_SPORT, C_UDP_CSUM, C_LEN,
	C_ICRC, C_ICRC_OK, C_COUNT
};

static const char *const col_names[] = {
	"file", "no", "dir", "ip", "opcode", "dqpn", "psn", "flags", "pad",
	"payload", "headers", "tos", "ttl", "udp_sport", "udp_csum", "len",
	"icrc", "icrc_ok",
};
static_assert(ARRAY_SIZE(col_names) == C_COUNT, "tsv columns");

struct row {
	char *line;			/* owns the strings below */
	const char *col[C_COUNT];
	unsigned seen;
};

struct vectors {
	char dir[1024];
	struct row *rows;
	size_t n_rows;
	unsigned frames, rocev2, errors, rebuilt, icrc_checked;
};

static struct vectors V;

static void __printf(3, 4)
vec_error(const char *file, unsigned no, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vectors: %s frame %u: ", file, no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	V.errors++;
}

static int
split_row(struct row *r, char *line)
{
	char *s = line, *tab;
	unsigned i;

	r->line = line;
	for (i = 0; i < C_COUNT; i++) {
		r->col[i] = s;
		tab = strchr(s, '\t');
		if (!tab)
			break;
		*tab = '\0';
		s = tab + 1;
	}
	s[strcspn(s, "\r\n")] = '\0';
	return i == C_COUNT - 1 ? 0 : -EINVAL;
}

static void
check_tsv_header(char *line)
{
	struct row r;
	unsigned i;

	assert_int_equal(split_row(&r, line), 0);
	for (i = 0; i < C_COUNT; i++)
		assert_string_equal(r.col[i], col_names[i]);
}

static void
load_tsv(void)
{
	char path[1200], *line = NULL;
	size_t cap = 0;
	FILE *fp;
	bool first = true;

	snprintf(path, sizeof(path), "%s/frames.tsv", V.dir);
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("vectors: cannot open %s: %s", path, strerror(errno));
	while (getline(&line, &cap, fp) > 0) {
		if (first) {
			check_tsv_header(line);
			first = false;
			continue;
		}
		V.rows = realloc(V.rows, (V.n_rows + 1) * sizeof(*V.rows));
		assert_non_null(V.rows);
		memset(&V.rows[V.n_rows], 0, sizeof(*V.rows));
		if (split_row(&V.rows[V.n_rows], strdup(line)) != 0)
			fail_msg("vectors: frames.tsv row %zu: bad columns",
			    V.n_rows + 2);
		V.n_rows++;
	}
	free(line);
	fclose(fp);
	assert_true(V.n_rows > 0);
}

static struct row *
find_row(const char *file, unsigned no)
{
	size_t i;

	for (i = 0; i < V.n_rows; i++)
		if (strcmp(V.rows[i].col[C_FILE], file) == 0 &&
		    strtoul(V.rows[i].col[C_NO], NULL, 10) == no)
			return &V.rows[i];
	return NULL;
}

/* ---- the "headers" column, as the extractor writes it ---- */

static void
fmt_aeth(char *s, size_t n, const struct roce_aeth *a)
{
	uint8_t v = roce_aeth_value(a->syndrome);

	switch (roce_aeth_kind(a->syndrome)) {
	case ROCE_AETH_ACK:
		snprintf(s, n, "AETH ACK credits=0x%x MSN=%u", v, a->msn);
		break;
	case ROCE_AETH_RNR_NAK:
		snprintf(s, n, "AETH RNR_NAK timer=%u MSN=%u", v, a->msn);
		break;
	case ROCE_AETH_NAK:
		snprintf(s, n, "AETH NAK %s MSN=%u", roce_nak_code_name(v),
		    a->msn);
		break;
	default:
		snprintf(s, n, "AETH syndrome=0x%02x MSN=%u", a->syndrome,
		    a->msn);
		break;
	}
}

/* One header's text into s, or "" if the opcode does not carry it. */
static void
fmt_hdr(char *s, size_t n, const struct roce_pkt *p, enum roce_hdr h)
{
	s[0] = '\0';
	if (!(p->op->flags & ROCE_F_HDR(h)))
		return;
	switch (h) {
	case ROCE_HDR_DETH:
		snprintf(s, n, "DETH Q_Key=0x%08x SrcQP=0x%x", p->deth.qkey,
		    p->deth.src_qpn);
		break;
	case ROCE_HDR_RETH:
		snprintf(s, n, "RETH VA=0x%" PRIx64 " R_Key=0x%x DMALen=%u",
		    p->reth.va, p->reth.rkey, p->reth.dma_len);
		break;
	case ROCE_HDR_ATMETH:
		snprintf(s, n, "AtomicETH VA=0x%" PRIx64 " R_Key=0x%x "
		    "SwapAdd=0x%" PRIx64 " Cmp=0x%" PRIx64, p->atomiceth.va,
		    p->atomiceth.rkey, p->atomiceth.swap_add,
		    p->atomiceth.compare);
		break;
	case ROCE_HDR_AETH:
		fmt_aeth(s, n, &p->aeth);
		break;
	case ROCE_HDR_ATMACK:
		snprintf(s, n, "AtomicAckETH orig=0x%" PRIx64,
		    p->atomicack_orig);
		break;
	case ROCE_HDR_IMMDT:
		snprintf(s, n, "ImmDt=%08x", p->immdt);
		break;
	case ROCE_HDR_IETH:
		snprintf(s, n, "IETH R_Key=%08x", p->ieth_rkey);
		break;
	default:
		break;
	}
}

/* A management datagram on QP1: class, method, attribute ID. */
static void
fmt_mad(char *s, size_t n, const struct roce_pkt *p)
{
	const uint8_t *m = p->payload;

	s[0] = '\0';
	if (p->dest_qpn == ROCE_QPN_GSI && p->payload_len >= 24)
		snprintf(s, n, "MAD class=0x%02x method=0x%02x attr=0x%04x",
		    m[1], m[3], m[16] << 8 | m[17]);
}

static void
fmt_headers(char *out, size_t n, const struct roce_pkt *p)
{
	char one[160];
	size_t len = 0;
	unsigned h;

	out[0] = '\0';
	for (h = 0; h <= ROCE_HDR_COUNT; h++) {
		if (h < ROCE_HDR_COUNT)
			fmt_hdr(one, sizeof(one), p, h);
		else
			fmt_mad(one, sizeof(one), p);
		if (!one[0])
			continue;
		len += snprintf(out + len, n - len, "%s%s", len ? "; " : "",
		    one);
	}
	if (!len)
		snprintf(out, n, "-");
}

static void
fmt_flags(char *out, size_t n, const struct roce_pkt *p)
{
	snprintf(out, n, "%s%s%s%s%s", p->se ? "SE" : "",
	    p->se && p->ackreq ? "," : "", p->ackreq ? "A" : "",
	    (p->se || p->ackreq) && p->mig ? "," : "", p->mig ? "M" : "");
	if (!out[0])
		snprintf(out, n, "-");
}

/* ---- one frame against its row ---- */

#define CHECK_NUM(c, got, base) do {					\
	unsigned long want_ = strtoul(r->col[c], NULL, base);		\
	if (want_ != (unsigned long)(got))				\
		vec_error(file, no, "%s: tsv %s, parsed %#lx",		\
		    col_names[c], r->col[c], (unsigned long)(got));	\
} while (0)

#define CHECK_STR(c, got) do {						\
	if (strcmp(r->col[c], (got)) != 0)				\
		vec_error(file, no, "%s: tsv '%s', parsed '%s'",	\
		    col_names[c], r->col[c], (got));			\
} while (0)

/* The tsv names CM MADs in parentheses; we do not decode CM. */
static void
strip_cm_name(char *s)
{
	char *paren = strstr(s, " (CM ");

	if (paren)
		*paren = '\0';
}

static void
check_fields(const char *file, unsigned no, const struct row *r,
    const uint8_t *frame, uint32_t len, const struct roce_pkt *p)
{
	char s[512], want[512], opname[64];
	const uint8_t *udp = frame + p->bth_off - NET_UDP_HLEN;

	snprintf(opname, sizeof(opname), "0x%02x %s", p->opcode,
	    roce_opcode_name(p->opcode));
	CHECK_STR(C_OPCODE, opname);
	CHECK_STR(C_IP, p->l2l3.ipv6 ? "v6" : "v4");
	/* labA, the responder, is 52:54:00:00:01:00 */
	CHECK_STR(C_DIR, p->l2l3.src_mac[4] == 1 ? "A->B" : "B->A");
	CHECK_NUM(C_DQPN, p->dest_qpn, 16);
	CHECK_NUM(C_PSN, p->psn, 16);
	fmt_flags(s, sizeof(s), p);
	CHECK_STR(C_FLAGS, s);
	CHECK_NUM(C_PAD, p->padcnt, 10);
	CHECK_NUM(C_PAYLOAD, p->payload_len, 10);
	fmt_headers(s, sizeof(s), p);
	snprintf(want, sizeof(want), "%s", r->col[C_HEADERS]);
	strip_cm_name(want);
	if (strcmp(want, s) != 0)
		vec_error(file, no, "headers: tsv '%s', parsed '%s'", want, s);
	CHECK_NUM(C_TOS, p->l2l3.tclass, 16);
	CHECK_NUM(C_TTL, p->l2l3.ttl, 10);
	CHECK_NUM(C_UDP_SPORT, p->l2l3.udp_sport, 10);
	CHECK_NUM(C_UDP_CSUM, udp[6] << 8 | udp[7], 16);
	CHECK_NUM(C_LEN, len, 10);
	snprintf(s, sizeof(s), "%08x", __builtin_bswap32(p->icrc));
	CHECK_STR(C_ICRC, s);
}

/* Our ICRC over the frame's IP packet. */
static void
check_icrc(const char *file, unsigned no, const struct row *r,
    const uint8_t *frame, const struct net_frame *f, const struct roce_pkt *p)
{
	uint32_t icrc;
	bool ok;

	assert_int_equal(roce_icrc_calc(frame + f->l3_off,
	    f->l3_len - ROCE_ICRC_LEN, &icrc), 0);
	ok = icrc == p->icrc;
	if (ok != (strcmp(r->col[C_ICRC_OK], "yes") == 0))
		vec_error(file, no, "ICRC: computed %08x, wire %08x, tsv %s",
		    icrc, p->icrc, r->col[C_ICRC_OK]);
	V.icrc_checked++;
}

static void
check_rebuild(const char *file, unsigned no, const uint8_t *frame,
    uint32_t len, const struct net_frame *f, const struct roce_pkt *p)
{
	uint8_t buf[9000];
	uint32_t end = f->l3_off + f->l3_len;
	int n;

	n = roce_pkt_build(buf, sizeof(buf), &p->l2l3, p, p->payload,
	    p->payload_len);
	if (n < 0) {
		vec_error(file, no, "rebuild: %s", strerror(-n));
		return;
	}
	if ((uint32_t)n != end || end > len) {
		vec_error(file, no, "rebuild: %d bytes, frame %u", n, end);
		return;
	}
	for (uint32_t i = 0; i < end; i++)
		if (buf[i] != frame[i]) {
			vec_error(file, no, "rebuild: byte %u is %02x, "
			    "frame has %02x", i, buf[i], frame[i]);
			return;
		}
	V.rebuilt++;
}

static void
check_frame(const char *file, unsigned no, const uint8_t *frame,
    uint32_t len)
{
	struct roce_pkt p;
	struct net_frame f;
	struct row *r;
	enum roce_drop d;

	V.frames++;
	r = find_row(file, no);
	if (net_parse_frame(frame, len, &f) != NET_OK ||
	    !net_frame_is_rocev2(&f)) {
		if (r)
			vec_error(file, no, "in frames.tsv but not RoCEv2");
		return;	/* the README's VECMARK datagrams, if kept */
	}
	V.rocev2++;
	if (!r) {
		vec_error(file, no, "RoCEv2 frame without a frames.tsv row");
		return;
	}
	r->seen++;
	d = roce_pkt_parse_frame(frame, len, &f, &p, NULL);
	if (d != (strcmp(r->col[C_ICRC_OK], "yes") == 0 ? ROCE_OK :
	    ROCE_E_BAD_ICRC)) {
		vec_error(file, no, "parse: %s", roce_drop_name(d));
		return;
	}
	check_fields(file, no, r, frame, len, &p);
	check_icrc(file, no, r, frame, &f, &p);
	check_rebuild(file, no, frame, len, &f, &p);
}

static void
check_pcap(const char *file)
{
	struct pcap_file pf;
	const uint8_t *frame;
	char path[1400];
	uint32_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", V.dir, file);
	rc = pcap_file_open(&pf, path);
	if (rc != 0)
		fail_msg("vectors: %s: %s", path, strerror(-rc));
	if (pf.linktype != PCAP_LINKTYPE_ETHERNET)
		fail_msg("vectors: %s: link type %u", path, pf.linktype);
	while ((rc = pcap_file_next(&pf, &frame, &len)) == 1)
		check_frame(file, pf.index, frame, len);
	pcap_file_close(&pf);
	if (rc != 0)
		fail_msg("vectors: %s: record cut short", path);
}

static int
is_pcap(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && strcmp(e->d_name + n - 5, ".pcap") == 0;
}

static void
test_vectors(void **state)
{
	struct dirent **names;
	int n, i;
	size_t k;

	(void)state;
	n = scandir(V.dir, &names, is_pcap, alphasort);
	if (n < 0)
		fail_msg("vectors: directory %s is missing (%s); set "
		    "LAGNIC_VECTORS to the RoCEv2 vectors", V.dir,
		    strerror(errno));
	if (n == 0)
		fail_msg("vectors: no .pcap files in %s", V.dir);
	load_tsv();
	for (i = 0; i < n; i++) {
		check_pcap(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	for (k = 0; k < V.n_rows; k++)
		if (V.rows[k].seen != 1)
			vec_error(V.rows[k].col[C_FILE],
			    (unsigned)strtoul(V.rows[k].col[C_NO], NULL, 10),
			    "frames.tsv row matched %u times", V.rows[k].seen);
	print_message("vectors: %d pcaps, %u frames, %u RoCEv2, %zu tsv rows, "
	    "%u ICRCs recomputed, %u rebuilt byte for byte, %u errors\n", n,
	    V.frames, V.rocev2, V.n_rows, V.icrc_checked, V.rebuilt, V.errors);
	assert_int_equal(V.errors, 0);
	assert_int_equal(V.rocev2, V.n_rows);
	assert_int_equal(V.rebuilt, V.rocev2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};
	const char *dir = getenv("LAGNIC_VECTORS");

	snprintf(V.dir, sizeof(V.dir), "%s", dir && *dir ? dir :
	    ROCE_VECTORS_DIR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
