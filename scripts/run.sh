#!/bin/sh
# The two set-up commands of the README:
#   scripts/run.sh demo   install what is missing, build, run the demo
#   scripts/run.sh test   install what is missing, build, run every test
#                         (plain build, then ASan+UBSan build, then fuzzers)
set -eu
cd "$(dirname "$0")/.."

what=${1:-}
case "$what" in
demo|test) ;;
*) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

./scripts/install-deps.sh

setup() {	# setup DIR [meson options...]
	dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir"
}

# Leftovers of a run that was killed: testbeds of our tests start with "l".
./scripts/testbed.sh sweep l >/dev/null 2>&1 || true

if [ "$what" = demo ]; then
	setup build
	BUILD=build exec ./scripts/demo.sh
fi

setup build
meson test -C build --print-errorlogs
setup build-san -Db_sanitize=address,undefined -Db_lundef=false
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-san --print-errorlogs
if [ -x scripts/run-fuzz.sh ]; then
	./scripts/run-fuzz.sh
else
	echo "run.sh: scripts/run-fuzz.sh missing" >&2
	exit 1
fi
echo "run.sh: all tests passed"
