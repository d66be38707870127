#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of the xdpstorm HTTP service (own TCP, pre-segmented
# responses) on a throw-away testbed (tools/testbed.sh): the daemon serves a
# generated site on the server veth; the client namespace downloads with
# curl over IPv4 and IPv6, with and without keep-alive, through 1% random
# loss each way (nftables numgen: this kernel has no netem), and compares
# every body with the file byte for byte. Ping and other TCP ports must keep
# reaching the kernel; DNS and HTTP are served by one daemon at once.
#
# Output "ok NAME" / "FAIL NAME: why", then "http: N passed, M failed".
# Exit 0 only if all passed, 77 = skip (reason printed). TESTS="a b" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CTL=${XST_CTL:-$ROOT/build/xdpstormctl}
DAEMON=${XST_DAEMON:-$ROOT/build/xdpstorm}
PY=/usr/bin/python3

ALL_TESTS="
	test_downloads_v4
	test_downloads_v6
	test_keepalive_and_close
	test_statuses
	test_kernel_traffic
	test_dns_and_http
	test_loss
	test_reorder_dup
	test_concurrent
	test_syn_flood
	test_sighup_reload
	test_bad_root
	test_nginx_diff
	test_precopy
	test_jumbo
"

SUITE=http
# shellcheck source=tests/net/lib.sh
. "$ROOT/tests/net/lib.sh"
net_require ip curl nft socat ping timeout dig "$PY"
net_require_file "$DAEMON" "$CTL"

DPID=""
suite_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	rm -f "/run/xdpstorm/${XST_IF_SRV:-none}.owner"
	[ -n "${XST_TB_ID:-}" ] && "$ROOT/tests/http/relay.sh" down >/dev/null 2>&1
	return 0
}

net_testbed ht 1

# The site: every size the issue names around one MSS (1460 over IPv4 and
# 1440 over IPv6 at MTU 1500), a directory with and one without an index.
SITE="$TMP/site"
SIZES="0 1 1439 1440 1441 1459 1460 1461 100000 10000000"
mk_site() {
	local s

	mkdir -p "$SITE/sub/dir" "$SITE/noindex" "$SITE/img"
	for s in $SIZES; do
		head -c "$s" /dev/urandom >"$SITE/f$s.bin"
	done
	printf '<html><body>home</body></html>\n' >"$SITE/index.html"
	printf '<html><body>sub</body></html>\n' >"$SITE/sub/dir/index.html"
	printf 'body { color: red; }\n' >"$SITE/style.css"
	printf 'plain\n' >"$SITE/noindex/a.txt"
	head -c 3000 /dev/urandom >"$SITE/img/logo.png"
}
mk_site

start_daemon() {
	net_daemon_start 15 --http-root "$SITE" "$@"
}

stop_daemon() {
	net_daemon_stop
}

reset() {
	[ -n "$DPID" ] && { kill -KILL "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=""; }
	ctl detach --iface "$XST_IF_SRV" >/dev/null 2>&1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" xdp off 2>/dev/null
	rm -f "/run/xdpstorm/$XST_IF_SRV.owner"
	cli nft delete table inet xstloss 2>/dev/null
	"$ROOT/tests/http/relay.sh" down >/dev/null 2>&1
	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" mtu 1500 2>/dev/null
	ip -n "$XST_NS_CLI" link set dev "$XST_IF_CLI" mtu 1500 2>/dev/null
	return 0
}

# fetch HOST NAME [curl options]: NAME into $TMP/got/NAME, byte-compared with the site's
fetch() {
	local host=$1 name=$2

	shift 2
	mkdir -p "$TMP/got"
	cli timeout 60 curl -sS -g --max-time 50 -o "$TMP/got/$name" "$@" "http://$host/$name" \
		2>"$TMP/curl.err" || { why "curl $host/$name: $(head -c 200 "$TMP/curl.err")"; return 1; }
	cmp -s "$TMP/got/$name" "$SITE/$name" ||
		{ why "$host/$name: body differs ($(stat -c %s "$TMP/got/$name") bytes, want $(stat -c %s "$SITE/$name"))"; return 1; }
}

# downloads HOST [curl options]: every size, each on its own connection
downloads() {
	local host=$1 s

	shift
	for s in $SIZES; do
		fetch "$host" "f$s.bin" "$@" || return 1
	done
}

test_downloads_v4() {
	start_daemon || return 1
	downloads "$XST_IP4_SRV" || return 1
	stop_daemon
}

test_downloads_v6() {
	start_daemon || return 1
	downloads "[$XST_IP6_SRV]" || return 1
	stop_daemon
}

# One curl for every object (keep-alive: one connection, curl says so), and
# every object with Connection: close.
test_keepalive_and_close() {
	local urls="" s n

	start_daemon || return 1
	mkdir -p "$TMP/ka"
	for s in $SIZES; do
		urls="$urls http://$XST_IP4_SRV/f$s.bin -o $TMP/ka/f$s.bin"
	done
	# shellcheck disable=SC2086
	cli timeout 60 curl -sS -v --max-time 50 $urls 2>"$TMP/ka.err" || { why "curl keep-alive: $(grep -m1 curl: "$TMP/ka.err")"; return 1; }
	for s in $SIZES; do
		cmp -s "$TMP/ka/f$s.bin" "$SITE/f$s.bin" || { why "keep-alive f$s.bin differs"; return 1; }
	done
	n=$(grep -c 'Re-using existing connection\|Reusing existing' "$TMP/ka.err")
	[ "$n" -ge 9 ] || { why "curl reused the connection $n times, want 9"; return 1; }
	downloads "$XST_IP4_SRV" -H 'Connection: close' || return 1
	downloads "$XST_IP4_SRV" --http1.0 || return 1
	stop_daemon
}

# status HOST PATH WANT [curl options]
status() {
	local host=$1 path=$2 want=$3 got

	shift 3
	got=$(cli timeout 10 curl -s -g --max-time 5 -o /dev/null -w '%{http_code}' "$@" "http://$host$path")
	[ "$got" = "$want" ] || { why "$path $*: status $got, want $want"; return 1; }
}

test_statuses() {
	local etag out

	start_daemon || return 1
	status "$XST_IP4_SRV" / 200 || return 1
	status "$XST_IP4_SRV" /sub/dir/ 200 || return 1
	status "$XST_IP4_SRV" /nothing 404 || return 1
	status "$XST_IP4_SRV" /noindex/ 403 || return 1
	status "$XST_IP4_SRV" /f100000.bin 405 -X POST || return 1
	status "$XST_IP4_SRV" /f100000.bin 206 -r 10-99 || return 1
	status "$XST_IP4_SRV" /f100000.bin 416 -r 200000-300000 || return 1
	status "$XST_IP4_SRV" /%2e%2e/%2e%2e/etc/passwd 400 --path-as-is || return 1
	out=$(cli curl -s -r 10-99 "http://$XST_IP4_SRV/f100000.bin" | od -An -tx1 | tr -d ' \n')
	[ "$out" = "$(dd if="$SITE/f100000.bin" bs=1 skip=10 count=90 2>/dev/null | od -An -tx1 | tr -d ' \n')" ] ||
		{ why "range 10-99 body differs"; return 1; }
	etag=$(cli curl -sI "http://$XST_IP4_SRV/style.css" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
	[ -n "$etag" ] || { why "no ETag"; return 1; }
	status "$XST_IP4_SRV" /style.css 304 -H "If-None-Match: $etag" || return 1
	cli curl -sI "http://$XST_IP4_SRV/style.css" | tr -d '\r' | grep -qi '^content-type: text/css' ||
		{ why "style.css not text/css"; return 1; }
	out=$(cli curl -sI "http://$XST_IP4_SRV/f1460.bin" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
	[ "$out" = 1460 ] || { why "HEAD Content-Length '$out'"; return 1; }
	stop_daemon
}

test_kernel_traffic() {
	local out

	srv socat TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork SYSTEM:'echo tcp-ok' 2>/dev/null &
	SERVICE_PIDS="$SERVICE_PIDS $!"
	sleep 0.2
	start_daemon || return 1
	cli ping -c1 -W1 "$XST_IP4_SRV" >/dev/null || { why "ping v4 failed"; return 1; }
	cli ping -6 -c1 -W1 "$XST_IP6_SRV" >/dev/null || { why "ping v6 failed"; return 1; }
	out=$(cli timeout 3 socat -T2 - "TCP4:$XST_IP4_SRV:8080,connect-timeout=1" </dev/null 2>/dev/null)
	[ "$out" = tcp-ok ] || { why "tcp/8080 to the kernel: '$out'"; return 1; }
	ctl rule list --iface "$XST_IF_SRV" | grep -Eq '^tcp +80 +steer' ||
		{ why "tcp/80 not steered: $(ctl rule list --iface "$XST_IF_SRV" | tr '\n' ' ')"; return 1; }
	fetch "$XST_IP4_SRV" f1461.bin || return 1
	stop_daemon
}

# Both send modes: in precopy the two services share the io's held frames.
test_dns_and_http() {
	local send

	for send in memcpy precopy; do
		start_daemon --send "$send" --zone "$ROOT/tests/dns/zones/example.test.zone" || return 1
		fetch "$XST_IP4_SRV" f100000.bin || return 1
		[ "$(cli dig +short +time=1 +tries=2 @"$XST_IP4_SRV" mail.example.test A)" = 192.0.2.25 ] ||
			{ why "no DNS answer beside HTTP ($send)"; return 1; }
		fetch "[$XST_IP6_SRV]" f1441.bin || return 1
		fetch "$XST_IP4_SRV" f100000.bin || return 1
		[ "$(cli dig +short +time=1 +tries=2 @"$XST_IP4_SRV" mail.example.test A)" = 192.0.2.25 ] ||
			{ why "no second DNS answer beside HTTP ($send)"; return 1; }
		stop_daemon || return 1
	done
}

# 1% random loss in each direction, in the client namespace.
test_loss() {
	start_daemon || return 1
	cli nft -f - <<-'NFT' || { why "nft loss rules"; return 1; }
	table inet xstloss {
		chain in { type filter hook input priority 0; meta l4proto tcp numgen random mod 100 0 drop; }
		chain out { type filter hook output priority 0; meta l4proto tcp numgen random mod 100 0 drop; }
	}
	NFT
	fetch "$XST_IP4_SRV" f10000000.bin || return 1
	fetch "[$XST_IP6_SRV]" f10000000.bin || return 1
	fetch "$XST_IP4_SRV" f100000.bin -H 'Connection: close' || return 1
	cli nft delete table inet xstloss
	stop_daemon
}

# Through a relay of our own (tests/http/relay.sh: a third namespace cli2
# behind an AF_PACKET bridge in the client namespace) that holds back every
# 7th frame by one or two frames and sends every 11th twice, both ways.
test_reorder_dup() {
	local f tb_env n

	start_daemon || return 1
	tb_env=$("$ROOT/tests/http/relay.sh" up --log "$TMP/relay.log" --seconds 200 2>"$TMP/relay.err") ||
		{ why "relay up: $(tail -n1 "$TMP/relay.err")"; return 1; }
	eval "$tb_env"
	mkdir -p "$TMP/got"
	for f in f100000.bin f10000000.bin; do
		ip netns exec "$XST_NS_CL2" timeout 90 curl -sS --max-time 80 -o "$TMP/got/r-$f" \
			"http://$XST_IP4_SRV/$f" 2>"$TMP/curl.err" || { why "curl via relay $f: $(head -c 200 "$TMP/curl.err")"; return 1; }
		cmp -s "$TMP/got/r-$f" "$SITE/$f" || { why "via relay $f: body differs"; return 1; }
	done
	ip netns exec "$XST_NS_CL2" timeout 90 curl -sS -g --max-time 80 -o "$TMP/got/r6" \
		"http://[$XST_IP6_SRV]/f10000000.bin" 2>"$TMP/curl.err" || { why "curl v6 via relay: $(head -c 200 "$TMP/curl.err")"; return 1; }
	cmp -s "$TMP/got/r6" "$SITE/f10000000.bin" || { why "v6 via relay: body differs"; return 1; }
	"$ROOT/tests/http/relay.sh" down
	n=$(sed -n 's/.*reordered \([0-9]*\), duplicated \([0-9]*\),.*/\1 \2/p' "$TMP/relay.log")
	# shellcheck disable=SC2086 # two numbers
	set -- $n
	if ! { [ "${1:-0}" -gt 100 ] && [ "${2:-0}" -gt 100 ]; }; then
		why "relay did little: $(tail -n1 "$TMP/relay.log")"
		return 1
	fi
	stop_daemon
}

test_concurrent() {
	local out

	start_daemon || return 1
	out=$(cli timeout 120 "$PY" "$ROOT/tests/http/concurrent.py" --host "$XST_IP4_SRV" --conns 1000 \
		--path /f1461.bin --expect "$SITE/f1461.bin" 2>&1)
	echo "$out" | grep -q '^concurrent: 1000 of 1000 ok' || { why "$(echo "$out" | tail -n2 | tr '\n' ' ')"; return 1; }
	stop_daemon
}

# Spoofed SYNs (sources 198.51.100.0/24 and 203.0.113.0/24, raw socket in
# the client namespace: the SYN-ACKs go back over the veth and die there)
# while a client downloads: every download completes, memory stays bounded.
test_syn_flood() {
	local rss0 rss1 fpid

	start_daemon --max-conns 4096 || return 1
	rss0=$(awk '/VmRSS/ { print $2 }' "/proc/$DPID/status")
	cli timeout 20 "$PY" "$ROOT/tests/http/synflood.py" --dst "$XST_IP4_SRV" --count 200000 --seconds 10 \
		>"$TMP/flood.log" 2>&1 &
	fpid=$!
	sleep 0.5
	fetch "$XST_IP4_SRV" f10000000.bin || { kill "$fpid" 2>/dev/null; return 1; }
	fetch "$XST_IP4_SRV" f100000.bin -H 'Connection: close' || { kill "$fpid" 2>/dev/null; return 1; }
	wait "$fpid"
	rss1=$(awk '/VmRSS/ { print $2 }' "/proc/$DPID/status")
	[ $((rss1 - rss0)) -lt 16384 ] || { why "RSS grew from $rss0 to $rss1 KiB under the flood"; return 1; }
	grep -q 'sent [1-9]' "$TMP/flood.log" || { why "flood: $(tail -n1 "$TMP/flood.log")"; return 1; }
	"$CTL" stats --iface "$XST_IF_SRV" >/dev/null 2>&1
	stop_daemon
}

test_sighup_reload() {
	local ok=0

	start_daemon || return 1
	status "$XST_IP4_SRV" /added.txt 404 || return 1
	echo added >"$SITE/added.txt"
	kill -HUP "$DPID"
	for _ in $(seq 50); do
		[ "$(cli curl -s "http://$XST_IP4_SRV/added.txt")" = added ] && { ok=1; break; }
		sleep 0.1
	done
	rm -f "$SITE/added.txt"
	[ $ok = 1 ] || { why "reload: new file not served"; return 1; }
	stop_daemon
}

test_bad_root() {
	local rc

	srv "$DAEMON" --iface "$XST_IF_SRV" --http-root "$TMP/none" >"$TMP/bad.log" 2>&1
	rc=$?
	[ $rc -ne 0 ] || { why "exit 0 for a missing root"; return 1; }
	grep -q "$TMP/none" "$TMP/bad.log" || { why "error does not name the root: $(tail -n1 "$TMP/bad.log")"; return 1; }
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp' && { why "left attached"; return 1; }
	return 0
}

# hstat NAME: an HTTP counter (precopy_hits) summed over the queues of `xdpstormctl stats --json`
hstat() {
	ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c '
import json, sys
d, f = json.load(sys.stdin), sys.argv[1]
print(sum(q.get("services", {}).get("http", {}).get("counters", {}).get(f, 0) for q in d["queues"]))' "$1"
}

# --send precopy: segments sent from ready copies. Every size but the
# largest (whose 7,000 segments a family outnumber the pool's frames) over
# IPv4 and IPv6, keep-alive (one curl) and Connection: close, twice: the
# second time from the copies the first stored, so hits outnumber misses.
# Then every size, a SIGHUP that changes a file (its new bytes, never a copy
# of the old), and the large ones through 1% loss each way (retransmissions
# from copies too); every body byte-compared.
test_precopy() {
	local urls="" s hits misses small=""

	start_daemon --send precopy || return 1
	grep -q 'send precopy' "$TMP/daemon.log" || { why "precopy not reported"; return 1; }
	for s in $SIZES; do
		[ "$s" -lt 1000000 ] && small="$small $s"
	done
	mkdir -p "$TMP/pka"
	for _ in 1 2; do
		for s in $small; do
			fetch "$XST_IP4_SRV" "f$s.bin" || return 1
			fetch "[$XST_IP6_SRV]" "f$s.bin" -H 'Connection: close' || return 1
		done
		urls=""
		for s in $small; do
			urls="$urls http://[$XST_IP6_SRV]/f$s.bin -o $TMP/pka/f$s.bin"
		done
		# shellcheck disable=SC2086
		cli timeout 60 curl -sS -g --max-time 50 $urls 2>"$TMP/pka.err" || { why "curl keep-alive v6: $(grep -m1 curl: "$TMP/pka.err")"; return 1; }
		for s in $small; do
			cmp -s "$TMP/pka/f$s.bin" "$SITE/f$s.bin" || { why "keep-alive v6 f$s.bin differs"; return 1; }
		done
	done
	sleep 1.5	# the stats thread publishes the counters once a second
	hits=$(hstat precopy_hits)
	misses=$(hstat precopy_misses)
	[ "${hits:-0}" -gt "${misses:-0}" ] || { why "precopy hits $hits, misses $misses: copies not reused"; return 1; }
	downloads "$XST_IP4_SRV" || return 1
	downloads "[$XST_IP6_SRV]" -H 'Connection: close' || return 1
	sleep 1.5
	hits=$(hstat precopy_hits)
	# a reload with f1461.bin changed (same size): its new bytes, never a copy of the old
	head -c 1461 /dev/urandom >"$SITE/f1461.bin"
	kill -HUP "$DPID"
	for _ in $(seq 50); do
		grep -q 'reloaded site' "$TMP/daemon.log" && break
		sleep 0.1
	done
	grep -q 'reloaded site' "$TMP/daemon.log" || { why "no reload logged"; return 1; }
	fetch "$XST_IP4_SRV" f1461.bin || return 1
	fetch "[$XST_IP6_SRV]" f1461.bin -H 'Connection: close' || return 1
	cli nft -f - <<-'NFT' || { why "nft loss rules"; return 1; }
	table inet xstloss {
		chain in { type filter hook input priority 0; meta l4proto tcp numgen random mod 100 0 drop; }
		chain out { type filter hook output priority 0; meta l4proto tcp numgen random mod 100 0 drop; }
	}
	NFT
	for s in 100000 10000000; do
		fetch "$XST_IP4_SRV" "f$s.bin" || return 1
		fetch "[$XST_IP6_SRV]" "f$s.bin" -H 'Connection: close' || return 1
	done
	downloads "$XST_IP4_SRV" -H 'Connection: close' || return 1
	cli nft delete table inet xstloss
	sleep 1.5
	[ "$(hstat precopy_hits)" -gt "$hits" ] || { why "no precopy hits after the reload"; return 1; }
	stop_daemon
}

# The same requests to nginx (in the server namespace, kernel TCP, port 8088)
# and to xdpstorm: status, the headers that matter, bodies.
test_nginx_diff() {
	local out

	command -v nginx >/dev/null || { why "nginx not installed (make deps)"; return 1; }
	start_daemon || return 1
	out=$(timeout 120 "$PY" "$ROOT/tests/http/diff.py" --netns-srv "$XST_NS_SRV" --netns-cli "$XST_NS_CLI" \
		--root "$SITE" --xdpstorm "$XST_IP4_SRV:80" --nginx-addr "$XST_IP4_SRV" --nginx-port 8088 \
		--tmp "$TMP" 2>&1)
	echo "$out" | tail -n1 | grep -q 'httpdiff: [0-9]* passed, 0 failed' ||
		{ why "$(echo "$out" | grep -m3 FAIL | tr '\n' ' ') $(echo "$out" | tail -n1)"; return 1; }
	stop_daemon
}

# MTU 9000 both ways: the MSS announced stays within a socket frame (a
# client segment longer than that would go to the kernel and be reset), so
# a request of 6000 header bytes and big downloads work, over IPv4 and IPv6.
test_jumbo() {
	local pad out

	ip -n "$XST_NS_SRV" link set dev "$XST_IF_SRV" mtu 9000 || { why "set MTU 9000"; return 1; }
	ip -n "$XST_NS_CLI" link set dev "$XST_IF_CLI" mtu 9000 || { why "set client MTU 9000"; return 1; }
	start_daemon || return 1
	pad=$(head -c 6000 /dev/zero | tr '\0' a)
	fetch "$XST_IP4_SRV" f100000.bin -H "X-Pad: $pad" || return 1
	fetch "[$XST_IP6_SRV]" f100000.bin -H "X-Pad: $pad" || return 1
	fetch "$XST_IP4_SRV" f10000000.bin || return 1
	fetch "[$XST_IP6_SRV]" f10000000.bin || return 1
	out=$(ctl stats --iface "$XST_IF_SRV" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counters"]["pass_big"]["packets"])')
	[ "$out" = 0 ] || { why "$out frames too big for a socket went to the kernel"; return 1; }
	stop_daemon
}

net_run_tests reset
