#!/bin/bash
# testbed.sh - network namespaces joined by veth links, for lagnic's tests,
# benchmarks and demo. Everything a testbed creates is named after it, so
# `down` removes all of it even after a crash.
#
#   testbed.sh pair NAME LINKS          hosts NAME-h0, NAME-h1; h0:eth<i> <-> h1:eth<i>
#   testbed.sh star NAME HOSTS LINKS [bridge|none]
#                                       hosts NAME-h<j>, switch NAME-sw;
#                                       h<j>:eth<i> <-> sw:h<j>p<i>; with
#                                       "bridge" (default) the switch ports
#                                       join a Linux bridge br0
#   testbed.sh link NAME HOST_A IF_A HOST_B IF_B   one more veth link
#   testbed.sh exec NAME HOST CMD...     run CMD in NAME-HOST (bpffs mounted)
#   testbed.sh spawn NAME HOST LOG CMD... start CMD in the background in
#                                       NAME-HOST, record its PID; prints it
#   testbed.sh down NAME                 kill recorded PIDs, delete namespaces
#   testbed.sh sweep PREFIX              down every testbed whose name starts
#                                       with PREFIX (left over by a crash)
#   testbed.sh list
#
# Interfaces get MAC 02:<host>:00:00:<link>:<side>, MTU $MTU (1500), no
# IPv6 autoconfiguration; links come up. State: $TESTBED_STATE/NAME.
set -euo pipefail

STATE=${TESTBED_STATE:-/run/lagnic-testbed}
MTU=${MTU:-1500}

die() { echo "testbed: $*" >&2; exit 1; }
ns_of() { echo "$1-$2"; }

ns_add() {
	local ns=$1
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.autoconf=0 \
		net.ipv6.conf.default.accept_ra=0 >/dev/null
	ip -n "$ns" link set lo up
}

# veth NS_A IF_A NS_B IF_B MAC_A MAC_B
veth() {
	local na=$1 ia=$2 nb=$3 ib=$4 ma=$5 mb=$6
	local tmp="tb$$x$RANDOM"
	ip link add "${tmp}a" type veth peer name "${tmp}b"
	ip link set "${tmp}a" netns "$na"
	ip link set "${tmp}b" netns "$nb"
	ip -n "$na" link set "${tmp}a" name "$ia" address "$ma" mtu "$MTU" up
	ip -n "$nb" link set "${tmp}b" name "$ib" address "$mb" mtu "$MTU" up
}

mac() { printf '02:%02x:00:00:%02x:%02x' "$1" "$2" "$3"; }

check_name() {
	[[ $1 =~ ^[a-zA-Z0-9_]{1,20}$ ]] || die "bad testbed name '$1'"
}

record() { mkdir -p "$STATE/$1"; }

cmd_pair() {
	local name=$1 links=$2
	check_name "$name"
	record "$name"
	ns_add "$(ns_of "$name" h0)"
	ns_add "$(ns_of "$name" h1)"
	for ((i = 0; i < links; i++)); do
		veth "$(ns_of "$name" h0)" "eth$i" "$(ns_of "$name" h1)" "eth$i" \
			"$(mac 0 "$i" 0)" "$(mac 1 "$i" 1)"
	done
}

cmd_star() {
	local name=$1 hosts=$2 links=$3 mode=${4:-bridge}
	local sw
	check_name "$name"
	record "$name"
	sw=$(ns_of "$name" sw)
	ns_add "$sw"
	[ "$mode" = bridge ] && ip -n "$sw" link add br0 type bridge &&
		ip -n "$sw" link set br0 up
	for ((j = 0; j < hosts; j++)); do
		ns_add "$(ns_of "$name" "h$j")"
		for ((i = 0; i < links; i++)); do
			veth "$(ns_of "$name" "h$j")" "eth$i" "$sw" "h${j}p$i" \
				"$(mac "$j" "$i" 0)" "$(mac "$j" "$i" 255)"
			[ "$mode" = bridge ] && ip -n "$sw" link set "h${j}p$i" master br0
		done
	done
	return 0
}

cmd_link() {
	local name=$1 ha=$2 ia=$3 hb=$4 ib=$5
	veth "$(ns_of "$name" "$ha")" "$ia" "$(ns_of "$name" "$hb")" "$ib" \
		"02:$(printf '%02x' $((RANDOM % 256))):01:00:00:01" \
		"02:$(printf '%02x' $((RANDOM % 256))):01:00:00:02"
}

# ip netns exec remounts /sys, hiding the root bpffs that libxdp wants.
cmd_exec() {
	local name=$1 host=$2; shift 2
	ip netns exec "$(ns_of "$name" "$host")" sh -c \
		'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf; exec "$@"' _ "$@"
}

# The recorded PID is the command's own: every step below exec()s.
cmd_spawn() {
	local name=$1 host=$2 log=$3; shift 3
	record "$name"
	(exec ip netns exec "$(ns_of "$name" "$host")" sh -c \
		'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf; exec "$@"' \
		_ "$@") >"$log" 2>&1 </dev/null &
	echo $! >>"$STATE/$name/pids"
	echo $!
}

cmd_down() {
	local name=$1 pid
	check_name "$name"
	if [ -f "$STATE/$name/pids" ]; then
		while read -r pid; do
			kill -TERM "$pid" 2>/dev/null || true
		done <"$STATE/$name/pids"
		sleep 0.2
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null || true
		done <"$STATE/$name/pids"
	fi
	for ns in $(ip netns list | awk '{print $1}' | grep -E "^$name-" || true); do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "${STATE:?}/$name"
}

cmd_sweep() {
	local prefix=$1 name
	[ -n "$prefix" ] || die "sweep needs a prefix"
	for name in $( (ls "$STATE" 2>/dev/null; ip netns list | awk '{print $1}' |
		sed -n 's/-\(h[0-9]*\|sw\)$//p') | grep "^$prefix" | sort -u); do
		cmd_down "$name"
	done
}

cmd_list() {
	ip netns list | awk '{print $1}' | sort
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
cmd=${1:-}; shift || true
case "$cmd" in
pair)  [ $# -eq 2 ] || die "usage: pair NAME LINKS"; cmd_pair "$@" ;;
star)  [ $# -ge 3 ] || die "usage: star NAME HOSTS LINKS [bridge|none]"; cmd_star "$@" ;;
link)  [ $# -eq 5 ] || die "usage: link NAME HOST_A IF_A HOST_B IF_B"; cmd_link "$@" ;;
exec)  [ $# -ge 3 ] || die "usage: exec NAME HOST CMD..."; cmd_exec "$@" ;;
spawn) [ $# -ge 4 ] || die "usage: spawn NAME HOST LOG CMD..."; cmd_spawn "$@" ;;
down)  [ $# -eq 1 ] || die "usage: down NAME"; cmd_down "$@" ;;
sweep) [ $# -eq 1 ] || die "usage: sweep PREFIX"; cmd_sweep "$@" ;;
list)  cmd_list ;;
*)     sed -n '2,24p' "$0"; exit 2 ;;
esac
