/* perf: the test frame, the transmit rules and the receive accounting. */
#include "tools/perf.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PERF_IP_SRC	0xc6120001u	/* 198.18.0.1 */
#define PERF_IP_DST	0xc6120002u	/* 198.18.0.2 */
#define PERF_UDP_DPORT	9		/* discard */

static void
put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ntohs(v);
}

/* RFC 1071 over a 20-byte IPv4 header whose checksum field is 0. */
static uint16_t
ipv4_csum(const uint8_t *ip)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < 20; i += 2)
		sum += get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
perf_frame_template(uint8_t *buf, uint32_t size, const uint8_t dst[6],
    const uint8_t src[6], uint32_t flow)
{
	uint8_t *ip = buf + 14, *udp = ip + 20;

	memset(buf, 0, size);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	put16(buf + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(size - 14));
	put16(ip + 6, 0x4000);			/* don't fragment */
	ip[8] = 64;				/* TTL */
	ip[9] = 17;				/* UDP */
	put32(ip + 12, PERF_IP_SRC);
	put32(ip + 16, PERF_IP_DST);
	put16(ip + 10, ipv4_csum(ip));
	put16(udp, (uint16_t)(PERF_UDP_SPORT_BASE + flow));
	put16(udp + 2, PERF_UDP_DPORT);
	put16(udp + 4, (uint16_t)(size - 14 - 20));
	perf_frame_stamp(buf, PERF_T_DATA, (uint16_t)flow, 0);
}

void
perf_frame_stamp(uint8_t *buf, enum perf_type type, uint16_t stream,
    uint64_t seq)
{
	struct perf_hdr h = {
		.magic = htonl(PERF_MAGIC),
		.version = PERF_VERSION,
		.type = (uint8_t)type,
		.stream = htons(stream),
		.seq = htobe64(seq),
	};

	memcpy(buf + PERF_HDR_OFF, &h, sizeof(h));
}

int
perf_frame_parse(const uint8_t *buf, uint32_t len, uint16_t *stream,
    uint64_t *seq)
{
	struct perf_hdr h;

	if (len < PERF_HDR_OFF + sizeof(h) || get16(buf + 12) != 0x0800 ||
	    buf[14] != 0x45 || buf[14 + 9] != 17)
		return -1;
	memcpy(&h, buf + PERF_HDR_OFF, sizeof(h));
	if (ntohl(h.magic) != PERF_MAGIC || h.version != PERF_VERSION ||
	    h.type >= PERF_T_COUNT)
		return -1;
	*stream = ntohs(h.stream);
	*seq = be64toh(h.seq);
	return h.type;
}

int
perf_tx_init(struct perf_tx *tx, const struct perf_opts *o,
    const uint8_t src_mac[6], uint64_t now)
{
	memset(tx, 0, sizeof(*tx));
	tx->tmpl = malloc((size_t)o->flows * o->size);
	if (!tx->tmpl)
		return -ENOMEM;
	tx->next_seq = calloc(o->flows, sizeof(*tx->next_seq));
	if (!tx->next_seq)
		goto fail_free_tmpl;
	/* commit: nothing below may fail */
	for (uint32_t f = 0; f < o->flows; f++)
		perf_frame_template(tx->tmpl + (size_t)f * o->size, o->size,
		    o->dst, src_mac, f);
	tx->opts = o;
	tx->start_ns = tx->last_ns = now;
	return 0;
fail_free_tmpl:
	free(tx->tmpl);
	return -ENOMEM;
}

void
perf_tx_fini(struct perf_tx *tx)
{
	free(tx->next_seq);
	free(tx->tmpl);
	tx->next_seq = NULL;
	tx->tmpl = NULL;
}

bool
perf_tx_done(const struct perf_tx *tx, uint64_t now)
{
	const struct perf_opts *o = tx->opts;

	if (o->count && tx->built >= o->count)
		return true;
	return o->duration_ns && now - tx->start_ns >= o->duration_ns;
}

/* Frames due by now under --rate: frame k is due at start + k / rate. */
static uint64_t
perf_tx_due(const struct perf_tx *tx, uint64_t now)
{
	unsigned __int128 x = (unsigned __int128)(now - tx->start_ns) *
	    tx->opts->rate_pps;

	return (uint64_t)(x / NSEC_PER_SEC) + 1;
}

unsigned
perf_tx_budget(const struct perf_tx *tx, uint64_t now, unsigned max)
{
	const struct perf_opts *o = tx->opts;
	uint64_t n = max, due;

	if (perf_tx_done(tx, now))
		return 0;
	if (o->count)
		n = MIN(n, o->count - tx->built);
	if (o->rate_pps) {
		due = perf_tx_due(tx, now);
		n = due > tx->built ? MIN(n, due - tx->built) : 0;
	}
	return (unsigned)n;
}

uint64_t
perf_tx_wait_ns(const struct perf_tx *tx, uint64_t now)
{
	uint64_t rate = tx->opts->rate_pps, at;

	if (!rate)
		return 0;
	at = tx->start_ns + (uint64_t)(((unsigned __int128)tx->built *
	    NSEC_PER_SEC + rate - 1) / rate);
	return at > now ? at - now : 0;
}

uint32_t
perf_tx_build(struct perf_tx *tx, uint8_t *buf)
{
	uint32_t flow = tx->next_flow, size = tx->opts->size;

	memcpy(buf, tx->tmpl + (size_t)flow * size, size);
	perf_frame_stamp(buf, PERF_T_DATA, (uint16_t)flow,
	    tx->next_seq[flow]++);
	tx->next_flow = flow + 1 == tx->opts->flows ? 0 : flow + 1;
	tx->built++;
	return flow;
}

void
perf_tx_unbuild(struct perf_tx *tx, uint32_t flow)
{
	assert(tx->next_seq[flow] > 0 && tx->built > 0);
	tx->next_seq[flow]--;
	tx->built--;
}

void
perf_tx_sent(struct perf_tx *tx, unsigned n, uint64_t now)
{
	if (!n)
		return;
	tx->frames += n;
	tx->bytes += (uint64_t)n * tx->opts->size;
	tx->last_ns = now;
}

void
perf_tx_build_end(const struct perf_tx *tx, uint32_t flow, uint8_t *buf)
{
	uint32_t size = tx->opts->size;

	memcpy(buf, tx->tmpl + (size_t)flow * size, size);
	perf_frame_stamp(buf, PERF_T_END, (uint16_t)flow, tx->next_seq[flow]);
}

static bool
win_test(const struct perf_stream *s, uint64_t seq)
{
	uint64_t bit = seq % PERF_WIN_BITS;

	return s->win[bit / 64] & (1ULL << (bit % 64));
}

static void
win_set(struct perf_stream *s, uint64_t seq, bool on)
{
	uint64_t bit = seq % PERF_WIN_BITS, m = 1ULL << (bit % 64);

	if (on)
		s->win[bit / 64] |= m;
	else
		s->win[bit / 64] &= ~m;
}

/* seq >= top: the window moves up; numbers skipped are not seen (yet). */
static void
stream_advance(struct perf_stream *s, uint64_t seq)
{
	if (seq - s->top >= PERF_WIN_BITS)
		memset(s->win, 0, sizeof(s->win));
	else
		for (uint64_t q = s->top; q < seq; q++)
			win_set(s, q, false);
	win_set(s, seq, true);
	s->top = seq + 1;
}

/* Returns true if seq had not been seen before. */
bool
perf_stream_account(struct perf_stream *s, uint64_t seq)
{
	if (seq >= s->top) {
		stream_advance(s, seq);
		s->unique++;
		return true;
	}
	if (s->top - seq > PERF_WIN_BITS) {
		s->stale++;
		return false;
	}
	if (win_test(s, seq)) {
		s->dups++;
		return false;
	}
	win_set(s, seq, true);
	s->reordered++;
	s->unique++;
	return true;
}

void
perf_rx_init(struct perf_rx *rx, const struct perf_opts *o, uint64_t now)
{
	memset(rx, 0, sizeof(*rx));
	rx->opts = o;
	rx->start_ns = now;
}

void
perf_rx_fini(struct perf_rx *rx)
{
	for (unsigned i = 0; i < PERF_FLOWS_MAX; i++) {
		free(rx->streams[i]);
		rx->streams[i] = NULL;
	}
}

/* The stream, created on its first frame; NULL if out of range or memory. */
static struct perf_stream *
rx_stream(struct perf_rx *rx, uint16_t id)
{
	if (id >= PERF_FLOWS_MAX)
		return NULL;
	if (unlikely(!rx->streams[id]))
		rx->streams[id] = calloc(1, sizeof(struct perf_stream));
	return rx->streams[id];
}

void
perf_rx_frame(struct perf_rx *rx, const uint8_t *buf, uint32_t len,
    uint64_t now)
{
	struct perf_stream *s;
	uint64_t seq;
	uint16_t id;
	int type = perf_frame_parse(buf, len, &id, &seq);

	if (type < 0 || !(s = rx_stream(rx, id))) {
		rx->other++;
		return;
	}
	rx->last_ours_ns = now;
	if (type == PERF_T_END) {
		s->end_seen = rx->end_seen = true;
		s->end_count = seq;
		rx->end_markers++;
		return;
	}
	if (rx->frames++ == 0)
		rx->first_ns = now;
	rx->last_ns = now;
	rx->bytes += len;
	rx->unique += perf_stream_account(s, seq);
}

bool
perf_rx_done(const struct perf_rx *rx, uint64_t now)
{
	return perf_rx_wait_ns(rx, now) == 0;
}

uint64_t
perf_rx_wait_ns(const struct perf_rx *rx, uint64_t now)
{
	const struct perf_opts *o = rx->opts;
	uint64_t wait = UINT64_MAX, at;

	if (o->count && rx->unique >= o->count)
		return 0;
	if (o->duration_ns) {
		at = rx->start_ns + o->duration_ns;
		wait = at > now ? at - now : 0;
	}
	if (rx->end_seen) {
		at = rx->last_ours_ns + o->quiet_ns;
		wait = MIN(wait, at > now ? at - now : 0);
	}
	return wait;
}

void
perf_rx_sum(const struct perf_rx *rx, struct perf_rx_sum *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->end_seen_all = true;
	for (unsigned i = 0; i < PERF_FLOWS_MAX; i++) {
		const struct perf_stream *s = rx->streams[i];
		uint64_t expected;

		if (!s)
			continue;
		expected = s->end_seen ? s->end_count : s->top;
		sum->streams++;
		sum->unique += s->unique;
		sum->dups += s->dups;
		sum->reordered += s->reordered;
		sum->stale += s->stale;
		sum->expected += expected;
		sum->lost += expected > s->unique ? expected - s->unique : 0;
		sum->end_seen_all &= s->end_seen;
	}
	if (!sum->streams)
		sum->end_seen_all = false;
}

void
perf_counters_add(struct perf_counters *pc, const char *name, uint64_t value)
{
	assert(pc->n < PERF_COUNTERS_MAX);
	pc->c[pc->n].name = name;
	pc->c[pc->n].value = value;
	pc->n++;
}
