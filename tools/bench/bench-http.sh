#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The HTTP benchmark (`make bench-http`, after `make all`): on one throw-away
# netns testbed, the same static files (1 KB, 16 KB, 64 KB and 1 MB by
# default) served in turn by every server in BENCH_HTTP_SERVERS, each loaded
# by wrk with keep-alive and with one request per connection
# (`Connection: close`). Per cell (server, file, mode) it records wrk's
# requests/s, the body throughput in Gbit/s, wrk's error counts, and the CPU
# time per request of the server's core from /proc/stat (that core's busy
# jiffies over the run / requests) and of the server's own processes. The
# matrix runs BENCH_ROUNDS times, each round starting every server afresh in
# a rotated order; the report takes the median over rounds. Raw results go to
# $O/bench/http-*.csv and $O/bench/raw-http/, the report to the HTTP section
# of docs/BENCHMARKS.md (between <!-- http-begin --> and <!-- http-end -->,
# the DNS section is kept) and docs/bench-http.png
# (tools/bench/bench_http_report.py).
#
# Each server is a set of functions srv_<name>_avail / _start / _ready_extra
# / _stop (name with '-' as '_'), as in bench-dns.sh; add one by writing them.
# Before its load runs every server must serve each file byte for byte
# (curl + cmp, twice over one kept-alive connection); one that does not is
# not measured.
#
# Servers run on core BENCH_SRV_CPU in the server namespace, wrk on
# BENCH_GEN_CPU in the client namespace, towards the server veth's IPv4
# address. On veth the receiver's softirq work runs on the sender's core: the
# server core also carries the client's receive path of the responses (and
# the generator core the server's receive path of the requests), so "server
# core CPU per request" is the server plus the kernel work of the replies'
# delivery; "process CPU per request" is the servers' own processes alone
# (user + system time, which for kernel-socket servers includes their TCP
# stack's send path). Compare servers with each other within one run.
#
# Variables (defaults in brackets):
#   BENCH_SECONDS        wrk duration of each cell [4]
#   BENCH_ROUNDS         rounds over all servers [2]
#   BENCH_HTTP_SERVERS   [xdpstorm-memcpy xdpstorm-precopy nginx h2o]; also
#                        nginx-nosendfile (sendfile off) for A/B runs
#   BENCH_HTTP_SIZES     file sizes, bytes with an optional k or m suffix
#                        (binary units) [1k 16k 64k 1m]
#   BENCH_HTTP_MODES     keepalive and/or close [keepalive close]
#   BENCH_HTTP_CONNS     wrk connections (-c) [64]
#   BENCH_HTTP_PORT      TCP port every server listens on [80]
#   BENCH_SRV_CPU / BENCH_GEN_CPU  [1 / 0]
#   BENCH_DOCS           where BENCHMARKS.md and bench-http.png go [docs];
#                        empty: $O/bench/http-report.md and $O/bench/bench-http.png
#   O                    build directory [build]
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac

BENCH_SECONDS=${BENCH_SECONDS:-4}
BENCH_ROUNDS=${BENCH_ROUNDS:-2}
BENCH_HTTP_SERVERS=${BENCH_HTTP_SERVERS:-xdpstorm-memcpy xdpstorm-precopy nginx h2o}
BENCH_HTTP_SIZES=${BENCH_HTTP_SIZES:-1k 16k 64k 1m}
BENCH_HTTP_MODES=${BENCH_HTTP_MODES:-keepalive close}
BENCH_HTTP_CONNS=${BENCH_HTTP_CONNS:-64}
BENCH_HTTP_PORT=${BENCH_HTTP_PORT:-80}
BENCH_SRV_CPU=${BENCH_SRV_CPU:-1}
BENCH_GEN_CPU=${BENCH_GEN_CPU:-0}
BENCH_DOCS=${BENCH_DOCS-docs}
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-60}

PY=/usr/bin/python3	# Debian's interpreter: it has matplotlib
OUT=$O/bench
RAW=$OUT/raw-http
SITE=$OUT/http-site
RESULTS=$OUT/http-results.csv
SERVERS_CSV=$OUT/http-servers.csv
META=$OUT/http-meta.txt
LOG=$OUT/http.log
DAEMON=$O/xdpstorm
WRK_LUA=$ROOT/tools/bench/bench_wrk.lua

BENCH_NAME=http
# shellcheck source=tools/bench/lib.sh
. "$ROOT/tools/bench/lib.sh"

for n in $BENCH_SECONDS $BENCH_ROUNDS $BENCH_HTTP_CONNS $BENCH_HTTP_PORT $BENCH_SRV_CPU \
	 $BENCH_GEN_CPU $READY_TIMEOUT; do
	case $n in ''|*[!0-9]*) echo "bench-http: '$n' is not a number" >&2; exit 2 ;; esac
done
[ "$BENCH_SECONDS" -ge 1 ] || { echo "bench-http: BENCH_SECONDS must be >= 1" >&2; exit 2; }
[ "$BENCH_ROUNDS" -ge 1 ] || { echo "bench-http: BENCH_ROUNDS must be >= 1" >&2; exit 2; }
[ "$BENCH_HTTP_CONNS" -ge 1 ] || { echo "bench-http: BENCH_HTTP_CONNS must be >= 1" >&2; exit 2; }
for m in $BENCH_HTTP_MODES; do
	case $m in keepalive|close) ;; *) echo "bench-http: mode '$m': keepalive or close" >&2; exit 2 ;; esac
done
size_bytes() {	# 1k -> 1024, 1m -> 1048576, 300 -> 300; nothing if malformed
	case $1 in
	''|*[!0-9kKmM]*|[kKmM]*|*[kKmM]?*) ;;
	*[kK]) echo $(( ${1%[kK]} * 1024 )) ;;
	*[mM]) echo $(( ${1%[mM]} * 1048576 )) ;;
	*) echo $(( 10#$1 )) ;;
	esac
}
for s in $BENCH_HTTP_SIZES; do
	[ -n "$(size_bytes "$s")" ] || { echo "bench-http: size '$s': bytes, e.g. 300, 16k or 1m" >&2; exit 2; }
done
[ -n "$BENCH_HTTP_SIZES" ] || { echo "bench-http: BENCH_HTTP_SIZES is empty" >&2; exit 2; }
FIRST="${BENCH_HTTP_SIZES%% *}.bin"	# the file of the readiness test

if [ "$(id -u)" != 0 ]; then
	echo "bench-http: needs root (network namespaces, XDP)" >&2
	exit 1
fi
for tool in ip taskset timeout wrk curl cmp awk; do
	command -v "$tool" >/dev/null || { echo "bench-http: '$tool' not installed (make deps)" >&2; exit 1; }
done
[ -x "$PY" ] || { echo "bench-http: $PY missing" >&2; exit 1; }
CPUS=$(nproc)
for c in $BENCH_SRV_CPU $BENCH_GEN_CPU; do
	grep -q "^cpu$c " /proc/stat || { echo "bench-http: no cpu $c" >&2; exit 2; }
done
[ "$CPUS" -ge 2 ] && [ "$BENCH_SRV_CPU" = "$BENCH_GEN_CPU" ] &&
	echo "bench-http: warning: server and wrk share cpu $BENCH_SRV_CPU" >&2

mkdir -p "$OUT" "$RAW" "$SITE"
rm -f "$RAW"/* "$SITE"/*
: >"$LOG"
TMP=$(mktemp -d /tmp/xst-bench-http.XXXXXX)
export XST_TB_ID="bh$$"
XST_TB_ID=${XST_TB_ID:0:10}
TB_UP=0
PIDS=""		# every process this script started in the background
SRV_PID=""
ROUND=1
SEQ=0

trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

url() {	# FILE
	echo "http://$XST_IP4_SRV:$BENCH_HTTP_PORT/$1"
}

# ---- servers ----------------------------------------------------------------
# srv_X_avail: exit 0 or print why not. srv_X_start SITE DIR: start in the
# background in the server namespace pinned to BENCH_SRV_CPU, set SRV_PID.
# srv_X_ready_extra DIR: optional test besides "GET of the first file is a
# 200". srv_X_stop DIR: optional, after the generic SIGTERM (srv_stop).

srv_nginx_avail() {
	command -v nginx >/dev/null || { echo "nginx not installed (make deps)"; return 1; }
}
srv_nginx_start() { nginx_start "$1" "$2" on; }
# sendfile off (reads into a buffer, writes it): not in the default set, for A/B runs
srv_nginx_nosendfile_avail() { srv_nginx_avail; }
srv_nginx_nosendfile_start() { nginx_start "$1" "$2" off; }
nginx_start() {	# SITE DIR SENDFILE(on|off)
	local mask

	# worker_cpu_affinity takes a bit mask, highest cpu first
	mask=1
	for _ in $(seq 1 "$BENCH_SRV_CPU"); do mask="${mask}0"; done
	mkdir -p "$2/tmp"
	cat >"$2/nginx.conf" <<EOF
# one worker on the server core, kernel sendfile, file descriptors cached
daemon off;
master_process on;
user root;
worker_processes 1;
worker_cpu_affinity $mask;
worker_rlimit_nofile 65536;
pid $2/nginx.pid;
error_log $2/error.log warn;
events {
	worker_connections 16384;
	use epoll;
	multi_accept on;
}
http {
	access_log off;
	sendfile $3;
	tcp_nopush on;
	tcp_nodelay on;
	open_file_cache max=1000 inactive=60s;
	open_file_cache_valid 60s;
	open_file_cache_errors on;
	keepalive_requests 100000000;
	keepalive_timeout 65s;
	server_tokens off;
	types { text/html html; }
	default_type application/octet-stream;
	client_body_temp_path $2/tmp/body;
	proxy_temp_path $2/tmp/proxy;
	fastcgi_temp_path $2/tmp/fastcgi;
	uwsgi_temp_path $2/tmp/uwsgi;
	scgi_temp_path $2/tmp/scgi;
	server {
		listen $XST_IP4_SRV:$BENCH_HTTP_PORT backlog=4096;
		root $1;
	}
}
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" nginx -p "$2" -c "$2/nginx.conf" \
		>"$2/server.out" 2>&1 &
	SRV_PID=$!
}

srv_h2o_avail() {
	command -v h2o >/dev/null || { echo "h2o not installed (make deps)"; return 1; }
}
srv_h2o_start() {
	cat >"$2/h2o.conf" <<EOF
# one thread on the server core (taskset), no access log
user: root
num-threads: 1
max-connections: 16384
pid-file: $2/h2o.pid
error-log: $2/error.log
listen:
  host: $XST_IP4_SRV
  port: $BENCH_HTTP_PORT
file.send-compressed: OFF
hosts:
  "default":
    paths:
      "/":
        file.dir: $1
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" h2o -c "$2/h2o.conf" \
		>"$2/server.out" 2>&1 &
	SRV_PID=$!
}

# xdpstorm's HTTP service, as issue 8 fixes its interface: --http-root DIR
# [--http-port N] [--send memcpy|precopy], one log line containing " ready on ".
xdpstorm_avail() {
	[ -x "$DAEMON" ] || { echo "${DAEMON#"$ROOT"/} not built"; return 1; }
	"$DAEMON" --help 2>&1 | grep -q -- '--http-root' ||
		{ echo "${DAEMON#"$ROOT"/} has no --http-root: no HTTP service in this build"; return 1; }
}
xdpstorm_start() {	# SITE DIR SEND [ARG...]
	local site=$1 dir=$2 send=$3

	shift 3
	# --cpus: its worker would otherwise pin itself to cpu 0 (queue i -> cpu i)
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" "$DAEMON" --iface "$XST_IF_SRV" \
		--http-root "$site" --http-port "$BENCH_HTTP_PORT" --queues 1 --mode native \
		--send "$send" --cpus "$BENCH_SRV_CPU" "$@" >"$dir/server.out" 2>&1 &
	SRV_PID=$!
}
xdpstorm_ready_extra() {
	grep -q ' ready on ' "$1/server.out"
}
srv_xdpstorm_memcpy_avail() { xdpstorm_avail; }
srv_xdpstorm_memcpy_start() { xdpstorm_start "$1" "$2" memcpy; }
srv_xdpstorm_memcpy_ready_extra() { xdpstorm_ready_extra "$1"; }
srv_xdpstorm_precopy_avail() { xdpstorm_avail; }
srv_xdpstorm_precopy_start() { xdpstorm_start "$1" "$2" precopy; }
srv_xdpstorm_precopy_ready_extra() { xdpstorm_ready_extra "$1"; }

http_code() {	# FILE: the status of one GET, 000 when nothing answers
	cli curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(url "$1")" 2>/dev/null || true
}

wait_ready() {	# NAME DIR: 0 when the first file GETs 200 (and the extra test passes)
	local name=$1 dir=$2 extra t0 now

	extra=$(fn_of "$name" ready_extra)
	t0=$(date +%s)
	while :; do
		if [ -n "$SRV_PID" ] && ! kill -0 "$SRV_PID" 2>/dev/null; then
			log "$name exited before it was ready:"
			tail -n 20 "$dir/server.out" "$dir"/*.log 2>/dev/null | sed 's/^/    /' >&2 || true
			return 1
		fi
		if [ "$(http_code "$FIRST")" = 200 ] && { [ -z "$extra" ] || "$extra" "$dir"; }; then
			return 0
		fi
		now=$(date +%s)
		if [ $((now - t0)) -ge "$READY_TIMEOUT" ]; then
			log "$name not ready after $READY_TIMEOUT s"
			tail -n 20 "$dir/server.out" "$dir"/*.log 2>/dev/null | sed 's/^/    /' >&2 || true
			return 1
		fi
		sleep 0.2
	done
}

tree_pids() {	# PID: it and its descendants
	local p

	echo "$1"
	for p in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do
		tree_pids "$p"
	done
}

proc_ticks() {	# PID: user + system clock ticks of the process tree (threads included)
	local p sum=0 t

	[ -n "$1" ] || { echo 0; return 0; }
	for p in $(tree_pids "$1"); do
		# fields after "(comm) ": state is 1, utime 12, stime 13
		t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}

veth_tx() {	# "packets bytes" sent by the server's veth end since it was made
	ip -n "$XST_NS_SRV" -s link show dev "$XST_IF_SRV" |
		awk '/^ *TX:/ { getline; print $2, $1; exit }'
}

cpu_busy() {	# CPU: busy jiffies (user nice system irq softirq steal) since boot
	awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Every file byte for byte, each fetched twice over one kept-alive connection
# (curl reuses it for the second URL), with a 200 and the right length.
check_files() {
	local s f bad="" out

	for s in $BENCH_HTTP_SIZES; do
		f="$s.bin"
		rm -f "$TMP/got1" "$TMP/got2"
		out=$(cli curl -s --max-time 20 -w '%{http_code} %{size_download} %{num_connects}\n' \
			-o "$TMP/got1" "$(url "$f")" -o "$TMP/got2" "$(url "$f")" 2>/dev/null || true)
		if [ "$(echo "$out" | awk '{ print $1 }' | sort -u)" != 200 ]; then
			bad="$bad $f:status($(echo "$out" | awk '{ printf "%s%s", sep, $1; sep = "/" }'))"
		elif ! cmp -s "$TMP/got1" "$SITE/$f" || ! cmp -s "$TMP/got2" "$SITE/$f"; then
			bad="$bad $f:body"
		elif [ "$(echo "$out" | awk '{ n += $3 } END { print n }')" != 1 ]; then
			bad="$bad $f:no-keepalive"
		fi
	done
	if [ -n "$bad" ]; then
		echo "wrong:$bad"
	else
		echo ok
	fi
}

# ---- load runs ----------------------------------------------------------------
# run_load NAME SIZE MODE: one wrk run; appends to RESULTS.
run_load() {
	local name=$1 size=$2 mode=$3 bytes raw pid rc=0 row hdr=()
	local c0 c1 g0 g1 p0 p1 t0 t1

	SEQ=$((SEQ + 1))
	bytes=$(size_bytes "$size")
	raw="$RAW/$name-$size-$mode-r$ROUND-$SEQ.txt"
	[ "$mode" = close ] && hdr=(-H 'Connection: close')
	t0=$(veth_tx)
	c0=$(cpu_busy "$BENCH_SRV_CPU"); g0=$(cpu_busy "$BENCH_GEN_CPU"); p0=$(proc_ticks "$SRV_PID")
	ip netns exec "$XST_NS_CLI" timeout -k 5 $((BENCH_SECONDS + 30)) taskset -c "$BENCH_GEN_CPU" \
		wrk -t 1 -c "$BENCH_HTTP_CONNS" -d "${BENCH_SECONDS}s" --timeout 5s -s "$WRK_LUA" \
		"${hdr[@]}" "$(url "$size.bin")" >"$raw" 2>&1 &
	pid=$!
	track "$pid"
	wait "$pid" || rc=$?
	untrack "$pid"
	c1=$(cpu_busy "$BENCH_SRV_CPU"); g1=$(cpu_busy "$BENCH_GEN_CPU"); p1=$(proc_ticks "$SRV_PID")
	t1=$(veth_tx)
	if [ -n "$SRV_PID" ] && ! kill -0 "$SRV_PID" 2>/dev/null; then
		rc=99	# the server died under load
	fi
	row=$(awk -v srv="$name" -v size="$size" -v fbytes="$bytes" -v mode="$mode" -v round="$ROUND" \
		-v conns="$BENCH_HTTP_CONNS" -v rc="$rc" -v tck="$(getconf CLK_TCK)" \
		-v cb=$((c1 - c0)) -v gb=$((g1 - g0)) -v pb=$((p1 - p0)) \
		-v txp=$(( ${t1% *} - ${t0% *} )) -v txb=$(( ${t1#* } - ${t0#* } )) '
		/^XSTWRK / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }; got = 1 }
		END {
			dur = got ? v["duration_us"] / 1e6 : 0
			req = got ? v["requests"] : 0
			good = req - (got ? v["status"] : 0)
			st = (rc == 0 && got && req > 0) ? "ok" : (rc == 99 ? "server-died" : "fail(" rc ")")
			rps = dur > 0 ? req / dur : 0
			gbody = dur > 0 ? good * fbytes * 8 / dur / 1e9 : 0
			gwire = dur > 0 ? v["bytes"] * 8 / dur / 1e9 : 0
			us = 1e6 / tck
			printf "%s,%s,%d,%s,%s,%d,%.3f,%d,%d,%.1f,%.4f,%.4f,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%d,%d,%d,%d,%s\n",
				srv, size, fbytes, mode, round, conns, dur, req, v["bytes"], rps, gbody, gwire,
				v["status"], v["connect"], v["read"], v["write"], v["timeout"],
				cb, gb, pb,
				(req > 0 ? cb * us / req : 0), (req > 0 ? gb * us / req : 0),
				(req > 0 ? pb * us / req : 0),
				v["p50_us"], v["p99_us"], txp, txb, st
		}' "$raw")
	echo "$row" >>"$RESULTS"
	log "  $(echo "$row" | awk -F, '{ st = ($28 == "ok") ? "" : (" " $28)
		e = $13 + $14 + $15 + $16 + $17
		printf "%-17s %4s %-9s %9.0f req/s %7.3f Gbit/s core %6.2f us/req proc %6.2f us/req tx %5.0f B/frame errors %d%s",
		$1, $2, $4, $10, $11, $21, $23, ($26 > 0 ? $27 / $26 : 0), e, st }')"
	[ "$rc" -eq 0 ] || sed 's/^/    /' "$raw" | tail -n 5 >&2
}

# serve NAME: start, check, load every size in every mode, stop.
serve() {
	local name=$1 avail start why dir t0 t1 check size mode

	avail=$(fn_of "$name" avail)
	start=$(fn_of "$name" start)
	if [ -z "$avail" ] || [ -z "$start" ]; then
		log "$name: unknown server (no srv_${name//-/_}_start)"
		echo "$name,skipped,0,-,unknown server,$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	if ! why=$("$avail"); then
		log "$name: skipped: $why"
		echo "$name,skipped,0,-,${why//,/;},$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	dir="$TMP/$name-r$ROUND"
	mkdir -p "$dir"
	# Nothing may be left from the previous server: no answer, no XDP program.
	if [ "$(http_code "$FIRST")" != 000 ] ||
	   ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp'; then
		die "before $name: the previous server still answers or left XDP attached"
	fi
	log "$name: starting (round $ROUND/$BENCH_ROUNDS)"
	t0=$(date +%s.%N)
	"$start" "$SITE" "$dir"
	[ -z "$SRV_PID" ] || track "$SRV_PID"
	if ! wait_ready "$name" "$dir"; then
		cp "$dir/server.out" "$RAW/$name-r$ROUND-server.out" 2>/dev/null || true
		srv_stop "$name" "$dir"
		echo "$name,failed,0,-,did not become ready,$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	t1=$(date +%s.%N)
	[ -z "$SRV_PID" ] || pin_tree "$SRV_PID"
	check=$(check_files)
	log "$name: ready in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, files $check"
	if [ "$check" = ok ]; then
		for size in $BENCH_HTTP_SIZES; do
			for mode in $BENCH_HTTP_MODES; do
				run_load "$name" "$size" "$mode"
				sleep 0.3
			done
		done
	else
		log "$name: serves wrong files: not measured"
	fi
	cp "$dir/server.out" "$RAW/$name-r$ROUND-server.out" 2>/dev/null || true
	cp "$dir/error.log" "$RAW/$name-r$ROUND-error.log" 2>/dev/null || true
	srv_stop "$name" "$dir"
	echo "$name,$([ "$check" = ok ] && echo ok || echo wrong),$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.1f", b - a }'),${check//,/;},,$ROUND" >>"$SERVERS_CSV"
}

# ---- main ---------------------------------------------------------------------
START=$(date +%s)
echo "server,size,file_bytes,mode,round,conns,duration_s,requests,wire_bytes,rps,gbps_body,gbps_wire,non2xx,err_connect,err_read,err_write,err_timeout,srv_core_jiffies,gen_core_jiffies,proc_ticks,srv_core_us_per_req,gen_core_us_per_req,proc_us_per_req,p50_us,p99_us,srv_tx_packets,srv_tx_bytes,status" >"$RESULTS"
echo "server,status,ready_s,check,note,round" >"$SERVERS_CSV"
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel=$(uname -sr)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "cores=$CPUS"
	echo "commit=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "wrk=$(wrk -v 2>&1 | head -n 1 | sed 's/ \[.*//')"
	echo "nginx=$(nginx -v 2>&1 | head -n 1)"
	echo "h2o=$(h2o --version 2>&1 | head -n 1)"
	echo "seconds=$BENCH_SECONDS"
	echo "rounds=$BENCH_ROUNDS"
	echo "sizes=$BENCH_HTTP_SIZES"
	echo "modes=$BENCH_HTTP_MODES"
	echo "servers=$BENCH_HTTP_SERVERS"
	echo "conns=$BENCH_HTTP_CONNS"
	echo "srv_cpu=$BENCH_SRV_CPU"
	echo "gen_cpu=$BENCH_GEN_CPU"
	echo "clk_tck=$(getconf CLK_TCK)"
} >"$META"

# The site: one file of random bytes per size (compression cannot help).
for s in $BENCH_HTTP_SIZES; do
	head -c "$(size_bytes "$s")" /dev/urandom >"$SITE/$s.bin"
done
echo '<html><body>xdpstorm bench</body></html>' >"$SITE/index.html"

log "testbed id $XST_TB_ID; servers: $BENCH_HTTP_SERVERS; sizes: $BENCH_HTTP_SIZES;" \
	"modes: $BENCH_HTTP_MODES; ${BENCH_SECONDS} s per cell, $BENCH_HTTP_CONNS connections"
eval "$("$ROOT/tools/testbed.sh" up --queues 1 --id "$XST_TB_ID" 2>>"$LOG")"
TB_UP=1
# The client opens a connection per request in close mode: a wide port range,
# and its ports reusable at once (the servers close first, so TIME_WAIT is
# theirs; this is for a client-side close after an error).
cli sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1 || true
srv sysctl -q -w net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=8192 || true
log "server $XST_NS_SRV/$XST_IF_SRV $XST_IP4_SRV:$BENCH_HTTP_PORT (core $BENCH_SRV_CPU)," \
	"client $XST_NS_CLI/$XST_IF_CLI (wrk, core $BENCH_GEN_CPU)"

# shellcheck disable=SC2206 # a word list
servers=($BENCH_HTTP_SERVERS)
for ROUND in $(seq 1 "$BENCH_ROUNDS"); do
	# rotate the order by one server per round
	for i in $(seq 0 $((${#servers[@]} - 1))); do
		serve "${servers[$(( (i + ROUND - 1) % ${#servers[@]} ))]}"
	done
done

echo "elapsed_s=$(( $(date +%s) - START ))" >>"$META"
log "load runs done in $(( $(date +%s) - START )) s"

# The report, and the targets reached or not on stderr (to the log too).
if [ -n "$BENCH_DOCS" ]; then
	mkdir -p "$ROOT/$BENCH_DOCS"
	md=$ROOT/$BENCH_DOCS/BENCHMARKS.md
	png=$ROOT/$BENCH_DOCS/bench-http.png
else
	md=$OUT/http-report.md
	png=$OUT/bench-http.png
	rm -f "$md"
fi
"$PY" "$ROOT/tools/bench/bench_http_report.py" --dir "$OUT" --md "$md" --png "$png" \
	--print-targets | tee -a "$LOG" >&2
log "wrote the HTTP section of ${md#"$ROOT"/} and ${png#"$ROOT"/}"
log "raw results in $OUT (http-results.csv, http-servers.csv, http-meta.txt, raw-http/)"
