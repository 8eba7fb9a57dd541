#!/bin/bash
# vf_throughput.sh - a VF's throughput to and from the wire next to the PF
# (lag0) and the raw port of the same backend, in one invocation, as
# ratios VF/raw, PF/raw, VF/PF.
#
#   BUILD=build-vfb bench/vf_throughput.sh [-d SEC] [-r REPS] [-b "afpacket afxdp"]
#                       [-m MODE] [-s "64 1500"] [-f FLOWS] [-t "udp tcp"] [-p pf|vf]
#
# Defaults: -d 5 -r 3 -b afpacket -m balance-xor -s "64 1500" -f 64
# -t "udp tcp" -p pf. Env: BUILD (meson build dir, default build),
# BACKENDS (as -b). Needs root, jq and python3. 54 runs per backend with
# the defaults: 10 minutes at a load average of 5, 15 at 10-20. Its testbed is vbt<pid> (hosts h0 "A" and h1 "B" joined
# by eth0, eth1 (the LAG) and eth2 (raw), and the containers vbt<pid>-c0,
# -c1); everything is removed on exit, also on failure or Ctrl-C, and every
# process it started is ended by its PID.
#
# lagnicd (the backend, MODE, xmit_hash_policy=layer3+4, miimon 100;
# 802.3ad with lacp_rate=fast between the two lagnicd) runs in A and in B
# over eth0+eth1. A's VF 0 (TAP lagvf0) is moved into container c0. The
# other end is B's PF lag0 (-p pf) or B's VF 0 in container c1 (-p vf).
# Three paths, measured in turn within each repetition (raw, pf, vf, raw,
# ...), so that the machine's load falls on all three alike:
#   raw  A eth2 <-> B eth2 (one veth; lagnicd has no part in it)
#   pf   A lag0 <-> the other end, through both lagnicd
#   vf   c0 lagvf0 <-> the other end, through both lagnicd
# (With -p vf, "pf" is A's lag0 to B's VF, "vf" A's VF to B's VF.)
# Two directions: A->B (VF to wire) and B->A (wire to VF).
# udp: lagnic-portperf tx/rx (--backend afpacket on the TAPs, the backend on
#   raw eth2), FLOWS UDP flows to the receiver's MAC: received Mpps.
# tcp: one TCP connection (bench/vf_stream.py, 64 KiB writes, unpaced) for
#   SEC seconds: payload Gb/s at the receiver, first to last byte.
# Printed: medians of REPS runs per path and the ratios of the medians.
# Limits: on 2 shared vCPUs the lagnicd paths run 4+ busy processes (two
# TAP crossings, two lagnicd) against 2 for raw, so ratios well under 1
# are the host, not the links; vf/pf is the figure this script is for
# (same path but the VF's TAP in a container). The VF's min-max over the
# runs is printed: a spread of 2x or more between runs is common there.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TESTBED=$ROOT/scripts/testbed.sh
PORTPERF=$BUILD/src/tools/lagnic-portperf
LAGNICD=${LAGNICD:-$BUILD/lagnicd}
LAGNICCTL=${LAGNICCTL:-$BUILD/src/cli/lagnicctl}
STREAM=$HERE/vf_stream.py
PY=$(python3 -c 'import sys; print(sys.executable)')
DUR=5 REPS=3 BACKENDS=${BACKENDS:-afpacket} SIZES="64 1500" FLOWS=64
MODE=balance-xor PROTOS="udp tcp" PEER=pf
REBIND_GAP=1.2		# AF_XDP refuses to re-bind within ~1 s of a close
RX_GRACE=3		# s after tx ends before rx is told to stop and report
TB=vbt$$
NS_A=$TB-h0 NS_B=$TB-h1 CT_A=$TB-c0 CT_B=$TB-c1
VF_MAC_A=02:aa:00:00:00:10 VF_MAC_B=02:aa:00:00:00:11
NET=10.77.1 RAWNET=10.77.2

usage() { sed -n '2,38p' "$0"; exit 2; }
while getopts "d:r:b:m:s:f:t:p:h" opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	r) REPS=$OPTARG ;;
	b) BACKENDS=$OPTARG ;;
	m) MODE=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	f) FLOWS=$OPTARG ;;
	t) PROTOS=$OPTARG ;;
	p) PEER=$OPTARG ;;
	*) usage ;;
	esac
done
[[ $DUR =~ ^[0-9]+$ && $DUR -gt 0 && $REPS =~ ^[0-9]+$ && $REPS -gt 0 ]] || usage
[[ $FLOWS =~ ^[0-9]+$ && $FLOWS -gt 0 ]] || usage
for b in $BACKENDS; do [[ $b = afpacket || $b = afxdp ]] || usage; done
for p in $PROTOS; do [[ $p = udp || $p = tcp ]] || usage; done
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] || usage; done
[[ $MODE = active-backup || $MODE = balance-xor || $MODE = 802.3ad ]] || usage
[[ $PEER = pf || $PEER = vf ]] || usage
[ "$(id -u)" -eq 0 ] || { echo "vf_throughput: needs root" >&2; exit 1; }
for bin in "$PORTPERF" "$LAGNICD" "$LAGNICCTL"; do
	[ -x "$bin" ] || { echo "vf_throughput: $bin missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "vf_throughput: needs jq" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vf_throughput.XXXXXX)
# shellcheck source=bench/proc_lib.sh
source "$HERE/proc_lib.sh"

# Our processes first (by PID), then lagnicd's namespaces (its TAPs go
# with it), then the containers.
cleanup() { teardown; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ctl() { local h=$1; shift; nsx "$TB-$h" "$LAGNICCTL" -s "$WORK/$h.sock" "$@"; }
mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }
carrier() { nsx "$1" ip -br link show "$2" | grep -q LOWER_UP; }

lacp_in_sync() {
	ctl "$1" -j show | jq -e '
		(.members | length) == 2 and all(.members[];
		    .collecting and .distributing and
		    .lacp.mux == "collecting_distributing" and
		    (.lacp.partner.state | tostring | contains("synchronization")))'
}

# ct_up HOST NS ADDR : VF 0 of HOST (lagvf0) into container NS, addressed
ct_up() {
	local h=$1 ns=$2 addr=$3
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$ns" link set lo up
	ip -n "$TB-$h" link set lagvf0 netns "$ns"
	ip -n "$ns" addr add "$addr/24" dev lagvf0
	ip -n "$ns" link set lagvf0 up
	wait_for 10 carrier "$ns" lagvf0
}

# setup BACKEND : the testbed, both lagnicd, the VF(s) in their containers,
# addresses everywhere. 1 with a reason in $WORK/setup.err.
setup() {
	local backend=$1 h extra=()
	teardown
	"$TESTBED" pair "$TB" 3
	[ "$MODE" = 802.3ad ] && extra=(-o lacp_rate=fast)
	for h in h0 h1; do
		spawn "$TB-$h" "$WORK/lagnicd-$h.log" "$LAGNICD" -s "$WORK/$h.sock" \
			-r "$WORK/$h.rdma.sock" -b "$backend" -o "mode=$MODE" \
			-o xmit_hash_policy=layer3+4 -o miimon=100 "${extra[@]}" \
			-p eth0 -p eth1
	done
	for h in h0 h1; do
		wait_for 10 ctl "$h" show || {
			echo "lagnicd in $h did not start: $(tail -1 "$WORK/lagnicd-$h.log")" >"$WORK/setup.err"
			return 1
		}
		nsx "$TB-$h" ip link set lag0 up
	done
	nsx "$NS_A" ip addr add "$NET.1/24" dev lag0
	nsx "$NS_B" ip addr add "$NET.2/24" dev lag0
	nsx "$NS_A" ip addr add "$RAWNET.1/24" dev eth2
	nsx "$NS_B" ip addr add "$RAWNET.2/24" dev eth2
	if [ "$MODE" = 802.3ad ]; then
		for h in h0 h1; do
			wait_for 30 lacp_in_sync "$h" || {
				echo "LACP did not reach collecting/distributing in $h" >"$WORK/setup.err"
				return 1
			}
		done
	fi
	ctl h0 vf add 0 mac "$VF_MAC_A" >/dev/null
	ct_up h0 "$CT_A" "$NET.10" || { echo "A's VF has no carrier" >"$WORK/setup.err"; return 1; }
	if [ "$PEER" = vf ]; then
		ctl h1 vf add 0 mac "$VF_MAC_B" >/dev/null
		ct_up h1 "$CT_B" "$NET.11" || { echo "B's VF has no carrier" >"$WORK/setup.err"; return 1; }
	fi
	for h in h0 h1; do
		wait_for 10 carrier "$TB-$h" lag0 || { echo "lag0 in $h has no carrier" >"$WORK/setup.err"; return 1; }
	done
	# ARP resolved both ways on every path before anything is timed
	if ! nsx "$NS_A" ping -c 1 -W 2 "$RAWNET.2" >/dev/null ||
		! nsx "$NS_A" ping -c 1 -W 2 "$NET.2" >/dev/null ||
		! nsx "$CT_A" ping -c 1 -W 2 "$(b_addr)" >/dev/null; then
		echo "no ping over some path" >"$WORK/setup.err"
		return 1
	fi
}

teardown() {
	local ns
	stop_all
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	for ns in "$CT_A" "$CT_B"; do ip netns del "$ns" 2>/dev/null || true; done
}

# the other end: B's PF or B's VF
b_ns() { if [ "$PEER" = vf ]; then echo "$CT_B"; else echo "$NS_B"; fi; }
b_if() { if [ "$PEER" = vf ]; then echo lagvf0; else echo lag0; fi; }
b_addr() { if [ "$PEER" = vf ]; then echo "$NET.11"; else echo "$NET.2"; fi; }

# ends PATH : "NS_A IF_A ADDR_A NS_B IF_B ADDR_B"
ends() {
	case $1 in
	raw) echo "$NS_A eth2 $RAWNET.1 $NS_B eth2 $RAWNET.2" ;;
	pf)  echo "$NS_A lag0 $NET.1 $(b_ns) $(b_if) $(b_addr)" ;;
	vf)  echo "$CT_A lagvf0 $NET.10 $(b_ns) $(b_if) $(b_addr)" ;;
	esac
}

# run_udp TXNS TXIF RXNS RXIF BACKEND SIZE OUT : one portperf run; OUT.rx
# the receiver's JSON report
run_udp() {
	local txns=$1 txif=$2 rxns=$3 rxif=$4 backend=$5 size=$6 out=$7 pid dst i
	local args=(--backend "$backend" --size "$size" --json)
	dst=$(mac_of "$rxns" "$rxif")
	spawn "$rxns" "$out.rxlog" "$PORTPERF" rx "${args[@]}" --if "$rxif" \
		--duration $((DUR + 30))
	pid=$SPID
	for ((i = 0; i < 500; i++)); do
		grep -q "rx ready" "$out.rxlog" 2>/dev/null && break
		alive "$pid" || break
		sleep 0.02
	done
	if ! grep -q "rx ready" "$out.rxlog"; then
		echo "rx: $(grep -v '^libbpf\|^libxdp' "$out.rxlog" | head -1)" >"$out.err"
		wait_exit "$pid" 1 || true
		return 1
	fi
	if ! nsx "$txns" "$PORTPERF" tx "${args[@]}" --if "$txif" --flows "$FLOWS" \
		--dst "$dst" --duration "$DUR" >"$out.txlog" 2>&1; then
		echo "tx: $(grep -v '^libbpf\|^libxdp\|^{' "$out.txlog" | head -1)" >"$out.err"
		wait_exit "$pid" 1 || true
		return 1
	fi
	wait_exit "$pid" "$RX_GRACE" || true
	grep -m1 '^{' "$out.rxlog" >"$out.rx" 2>/dev/null || true
	[ -s "$out.rx" ] || { echo "rx gave no report" >"$out.err"; return 1; }
}

# run_tcp TXNS RXNS RXADDR OUT : one TCP stream for DUR s; OUT.rx the
# sink's JSON report
run_tcp() {
	local txns=$1 rxns=$2 addr=$3 out=$4 pid
	rm -f "$out.ready"
	spawn "$rxns" "$out.rxlog" "$PY" "$STREAM" sink "$addr" 5201 --ready "$out.ready"
	pid=$SPID
	wait_for 10 test -e "$out.ready" || {
		echo "tcp sink did not listen: $(head -1 "$out.rxlog")" >"$out.err"
		wait_exit "$pid" 1 || true
		return 1
	}
	if ! nsx "$txns" "$PY" "$STREAM" source "$addr" 5201 --duration "$DUR" \
		>"$out.txlog" 2>&1; then
		echo "tcp source: $(tail -1 "$out.txlog")" >"$out.err"
		wait_exit "$pid" 1 || true
		return 1
	fi
	wait_exit "$pid" 10 || true
	grep -m1 '^{' "$out.rxlog" >"$out.rx" 2>/dev/null || true
	[ -s "$out.rx" ] || { echo "tcp sink gave no report" >"$out.err"; return 1; }
}

# one BACKEND PROTO SIZE DIR PATH REP : one run, its figure recorded
one() {
	local backend=$1 proto=$2 size=$3 dir=$4 path=$5 rep=$6 key out
	local na ia aa nb ib ab tb=afpacket
	read -r na ia aa nb ib ab <<<"$(ends "$path")"
	[ "$path" = raw ] && tb=$backend
	key=$backend.$proto.$size.$dir.$path
	out=$WORK/$key.$rep
	progress "$(printf '  %s %s %s %s %s  run %d/%d' "$backend" "$proto" "$size" "$dir" "$path" "$rep" "$REPS")"
	if [ "$proto" = udp ]; then
		if [ "$dir" = A-B ]; then
			run_udp "$na" "$ia" "$nb" "$ib" "$tb" "$size" "$out"
		else
			run_udp "$nb" "$ib" "$na" "$ia" "$tb" "$size" "$out"
		fi
	else
		if [ "$dir" = A-B ]; then
			run_tcp "$na" "$nb" "$ab" "$out"
		else
			run_tcp "$nb" "$na" "$aa" "$out"
		fi
	fi && {
		if [ "$proto" = udp ]; then
			jq -r '.pps' "$out.rx" >>"$WORK/$key.val"
			jq -r '.loss_pct' "$out.rx" >>"$WORK/$key.loss"
		else
			jq -r '.gbps' "$out.rx" >>"$WORK/$key.val"
		fi
	} || echo "$key run $rep: $(head -1 "$out.err" 2>/dev/null)" >>"$WORK/fails"
	if [ "$path" = raw ] && [ "$backend" = afxdp ]; then sleep "$REBIND_GAP"; fi
	return 0
}

progress() { if [ -t 2 ]; then printf '%-60s\r' "$1" >&2; fi; }

sizes_of() { if [ "$1" = udp ]; then echo "$SIZES"; else echo tcp; fi; }

run_backend() {
	local backend=$1 rep proto size dir path
	if ! setup "$backend"; then
		echo "$backend: setup failed: $(cat "$WORK/setup.err")" >>"$WORK/fails"
		return 0
	fi
	for ((rep = 1; rep <= REPS; rep++)); do
		for proto in $PROTOS; do
			for size in $(sizes_of "$proto"); do
				for dir in A-B B-A; do
					for path in raw pf vf; do
						one "$backend" "$proto" "$size" "$dir" "$path" "$rep"
					done
				done
			done
		done
	done
	grep -h 'error\|warn' "$WORK"/lagnicd-h*.log 2>/dev/null | sort -u | head -5 |
		sed "s/^/  lagnicd $backend: /" >>"$WORK/notes" || true
	teardown
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

spread() {	# min-max of a run's values, /DIVISOR, DECIMALS
	[ -s "$1" ] || { echo n/a; return; }
	sort -g "$1" | awk -v d="$2" -v n="$3" '{ v[NR] = $1 }
		END { printf "%.*f-%.*f", n, v[1] / d, n, v[NR] / d }'
}

ROWFMT='%-8s %-4s %5s %-4s %8s %8s %8s  %6s %6s %6s  %s\n'
print_table() {
	local backend proto size dir k r p v div dec unit
	# shellcheck disable=SC2059
	printf "$ROWFMT" backend prot size dir raw pf vf pf/raw vf/raw vf/pf \
		"loss% raw/pf/vf | vf min-max"
	for backend in $BACKENDS; do
		for proto in $PROTOS; do
			div=1e6 dec=3
			[ "$proto" = tcp ] && div=1 dec=3
			for size in $(sizes_of "$proto"); do
				for dir in A-B B-A; do
					k=$WORK/$backend.$proto.$size.$dir
					r=$(median "$k.raw.val") p=$(median "$k.pf.val") v=$(median "$k.vf.val")
					unit="| $(spread "$k.vf.val" "$div" "$dec")"
					[ "$proto" = udp ] && unit="$(fmt "$(median "$k.raw.loss")" 1 1)/$(fmt "$(median "$k.pf.loss")" 1 1)/$(fmt "$(median "$k.vf.loss")" 1 1) $unit"
					# shellcheck disable=SC2059
					printf "$ROWFMT" "$backend" "$proto" "$size" "$dir" \
						"$(fmt "$r" "$div" "$dec")" "$(fmt "$p" "$div" "$dec")" \
						"$(fmt "$v" "$div" "$dec")" "$(ratio "$p" "$r")" \
						"$(ratio "$v" "$r")" "$(ratio "$v" "$p")" "$unit"
				done
			done
		done
	done
	[ -s "$WORK/fails" ] && sed 's/^/failed: /' "$WORK/fails"
	[ -s "$WORK/notes" ] && cat "$WORK/notes"
	return 0
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "vf_throughput: $MODE, $DUR s per run, median of $REPS, udp $FLOWS flows;" \
	"other end: B's $PEER; $(nproc) CPUs ($(uname -r)); load average $(loadavg)"
for backend in $BACKENDS; do run_backend "$backend"; done
print_table
echo "udp: received Mpps (lagnic-portperf, frames to the receiver's MAC), loss% by sequence;" \
	"tcp: payload Gb/s of one connection at the receiver."
echo "A-B: A (raw eth2 | PF lag0 | VF in c0) sends to B; B-A: B sends to A (wire to VF)." \
	"Ratios are of the medians; 'vf min-max' the VF's spread over the runs."
echo "load average at the end: $(loadavg)"
