#!/bin/bash
# lag_throughput.sh - throughput through lagnic's LAG (two veth links, many
# flows) next to one raw veth link of the same backend, in one invocation.
#
#   bench/lag_throughput.sh [-d SEC] [-r REPS] [-b "afpacket afxdp"]
#                           [-m "balance-xor 802.3ad"] [-s "64 1500"] [-f FLOWS]
#
# Env: BUILD (meson build dir, default build), BACKENDS (same as -b).
# Needs root and jq. Makes its own testbed (lthr<pid>: h0, h1 joined by
# eth0 and eth1) and removes it on exit, also on failure or Ctrl-C.
#
# For each backend: "raw" runs lagnic-portperf tx in h0 and rx in h1 on
# eth0 directly (the port backend on one veth, no lagnicd). Then, for each
# mode, lagnicd runs in h0 and in h1 over eth0+eth1 (that backend,
# xmit_hash_policy=layer3+4; 802.3ad with lacp_rate=fast, negotiated
# between the two lagnicd) and the same tool runs on lag0 in each host
# (--backend afpacket: lag0 is a TAP). Every run sends FLOWS UDP flows
# (source ports 1024..) to the receiver's MAC; the table shows medians of
# REPS runs, LAG/raw, and how h0's two links shared the frames.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TESTBED=$ROOT/scripts/testbed.sh
PEERS=${PEERS:-/work/shared/peers}
PORTPERF=$BUILD/src/tools/lagnic-portperf
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
DUR=5 REPS=3 BACKENDS=${BACKENDS:-"afpacket afxdp"} SIZES="64 1500" FLOWS=64
MODES="balance-xor 802.3ad"
REBIND_GAP=1.2		# AF_XDP refuses to re-bind within ~1 s of a close
RX_GRACE=3		# s after tx ends before rx is told to stop and report
TB=lthr$$

usage() { sed -n '2,18p' "$0"; exit 2; }
while getopts "d:r:b:m:s:f:h" opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	r) REPS=$OPTARG ;;
	b) BACKENDS=$OPTARG ;;
	m) MODES=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	f) FLOWS=$OPTARG ;;
	*) usage ;;
	esac
done
[[ $DUR =~ ^[0-9]+$ && $DUR -gt 0 && $REPS =~ ^[0-9]+$ && $REPS -gt 0 ]] || usage
[[ $FLOWS =~ ^[0-9]+$ && $FLOWS -gt 0 ]] || usage
for b in $BACKENDS; do [[ $b = afpacket || $b = afxdp ]] || usage; done
for m in $MODES; do [[ $m = balance-xor || $m = 802.3ad ]] || usage; done
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] || usage; done
[ "$(id -u)" -eq 0 ] || { echo "lag_throughput: needs root" >&2; exit 1; }
for bin in "$PORTPERF" "$LAGNICD" "$LAGNICCTL"; do
	[ -x "$bin" ] || { echo "lag_throughput: $bin missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "lag_throughput: needs jq" >&2; exit 1; }

if [ -f "$PEERS/lib.sh" ]; then
	# shellcheck source=/dev/null
	source "$PEERS/lib.sh"
else
	foreign_load() { pgrep -c -f '^qemu-system' 2>/dev/null || true; }
fi
# shellcheck source=bench/portperf_lib.sh
source "$HERE/portperf_lib.sh"

WORK=$(mktemp -d /tmp/lag_throughput.XXXXXX)
cleanup() { pp_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

FLAGGED=0
inns() { local h=$1; shift; "$TESTBED" exec "$TB" "$h" "$@"; }

# bounded wait for a state: wait_for SEC CMD...
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# A fresh testbed (the previous one, its processes included, goes first).
testbed_new() {
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	PP_PIDS=()	# testbed.sh down ended them; never signal a stale PID
	"$TESTBED" pair "$TB" 2
}

ifmac_of() { inns "$1" cat "/sys/class/net/$2/address"; }
ifstat_of() { inns "$1" cat "/sys/class/net/$2/statistics/$3"; }

lacp_in_sync() {
	inns "$1" "$LAGNICCTL" -s "$WORK/$1.sock" -j show | jq -e '
		(.members | length) == 2 and all(.members[];
		    .collecting and .distributing and
		    .lacp.mux == "collecting_distributing" and
		    (.lacp.partner.state | tostring | contains("synchronization")))' \
		>/dev/null
}

lag_has_carrier() { inns "$1" ip -br link show lag0 | grep -q LOWER_UP; }

# start_lag BACKEND MODE : lagnicd in h0 and h1, lag0 up and ready.
# 1 with a reason in $WORK/lag.err if it did not come up.
start_lag() {
	local backend=$1 mode=$2 h extra=()
	if [ "$mode" = 802.3ad ]; then extra=(-o lacp_rate=fast); fi
	for h in h0 h1; do
		pp_spawn "$h" "$WORK/lagnicd-$h.log" "$LAGNICD" -s "$WORK/$h.sock" \
			-b "$backend" -o "mode=$mode" -o xmit_hash_policy=layer3+4 \
			"${extra[@]}" -p eth0 -p eth1
	done
	for h in h0 h1; do
		if ! wait_for 10 inns "$h" ip link show lag0; then
			echo "lagnicd in $h made no lag0: $(tail -1 "$WORK/lagnicd-$h.log")" >"$WORK/lag.err"
			return 1
		fi
		inns "$h" ip link set lag0 up
	done
	if [ "$mode" = 802.3ad ]; then
		for h in h0 h1; do
			wait_for 20 lacp_in_sync "$h" || {
				echo "LACP did not reach collecting/distributing in $h" >"$WORK/lag.err"
				return 1
			}
		done
	fi
	for h in h0 h1; do
		wait_for 10 lag_has_carrier "$h" || {
			echo "lag0 in $h has no carrier" >"$WORK/lag.err"
			return 1
		}
	done
}

# stop_rx PID : rx stops by itself at the end marker; the TAP may drop the
# markers (a full queue when tx ends), so after RX_GRACE s it is told to
# stop (SIGINT: it reports what it counted) and after 5 s more killed.
stop_rx() {
	local pid=$1 i
	for ((i = 0; i < RX_GRACE * 20; i++)); do
		pp_alive "$pid" || return 0
		sleep 0.05
	done
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		pp_alive "$pid" || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	return 1
}

# h0's frames per link: eth0 and eth1 tx counters
snap() { echo "$(ifstat_of h0 eth0 tx_packets) $(ifstat_of h0 eth1 tx_packets)"; }

# run_one IF BACKEND SIZE DST OUT : one rx+tx run. OUT.tx, OUT.rx: the
# JSON reports; OUT.links: "eth0 eth1" frame deltas in h0.
run_one() {
	local ifname=$1 backend=$2 size=$3 dst=$4 out=$5 pid load0 load1 s0 s1
	local args=(--backend "$backend" --if "$ifname" --size "$size" --json)
	load0=$(foreign_load)
	pp_spawn h1 "$out.rxlog" "$PORTPERF" rx "${args[@]}" --duration $((DUR + 30))
	pid=$PP_PID
	if ! pp_wait_ready "$out.rxlog" "$pid"; then
		grep -v '^libbpf\|^libxdp' "$out.rxlog" | head -3 >"$out.err"
		pp_wait_exit "$pid" 1 || true
		return 1
	fi
	read -r -a s0 <<<"$(snap)"
	if ! inns h0 "$PORTPERF" tx "${args[@]}" --flows "$FLOWS" --dst "$dst" \
		--duration "$DUR" >"$out.txlog" 2>&1; then
		grep -v '^libbpf\|^libxdp\|^{' "$out.txlog" | head -3 >"$out.err"
		pp_wait_exit "$pid" 1 || true
		return 1
	fi
	stop_rx "$pid" || true
	read -r -a s1 <<<"$(snap)"
	echo "$((s1[0] - s0[0])) $((s1[1] - s0[1]))" >"$out.links"
	load1=$(foreign_load)
	pp_json "$out.txlog" >"$out.tx"
	pp_json "$out.rxlog" >"$out.rx"
	if [ "${load0:-0}" != 0 ] || [ "${load1:-0}" != 0 ]; then
		FLAGGED=$((FLAGGED + 1))
	fi
	if ! [ -s "$out.rx" ]; then
		echo "rx gave no report" >"$out.err"
		return 1
	fi
	[ -s "$out.tx" ]
}

# record OUT KEY : the figures of one run into per-metric files.
record() {
	local out=$1 key=$2 e0 e1
	jq -r '.pps' "$out.tx" >>"$WORK/$key.tx.pps"
	jq -r '.pps' "$out.rx" >>"$WORK/$key.rx.pps"
	jq -r '.gbps' "$out.rx" >>"$WORK/$key.rx.gbps"
	jq -r '.loss_pct' "$out.rx" >>"$WORK/$key.rx.loss"
	read -r e0 e1 <"$out.links"
	awk -v a="$e0" -v b="$e1" -v w="$WORK/$key" 'BEGIN {
		s = a + b
		print (s ? 100 * a / s : 0) >> (w ".eth0")
		print (s ? 100 * b / s : 0) >> (w ".eth1") }'
}

# progress TEXT : one status line, on a terminal only
progress() { if [ -t 2 ]; then printf '%-60s\r' "$1" >&2; fi; }

# failed KEY REASON
failed() { echo "$2" >"$WORK/$1.fail"; }

# run_path BACKEND PATH : REPS x SIZES over lag0 (PATH a mode) or eth0 (raw)
run_path() {
	local backend=$1 path=$2 size rep ifname=eth0 tool_backend=$1 dst out key
	if [ "$path" != raw ]; then
		ifname=lag0 tool_backend=afpacket
	fi
	dst=$(ifmac_of h1 "$ifname")
	for size in $SIZES; do
		key=$path.$backend.$size
		for ((rep = 1; rep <= REPS; rep++)); do
			progress "$(printf '  %-11s %-8s %4s B  run %d/%d' "$path" "$backend" "$size" "$rep" "$REPS")"
			out=$WORK/$key.$rep
			if run_one "$ifname" "$tool_backend" "$size" "$dst" "$out"; then
				record "$out" "$key"
			else
				failed "$key" "$(head -1 "$out.err" 2>/dev/null)"
			fi
			if [ "$path" = raw ] && [ "$backend" = afxdp ]; then
				sleep "$REBIND_GAP"
			fi
		done
	done
}

run_matrix() {
	local backend mode
	for backend in $BACKENDS; do
		testbed_new
		run_path "$backend" raw
		for mode in $MODES; do
			testbed_new
			if start_lag "$backend" "$mode"; then
				run_path "$backend" "$mode"
				grep -h 'error\|warn' "$WORK"/lagnicd-h*.log 2>/dev/null | head -3 |
					sed "s/^/  lagnicd $backend $mode: /" >>"$WORK/notes" || true
			else
				failed "$mode.$backend" "$(cat "$WORK/lag.err")"
			fi
		done
		"$TESTBED" down "$TB" >/dev/null 2>&1 || true
		PP_PIDS=()
		if [ "$backend" = afxdp ]; then sleep "$REBIND_GAP"; fi
	done
	progress ''
}

median() {
	{ cat "$@" 2>/dev/null || true; } | sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

fmt() {	# fmt VALUE DIVISOR DECIMALS
	awk -v v="$1" -v d="$2" -v n="$3" 'BEGIN {
		if (v == "nan") print "n/a"; else printf "%.*f\n", n, v / d }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "n/a";
		else printf "%.2f", a / b }'
}

ROWFMT='%-8s %5s  %-11s %8s %8s %8s %7s %6s  %6s %6s\n'
print_row() {
	local backend=$1 size=$2 path=$3 k r
	k=$WORK/$path.$backend.$size
	r=$WORK/raw.$backend.$size
	# shellcheck disable=SC2059
	printf "$ROWFMT" "$backend" "$size" "$path" \
		"$(fmt "$(median "$k.tx.pps")" 1e6 3)" \
		"$(fmt "$(median "$k.rx.pps")" 1e6 3)" \
		"$(fmt "$(median "$k.rx.gbps")" 1 3)" \
		"$(fmt "$(median "$k.rx.loss")" 1 2)" \
		"$(ratio "$(median "$k.rx.pps")" "$(median "$r.rx.pps")")" \
		"$(fmt "$(median "$k.eth0")" 1 1)" "$(fmt "$(median "$k.eth1")" 1 1)"
}

print_table() {
	local backend size path f
	# shellcheck disable=SC2059
	printf "$ROWFMT" backend size path "tx Mpps" "rx Mpps" "rx Gb/s" "rx%los" \
		ratio "eth0%" "eth1%"
	for backend in $BACKENDS; do
		for size in $SIZES; do
			for path in raw $MODES; do
				print_row "$backend" "$size" "$path"
			done
		done
	done
	for f in "$WORK"/*.fail; do
		[ -e "$f" ] || continue
		printf 'failed: %s: %s\n' "$(basename "$f" .fail)" "$(head -1 "$f")"
	done
	[ -s "$WORK/notes" ] && sort -u "$WORK/notes"
	return 0
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "lag_throughput: $DUR s per run, median of $REPS, $FLOWS flows; $(nproc) CPUs" \
	"($(uname -r)); foreign load now: $(foreign_load); load average $(loadavg)"
run_matrix
print_table
echo "rx Mpps/Gb/s: received test frames (L2 bytes, no preamble/IFG/FCS)." \
	"ratio: rx Mpps / raw rx Mpps, same backend and size."
echo "eth0%/eth1%: how h0's frames split over the links (veth tx counters)." \
	"tx Mpps: frames the sender's socket took (on lag0: at lagnicd's pace)."
echo "foreign load after: $(foreign_load); runs flagged (foreign load seen): $FLAGGED;" \
	"load average $(loadavg)"
