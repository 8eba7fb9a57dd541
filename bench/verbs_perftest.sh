#!/bin/bash
# verbs_perftest.sh - perftest's ib_write_bw and ib_write_lat, unmodified,
# on lagnic's libibverbs.so.1 (through lagnic-run), next to lagnic-perf
# (liblagnic) in the same invocation, on the same two lagnicd hosts over a
# LAG of two veth links.
#
#   bench/verbs_perftest.sh [-d SEC] [-s "4096 65536"]
#
# Env: BUILD (meson build dir, default build), BACKEND (afpacket), MODE
# (active-backup). Needs root, jq, perftest. Testbed rbv<pid>, removed on
# exit, also on failure or Ctrl-C.
#
# bw: one RC QP, writes of SIZE for SEC s, 16 in flight (lagnic-perf -d
# 16) against perftest's default tx depth (128); both as MB/s of 10^6
# bytes (perftest's from its message rate x size, whatever its MB is).
# lat: 64-byte writes one at a time: lagnic-perf's time per operation
# against ib_write_lat's typical (median) round trip / 2 x 2 (it prints
# half round trips: doubled here to compare like with like).
set -euo pipefail

TB=rbv$$
# shellcheck source=bench/rdma_lib.sh
source "$(dirname "$0")/rdma_lib.sh"
RUN=$BUILD/src/verbs/lagnic-run
DUR=3 SIZES="4096 65536" MODE=${MODE:-active-backup}
trap rb_cleanup EXIT
trap 'exit 130' INT TERM

while getopts d:s: o; do
	case $o in
	d) DUR=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	*) sed -n 2,9p "$0" >&2; exit 2 ;;
	esac
done
rb_need
[ -f "$RUN" ] || { echo "$0: $RUN missing: build first" >&2; exit 1; }
command -v ib_write_bw >/dev/null || { echo "$0: needs perftest" >&2; exit 1; }

listening() { inns h1 ss -ltn | grep -q ":18515 "; }

# pt TAG PROGRAM ARGS...: perftest server in h1, client in h0; the
# client's output in RB_WORK/TAG.cli
pt() {
	local tag=$1; shift
	pp_spawn h1 "$RB_WORK/$tag.srv" sh "$RUN" -r "$RB_WORK/h1.rdma" \
		"$@" -d lagnic0 -x 0
	local srv=$PP_PID
	wait_for 20 listening || { echo "$tag: no server" >&2; return 1; }
	inns h0 sh "$RUN" -r "$RB_WORK/h0.rdma" "$@" -d lagnic0 -x 0 \
		"$RB_ADDR1" >"$RB_WORK/$tag.cli" 2>&1 ||
		{ echo "$tag failed: $(tail -3 "$RB_WORK/$tag.cli")" >&2; return 1; }
	pp_wait_exit "$srv" 10 || true
}

# The result row of a perftest output: #bytes #iterations then figures.
row() { grep -E '^ *[0-9]+ +[0-9]+ +[0-9.]+' "$1" | tail -1; }

rb_lag_up "$MODE"
wait_for 10 sh -c "'$TESTBED' exec '$TB' h0 sh '$RUN' -r '$RB_WORK/h0.rdma' \
	ibv_devinfo -v | grep -q '::ffff:$RB_ADDR0'" ||
	{ echo "no IPv4 GID in h0" >&2; exit 1; }
rb_header "verbs_perftest: $MODE over $BACKEND, $DUR s per run"
printf '%-10s %8s %14s %14s %8s\n' test size lagnic-perf perftest ratio
for size in $SIZES; do
	lp=$(rb_perf "lp$size" $((DUR + 30)) -t write -s "$size" -d 16 \
		-D "$DUR" | jq -r .MBps)
	pt "pt$size" ib_write_bw -s "$size" -D "$DUR"
	mpps=$(row "$RB_WORK/pt$size.cli" | awk '{ print $5 }')
	pt=$(awk -v m="$mpps" -v s="$size" 'BEGIN { printf "%.2f", m * s }')
	printf '%-10s %8s %11s MB/s %9s MB/s %8s\n' write_bw "$size" "$lp" \
		"$pt" "$(awk -v a="$pt" -v b="$lp" \
		'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
lp=$(rb_perf lplat $((DUR + 30)) -t write -s 64 -d 1 -D "$DUR" |
	jq -r .avg_us)
pt ptlat ib_write_lat -s 64 -n 1000
# ib_write_lat: bytes iters t_min t_max t_typical ...: half round trips
typ=$(row "$RB_WORK/ptlat.cli" | awk '{ printf "%.2f", $5 * 2 }')
printf '%-10s %8s %12s us %12s us %8s\n' write_lat 64 "$lp" "$typ" \
	"$(awk -v a="$typ" -v b="$lp" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
echo "# ratio: perftest / lagnic-perf; load average now $(loadavg)"
