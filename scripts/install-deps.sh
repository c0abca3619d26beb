#!/bin/sh
# Installs everything perflens needs on a fresh Debian 12 (even debootstrap --variant=minbase).
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suite and benchmarks drive
set -eu
build="make gcc clang llvm pkg-config bpftool libbpf-dev libelf-dev libdw-dev zlib1g-dev \
libzstd-dev libncurses-dev libcurl4-openssl-dev libjson-c-dev ca-certificates"
test="libcmocka-dev libclang-rt-14-dev tmux python3 elfutils stress-ng bpftrace procps \
util-linux coreutils dash asciinema libc6-dbg"
pkgs=$build
[ "${1:-}" = "--test" ] && pkgs="$build $test"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
