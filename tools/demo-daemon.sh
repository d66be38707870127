#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The daemon part of the demo, run by tools/demo.sh on its testbed
# (XST_NS_SRV, XST_IF_SRV, XST_IP4_SRV, ... in the environment, the steering
# program attached): one xdpstorm daemon serves the sample zone (DNS from
# prepared packets) and the sample site (HTTP from pre-segmented TCP packets,
# its own TCP). dig from the client namespace asks A, AAAA, MX, NXDOMAIN, a
# wildcard, a big answer that comes back with TC=1 and is retried over TCP; a
# 2-second dnsperf burst; curl fetches a page, a 1 MB object (byte-compared)
# and a range over IPv4 and IPv6; the counters; then SIGTERM.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
DAEMON=$ROOT/build/xdpstorm
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
ZONE=$ROOT/tests/dns/zones/example.test.zone
LOG=$(mktemp /tmp/xst-demo-daemon.XXXXXX)
# the sample site plus a 1 MB object made for this run
SITE=$(mktemp -d /tmp/xst-demo-site.XXXXXX)
cp -r "$ROOT/tests/http/site/." "$SITE/"
head -c 1000000 /dev/urandom >"$SITE/object.bin"
DPID=""

stop() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -TERM "$DPID"
		wait "$DPID" || true
	fi
	DPID=""
	rm -f "$LOG" "$LOG.q" "$LOG.obj"
	rm -rf "$SITE"
}
trap stop EXIT

cli() { ip netns exec "$XST_NS_CLI" "$@"; }
show() {
	local shown="$*"

	shown=${shown/#cli /[client] }
	printf '$ %s\n' "${shown//$ROOT\/build\//}"
	"$@"
}

echo "\$ [server] xdpstorm --iface $XST_IF_SRV --zone ${ZONE#"$ROOT"/} --http-root $SITE"
ip netns exec "$XST_NS_SRV" "$DAEMON" --iface "$XST_IF_SRV" --zone "$ZONE" --http-root "$SITE" \
	>"$LOG" 2>&1 &
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
echo "HTTP from the same daemon (tcp/80 steered to its own TCP):"
show cli curl -sS -i "http://$XST_IP4_SRV/"
show cli curl -sS -o "$LOG.obj" -w '%{http_code} %{size_download} bytes in %{time_total} s\n' \
	"http://$XST_IP4_SRV/object.bin"
cmp "$LOG.obj" "$SITE/object.bin" || { echo "demo: the object differs from the file" >&2; exit 1; }
echo "(byte-identical to the file)"
show cli curl -sS -g -o "$LOG.obj" -w '%{http_code} %{size_download} bytes over IPv6\n' \
	"http://[$XST_IP6_SRV]/object.bin"
cmp "$LOG.obj" "$SITE/object.bin" || { echo "demo: the IPv6 object differs" >&2; exit 1; }
show cli curl -sS -r 100-199 -D - -o /dev/null "http://$XST_IP4_SRV/object.bin"
show cli curl -sS -o /dev/null -w '%{http_code} (a directory without its slash)\n' "http://$XST_IP4_SRV/docs"
show cli curl -sS -o /dev/null -w '%{http_code}\n' "http://$XST_IP4_SRV/missing"

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
