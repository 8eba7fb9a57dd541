#!/bin/sh
# Build the libFuzzer targets (tests/fuzz) and run each one for a fixed
# number of runs with a fixed seed, starting from its seed corpus
# (tests/fuzz/corpus/<target>). Exits non-zero on the first crash, leak,
# sanitizer report or timeout; the input that did it is kept under
# $FUZZ_BUILDDIR/fuzz-artifacts/ and can be replayed by passing it to the
# target binary.
#
#   scripts/run-fuzz.sh [target...]   (parse_frame, slow, roce, roce_engine;
#                                     default: all)
#
# Environment: FUZZ_BUILDDIR (build-fuzz), FUZZ_RUNS (2000000),
# FUZZ_SEED (1).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${FUZZ_BUILDDIR:-$root/build-fuzz}
runs=${FUZZ_RUNS:-2000000}
seed=${FUZZ_SEED:-1}
targets=${*:-parse_frame slow roce roce_engine}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Meson's output is shown only when it fails.
quiet() {
	"$@" >"$work/meson.log" 2>&1 || { cat "$work/meson.log" >&2; exit 1; }
}
if [ ! -f "$builddir/build.ninja" ]; then
	CC=clang quiet meson setup "$builddir" "$root" -Dfuzz=true
else
	quiet meson configure "$builddir" -Dfuzz=true
fi
quiet ninja -C "$builddir" \
    $(for t in $targets; do echo "tests/fuzz/fuzz_$t"; done)

artifacts="$builddir/fuzz-artifacts"
mkdir -p "$artifacts"

for t in $targets; do
	# New inputs go to the first directory: a scratch one, so the
	# committed seeds stay as they are.
	mkdir -p "$work/$t"
	echo "run-fuzz: fuzz_$t: $runs runs, seed $seed"
	if ! "$builddir/tests/fuzz/fuzz_$t" -runs="$runs" -seed="$seed" \
	    -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$artifacts/$t-" \
	    "$work/$t" "$root/tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1; then
		tail -n 40 "$work/$t.log" >&2
		echo "run-fuzz: fuzz_$t FAILED (seed $seed); input kept in" \
		    "$artifacts/" >&2
		exit 1
	fi
	grep -E '^(Done|stat::number_of_executed_units)' "$work/$t.log" || true
done
echo "run-fuzz: all targets clean"
