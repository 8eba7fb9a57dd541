# shellcheck shell=bash
# rdma_lib.sh - what bench/rdma_*.sh share: two lagnicd hosts over a LAG of
# two veth links (scripts/testbed.sh pair), lagnic-perf as server in h1 and
# client in h0, medians. Source it after setting TB (a testbed name that
# starts with "rb"); call rb_cleanup from the EXIT trap. Every process is
# started through pp_spawn (bench/portperf_lib.sh) and ended by its PID.

RB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RB_ROOT=$(dirname "$RB_HERE")
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$RB_ROOT/$BUILD
TESTBED=$RB_ROOT/scripts/testbed.sh
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
PERF=${LAGNIC_PERF:-$BUILD/src/tools/lagnic-perf}
# shellcheck disable=SC2034 # rdma_bw.sh's baseline
PORTPERF=$BUILD/src/tools/lagnic-portperf
BACKEND=${BACKEND:-afpacket}
RB_ADDR0=10.77.0.1 RB_ADDR1=10.77.0.2
RB_WORK=$(mktemp -d /tmp/rdma_bench.XXXXXX)

# shellcheck source=bench/portperf_lib.sh
source "$RB_HERE/portperf_lib.sh"

# KEEP=1 keeps the logs (the gaps, the cuts, lagnicd's) and says where
rb_cleanup() {
	pp_cleanup
	if [ "${KEEP:-0}" = 1 ]; then echo "# logs in $RB_WORK" >&2; else rm -rf "$RB_WORK"; fi
}

rb_need() {
	local bin
	[ "$(id -u)" -eq 0 ] || { echo "$0: needs root" >&2; exit 1; }
	for bin in "$LAGNICD" "$LAGNICCTL" "$PERF" "$@"; do
		[ -x "$bin" ] || { echo "$0: $bin missing: build first (ninja -C $BUILD)" >&2; exit 1; }
	done
	command -v jq >/dev/null || { echo "$0: needs jq" >&2; exit 1; }
	[[ $TB = rb* ]] || { echo "$0: testbed name must start with rb" >&2; exit 1; }
}

inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }
ctl() { local h=$1; shift; inns "$h" "$LAGNICCTL" -s "$RB_WORK/$h.sock" "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# bounded wait for a state: wait_for SEC CMD...
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# rb_testbed_new: a fresh testbed (the old one and its processes go first)
rb_testbed_new() {
	local pid
	for pid in "${PP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	PP_PIDS=()
	"$TESTBED" pair "$TB" 2
}

# rb_lag_up MODE: a fresh testbed, lagnicd in h0 and h1 (BACKEND, MODE,
# miimon 100, layer3+4; h0's PID in RB_LAGNICD_H0), lag0 up with
# RB_ADDR0/1, ping through it
rb_lag_up() {
	local mode=$1 h a
	rb_testbed_new
	for h in h0 h1; do
		pp_spawn "$h" "$RB_WORK/lagnicd-$h.log" "$LAGNICD" \
			-s "$RB_WORK/$h.sock" -r "$RB_WORK/$h.rdma" -b "$BACKEND" \
			-o "mode=$mode" -o miimon=100 -o xmit_hash_policy=layer3+4 \
			-p eth0 -p eth1
		# shellcheck disable=SC2034 # rdma_mem.sh reads it
		if [ "$h" = h0 ]; then RB_LAGNICD_H0=$PP_PID; fi
	done
	for h in h0 h1; do
		a=$RB_ADDR0; [ "$h" = h1 ] && a=$RB_ADDR1
		wait_for 10 inns "$h" ip link show lag0 ||
			{ echo "lagnicd in $h made no lag0" >&2; return 1; }
		inns "$h" ip addr add "$a/24" dev lag0
		inns "$h" ip link set lag0 up
	done
	wait_for 10 inns h0 ping -c 1 -W 1 "$RB_ADDR1" ||
		{ echo "no ping over lag0 ($mode)" >&2; return 1; }
}

# rb_perf_start TAG ARGS...: lagnic-perf server in h1, client in h0 (in the
# background: RB_SRV, RB_CLI; output in RB_WORK/TAG.{srv,cli}{,.err})
rb_perf_start() {
	local tag=$1; shift
	pp_spawn h1 "$RB_WORK/$tag.srv" "$PERF" -r "$RB_WORK/h1.rdma" "$@" server
	RB_SRV=$PP_PID
	pp_spawn h0 "$RB_WORK/$tag.cli" "$PERF" -r "$RB_WORK/h0.rdma" -j "$@" \
		client "$RB_ADDR1"
	RB_CLI=$PP_PID
}

# rb_perf_wait SEC: both lagnic-perf ended, within SEC; 1 if one failed
rb_perf_wait() {
	local rc=0
	pp_wait_exit "$RB_CLI" "$1" || rc=1
	pp_wait_exit "$RB_SRV" 10 || rc=1
	return $rc
}

# rb_perf TAG SEC ARGS...: one run, the client's JSON report on stdout
rb_perf() {
	local tag=$1 sec=$2; shift 2
	rb_perf_start "$tag" "$@"
	rb_perf_wait "$sec" || true
	pp_json "$RB_WORK/$tag.cli"
}

# rb_wait_line FILE TEXT SEC PID: until FILE has TEXT; 1 if PID ended first
rb_wait_line() {
	local end=$((SECONDS + $3))
	until grep -q "$2" "$1" 2>/dev/null; do
		pp_alive "$4" && [ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
		else if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

rb_header() {
	echo "# $1; $(nproc) CPUs ($(uname -r)); load average $(loadavg);" \
		"$(date -u '+%F %T') UTC; lagnic $(git -C "$RB_ROOT" describe --always --dirty 2>/dev/null)"
}
