#!/bin/bash
# LACP keeps its timing whatever the datapath does. Two lagnicd joined by
# two veth links negotiate 802.3ad at lacp_rate fast, so a partner that
# hears no LACPDU for 3 s times out. Then, for PHASE_S seconds each:
#   idle:  no traffic (lagnicd sleeps until its next timer);
#   flood: each host sends unpaced 64 B UDP frames into its lag0 towards
#          the other, more than lagnicd forwards (h0's lag0 queue
#          overflows: its datapath is saturated).
# On both hosts and both members, over each phase: no partner timeout, no
# churn, no link failure (miimon 100), still collecting and distributing
# in sync, an LACPDU received at least every 2 s on average, and no event
# in `lagnicctl monitor` (which is then shown to be listening by cutting a
# link).
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
PORTPERF=${PORTPERF:-$BUILD/src/tools/lagnic-portperf}
PHASE_S=${PHASE_S:-7}
TB=llacp$$
. "$(dirname "$0")/lagnicd_lib.sh"
trap tb_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"
[ -x "$PORTPERF" ] || fail "no $PORTPERF"
command -v jq >/dev/null || fail "needs jq"

# lacp_counters HOST: "IF partner_timeouts actor_churn partner_churn
# lacpdu_rx link_failures" per member
lacp_counters() {
	ctl "$1" -j counters | jq -r '.ports | to_entries[] |
	    "\(.key) \(.value.counters.lacp | "\(.partner_timeouts)
	    \(.actor_churn) \(.partner_churn) \(.lacpdu_rx)")
	    \(.value.counters.link_failures)"' | tr '\n' ' ' | sed 's/  */ /g'
}

# check_phase NAME : compare every member's counters with the snapshot
check_phase() {
	local name=$1 h before after
	for h in h0 h1; do
		before=${SNAP[$h]}
		after=$(lacp_counters "$h")
		python3 - "$name" "$h" "$PHASE_S" "$before" "$after" <<'EOF' ||
import sys
name, h, secs, before, after = sys.argv[1:6]
def parse(s):
    w = s.split()
    return {w[i]: list(map(int, w[i + 1:i + 6])) for i in range(0, len(w), 6)}
b, a = parse(before), parse(after)
bad = []
for port in sorted(b):
    to, ac, pc, rx, lf = (x - y for x, y in zip(a[port], b[port]))
    print(f"# {name} {h} {port}: {rx} LACPDUs received in {secs} s, "
          f"{to} partner timeouts, churn {ac}/{pc}, {lf} link failures")
    if to or ac or pc or lf:
        bad.append(f"{port}: {to} partner timeouts, churn {ac}/{pc}, "
                   f"{lf} link failures")
    if rx < int(secs) // 2:
        bad.append(f"{port}: only {rx} LACPDUs in {secs} s")
if bad:
    print(f"FAIL: {name}, {h}: " + "; ".join(bad), file=sys.stderr)
    sys.exit(1)
EOF
			fail "LACP lost its timing while $name"
		lacp_in_sync "$h" || fail "$h: LACP not in sync after $name"
	done
	[ ! -s "$LOGDIR/monitor-h0.out" ] && [ ! -s "$LOGDIR/monitor-h1.out" ] ||
		fail "events while $name: $(cat "$LOGDIR"/monitor-h*.out)"
}

snapshot() {
	SNAP[h0]=$(lacp_counters h0)
	SNAP[h1]=$(lacp_counters h1)
}

cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$(cat "$LOGDIR/lagnicd-$1.pid")/stat"
}

"$TESTBED" pair "$TB" 2
for h in h0 h1; do
	start_lagnicd "$h" -o mode=802.3ad -o lacp_rate=fast -o miimon=100 \
		-o xmit_hash_policy=layer3+4 -p eth0 -p eth1
done
for h in h0 h1; do
	wait_for 15 lacp_in_sync "$h" || fail "LACP did not negotiate in $h"
done
ip_up h0 10.77.0.1/24
ip_up h1 10.77.0.2/24
for h in h0 h1; do
	bg inns "$h" "$LAGNICCTL" -s "$LOGDIR/$h.sock" monitor \
		>"$LOGDIR/monitor-$h.out"
done
declare -A SNAP

note "idle for $PHASE_S s"
snapshot
sleep "$PHASE_S"	# the window measured, not a wait for a state
check_phase idle

note "flood both ways for $PHASE_S s"
snapshot
drops0=$(inns h0 cat /sys/class/net/lag0/statistics/tx_dropped)
ticks0=$(cpu_ticks h0)
pids=()
for h in h0 h1; do
	peer=h1; [ "$h" = h1 ] && peer=h0
	dst=$(inns "$peer" cat /sys/class/net/lag0/address)
	bg inns "$h" "$PORTPERF" tx --backend afpacket --if lag0 --size 64 \
		--flows 64 --dst "$dst" --duration "$PHASE_S" \
		>"$LOGDIR/flood-$h.log" 2>&1
	pids+=("$BG_PID")
done
for pid in "${pids[@]}"; do
	wait "$pid" || fail "flood sender failed: $(cat "$LOGDIR"/flood-*.log)"
done
drops=$(( $(inns h0 cat /sys/class/net/lag0/statistics/tx_dropped) - drops0 ))
ticks=$(( $(cpu_ticks h0) - ticks0 ))
note "h0: lag0 dropped $drops frames lagnicd could not take;" \
	"lagnicd used $ticks CPU ticks ($(getconf CLK_TCK)/s)"
[ "$drops" -gt 0 ] ||
	fail "the flood did not saturate h0's datapath (lag0 dropped nothing)"
check_phase "flooded"

note "the monitors were listening"
inns h0 ip link set eth1 down
for h in h0 h1; do
	wait_for 5 grep -q "link eth1 down" "$LOGDIR/monitor-$h.out" ||
		fail "$h: monitor saw no link event: $(cat "$LOGDIR/monitor-$h.out")"
done
note "PASS"
