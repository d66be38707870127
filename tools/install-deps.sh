#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package that the build, tests, demo and benchmarks need.
# Idempotent: packages already present are left alone, and apt-get runs only
# when something is missing. Needs root (or sudo) on Debian 12.
set -euo pipefail

PKGS=(
	# build
	make gcc clang llvm pkg-config libbpf-dev libxdp-dev libelf-dev zlib1g-dev
	bpftool check libsubunit-dev libclang-rt-14-dev
	# runtime tools for tests and demo
	iproute2 xdp-tools ethtool tcpdump iputils-ping netcat-openbsd socat curl
	nftables bind9-dnsutils knot-dnsutils python3-dnspython util-linux procps
	# peers and load generators for benchmarks and differential tests
	nsd knot dnsperf dnsdist nginx-light h2o wrk valgrind python3-matplotlib
	# zone signers for the DNSSEC differential test (zones are signed in the test)
	ldnsutils knot-dnssecutils
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep the peers' packaged services from starting at install (nginx and h2o
# both listen on port 80 by default: the second one's start would fail and
# fail the install): invoke-rc.d asks policy-rc.d, and 101 means "not now".
policy=/usr/sbin/policy-rc.d
if [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts the peers' services on install; the tests and benchmarks run
# their own instances in namespaces, so keep the packaged ones stopped.
for svc in nsd knot dnsdist nginx h2o; do
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
		$SUDO systemctl stop "$svc" || true
		$SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
	fi
done
echo "deps: done"
