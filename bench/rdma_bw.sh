#!/bin/bash
# rdma_bw.sh - RDMA write and send bandwidth and latency between two
# lagnicd hosts over a LAG of two veth links, next to the raw link in the
# same invocation.
#
#   bench/rdma_bw.sh [-d SEC] [-r REPS] [-s "64 256 ... 1048576"] [-t "write send"]
#
# Env: BUILD (meson build dir, default build), BACKEND (lagnicd's port
# backend and the raw tool's, afpacket), MODE (balance-xor). Needs root
# and jq. Testbed rbw<pid>, removed on exit, also on failure or Ctrl-C.
#
# raw: no lagnicd; lagnic-portperf tx in h0 -> rx in h1 on eth0 (1500 B
# frames, one link, BACKEND), as bench/lag_throughput.sh's raw row, and
# ping over eth0 (kernel ICMP, 0.2 ms apart): the medium's round trip.
# Measured first and again last; the baseline is their mean.
# rdma: lagnicd in h0 and h1 (MODE, layer3+4) over eth0+eth1, lagnic-perf
# client h0 -> server h1, one RC QP, path MTU 1024, for SEC s per run:
# bw with 16 messages in flight, lat with 1 (the time per operation, post
# to completion: a round trip, as the raw ping). Median of REPS runs.
set -euo pipefail

TB=rbw$$
# shellcheck source=bench/rdma_lib.sh
source "$(dirname "$0")/rdma_lib.sh"
DUR=2 REPS=3 OPS="write send" MODE=${MODE:-balance-xor}
SIZES="64 256 1024 4096 16384 65536 262144 1048576"
RAW_SIZE=1500
trap rb_cleanup EXIT
trap 'exit 130' INT TERM

usage() { sed -n '2,19p' "$0"; exit 2; }
while getopts "d:r:s:t:h" opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	r) REPS=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	t) OPS=$OPTARG ;;
	*) usage ;;
	esac
done
[[ $DUR =~ ^[0-9]+$ && $DUR -gt 0 && $REPS =~ ^[0-9]+$ && $REPS -gt 0 ]] || usage
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] || usage; done
for t in $OPS; do [[ $t = write || $t = send || $t = read ]] || usage; done
rb_need "$PORTPERF"

# raw_tput OUT: Gb/s (L2 bytes) the receiver counted on eth0
raw_tput() {
	local out=$1 rx
	pp_spawn h1 "$out.rx" "$PORTPERF" rx --backend "$BACKEND" --if eth0 \
		--size "$RAW_SIZE" --json --duration $((DUR + 20))
	rx=$PP_PID
	pp_wait_ready "$out.rx" "$rx" || { echo nan; return; }
	inns h0 "$PORTPERF" tx --backend "$BACKEND" --if eth0 --size "$RAW_SIZE" \
		--json --duration "$DUR" --dst "$(inns h1 cat /sys/class/net/eth0/address)" \
		>"$out.tx" 2>&1 || true
	pp_wait_exit "$rx" 5 || true
	pp_json "$out.rx" | jq -r '.gbps // "nan"'
}

# raw_rtt: ping's average round trip over eth0, ms
raw_rtt() {
	inns h0 ping -q -c 200 -i 0.002 10.99.0.2 2>/dev/null |
		awk -F/ '/^rtt/ { print $5; exit }'
}

# raw PASS: REPS throughput runs and one ping on a fresh testbed
raw() {
	local pass=$1 rep
	rb_testbed_new
	inns h0 ip addr add 10.99.0.1/24 dev eth0
	inns h1 ip addr add 10.99.0.2/24 dev eth0
	for ((rep = 1; rep <= REPS; rep++)); do
		raw_tput "$RB_WORK/raw.$pass.$rep" >>"$RB_WORK/raw.gbps"
		[ "$BACKEND" = afxdp ] && sleep 1.2	# AF_XDP re-binds after ~1 s
	done
	raw_rtt >>"$RB_WORK/raw.rtt_ms"
	return 0
}

# rdma_one OP SIZE DEPTH KEY: one lagnic-perf run; its figures into KEY.*
rdma_one() {
	local op=$1 size=$2 depth=$3 key=$4 res
	res=$(rb_perf "$key" $((DUR + 60)) -t "$op" -s "$size" -d "$depth" -D "$DUR")
	if [ -z "$res" ]; then
		echo "$op $size d$depth: $(grep -v '^{' "$RB_WORK/$key.cli" | tail -1)" >>"$RB_WORK/fails"
		return
	fi
	echo "$res" | jq -r '.MBps' >>"$RB_WORK/$key.mbps"
	echo "$res" | jq -r '.seconds / .iters * 1e6 * .depth' >>"$RB_WORK/$key.us"
	echo "$res" | jq -r '.max_gap_us' >>"$RB_WORK/$key.gap"
}

rdma() {
	local op size rep
	rb_lag_up "$MODE"
	for op in $OPS; do
		for size in $SIZES; do
			for ((rep = 1; rep <= REPS; rep++)); do
				rdma_one "$op" "$size" 16 "$op.$size.bw"
				rdma_one "$op" "$size" 1 "$op.$size.lat"
			done
		done
	done
	ctl h0 -j rdma | jq -c '.counters | with_entries(select(.value != 0))' \
		>"$RB_WORK/counters"
}

med() { median <"$1" 2>/dev/null || echo nan; }
fmt() { awk -v v="$1" -v n="$2" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.*f", n, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }

print_table() {
	local raw_gbps raw_rtt op size bw gbps us
	raw_gbps=$(awk '$1 != "nan" { s += $1; n++ } END { if (n) print s / n; else print "nan" }' "$RB_WORK/raw.gbps")
	raw_rtt=$(awk '{ s += $1; n++ } END { if (n) print s / n; else print "nan" }' "$RB_WORK/raw.rtt_ms")
	echo "raw eth0 ($BACKEND, $RAW_SIZE B frames): $(fmt "$raw_gbps" 3) Gb/s" \
		"(runs: $(tr '\n' ' ' <"$RB_WORK/raw.gbps")); ping RTT $(fmt "$raw_rtt" 3) ms" \
		"(first, last: $(tr '\n' ' ' <"$RB_WORK/raw.rtt_ms"))"
	printf '%-5s %8s %10s %8s %7s %10s %8s %10s\n' op size "bw MB/s" "bw Gb/s" \
		"/raw" "lat us" "/ping" "gap ms"
	for op in $OPS; do
		for size in $SIZES; do
			bw=$(med "$RB_WORK/$op.$size.bw.mbps")
			gbps=$(awk -v m="$bw" 'BEGIN { if (m == "nan") print "nan"; else print m * 8 / 1000 }')
			us=$(med "$RB_WORK/$op.$size.lat.us")
			printf '%-5s %8s %10s %8s %7s %10s %8s %10s\n' "$op" "$size" \
				"$(fmt "$bw" 2)" "$(fmt "$gbps" 4)" "$(ratio "$gbps" "$raw_gbps")" \
				"$(fmt "$us" 1)" \
				"$(ratio "$(awk -v u="$us" 'BEGIN { print (u == "nan") ? "nan" : u / 1000 }')" "$raw_rtt")" \
				"$(fmt "$(awk -v g="$(med "$RB_WORK/$op.$size.bw.gap")" 'BEGIN { print (g == "nan") ? "nan" : g / 1000 }')" 1)"
		done
	done
	echo "h0 rdma counters (not 0) after the runs: $(cat "$RB_WORK/counters" 2>/dev/null)"
	[ -s "$RB_WORK/fails" ] && sed 's/^/failed: /' "$RB_WORK/fails"
	return 0
}

rb_header "rdma_bw: $DUR s per run, median of $REPS, $MODE over $BACKEND, ops: $OPS"
raw first
rdma
raw last
print_table
echo "# bw: depth 16, payload bytes; /raw: bw Gb/s over the raw link's mean Gb/s" \
	"(L2 frame bytes). lat: depth 1, post to completion; /ping: lat over ping's mean RTT."
echo "# gap ms: median over runs of the longest gap between completions in a bw run." \
	"load average $(loadavg)"
