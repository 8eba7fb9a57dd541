# shellcheck shell=bash
# proc_lib.sh - the processes a benchmark starts in network namespaces,
# each ended by its own PID. Sourced by vf_gap.sh and vf_throughput.sh.
# The caller calls stop_all from its cleanup.

PIDS=()

# nsx NS CMD... : CMD in NS, bpffs mounted (libxdp wants it); exec all along
nsx() {
	local ns=$1; shift
	ip netns exec "$ns" sh -c \
		'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf; exec "$@"' _ "$@"
}

# spawn NS LOG CMD... : CMD in NS in the background; its PID in SPID
spawn() {
	local ns=$1 log=$2; shift 2
	# exec all the way down: $! is CMD's own PID, which we end by it
	(exec ip netns exec "$ns" sh -c \
		'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf; exec "$@"' \
		_ "$@") >"$log" 2>&1 </dev/null &
	SPID=$!
	PIDS+=("$SPID")
}

# forget PID: it has ended and was reaped; never signal its number again
forget() {
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }

# wait_exit PID SEC : until PID is gone; after SEC, INT, then KILL; 1 then
wait_exit() {
	local pid=$1 sec=$2 i rc=0
	for ((i = 0; i < sec * 20; i++)); do
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		rc=1
		kill -INT "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			alive "$pid" || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	forget "$pid"
	return $rc
}

# stop_all: TERM every process we started, at most 5 s to go, then KILL
stop_all() {
	local pid i
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}

# wait_for SEC CMD... : until CMD succeeds, at most SEC; 1 then
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}
