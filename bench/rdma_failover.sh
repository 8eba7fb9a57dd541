#!/bin/bash
# rdma_failover.sh - how long a stream of RDMA writes stalls when the LAG
# member carrying it is cut, for 1, 1000, 10000 QPs.
#
#   bench/rdma_failover.sh [TRIALS]      (default 20)
#
# Env: BUILD (meson build dir, default build), BACKEND (afpacket), QPS
# ("1": the QP counts, e.g. "1 1000 10000"), SIZE (4096), DEPTH (16),
# WINDOW_MS (500), SETUP_S (1200: the most to wait for the stream to
# start). Needs root and jq. Testbed rbf<pid>, removed on exit.
#
# Per QP count: lagnicd in h0 and h1, active-backup over eth0+eth1 (every
# lane, so every QP, on the active member), one lagnic-perf write stream
# h0 -> h1 over QPS QPs (DEPTH in flight in all) that logs every gap of
# at least 100 us between two completions with its end time (-g). Then
# TRIALS times: note the time, cut h0's active member (ip link set DEV
# down, in h0), note the time; 600 ms later bring it up, wait until
# lagnicd has it up again, wait 800 ms. The stream runs through all the
# trials; no work request may fail.
#
# stall (a trial) = the longest gap between completions that ends after
# the cut and starts within WINDOW_MS of it. Baseline, the same stream in
# the same run: the longest gap in the WINDOW_MS that end 100 ms before
# the same cut (no cut in it). A gap under 100 us is not logged: "<0.1".
set -euo pipefail

TB=rbf$$
# shellcheck source=bench/rdma_lib.sh
source "$(dirname "$0")/rdma_lib.sh"
TRIALS=${1:-20}
QPS=${QPS:-1}
SIZE=${SIZE:-4096}
DEPTH=${DEPTH:-16}
WINDOW_MS=${WINDOW_MS:-500}
SETUP_S=${SETUP_S:-1200}
DOWN_S=0.6 SETTLE_S=0.8
trap rb_cleanup EXIT
trap 'exit 130' INT TERM
[[ $TRIALS =~ ^[0-9]+$ && $TRIALS -gt 0 ]] || { sed -n '2,11p' "$0"; exit 2; }
rb_need

active_member() { ctl h0 -j show | jq -r '.active'; }
both_up() { ctl h0 -j show | jq -e 'all(.members[]; .link == "up")' >/dev/null; }

# cut_link DEV: h0's DEV down; "BEFORE AFTER" realtime ns around the command
cut_link() {
	inns h0 sh -c 'a=$(date +%s%N); ip link set "$1" down; b=$(date +%s%N);
		echo "$a $b"' _ "$1"
}

# trials N OUT: N cuts of the active member; OUT gets "BEFORE AFTER DEV
# UP" (UP: realtime ns just before the link was set up again)
trials() {
	local n=$1 out=$2 i dev c
	for ((i = 1; i <= n; i++)); do
		pp_alive "$RB_CLI" || return 2	# the stream failed
		dev=$(active_member)
		c=$(cut_link "$dev")
		sleep "$DOWN_S"
		echo "$c $dev $(date +%s%N)" >>"$out"
		inns h0 ip link set "$dev" up
		wait_for 10 both_up || { echo "$dev not back up" >&2; return 1; }
		sleep "$SETTLE_S"
	done
}

# analyse CUTS GAPS: per trial "stall_ms base_ms up_ms" (the rules above;
# up: the same as stall, for the link coming back)
analyse() {
	awk -v w="$WINDOW_MS" '
		function after(t, j) {
			return end[j] >= t && end[j] - len[j] <= t + w * 1e6
		}
		FNR == NR { cut[++n] = $1; up[n] = $4; next }
		{ end[++m] = $1; len[m] = $2 }
		END {
			for (i = 1; i <= n; i++) {
				c = cut[i]; s = 0; b = 0; u = 0
				for (j = 1; j <= m; j++) {
					if (after(c, j) && len[j] > s)
						s = len[j]
					if (after(up[i], j) && len[j] > u)
						u = len[j]
					if (end[j] < c - 100e6 && end[j] >= c - 100e6 - w * 1e6 &&
					    len[j] > b)
						b = len[j]
				}
				printf "%.3f %.3f %.3f\n", s / 1e6, b / 1e6, u / 1e6
			}
		}' "$1" "$2"
}

# failure CLI CUTS: lagnic-perf's error, and when it came after which cut
failure() {
	local line at
	line=$(grep -v '^{' "$1" | grep -v running | tail -1)
	at=$(echo "$line" | sed -n 's/.* at \([0-9]*\) ns.*/\1/p')
	if [ -n "$at" ]; then
		line="$line; $(awk -v t="$at" '$1 <= t { k = NR; c = $1; d = $3 }
			END { if (k) printf "%.1f ms after cut %d of %s", (t - c) / 1e6, k, d;
			      else print "before the first cut" }' "$2")"
	fi
	echo "$line"
}

fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "nan") print "n/a";
	else if (v < 0.1) print "<0.1"; else printf "%.2f", v }'; }

# one_count Q: the row of Q QPs
one_count() {
	local q=$1 tag=q$1 cuts=$RB_WORK/q$1.cuts gaps=$RB_WORK/q$1.gaps
	local res stall base st_max base_max rc=ok t0
	rb_lag_up active-backup
	t0=$SECONDS
	# the stream ends on SIGINT after the last trial (-D: a bound only)
	rb_perf_start "$tag" -t write -s "$SIZE" -d "$DEPTH" -q "$q" -D 3600 \
		-g "$gaps"
	# 10000 QPs: 30000 requests to lagnicd on each side before the first
	# write; minutes on a loaded machine
	if ! rb_wait_line "$RB_WORK/$tag.cli" running "$SETUP_S" "$RB_CLI"; then
		printf '%6s  failed: %s\n' "$q" "$(grep -v '^{' "$RB_WORK/$tag.cli" |
			tail -1 | grep . || echo "not running after $SETUP_S s")"
		return
	fi
	echo "  $q QPs on both sides in RTS, the stream running, after $((SECONDS - t0)) s"
	sleep 1
	trials "$TRIALS" "$cuts" || rc="a member did not come back"
	pp_alive "$RB_CLI" || rc="the stream ended before the last trial"
	kill -INT "$RB_CLI" 2>/dev/null || true
	rb_perf_wait 60 || rc="FAILED: $(failure "$RB_WORK/$tag.cli" "$cuts")"
	res=$(pp_json "$RB_WORK/$tag.cli")
	touch "$gaps"
	analyse "$cuts" "$gaps" >"$RB_WORK/$tag.trials"
	stall=$(cut -d' ' -f1 "$RB_WORK/$tag.trials" | median)
	base=$(cut -d' ' -f2 "$RB_WORK/$tag.trials" | median)
	st_max=$(cut -d' ' -f1 "$RB_WORK/$tag.trials" | sort -g | tail -1)
	base_max=$(cut -d' ' -f2 "$RB_WORK/$tag.trials" | sort -g | tail -1)
	printf '%6s %6s %9s %9s %9s %9s %6s %8s  %s\n' "$q" \
		"$(wc -l <"$cuts")" "$(fmt_ms "$stall")" "$(fmt_ms "$st_max")" \
		"$(fmt_ms "$base")" "$(fmt_ms "$base_max")" \
		"$(awk -v a="$stall" -v b="$base" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')" \
		"$(echo "$res" | jq -r '.msg_per_s // "n/a"' | cut -d. -f1)" "$rc"
	echo "  per trial (stall base link-up, ms): $(tr '\n' ',' <"$RB_WORK/$tag.trials" | sed 's/,$//')"
	echo "  link up again: median $(cut -d' ' -f3 "$RB_WORK/$tag.trials" | median) ms," \
		"max $(cut -d' ' -f3 "$RB_WORK/$tag.trials" | sort -g | tail -1) ms"
	echo "  lagnic-perf: $res"
	echo "  the cut command (date; ip link set down; date) took: median" \
		"$(awk '{ print ($2 - $1) / 1e6 }' "$cuts" | median) ms," \
		"max $(awk '{ print ($2 - $1) / 1e6 }' "$cuts" | sort -g | tail -1) ms"
	ctl h0 -j rdma | jq -c '.counters | with_entries(select(.value != 0))' |
		sed 's/^/  h0 rdma counters (not 0): /'
}

rb_header "rdma_failover: $TRIALS trials, write $SIZE B, depth $DEPTH, active-backup over $BACKEND, window $WINDOW_MS ms"
printf '%6s %6s %9s %9s %9s %9s %6s %8s  %s\n' QPs trials "stall ms" "max ms" \
	"base ms" "max ms" ratio "msg/s" result
for q in $QPS; do
	one_count "$q"
done
echo "# stall: median/max over trials of the longest gap between completions" \
	"that ends after the cut and starts within $WINDOW_MS ms of it;"
echo "# base: the same over the $WINDOW_MS ms ending 100 ms before each cut" \
	"(same stream, no cut); ratio = stall / base medians; load average $(loadavg)"
