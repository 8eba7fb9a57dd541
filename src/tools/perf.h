/*
 * perf: what lagnic-portperf and the raw baselines in bench/ share, so that
 * a script can swap one for another and every one of them does the same
 * work per frame: the command line, the test frame (build, stamp, parse),
 * pacing and stop rules, sequence accounting on receive, and the report
 * (text or one JSON object). No sockets and no clock of its own: callers
 * pass the time in, so the rules can be driven by a virtual clock.
 *
 * The test frame, exactly `size` bytes (no FCS):
 *   Ethernet (dst --dst, src the port's MAC, type IPv4)
 *   IPv4 198.18.0.1 -> 198.18.0.2 (RFC 2544 benchmarking range), UDP
 *   sport PERF_UDP_SPORT_BASE + flow, dport 9 (discard), checksum 0
 *   struct perf_hdr: magic, version, type, stream id, 64-bit sequence
 *   zero padding
 * Each flow is one stream (stream id = flow index) with its own sequence
 * numbers from 0; flows differ in the UDP source port so that L3/L4 hashes
 * spread them. At the end tx sends PERF_END_ROUNDS end markers per stream,
 * whose sequence field is the number of data frames sent on that stream.
 *
 * Rates: Gbit/s counts L2 frame bytes as handed to the port, without the
 * 24 B per frame of preamble+SFD (8), inter-frame gap (12) and FCS (4) a
 * physical wire adds. Everywhere: the tools, the bench table, the README.
 */
#ifndef LAGNIC_TOOLS_PERF_H
#define LAGNIC_TOOLS_PERF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/compiler.h"

#define PERF_MAGIC		0x4c4e5046u	/* "LNPF" */
#define PERF_VERSION		1
#define PERF_HDR_OFF		(14 + 20 + 8)	/* Ethernet, IPv4, UDP */
#define PERF_SIZE_MIN		60		/* Ethernet minimum, no FCS */
#define PERF_SIZE_MAX		9216
#define PERF_FLOWS_MAX		1024
#define PERF_BURST_MAX		64
#define PERF_UDP_SPORT_BASE	1024
#define PERF_END_ROUNDS		3
#define PERF_WIN_BITS		8192		/* reorder/dup window */
#define PERF_POLL_MAX_MS	100
/* Empty rx polls of the ring in a row before sleeping in poll(). */
#define PERF_IDLE_SPINS		64

enum perf_type { PERF_T_DATA, PERF_T_END, PERF_T_COUNT };

struct perf_hdr {
	uint32_t magic;		/* all fields in network order */
	uint8_t version;
	uint8_t type;		/* enum perf_type */
	uint16_t stream;
	uint64_t seq;		/* END: data frames sent on the stream */
} __packed;
static_assert(sizeof(struct perf_hdr) == 16, "perf header size");
static_assert(PERF_HDR_OFF + sizeof(struct perf_hdr) <= PERF_SIZE_MIN,
    "the minimum frame holds the perf header");

enum perf_mode { PERF_M_TX, PERF_M_RX, PERF_M_INFO, PERF_M_COUNT };
extern const char *const perf_mode_names[];

/* Same order as enum port_xdp_mode. */
enum perf_xdp_mode { PERF_XDP_AUTO, PERF_XDP_NATIVE, PERF_XDP_GENERIC,
	PERF_XDP_COUNT };
extern const char *const perf_xdp_mode_names[];

/* What sets one tool apart: lagnic-portperf or a raw baseline. */
struct perf_tool {
	const char *name;		/* as reported: "lagnic-portperf" */
	const char *backend;		/* only backend it has; NULL: any */
	bool has_info;			/* offers the "info" mode */
};

struct perf_opts {
	enum perf_mode mode;
	const char *backend;		/* "afxdp" or "afpacket" */
	const char *ifname;
	uint32_t size;			/* frame bytes, no FCS; default 64 */
	uint64_t duration_ns;		/* 0: none (tx default 5 s) */
	uint64_t count;			/* 0: none */
	uint32_t flows;			/* default 1 */
	enum perf_xdp_mode xdp_mode;
	bool json;
	uint64_t rate_pps;		/* tx pacing; 0: as fast as possible */
	uint32_t burst;			/* frames per burst; default 32 */
	uint32_t ring;			/* ring entries; default 8192 */
	uint32_t queue;			/* afxdp: interface queue; default 0 */
	uint8_t dst[6];			/* default ff:ff:ff:ff:ff:ff */
	uint64_t quiet_ns;		/* rx: silence after the end marker */
};

/*
 * Parse argv into o. 0: go on; 1: --help was printed (exit 0); -EINVAL:
 * a message naming the bad argument went to stderr (exit 2).
 */
int perf_opts_parse(struct perf_opts *o, const struct perf_tool *tool,
    int argc, char **argv);

/* Set by SIGINT/SIGTERM once perf_signals_install() ran. */
extern volatile int perf_stop;
int perf_signals_install(void);
void perf_sleep_ns(uint64_t ns);
/* Sleep until fd is readable, at most max_ns (at least a ms, at most
 * PERF_POLL_MAX_MS); with fd < 0 just sleep a little. */
void perf_wait_readable(int fd, uint64_t max_ns);

/* Frames: a template per flow, then only the perf header changes. */
void perf_frame_template(uint8_t *buf, uint32_t size, const uint8_t dst[6],
    const uint8_t src[6], uint32_t flow);
void perf_frame_stamp(uint8_t *buf, enum perf_type type, uint16_t stream,
    uint64_t seq);
/* Type of a test frame (stream and seq filled), or -1 if it is not one. */
int perf_frame_parse(const uint8_t *buf, uint32_t len, uint16_t *stream,
    uint64_t *seq);

/* Transmit side: what may be sent when, and what was. */
struct perf_tx {
	const struct perf_opts *opts;
	uint8_t *tmpl;			/* flows templates of size bytes */
	uint64_t *next_seq;		/* per flow */
	uint32_t next_flow;
	uint64_t start_ns;
	uint64_t last_ns;		/* last data frame taken */
	uint64_t built;			/* frames given a sequence number */
	uint64_t frames, bytes;		/* taken by the port */
	uint64_t end_markers;		/* end markers taken */
};

int perf_tx_init(struct perf_tx *tx, const struct perf_opts *o,
    const uint8_t src_mac[6], uint64_t now);
void perf_tx_fini(struct perf_tx *tx);
/* Frames that may be built now, at most max: pacing, count, duration. */
unsigned perf_tx_budget(const struct perf_tx *tx, uint64_t now, unsigned max);
/* Nothing more to build (count reached or time up)? */
bool perf_tx_done(const struct perf_tx *tx, uint64_t now);
/* Time until the next frame is due by the pacing; 0 if due now. */
uint64_t perf_tx_wait_ns(const struct perf_tx *tx, uint64_t now);
/* Write the next data frame (size bytes) into buf; returns its flow. */
uint32_t perf_tx_build(struct perf_tx *tx, uint8_t *buf);
/* The newest built frame of flow will never be sent: take its number back. */
void perf_tx_unbuild(struct perf_tx *tx, uint32_t flow);
void perf_tx_sent(struct perf_tx *tx, unsigned n, uint64_t now);
/* End marker of flow (size bytes) into buf. */
void perf_tx_build_end(const struct perf_tx *tx, uint32_t flow, uint8_t *buf);

/* Receive side: one stream's sequence accounting. */
struct perf_stream {
	uint64_t top;			/* highest sequence seen + 1 */
	uint64_t unique;		/* distinct sequence numbers */
	uint64_t dups;			/* seen again within the window */
	uint64_t reordered;		/* arrived after a higher one */
	uint64_t stale;			/* too far behind to tell */
	uint64_t end_count;		/* from the end marker */
	bool end_seen;
	uint64_t win[PERF_WIN_BITS / 64];	/* seen, for (top - W, top] */
};

/* Count one data frame; true if its sequence number is new. */
bool perf_stream_account(struct perf_stream *s, uint64_t seq);

struct perf_rx {
	const struct perf_opts *opts;
	struct perf_stream *streams[PERF_FLOWS_MAX];	/* by stream id */
	uint64_t frames, bytes;		/* data frames, duplicates included */
	uint64_t unique;		/* distinct data frames, all streams */
	uint64_t other;			/* not test frames (or bad stream) */
	uint64_t end_markers;
	uint64_t start_ns, first_ns, last_ns;	/* first/last data frame */
	uint64_t last_ours_ns;		/* last data frame or end marker */
	bool end_seen;
};

/* Totals over every stream. */
struct perf_rx_sum {
	uint64_t streams, unique, dups, reordered, stale, expected, lost;
	bool end_seen_all;
};

void perf_rx_init(struct perf_rx *rx, const struct perf_opts *o, uint64_t now);
void perf_rx_fini(struct perf_rx *rx);
void perf_rx_frame(struct perf_rx *rx, const uint8_t *buf, uint32_t len,
    uint64_t now);
/* Stop now: time up, count reached, or end marker then quiet period. */
bool perf_rx_done(const struct perf_rx *rx, uint64_t now);
/* Time until perf_rx_done() may turn true with no frame; UINT64_MAX: never. */
uint64_t perf_rx_wait_ns(const struct perf_rx *rx, uint64_t now);
void perf_rx_sum(const struct perf_rx *rx, struct perf_rx_sum *sum);

/* Medium or socket counters a tool adds to its report. */
#define PERF_COUNTERS_MAX 16
struct perf_counters {
	unsigned n;
	struct { const char *name; uint64_t value; } c[PERF_COUNTERS_MAX];
};

void perf_counters_add(struct perf_counters *pc, const char *name,
    uint64_t value);

/*
 * Print the report on stdout: text, or one JSON object with --json. tx
 * loss is what the port/socket took but dropped (loss_tx); rx loss comes
 * from the sequence numbers. 0 or -ENOMEM.
 */
int perf_report_tx(FILE *out, const struct perf_tool *tool,
    const struct perf_opts *o, const struct perf_tx *tx, uint64_t loss_tx,
    const struct perf_counters *pc);
int perf_report_rx(FILE *out, const struct perf_tool *tool,
    const struct perf_opts *o, const struct perf_rx *rx,
    const struct perf_counters *pc);

#endif
