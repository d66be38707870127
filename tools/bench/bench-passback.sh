#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What one query passed back to the kernel costs in filter mode: runs
# build/tools/passback-cost (TUN write + the kernel's receive path to a UDP
# socket, in the writer's context) in a throw-away network namespace with
# 10.77.0.1 on its loopback, for a few payload sizes. Bounded: COUNT packets
# per size (default 500000). Prints one line per size.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOOL=build/tools/passback-cost
COUNT=${COUNT:-500000}
NS=xst-pbc$$
[ -x "$TOOL" ] || { echo "bench-passback: $TOOL not built (make all)"; exit 1; }
trap 'ip netns del "$NS" 2>/dev/null' EXIT
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.77.0.1/32 dev lo
# The tool touches no sysctl: the source (192.0.2.1) has no route back.
ip netns exec "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
for size in 40 100 512; do
	ip netns exec "$NS" "$TOOL" --dst 10.77.0.1 --count "$COUNT" --size "$size" || exit 1
done
