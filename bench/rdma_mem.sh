#!/bin/bash
# rdma_mem.sh - memory per RDMA QP, in lagnicd and in the application.
#
#   bench/rdma_mem.sh ["1000 10000"]      (the QP counts)
#
# Env: BUILD (meson build dir, default build), BACKEND (afpacket), SIZE
# (4096: each context's buffer is 2 x SIZE + 4 KiB). Needs root and jq.
# Testbed rbm<pid>, removed on exit.
#
# Per count N, on a fresh pair of lagnicd (h0, h1; balance-xor):
#   d0: h0's lagnicd with no client;
#   one lagnic-perf client (h0) and server (h1) with 1 QP, one write,
#   kept open (-H): c1, d1 (the client, lagnicd);
#   the same with N QPs, N writes (one on each QP), kept open: cN, dN;
#   d_after: lagnicd 1 s and 10 s after that client has gone.
# Figures from /proc/PID/status (VmRSS, RssAnon, RssShmem) and
# /proc/PID/smaps_rollup (Pss: shared pages split between their users;
# the QP rings are memfd pages shared by lagnicd and the client).
# Per QP: lagnicd (dN - d0) / N; the client (cN - c1) / (N - 1).
set -euo pipefail

TB=rbm$$
# shellcheck source=bench/rdma_lib.sh
source "$(dirname "$0")/rdma_lib.sh"
COUNTS=${1:-"1000 10000"}
SIZE=${SIZE:-4096}
trap rb_cleanup EXIT
trap 'exit 130' INT TERM
for n in $COUNTS; do [[ $n =~ ^[0-9]+$ && $n -gt 1 ]] || { sed -n '2,4p' "$0"; exit 2; }; done
rb_need

# mem PID: "VmRSS RssAnon RssShmem Pss" in KiB
mem() {
	local pid=$1
	awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^RssShmem:/ { s = $2 }
		END { printf "%d %d %d ", r, a, s }' "/proc/$pid/status"
	awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup"
}

# hold_run TAG N: lagnic-perf with N QPs held open; TAG.mem gets
# "CLIENT_MEM|LAGNICD_MEM" (or why it failed, and 1). Not in a subshell:
# pp_spawn records the PIDs for the cleanup.
hold_run() {
	local tag=$1 n=$2
	rb_perf_start "$tag" -t write -s "$SIZE" -q "$n" -n "$n" -H 900
	if ! rb_wait_line "$RB_WORK/$tag.cli" holding 900 "$RB_CLI"; then
		echo "failed: $(grep -v '^{' "$RB_WORK/$tag.cli" | tail -1)" >"$RB_WORK/$tag.mem"
		return 1
	fi
	echo "$(mem "$RB_CLI")|$(mem "$RB_LAGNICD_H0")" >"$RB_WORK/$tag.mem"
	kill -INT "$RB_SRV" "$RB_CLI" 2>/dev/null || true
	rb_perf_wait 120 || true
}

# per_qp A B N: (B - A) / N per field, in bytes
per_qp() {
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= 4; i++) printf "%9.0f ", (y[i] - x[i]) * 1024 / n }'
}

one_count() {
	local n=$1 d0 r1 rn after after10 ctxs
	rb_lag_up balance-xor
	sleep 1
	d0=$(mem "$RB_LAGNICD_H0")
	hold_run q1 1 && hold_run "q$n" "$n" ||
		{ echo "$n: $(cat "$RB_WORK"/q*.mem | grep failed)"; return; }
	r1=$(cat "$RB_WORK/q1.mem")
	rn=$(cat "$RB_WORK/q$n.mem")
	sleep 1
	after=$(mem "$RB_LAGNICD_H0")
	sleep 9
	after10=$(mem "$RB_LAGNICD_H0")
	ctxs=$(pp_json "$RB_WORK/q$n.cli" | jq -r '.contexts')
	echo "N=$n ($ctxs contexts): lagnicd d0 [$d0] d1 [${r1#*|}] dN [${rn#*|}] after 1 s [$after], 10 s [$after10];" \
		"client c1 [${r1%|*}] cN [${rn%|*}] (KiB: VmRSS RssAnon RssShmem Pss)"
	printf '%-8s %6s  lagnicd B/QP %s  client B/QP %s\n' "$n" "$ctxs" \
		"$(per_qp "$d0" "${rn#*|}" "$n")" "$(per_qp "${r1%|*}" "${rn%|*}" $((n - 1)))"
}

rb_header "rdma_mem: QP counts $COUNTS, write $SIZE B, lagnicd on $BACKEND"
echo "columns of B/QP: VmRSS RssAnon RssShmem Pss"
for n in $COUNTS; do
	one_count "$n"
done
echo "# load average $(loadavg)"
