#!/bin/bash
# VF to VF between two lagnicd hosts through an Open vSwitch bridge. Each
# host has 8 VFs, each in a container of its own (VF i of h0 talks to VF i
# of h1), and two more in VLANs 10 and 20. MODE picks the LAG:
#   active-backup  the switch's four ports are plain (no bond): a cut of
#                  h0's active member moves every h0 VF MAC to the
#                  surviving port (ovs-appctl fdb/show);
#   802.3ad        one OVS LACP bond per host (lacp=active, balance-tcp),
#                  LACP in sync on both sides; pings of the 8 VF pairs
#                  leave on both members of both hosts.
# In both: a TCP stream VF to VF survives, data intact, a cut of the member
# carrying it; same VLAN reaches across the switch, 10 and 20 do not; a VF
# in VLAN 10 that tags its frames 20 has them dropped and counted.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
MODE=${MODE:-active-backup}
TB=lvxo$$
. "$(dirname "$0")/lagnicd_lib.sh"
PEERS=${PEERS:-$SRC/../shared/peers}
OVS=$PEERS/ovs-lacp-switch.sh
NVF=8			# VFs 0..7 untagged; VF 8 in VLAN 10, VF 9 in VLAN 20
CTS=()

# the switch, then lagnicd (its TAPs go with it), then the containers
hosts_cleanup() {
	local rc=$? ns
	[ -x "$OVS" ] && "$OVS" "$TB-sw" - - stop >/dev/null 2>&1 || true
	"$TESTBED" down "$TB" >/dev/null 2>&1 || true
	for ns in "${CTS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	(exit "$rc")
	tb_cleanup
}
trap hosts_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$LAGNICD" ] || fail "no $LAGNICD"
[ -x "$OVS" ] || fail "no Open vSwitch starter at $OVS"
command -v ovs-vswitchd >/dev/null || fail "openvswitch-switch is not installed"
case $MODE in
active-backup|802.3ad) ;;
*) fail "MODE must be active-backup or 802.3ad, not '$MODE'" ;;
esac

export CACHE=$LOGDIR/ovs
fdb() { "$OVS" "$TB-sw" - - appctl fdb/show br0; }
ofport() { "$OVS" "$TB-sw" - - ctl get interface "$1" ofport; }
ct() { echo "$TB-$1c$2"; }		# ct HOST VF: VF's container
inct() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
vf_mac() { printf '02:aa:00:00:%02x:%02x\n' "${1#h}" $((0x10 + $2)); }
# untagged VFs; layer3+4 hashes ICMP by the XOR of the two addresses, and
# it differs between the 8 pairs (10+i with 50+i gave one XOR for most i)
vf_ip() {
	if [ "$1" = h0 ]; then echo "10.89.0.$((16 + $2))"
	else echo "10.89.0.$((64 + 2 * $2))"; fi
}
# the VLAN VFs share one subnet: only their VLAN keeps them apart
vlan_ip() { echo "10.89.1.$(($1 + ${2#h}))"; }		# vlan_ip VLAN HOST

# ctr HOST KEY...: `lagnicctl -j counters` of HOST, the value at KEY...
ctr() {
	ctl "$1" -j counters | python3 -c '
import json, sys
c = json.load(sys.stdin)
for k in sys.argv[1:]:
    c = c[k]
print(c)' "${@:2}"
}
member_tx() { ctr "$1" ports "$2" counters tx_packets; }

# vf_up HOST VF ADDR [vlan V]: VF into a container of its own, addressed
vf_up() {
	local h=$1 i=$2 addr=$3 ns
	ns=$(ct "$h" "$i")
	ctl "$h" vf add "$i" mac "$(vf_mac "$h" "$i")" "${@:4}" >/dev/null
	CTS+=("$ns")
	ip netns add "$ns"
	inct "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	inct "$ns" ip link set lo up
	inns "$h" ip link set "lagvf$i" netns "$ns"
	inct "$ns" ip addr add "$addr/24" dev "lagvf$i"
	inct "$ns" ip link set "lagvf$i" up
}

# every MAC given on ofport $1 (any VLAN)
all_on() {
	local port=$1 out m
	shift
	out=$(fdb)
	for m in "$@"; do
		awk -v m="$m" -v p="$port" \
		    '$3 == m && $1 == p { f = 1 } END { exit !f }' <<<"$out" ||
			return 1
	done
}
# h0_vf_macs N: the MACs of h0's VFs 0..N-1
h0_vf_macs() {
	local i
	for ((i = 0; i < $1; i++)); do vf_mac h0 "$i"; done
}

# --- the switch and the hosts
"$TESTBED" star "$TB" 2 2 none
if [ "$MODE" = 802.3ad ]; then
	for j in 0 1; do
		BOND=bond$j BOND_MODE=balance-tcp LACP=active LACP_TIME=fast \
			"$OVS" "$TB-sw" "h${j}p0" "h${j}p1" >/dev/null 2>&1 ||
			fail "Open vSwitch did not start"
	done
	opts=(-o mode=802.3ad -o lacp_rate=fast -o xmit_hash_policy=layer3+4)
else
	"$OVS" "$TB-sw" - - >/dev/null 2>&1 || fail "Open vSwitch did not start"
	for p in h0p0 h0p1 h1p0 h1p1; do
		"$OVS" "$TB-sw" - - ctl add-port br0 "$p" >/dev/null
	done
	opts=(-o mode=active-backup -o miimon=100)
fi
for h in h0 h1; do
	start_lagnicd "$h" -b "$BACKEND" "${opts[@]}" -p eth0 -p eth1
	inns "$h" ip link set lag0 up
	for ((i = 0; i < NVF; i++)); do vf_up "$h" "$i" "$(vf_ip "$h" "$i")"; done
	vf_up "$h" 8 "$(vlan_ip 10 "$h")" vlan 10
	vf_up "$h" 9 "$(vlan_ip 20 "$h")" vlan 20
done

# every member of the switch's bond for host j negotiated and enabled
ovs_in_sync() {
	local out
	out=$("$OVS" "$TB-sw" - - appctl bond/show "bond$1" 2>/dev/null)
	echo "$out" >"$LOGDIR/ovs-bond$1.txt"
	grep -q "lacp_status: negotiated" <<<"$out" &&
		[ "$(grep -c "^member .*: enabled" <<<"$out")" -eq 2 ]
}
if [ "$MODE" = 802.3ad ]; then
	for h in h0 h1; do
		wait_for 30 lacp_in_sync "$h" ||
			fail "lagnicd in $h: LACP not in sync"
	done
	for j in 0 1; do
		wait_for 30 ovs_in_sync "$j" || fail "OVS bond$j not negotiated:" \
			"$(cat "$LOGDIR/ovs-bond$j.txt")"
	done
fi

note "$MODE: ping VF i of h0 -> VF i of h1 through the switch"
for ((i = 0; i < NVF; i++)); do
	wait_for 30 inct "$(ct h0 "$i")" ping -c 1 -W 1 "$(vf_ip h1 "$i")" ||
		fail "VF $i of h0 does not reach VF $i of h1"
done

if [ "$MODE" = 802.3ad ]; then
	note "load from the 8 VF pairs: both members of both hosts send"
	declare -A tx0
	for h in h0 h1; do for m in eth0 eth1; do
		tx0[$h$m]=$(member_tx "$h" "$m")
	done; done
	pids=()
	for ((i = 0; i < NVF; i++)); do
		bg inct "$(ct h0 "$i")" ping -q -i 0.01 -c 200 -s 1000 -W 2 \
			"$(vf_ip h1 "$i")" >/dev/null 2>&1
		pids+=("$BG_PID")
	done
	for p in "${pids[@]}"; do wait "$p" || fail "pings lost under load"; done
	for h in h0 h1; do
		d0=$(($(member_tx "$h" eth0) - tx0[${h}eth0]))
		d1=$(($(member_tx "$h" eth1) - tx0[${h}eth1]))
		note "$h member tx: eth0 $d0, eth1 $d1 frames"
		[ "$d0" -ge 200 ] && [ "$d1" -ge 200 ] ||
			fail "$h: both members must carry the VF pairs' traffic"
	done
else
	active=$(ctl h0 -j show | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["active"])')
	p=$(ofport "h0p${active#eth}")
	# shellcheck disable=SC2046
	wait_for 15 all_on "$p" $(h0_vf_macs "$NVF") ||
		fail "h0's VF MACs not all on its active $active (port $p): $(fdb)"
fi

note "VLANs: 10 reaches 10 and 20 reaches 20 across the switch, not 10 <-> 20"
for v in 10 20; do
	wait_for 30 inct "$(ct h0 $((v / 10 + 7)))" ping -c 1 -W 1 \
		"$(vlan_ip "$v" h1)" || fail "VLAN $v: no ping h0 -> h1"
done
fdb | awk -v a="$(vf_mac h0 8)" -v b="$(vf_mac h0 9)" \
    '$3 == a && $2 == 10 { x = 1 } $3 == b && $2 == 20 { y = 1 }
     END { exit !(x && y) }' || fail "VLAN VFs not learnt in their VLANs: $(fdb)"
inct "$(ct h0 8)" ping -c 2 -W 1 "$(vlan_ip 20 h1)" >/dev/null 2>&1 &&
	fail "VLAN 10 reached VLAN 20"
inct "$(ct h0 9)" ping -c 2 -W 1 "$(vlan_ip 10 h1)" >/dev/null 2>&1 &&
	fail "VLAN 20 reached VLAN 10"
inct "$(ct h0 8)" ip neigh show "$(vlan_ip 20 h1)" | grep -q lladdr &&
	fail "VLAN 10 resolved an address of VLAN 20"

note "a VF in VLAN 10 tags its frames 20: dropped, counted, not on the switch"
tagged0=$(ctr h0 functions vf8 drops pvid_tagged)
inct "$(ct h0 8)" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("lagvf8", 0))
frame = (bytes.fromhex("ffffffffffff") + bytes.fromhex(sys.argv[1].replace(":", ""))
         + bytes.fromhex("8100" "0014" "88b5") + bytes(50))
for _ in range(3):
    s.send(frame)' "$(vf_mac h0 8)"
tagged_counted() { [ "$(ctr h0 functions vf8 drops pvid_tagged)" -ge "$1" ]; }
wait_for 15 tagged_counted $((tagged0 + 3)) ||
	fail "frames tagged by a VLAN VF not counted as pvid_tagged"
fdb | awk -v a="$(vf_mac h0 8)" '$3 == a && $2 == 20 { f = 1 } END { exit f }' ||
	fail "the switch saw VF 8's MAC in VLAN 20: $(fdb)"

# --- a TCP stream VF 0 of h0 -> VF 0 of h1, a cut mid-stream of the member
# that carries it (the active one; in 802.3ad the one its frames leave on).
# 12 s at its pace, and no python or lagnicctl between the 2 MiB mark and
# the cut: on a loaded CPU a python start alone has taken seconds.
# veth_tx: h0's eth0 and eth1 tx_packets, one line
veth_tx() {
	ip netns exec "$TB-h0" cat /sys/class/net/eth0/statistics/tx_packets \
		/sys/class/net/eth1/statistics/tx_packets | paste -sd' '
}
# (a $(<FILE) of a FILE not there yet ends the script: look first)
arrived() {
	local n=0
	[ -f "$LOGDIR/progress" ] && n=$(<"$LOGDIR/progress")
	[ "$n" -ge "$1" ]
}
total=24000000
if [ "$MODE" = active-backup ]; then
	cut=$(ctl h0 -j show | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["active"])')
fi
rm -f "$LOGDIR/progress"
bg inct "$(ct h1 0)" python3 "$SRC/tests/netns/tcp_sink.py" "$(vf_ip h1 0)" \
	5001 "$total" "$LOGDIR/progress" >"$LOGDIR/sink.out" 2>&1
sink=$BG_PID
wait_for 30 inct "$(ct h1 0)" sh -c "ss -ltn | grep -q :5001" ||
	fail "tcp sink did not listen: $(cat "$LOGDIR/sink.out")"
read -r s0 s1 < <(veth_tx)
bg inct "$(ct h0 0)" python3 "$SRC/tests/netns/tcp_source.py" "$(vf_ip h1 0)" \
	5001 "$total" 2000000 >"$LOGDIR/source.out" 2>&1
source=$BG_PID
wait_for 30 arrived 2097152 || fail "no 2 MiB across before the cut"
if [ "$MODE" = 802.3ad ]; then
	read -r t0 t1 < <(veth_tx)
	cut=eth0; [ $((t1 - s1)) -gt $((t0 - s0)) ] && cut=eth1
fi
inns h0 ip link set "$cut" down
at=$(<"$LOGDIR/progress")
[ "$at" -lt "$total" ] || fail "transfer ended before the cut"
if [ "$MODE" = 802.3ad ]; then
	note "stream on h0: eth0 $((t0 - s0)), eth1 $((t1 - s1)) frames (veth)"
fi
note "cut h0's $cut at $at of $total bytes"
wait "$source" || fail "tcp source: $(cat "$LOGDIR/source.out")"
wait "$sink" || fail "tcp sink: $(cat "$LOGDIR/sink.out")"
note "the stream ended intact"

left=eth0; [ "$cut" = eth0 ] && left=eth1
if [ "$MODE" = active-backup ]; then
	p=$(ofport "h0p${left#eth}")
	# the VLAN VFs' MACs too (their announcements are tagged)
	# shellcheck disable=SC2046
	wait_for 15 all_on "$p" $(h0_vf_macs $((NVF + 2))) ||
		fail "h0's VF MACs not all on the surviving $left (port $p): $(fdb)"
	note "every h0 VF MAC on port $p ($left)"
fi
for ((i = 0; i < NVF; i++)); do
	inct "$(ct h0 "$i")" ping -c 2 -i 0.2 -W 2 "$(vf_ip h1 "$i")" >/dev/null ||
		fail "VF $i of h0 lost VF $i of h1 after the cut"
done
for v in 10 20; do
	inct "$(ct h0 $((v / 10 + 7)))" ping -c 2 -i 0.2 -W 2 \
		"$(vlan_ip "$v" h1)" >/dev/null || fail "VLAN $v lost after the cut"
done
echo ok
