#!/bin/bash
# port_bench.sh - lagnic's port layer against the raw medium: for each
# backend and frame size, the raw baseline (bench/raw_<backend>) and
# lagnic-portperf run the same invocation on the same veth link, rx in h1
# and tx in h0, REPS times each; the table shows medians and lagnic/raw.
#
#   bench/port_bench.sh [-d SEC] [-r REPS] [-b "afpacket afxdp"] [-s "64 1500"]
#
# BUILD (default build) is the meson build directory; build first. Needs
# root. Makes its own testbed (lbench<pid>) and removes it on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TESTBED=$ROOT/scripts/testbed.sh
PEERS=${PEERS:-/work/shared/peers}
PORTPERF=$BUILD/src/tools/lagnic-portperf
DUR=5 REPS=3 BACKENDS="afpacket afxdp" SIZES="64 1500"
REBIND_GAP=1.2		# AF_XDP refuses to re-bind within ~1 s of a close
TB=lbench$$

usage() { sed -n '2,11p' "$0"; exit 2; }
while getopts "d:r:b:s:h" opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	r) REPS=$OPTARG ;;
	b) BACKENDS=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	*) usage ;;
	esac
done
[[ $DUR =~ ^[0-9]+$ && $DUR -gt 0 && $REPS =~ ^[0-9]+$ && $REPS -gt 0 ]] || usage
for b in $BACKENDS; do [[ $b = afpacket || $b = afxdp ]] || usage; done
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] || usage; done
for bin in "$PORTPERF" "$BUILD/bench/raw_afpacket" "$BUILD/bench/raw_afxdp"; do
	[ -x "$bin" ] || { echo "port_bench: $bin missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "port_bench: needs jq" >&2; exit 1; }

# foreign_load comes from the peers' lib.sh; without it, the same check.
if [ -f "$PEERS/lib.sh" ]; then
	# shellcheck source=/dev/null
	source "$PEERS/lib.sh"
else
	foreign_load() { pgrep -c -f '^qemu-system' 2>/dev/null || true; }
fi
# shellcheck source=bench/portperf_lib.sh
source "$HERE/portperf_lib.sh"

WORK=$(mktemp -d /tmp/port_bench.XXXXXX)
cleanup() { pp_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$TESTBED" pair "$TB" 1
FLAGGED=0

# run_one BIN BACKEND SIZE OUT : one rx+tx run; OUT.tx, OUT.rx get the
# JSON reports. 1 if either side failed (OUT.err says why).
run_one() {
	local bin=$1 backend=$2 size=$3 out=$4 pid load0 load1
	local args=(--backend "$backend" --if eth0 --size "$size" --json)
	load0=$(foreign_load)
	pp_spawn h1 "$out.rxlog" "$bin" rx "${args[@]}" --duration $((DUR + 20))
	pid=$PP_PID
	if ! pp_wait_ready "$out.rxlog" "$pid"; then
		grep -v '^libbpf\|^libxdp' "$out.rxlog" | head -3 >"$out.err"
		pp_wait_exit "$pid" 1 || true
		return 1
	fi
	if ! "$TESTBED" exec "$TB" h0 "$bin" tx "${args[@]}" --duration "$DUR" \
		>"$out.txlog" 2>&1; then
		grep -v '^libbpf\|^libxdp\|^{' "$out.txlog" | head -3 >"$out.err"
		pp_wait_exit "$pid" 1 || true
		return 1
	fi
	pp_wait_exit "$pid" 30 || true
	load1=$(foreign_load)
	pp_json "$out.txlog" >"$out.tx"
	pp_json "$out.rxlog" >"$out.rx"
	if [ "${load0:-0}" != 0 ] || [ "${load1:-0}" != 0 ]; then
		echo "$load0 $load1" >"$out.flag"
		FLAGGED=$((FLAGGED + 1))
	fi
	[ -s "$out.tx" ] && [ -s "$out.rx" ]
}

# median FILE... : median of the numbers in the files (one each).
median() {
	{ cat "$@" 2>/dev/null || true; } | sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# record OUT KEY : the reports' rates into per-metric files: the
# sender's (offered) and the receiver's (received) with its loss.
record() {
	local out=$1 key=$2
	jq -r '.pps' "$out.tx" >>"$WORK/$key.offered.pps"
	jq -r '.gbps' "$out.tx" >>"$WORK/$key.offered.gbps"
	jq -r '.pps' "$out.rx" >>"$WORK/$key.received.pps"
	jq -r '.gbps' "$out.rx" >>"$WORK/$key.received.gbps"
	jq -r '.loss_pct' "$out.rx" >>"$WORK/$key.received.loss"
}

run_matrix() {
	local backend size rep impl bin out
	for backend in $BACKENDS; do
		for size in $SIZES; do
			for ((rep = 1; rep <= REPS; rep++)); do
				for impl in raw lagnic; do
					bin=$BUILD/bench/raw_$backend
					[ $impl = lagnic ] && bin=$PORTPERF
					out=$WORK/$impl.$backend.$size.$rep
					printf '  %-6s %-8s %4s B  run %d/%d\r' "$impl" "$backend" "$size" "$rep" "$REPS" >&2
					if run_one "$bin" "$backend" "$size" "$out"; then
						record "$out" "$impl.$backend.$size"
					else
						cp "$out.err" "$WORK/$impl.$backend.$size.fail" 2>/dev/null || true
					fi
					[ "$backend" = afxdp ] && sleep "$REBIND_GAP"
				done
			done
		done
	done
	printf '%60s\r' '' >&2
}

# loss PREFIX : median rx loss %, or - for the offered rows.
loss() { [ -e "$1.loss" ] && printf '%.3f' "$(median "$1.loss")" || printf -- -; }

fmt() { [ "$1" = nan ] && printf '%s' "n/a" || printf '%.3f' "$1"; }

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "n/a";
		else printf "%.2f", a / b }'
}

print_row() {
	local backend=$1 size=$2 side=$3 r l rp lp
	r=$WORK/raw.$backend.$size.$side
	l=$WORK/lagnic.$backend.$size.$side
	rp=$(median "$r.pps") lp=$(median "$l.pps")
	printf '%-8s %5s  %-7s %9s %9s  %9s %9s  %6s  %7s %7s\n' \
		"$backend" "$size" "$side" \
		"$(fmt "$(awk -v v="$rp" 'BEGIN { print (v == "nan") ? v : v / 1e6 }')")" \
		"$(fmt "$(median "$r.gbps")")" \
		"$(fmt "$(awk -v v="$lp" 'BEGIN { print (v == "nan") ? v : v / 1e6 }')")" \
		"$(fmt "$(median "$l.gbps")")" \
		"$(ratio "$lp" "$rp")" \
		"$(loss "$r")" "$(loss "$l")"
}

print_table() {
	local backend size f
	printf '%-8s %5s  %-7s %9s %9s  %9s %9s  %6s  %7s %7s\n' backend size side \
		"raw Mpps" "raw Gb/s" "lag Mpps" "lag Gb/s" "ratio" "raw%los" "lag%los"
	for backend in $BACKENDS; do
		for size in $SIZES; do
			print_row "$backend" "$size" offered
			print_row "$backend" "$size" received
		done
	done
	for f in "$WORK"/*.fail; do
		[ -e "$f" ] || continue
		printf 'failed: %s: %s\n' "$(basename "$f" .fail)" "$(head -1 "$f")"
	done
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "port_bench: $DUR s per run, median of $REPS; $(nproc) CPUs ($(uname -r));" \
	"foreign load now: $(foreign_load); load average $(loadavg)"
run_matrix
print_table
echo "Gbit/s: L2 frame bytes, no preamble/IFG/FCS. ratio: lagnic/raw Mpps." \
	"%los: rx loss by sequence (received rows)."
echo "foreign load after: $(foreign_load); runs flagged (foreign load seen): $FLAGGED;" \
	"load average $(loadavg)"
