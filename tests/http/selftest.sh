#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The HTTP test tools checked against nginx on kernel TCP, on a throw-away
# testbed (tools/testbed.sh, unique id, removed on exit): diff.py nginx
# against a second nginx (all must pass), concurrent.py with 1000
# connections, synflood.py while curl downloads, and curl from cli2 through
# relay.sh's reordering/duplicating relay (byte-compared, counters shown).
# Root only; prints "ok NAME" / "FAIL NAME" and "httptools: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "httptools: skipped: needs root"; exit 77; }
for t in ip nginx curl ethtool cmp; do
	command -v "$t" >/dev/null || { echo "httptools: skipped: $t missing"; exit 77; }
done

TMP=$(mktemp -d /tmp/xst-httptools.XXXXXX)
ID="htt$$"
ID=${ID:0:10}
NGPID=""
cleanup() {
	[ -n "$NGPID" ] && kill -TERM "$NGPID" 2>/dev/null && wait "$NGPID" 2>/dev/null
	[ -n "${XST_TB_ID:-}" ] && "$ROOT/tests/http/relay.sh" down >/dev/null 2>&1
	"$ROOT/tools/testbed.sh" down --id "$ID" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
eval "$("$ROOT/tools/testbed.sh" up --id "$ID" 2>"$TMP/tb.log")" || { echo "FAIL testbed: $(tail -n1 "$TMP/tb.log")"; exit 1; }

SITE="$TMP/site"
mkdir -p "$SITE/sub/dir" "$SITE/noindex" "$SITE/img"
for s in 0 1 1439 1440 1441 1459 1460 1461 100000 10000000; do
	head -c "$s" /dev/urandom >"$SITE/f$s.bin"
done
printf '<html><body>home</body></html>\n' >"$SITE/index.html"
printf '<html><body>sub</body></html>\n' >"$SITE/sub/dir/index.html"
printf 'body { color: red; }\n' >"$SITE/style.css"
printf 'plain\n' >"$SITE/noindex/a.txt"
head -c 3000 /dev/urandom >"$SITE/img/logo.png"

pass=0
failed=0
res() {
	if [ "$1" = 0 ]; then echo "ok $2"; pass=$((pass + 1)); else echo "FAIL $2: $3"; failed=$((failed + 1)); fi
}

out=$(timeout 120 "$PY" tests/http/diff.py --netns-srv "$XST_NS_SRV" --netns-cli "$XST_NS_CLI" --root "$SITE" \
	--nginx-addr "$XST_IP4_SRV" --nginx-port 8088 --selftest-port 8089 --tmp "$TMP" 2>&1)
echo "$out" | tail -n1 | grep -q 'httpdiff: [1-9][0-9]* passed, 0 failed'
res $? "diff nginx vs nginx ($(echo "$out" | tail -n1))" "$(echo "$out" | grep -m3 FAIL | tr '\n' ' ')"

# nginx on port 80, kernel TCP, for the other tools
mkdir -p "$TMP/ng"
cat >"$TMP/ng/nginx.conf" <<NG
user root; daemon off; worker_processes 1; pid $TMP/ng/nginx.pid; error_log $TMP/ng/error.log;
events { worker_connections 4096; }
http { access_log off; sendfile on; server { listen $XST_IP4_SRV:80 backlog=4096; listen [$XST_IP6_SRV]:80; root $SITE; } }
NG
ip netns exec "$XST_NS_SRV" nginx -p "$TMP/ng" -e "$TMP/ng/error.log" -c "$TMP/ng/nginx.conf" &
NGPID=$!
for _ in $(seq 50); do
	ip netns exec "$XST_NS_CLI" curl -s -o /dev/null "http://$XST_IP4_SRV/" && break
	sleep 0.1
done

out=$(ip netns exec "$XST_NS_CLI" timeout 120 "$PY" tests/http/concurrent.py --host "$XST_IP4_SRV" --conns 1000 \
	--path /f1461.bin --expect "$SITE/f1461.bin" 2>&1)
echo "$out" | grep -q '^concurrent: 1000 of 1000 ok'
res $? "concurrent 1000 ($(echo "$out" | head -n1))" "$(echo "$out" | tail -n2 | tr '\n' ' ')"
ip netns exec "$XST_NS_CLI" timeout 60 "$PY" tests/http/concurrent.py --host "$XST_IP4_SRV" --conns 5 \
	--path /f1460.bin --expect "$SITE/f1461.bin" >/dev/null 2>&1
[ $? = 1 ]
res $? "concurrent notices a wrong body" "exit status not 1"

ip netns exec "$XST_NS_SRV" nstat -n >/dev/null 2>&1
ip netns exec "$XST_NS_CLI" timeout 20 "$PY" tests/http/synflood.py --dst "$XST_IP4_SRV" --count 50000 --seconds 5 \
	>"$TMP/flood.log" 2>&1 &
fpid=$!
sleep 0.3
ip netns exec "$XST_NS_CLI" timeout 60 curl -sS --max-time 50 -o "$TMP/fl" "http://$XST_IP4_SRV/f10000000.bin" &&
	cmp -s "$TMP/fl" "$SITE/f10000000.bin"
r=$?
wait "$fpid"
csum=$(ip netns exec "$XST_NS_SRV" nstat -a 2>/dev/null | awk '/TcpInCsumErrors/ { print $2 }')
[ $r = 0 ] && grep -q 'sent 50000' "$TMP/flood.log" && [ "${csum:-0}" = 0 ]
res $? "synflood v4 + download ($(cat "$TMP/flood.log"))" "download rc $r, csum errors ${csum:-0}"
ip netns exec "$XST_NS_CLI" timeout 20 "$PY" tests/http/synflood.py --dst "$XST_IP6_SRV" --count 2000 --seconds 5 \
	>"$TMP/flood6.log" 2>&1
grep -q 'sent 2000' "$TMP/flood6.log"
res $? "synflood v6 ($(cat "$TMP/flood6.log"))" "$(cat "$TMP/flood6.log")"

if renv=$(tests/http/relay.sh up --log "$TMP/relay.log" --seconds 120 2>"$TMP/relay.err"); then
	eval "$renv"
	r=0
	for f in f100000.bin f10000000.bin; do
		ip netns exec "$XST_NS_CL2" timeout 60 curl -sS --max-time 50 -o "$TMP/r-$f" "http://$XST_IP4_SRV/$f" &&
			cmp -s "$TMP/r-$f" "$SITE/$f" || r=1
	done
	ip netns exec "$XST_NS_CL2" timeout 60 curl -sS -g --max-time 50 -o "$TMP/r6" "http://[$XST_IP6_SRV]/f10000000.bin" &&
		cmp -s "$TMP/r6" "$SITE/f10000000.bin" || r=1
	tests/http/relay.sh down
	grep -q 'reordered [1-9][0-9]*, duplicated [1-9]' "$TMP/relay.log" || r=1
	res $r "relay ($(tail -n1 "$TMP/relay.log"))" "downloads or counters wrong"
else
	res 1 relay "up: $(tail -n1 "$TMP/relay.err")"
fi

echo "httptools: $pass passed, $failed failed"
[ $failed = 0 ]
