#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The DNS part of the demo, run by tools/demo.sh on its testbed (XST_NS_SRV,
# XST_IF_SRV, XST_IP4_SRV, ... in the environment, the steering program
# attached): the xdpstorm daemon serves the sample zone from prepared
# packets; dig from the client namespace asks A, AAAA, MX, NXDOMAIN, a
# wildcard, a big answer that comes back with TC=1 and is retried over TCP;
# a 2-second dnsperf burst; the counters; then SIGTERM.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
DAEMON=$ROOT/build/xdpstorm
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
ZONE=$ROOT/tests/dns/zones/example.test.zone
LOG=$(mktemp /tmp/xst-demo-dns.XXXXXX)
DPID=""

stop() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -TERM "$DPID"
		wait "$DPID" || true
	fi
	DPID=""
	rm -f "$LOG" "$LOG.q"
}
trap stop EXIT

cli() { ip netns exec "$XST_NS_CLI" "$@"; }
show() {
	local shown="$*"

	shown=${shown/#cli /[client] }
	printf '$ %s\n' "${shown//$ROOT\/build\//}"
	"$@"
}

echo "\$ [server] xdpstorm --iface $XST_IF_SRV --zone ${ZONE#"$ROOT"/}"
ip netns exec "$XST_NS_SRV" "$DAEMON" --iface "$XST_IF_SRV" --zone "$ZONE" >"$LOG" 2>&1 &
DPID=$!
for _ in $(seq 100); do
	grep -q ' ready on ' "$LOG" && break
	kill -0 "$DPID" 2>/dev/null || { cat "$LOG"; echo "demo-dns: daemon did not start" >&2; exit 1; }
	sleep 0.1
done
grep -q ' ready on ' "$LOG" || { cat "$LOG"; echo "demo-dns: daemon not ready" >&2; exit 1; }
sed 's/^/  [xdpstorm] /' "$LOG"

D="dig +norec +time=1 +tries=2"
echo
show cli $D @"$XST_IP4_SRV" www.example.test A +noall +answer
show cli $D @"$XST_IP6_SRV" www.example.test AAAA +noall +answer
show cli $D @"$XST_IP4_SRV" example.test MX +noall +answer +additional
show cli $D @"$XST_IP4_SRV" nothere.example.test A +noall +comments +authority | grep -E 'status|SOA'
show cli $D @"$XST_IP4_SRV" anything.wild.example.test TXT +noall +answer
show cli $D @"$XST_IP4_SRV" sub.example.test A +noall +authority +additional
echo "(a referral: no AA, the child's NS and in-zone glue)"
show cli $D @"$XST_IP4_SRV" +tcp mail.example.test A +noall +answer
show cli $D +noedns @"$XST_IP4_SRV" big.example.test TXT +noall +comments | grep -E 'Truncated|flags'
echo "(8 TXT records do not fit in 512 bytes: TC=1 over UDP, dig retried over TCP)"

echo
echo "a 2-second burst of 20,000 queries/s from dnsperf:"
for n in www mail ns1 h3 MiXeD nothere; do echo "$n.example.test A"; done >"$LOG.q"
cli timeout 20 dnsperf -q 100 -Q 20000 -s "$XST_IP4_SRV" -d "$LOG.q" -l 2 2>&1 |
	grep -E 'Queries (sent|completed|lost)|Queries per second|Average Latency'

echo
sleep 1.2	# the daemon publishes its per-queue counters once a second
show ip netns exec "$XST_NS_SRV" "$CTL" stats --iface "$XST_IF_SRV"

echo
echo "\$ kill -TERM <xdpstorm>"
kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
DPID=""
tail -n 2 "$LOG" | sed 's/^/  [xdpstorm] /'
echo "xdpstorm exited with status $rc"
[ $rc -eq 0 ]
