#!/bin/bash
# VF LAG without a LAG partner, through an Open vSwitch bridge with two
# plain ports per host (it knows nothing of the LAG): lagnicd in
# balance-slb with 8 VFs, each in a container of its own, pinging a host
# behind the switch. Both links carry traffic; the switch learns each VF
# MAC on one port; a link is cut and every VF MAC shows on the surviving
# port (ovs-appctl fdb/show), while the VFs keep reaching the host.
set -euo pipefail
BUILD=${BUILD:?set BUILD to the meson build dir}
BACKEND=${BACKEND:-afpacket}
TB=lvfo$$
. "$(dirname "$0")/lagnicd_lib.sh"
PEERS=${PEERS:-$SRC/../shared/peers}
OVS=$PEERS/ovs-lacp-switch.sh
NVF=8
CTS=()

vfo_cleanup() {
	local ns
	for ns in "${CTS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	[ -x "$OVS" ] && "$OVS" "$TB-sw" - - stop >/dev/null 2>&1 || true
	tb_cleanup
}
trap vfo_cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces)"
[ -x "$OVS" ] || fail "no Open vSwitch starter at $OVS"
command -v ovs-vswitchd >/dev/null || fail "openvswitch-switch is not installed"

export CACHE=$LOGDIR/ovs
OVS_D=$CACHE/ovs-$TB-sw
fdb() { ip netns exec "$TB-sw" ovs-appctl -t "$OVS_D/ovs-vswitchd.ctl" \
	fdb/show br0; }
ofport() { "$OVS" "$TB-sw" - - ctl get interface "$1" ofport; }
vf_mac() { printf '02:aa:00:00:00:%02x' $((0x10 + $1)); }

# every VF MAC learnt on ofport $1
all_on() {
	local out i
	out=$(fdb)
	for ((i = 0; i < NVF; i++)); do
		awk -v m="$(vf_mac "$i")" -v p="$1" \
		    '$3 == m && $1 == p { f = 1 } END { exit !f }' <<<"$out" ||
			return 1
	done
}

# each VF MAC on exactly one port of the switch
each_on_one_port() {
	local out i
	out=$(fdb)
	for ((i = 0; i < NVF; i++)); do
		[ "$(awk -v m="$(vf_mac "$i")" '$3 == m' <<<"$out" | wc -l)" -eq 1 ] ||
			return 1
	done
}

member_tx() { ctl h0 -j counters | python3 -c \
	"import json,sys; print(json.load(sys.stdin)['ports']['$1']['counters']['tx_packets'])"; }

"$TESTBED" star "$TB" 2 2 none
"$OVS" "$TB-sw" - - >/dev/null 2>&1 || fail "Open vSwitch did not start"
for p in h0p0 h0p1 h1p0; do
	"$OVS" "$TB-sw" - - ctl add-port br0 "$p" >/dev/null
done
inns h1 ip addr add 10.88.0.100/24 dev eth0
start_lagnicd h0 -b "$BACKEND" -o mode=balance-slb -o rebalance_interval=300 \
	-p eth0 -p eth1
inns h0 ip link set lag0 up
for ((i = 0; i < NVF; i++)); do
	ns=$TB-c$i
	CTS+=("$ns")
	ctl h0 vf add "$i" mac "$(vf_mac "$i")" >/dev/null
	ip netns add "$ns"
	ip netns exec "$ns" ip link set lo up
	inns h0 ip link set "lagvf$i" netns "$ns"
	ip netns exec "$ns" ip addr add "10.88.0.$((10 + i))/24" dev "lagvf$i"
	ip netns exec "$ns" ip link set "lagvf$i" up
done
for ((i = 0; i < NVF; i++)); do
	wait_for 10 ip netns exec "$TB-c$i" ping -c 1 -W 1 10.88.0.100 ||
		fail "VF $i does not reach the host behind the switch"
done

note "load from every VF; the senders spread over both links"
tx0=$(member_tx eth0); tx1=$(member_tx eth1)
for ((i = 0; i < NVF; i++)); do
	bg ip netns exec "$TB-c$i" ping -q -i 0.01 -c 300 -s 1000 10.88.0.100 \
		>/dev/null 2>&1
done
sleep 2
d0=$(( $(member_tx eth0) - tx0 )); d1=$(( $(member_tx eth1) - tx1 ))
note "member tx over 2 s: eth0 $d0, eth1 $d1 frames"
[ "$d0" -gt 100 ] && [ "$d1" -gt 100 ] ||
	fail "both links must carry VF traffic: eth0 $d0, eth1 $d1"
each_on_one_port || fail "a VF MAC on two switch ports: $(fdb)"

note "cut eth1: every VF MAC moves to the surviving port"
p0=$(ofport h0p0)
inns h0 ip link set eth1 down
wait_for 5 all_on "$p0" || fail "VF MACs not all on port $p0: $(fdb)"
for ((i = 0; i < NVF; i++)); do
	ip netns exec "$TB-c$i" ping -c 2 -W 1 10.88.0.100 >/dev/null ||
		fail "VF $i lost the host after the cut"
done
echo "ok"
