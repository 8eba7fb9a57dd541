#!/bin/sh
# Install what lagnic needs to build, test and benchmark on Debian 12.
# Idempotent and quick when everything is already there.
set -eu

PKGS="build-essential pkg-config meson ninja-build clang llvm libclang-rt-14-dev
 libbpf-dev libxdp-dev xdp-tools libmnl-dev libjansson-dev zlib1g-dev liburing-dev
 libcmocka-dev iproute2 iputils-ping ethtool tshark python3 jq
 openvswitch-switch dpdk dpdk-dev libdpdk-dev
 ibverbs-utils perftest"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# tshark asks whether non-root users may capture; answer no, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -qq --no-install-recommends $missing
