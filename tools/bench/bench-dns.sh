#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The DNS benchmark (`make bench-dns`, after `make all`): on one throw-away
# netns testbed, the same zone and query mix served in turn by every server
# in BENCH_SERVERS, each driven by kxdpgun at fractions of the generator's
# ceiling and at its maximum; then the userspace instruction count per query
# (build/tools/bench-dns-path under callgrind). The matrix runs BENCH_ROUNDS
# times, each round starting every server afresh (in a rotated order), and
# the report takes the median over rounds, so slow drifts of a shared
# machine hit all servers alike. Last, the zone load time and memory
# against NSD (tools/bench/bench-load.sh, also `make bench-load`). Raw results go to
# $O/bench/dns-*.csv and $O/bench/raw/, the report to docs/BENCHMARKS.md and
# docs/bench-dns.png (tools/bench/bench_report.py).
#
# Each server is a set of functions srv_<name>_avail / _start / _ready_extra
# / _stop (name with '-' as '_'); add one by writing those. The generator's
# ceiling is measured against "echo", an XDP program (tools/bench/
# dns_echo.bpf.c) that turns each query around in the driver: no server.
#
# Servers run on core BENCH_SRV_CPU in the server namespace, kxdpgun on
# BENCH_GEN_CPU in the client namespace, towards the server veth's IPv4
# address only. On veth the receiver's softirq (and XDP) work runs on the
# sender's core, so the pinning does not isolate the two: compare servers
# with each other (ratios) within one run.
#
# Variables (defaults in brackets):
#   BENCH_SECONDS   kxdpgun duration of each load run [4]; each run takes
#                   about 2 s more (kxdpgun's setup and final wait)
#   BENCH_ROUNDS    rounds over all servers and rates [2]
#   BENCH_SIZES     zone sizes in host names [10 10000 1000000]
#   BENCH_RATES     percentages of the generator ceiling, "max" = unlimited
#                   [25 50 75 90 max]
#   BENCH_SERVERS   [xdpstorm-memcpy xdpstorm-precopy knot-xdp knot-sock nsd];
#                   also xdpstorm-noahead (memcpy, --lookahead off) for A/B runs,
#                   and xdpstorm-base-memcpy / xdpstorm-base-precopy: the binary
#                   BENCH_BASELINE (an earlier build, e.g. of the last release:
#                   git worktree add /tmp/base REV && make -C /tmp/base all,
#                   BENCH_BASELINE=/tmp/base/build/xdpstorm) side by side with
#                   this one
#   BENCH_BASELINE  the xdpstorm binary of the xdpstorm-base-* servers
#   BENCH_LINES     lines in the query file [100000]
#   BENCH_MAX_QPS   kxdpgun -Q for "max" and for the ceiling [5000000]
#   BENCH_CG_COUNT  queries served under callgrind per zone size [20000]
#   BENCH_SRV_CPU / BENCH_GEN_CPU  [1 / 0]
#   BENCH_DOCS      where BENCHMARKS.md and bench-dns.png go [docs]; empty: none
#   O               build directory [build]
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac

BENCH_SECONDS=${BENCH_SECONDS:-4}
BENCH_ROUNDS=${BENCH_ROUNDS:-2}
BENCH_SIZES=${BENCH_SIZES:-10 10000 1000000}
BENCH_RATES=${BENCH_RATES:-25 50 75 90 max}
BENCH_SERVERS=${BENCH_SERVERS:-xdpstorm-memcpy xdpstorm-precopy knot-xdp knot-sock nsd}
BENCH_LINES=${BENCH_LINES:-100000}
BENCH_MAX_QPS=${BENCH_MAX_QPS:-5000000}
BENCH_CG_COUNT=${BENCH_CG_COUNT:-20000}
BENCH_SRV_CPU=${BENCH_SRV_CPU:-1}
BENCH_GEN_CPU=${BENCH_GEN_CPU:-0}
BENCH_DOCS=${BENCH_DOCS-docs}
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-300}

PY=/usr/bin/python3	# Debian's interpreter: it has matplotlib
OUT=$O/bench
RAW=$OUT/raw
ZONES=$OUT/zones
RESULTS=$OUT/dns-results.csv
SERVERS_CSV=$OUT/dns-servers.csv
INSTR=$OUT/dns-instr.csv
META=$OUT/dns-meta.txt
LOG=$OUT/dns.log
ECHO_OBJ=$OUT/dns_echo.bpf.o
DAEMON=$O/xdpstorm
PATHTOOL=$O/tools/bench-dns-path

BENCH_NAME=dns
BENCH_XDP_WARN='xdpstorm-*'	# knotd leaves its program: expected
# shellcheck source=tools/bench/lib.sh
. "$ROOT/tools/bench/lib.sh"

for n in $BENCH_SECONDS $BENCH_ROUNDS $BENCH_LINES $BENCH_MAX_QPS $BENCH_CG_COUNT $BENCH_SRV_CPU \
	 $BENCH_GEN_CPU $READY_TIMEOUT $BENCH_SIZES; do
	case $n in ''|*[!0-9]*) echo "bench-dns: '$n' is not a number" >&2; exit 2 ;; esac
done
for r in $BENCH_RATES; do
	case $r in max) ;; ''|*[!0-9]*) echo "bench-dns: rate '$r': a percentage or max" >&2; exit 2 ;; esac
done
[ "$BENCH_SECONDS" -ge 1 ] || { echo "bench-dns: BENCH_SECONDS must be >= 1" >&2; exit 2; }
[ "$BENCH_ROUNDS" -ge 1 ] || { echo "bench-dns: BENCH_ROUNDS must be >= 1" >&2; exit 2; }

if [ "$(id -u)" != 0 ]; then
	echo "bench-dns: needs root (network namespaces, XDP)" >&2
	exit 1
fi
for tool in ip taskset timeout kxdpgun dig awk; do
	command -v "$tool" >/dev/null || { echo "bench-dns: '$tool' not installed" >&2; exit 1; }
done
[ -x "$PY" ] || { echo "bench-dns: $PY missing" >&2; exit 1; }
[ -e "$ECHO_OBJ" ] || { echo "bench-dns: $ECHO_OBJ missing (make bench-dns builds it)" >&2; exit 1; }

mkdir -p "$OUT" "$RAW" "$ZONES"
rm -f "$RAW"/*
: >"$LOG"
TMP=$(mktemp -d /tmp/xst-bench-dns.XXXXXX)
export XST_TB_ID="bd$$"
XST_TB_ID=${XST_TB_ID:0:10}
TB_UP=0
PIDS=""		# every process this script started in the background
SRV_PID=""
ROUND=1
GEN_MAX=0
SEQ=0

trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# ---- servers ----------------------------------------------------------------
# srv_X_avail: exit 0 or print why not. srv_X_start ZONE DIR: start in the
# background in the server namespace pinned to BENCH_SRV_CPU, set SRV_PID.
# srv_X_ready_extra DIR: optional extra readiness test (srv_X_ready DIR
# replaces the default one). srv_X_check: replaces check_answers. srv_X_stop
# DIR: optional, after the generic SIGTERM (srv_stop).

srv_echo_avail() { return 0; }
srv_echo_start() {
	srv ip link set dev "$XST_IF_SRV" xdpdrv obj "$ECHO_OBJ" sec xdp
	SRV_PID=""
}
srv_echo_ready() {	# replaces the dig test: the echo has no zone
	ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'name xst_dns_echo'
}
srv_echo_check() { echo n/a; }

srv_nsd_avail() {
	command -v nsd >/dev/null || { echo "nsd not installed"; return 1; }
}
srv_nsd_start() {
	cat >"$2/nsd.conf" <<EOF
server:
	ip-address: $XST_IP4_SRV
	port: 53
	username: ""
	chroot: ""
	zonesdir: "$2"
	database: ""
	pidfile: "$2/nsd.pid"
	xfrdfile: "$2/xfrd.state"
	zonelistfile: "$2/zone.list"
	logfile: "$2/nsd.log"
	server-count: 1
	rrl-ratelimit: 0
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: bench.test.
	zonefile: "$1"
EOF
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" nsd -d -c "$2/nsd.conf" >"$2/server.out" 2>&1 &
	SRV_PID=$!
}

knot_conf() {	# ZONE DIR MODE(sock|xdp)
	local listen="listen: $XST_IP4_SRV@53" xdp=""

	if [ "$3" = xdp ]; then
		listen=""
		xdp="xdp:
    listen: $XST_IF_SRV@53
    udp: on
    tcp: off"
	fi
	mkdir -p "$2/storage"
	cat >"$2/knot.conf" <<EOF
server:
    rundir: "$2"
    user: root:root
    pidfile: "$2/knot.pid"
    $listen
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
$xdp
log:
  - target: stderr
    any: info
database:
    storage: "$2/storage"
template:
  - id: default
    storage: "$2/storage"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: bench.test.
    file: "$1"
EOF
}

srv_knot_sock_avail() {
	command -v knotd >/dev/null || { echo "knotd not installed"; return 1; }
}
srv_knot_sock_start() {
	knot_conf "$1" "$2" sock
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" knotd -c "$2/knot.conf" >"$2/server.out" 2>&1 &
	SRV_PID=$!
}

srv_knot_xdp_avail() { srv_knot_sock_avail; }
srv_knot_xdp_start() {
	knot_conf "$1" "$2" xdp
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" knotd -c "$2/knot.conf" >"$2/server.out" 2>&1 &
	SRV_PID=$!
}
srv_knot_xdp_ready_extra() {
	grep -q 'initialized XDP interface' "$1/server.out"
}

xdpstorm_avail() {
	[ -x "$DAEMON" ] || { echo "${DAEMON#"$ROOT"/} not built"; return 1; }
}
xdpstorm_start() {	# ZONE DIR SEND [ARG...]
	local zone=$1 dir=$2 send=$3

	shift 3
	# Throughput, as the peers run (NSD with rrl-ratelimit 0, Knot without
	# its rrl module): no RRL and no XDP filter stage in a build that has them
	# (kxdpgun sends from a few addresses, which the token buckets would cut).
	"$DAEMON" --help 2>&1 | grep -q -- '--no-guard' && set -- --no-guard "$@"
	"$DAEMON" --help 2>&1 | grep -q -- '--no-rrl' && set -- --no-rrl "$@"
	# --cpus: its worker would otherwise pin itself to cpu 0 (queue i -> cpu i)
	ip netns exec "$XST_NS_SRV" taskset -c "$BENCH_SRV_CPU" "$DAEMON" --iface "$XST_IF_SRV" --zone "$zone" \
		--queues 1 --mode native --send "$send" --cpus "$BENCH_SRV_CPU" "$@" >"$dir/server.out" 2>&1 &
	SRV_PID=$!
}
xdpstorm_ready_extra() {
	grep -qi 'ready' "$1/server.out"
}
srv_xdpstorm_memcpy_avail() { xdpstorm_avail; }
srv_xdpstorm_memcpy_start() { xdpstorm_start "$1" "$2" memcpy; }
srv_xdpstorm_memcpy_ready_extra() { xdpstorm_ready_extra "$1"; }
srv_xdpstorm_precopy_avail() { xdpstorm_avail; }
srv_xdpstorm_precopy_start() { xdpstorm_start "$1" "$2" precopy; }
srv_xdpstorm_precopy_ready_extra() { xdpstorm_ready_extra "$1"; }
# An earlier build of the daemon (BENCH_BASELINE), for before/after runs.
base_avail() {
	[ -n "${BENCH_BASELINE:-}" ] && [ -x "$BENCH_BASELINE" ] ||
		{ echo "BENCH_BASELINE not set to an xdpstorm binary"; return 1; }
}
base_start() {	# ZONE DIR SEND
	DAEMON=$BENCH_BASELINE xdpstorm_start "$@"
}
srv_xdpstorm_base_memcpy_avail() { base_avail; }
srv_xdpstorm_base_memcpy_start() { base_start "$1" "$2" memcpy; }
srv_xdpstorm_base_memcpy_ready_extra() { xdpstorm_ready_extra "$1"; }
srv_xdpstorm_base_precopy_avail() { base_avail; }
srv_xdpstorm_base_precopy_start() { base_start "$1" "$2" precopy; }
srv_xdpstorm_base_precopy_ready_extra() { xdpstorm_ready_extra "$1"; }
# memcpy without the batch lookahead: not in the default set, for A/B runs
srv_xdpstorm_noahead_avail() { xdpstorm_avail; }
srv_xdpstorm_noahead_start() { xdpstorm_start "$1" "$2" memcpy --lookahead off; }
srv_xdpstorm_noahead_ready_extra() { xdpstorm_ready_extra "$1"; }

# One dig from the client namespace: ask prints the answer (+short; dig's
# ";;" error lines removed, so no server means no output), ask_status the
# response code.
ask() {	# NAME TYPE
	cli dig +time=1 +tries=1 +norecurse +short "@$XST_IP4_SRV" "$1" "$2" 2>/dev/null |
		grep -v '^;' || true
}
ask_status() {
	cli dig +time=1 +tries=1 +norecurse "@$XST_IP4_SRV" "$1" "$2" 2>/dev/null |
		sed -n 's/.*status: \([A-Z]*\).*/\1/p'
}

wait_ready() {	# NAME DIR: 0 when it answers host0 A (and its extra test passes)
	local name=$1 dir=$2 extra ready t0 now

	extra=$(fn_of "$name" ready_extra)
	ready=$(fn_of "$name" ready)
	t0=$(date +%s)
	while :; do
		if [ -n "$SRV_PID" ] && ! kill -0 "$SRV_PID" 2>/dev/null; then
			log "$name exited before it was ready:"
			tail -n 20 "$dir/server.out" "$dir"/*.log 2>/dev/null | sed 's/^/    /' >&2 || true
			return 1
		fi
		if [ -n "$ready" ]; then
			"$ready" "$dir" && return 0
		elif [ "$(ask host0.bench.test. A)" = 10.0.0.0 ] &&
		     { [ -z "$extra" ] || "$extra" "$dir"; }; then
			return 0
		fi
		now=$(date +%s)
		if [ $((now - t0)) -ge "$READY_TIMEOUT" ]; then
			log "$name not ready after $READY_TIMEOUT s"
			tail -n 20 "$dir/server.out" 2>/dev/null | sed 's/^/    /' >&2 || true
			return 1
		fi
		sleep 0.2
	done
}

# Same answers from every server: A, AAAA, MX (with its target), NXDOMAIN.
check_answers() {
	local bad=""

	[ "$(ask host0.bench.test. A)" = 10.0.0.0 ] || bad="$bad A"
	ask host0.bench.test. AAAA | grep -qx 'fd00::' || bad="$bad AAAA"
	[ "$(ask host0.bench.test. MX)" = "10 mail.bench.test." ] || bad="$bad MX"
	[ "$(ask_status nohost1.bench.test. A)" = NXDOMAIN ] || bad="$bad NXDOMAIN"
	[ "$(ask_status bench.test. SOA)" = NOERROR ] || bad="$bad SOA"
	if [ -n "$bad" ]; then
		echo "wrong:$bad"
	else
		echo ok
	fi
}

# ---- load runs ----------------------------------------------------------------
# run_load SIZE SERVER LABEL QPS QUERIES: one kxdpgun run; appends to RESULTS.
run_load() {
	local size=$1 name=$2 label=$3 qps=$4 qf=$5 raw pid rc=0 row

	SEQ=$((SEQ + 1))
	raw="$RAW/$size-$name-$label-r$ROUND-$SEQ.txt"
	ip netns exec "$XST_NS_CLI" timeout -k 5 $((BENCH_SECONDS + 30)) taskset -c "$BENCH_GEN_CPU" \
		kxdpgun -F "$BENCH_GEN_CPU" -t "$BENCH_SECONDS" -Q "$qps" -i "$qf" \
		-I "$XST_IF_CLI" "$XST_IP4_SRV" >"$raw" 2>&1 &
	pid=$!
	track "$pid"
	wait "$pid" || rc=$?
	untrack "$pid"
	# "total queries: N (P pps)", "total replies: N (P pps) (X%)",
	# "responded RCODE: N", "duration: S s", "average DNS reply size: B B"
	row=$(awk -v size="$size" -v srv="$name" -v label="$label" -v qps="$qps" -v rc="$rc" \
		-v round="$ROUND" '
		/^total queries:/ { sent = $3; gsub(/\(/, "", $4); spps = $4 }
		/^total replies:/ { recv = $3; gsub(/\(/, "", $4); rpps = $4 }
		/^responded / { k = $2; sub(/:$/, "", k); n = $3
			if (k == "NOERROR") noerr = n; else if (k == "NXDOMAIN") nx = n
			else other += n }
		/^duration:/ { dur = $2 }
		/^average DNS reply size:/ { rsize = $5 }
		END {
			st = (rc == 0 && sent > 0) ? "ok" : ("fail(" rc ")")
			ratio = (sent > 0) ? recv / sent : 0
			if (dur == "") dur = 0
			printf "%s,%s,%s,%s,%s,%d,%d,%d,%d,%.4f,%d,%d,%d,%s,%s,%d\n", size, srv, label, qps,
				dur, sent, recv, spps, rpps, ratio, noerr, nx, other, st, round, rsize
		}' "$raw")
	echo "$row" >>"$RESULTS"
	log "  $(echo "$row" | awk -F, '{ st = ($14 == "ok") ? "" : (" " $14)
		printf "%-16s %-4s offered %8s: sent %8d/s answered %8d/s (%.2f%%)%s",
		$2, $3, $4, $8, $9, 100 * $10, st }')"
	[ $rc -eq 0 ] || sed 's/^/    /' "$raw" | tail -n 5 >&2
}

# serve SIZE NAME ZONE QUERIES [RATES...]: start, check, load at each rate, stop.
serve() {
	local size=$1 name=$2 zone=$3 qf=$4 avail start why dir t0 t1 checkfn check label qps
	shift 4

	avail=$(fn_of "$name" avail)
	start=$(fn_of "$name" start)
	if [ -z "$avail" ] || [ -z "$start" ]; then
		log "$name: unknown server (no srv_${name//-/_}_start)"
		echo "$size,$name,skipped,0,-,unknown server,$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	if ! why=$("$avail"); then
		log "$name: skipped: $why"
		echo "$size,$name,skipped,0,-,${why//,/;},$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	dir="$TMP/$name-$size-r$ROUND"
	mkdir -p "$dir"
	# Nothing may be left from the previous server: no answer, no XDP program.
	if [ -n "$(ask host0.bench.test. A)" ] ||
	   ip -n "$XST_NS_SRV" link show dev "$XST_IF_SRV" | grep -q 'prog/xdp'; then
		die "before $name: the previous server still answers or left XDP attached"
	fi
	log "$name: starting on the $size-name zone (round $ROUND/$BENCH_ROUNDS)"
	t0=$(date +%s.%N)
	"$start" "$zone" "$dir"
	[ -z "$SRV_PID" ] || track "$SRV_PID"
	if ! wait_ready "$name" "$dir"; then
		cp "$dir/server.out" "$RAW/$size-$name-r$ROUND-server.out" 2>/dev/null || true
		srv_stop "$name" "$dir"
		echo "$size,$name,failed,0,-,did not become ready,$ROUND" >>"$SERVERS_CSV"
		return 0
	fi
	t1=$(date +%s.%N)
	[ -z "$SRV_PID" ] || pin_tree "$SRV_PID"
	checkfn=$(fn_of "$name" check)
	check=$("${checkfn:-check_answers}")
	log "$name: ready in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, answers $check"
	for label in "$@"; do
		if [ "$label" = max ]; then
			qps=$BENCH_MAX_QPS
		else
			qps=$(( (GEN_MAX * label + 50) / 100 ))
		fi
		run_load "$size" "$name" "$label" "$qps" "$qf"
		sleep 0.3
	done
	cp "$dir/server.out" "$RAW/$size-$name-r$ROUND-server.out" 2>/dev/null || true
	srv_stop "$name" "$dir"
	echo "$size,$name,ok,$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'),$check,,$ROUND" >>"$SERVERS_CSV"
}

# ---- instructions per query -------------------------------------------------
instr_count() {	# SIZE ZONE
	local size=$1 zone=$2
	local cg="$RAW/callgrind-$size.out" out="$RAW/callgrind-$size.txt"
	local nat="$RAW/bench-dns-path-$size.txt" ir calls nsq

	if [ ! -x "$PATHTOOL" ]; then
		log "instructions: ${PATHTOOL#"$ROOT"/} not built: skipped"
		echo "$size,0,0,0,0,not built" >>"$INSTR"
		return 0
	fi
	if ! command -v valgrind >/dev/null; then
		echo "$size,0,0,0,0,no valgrind" >>"$INSTR"
		return 0
	fi
	log "instructions: callgrind, $size-name zone, $BENCH_CG_COUNT queries"
	if ! timeout 1200 valgrind --tool=callgrind --collect-atstart=no \
		--toggle-collect=xst_worker_poll --callgrind-out-file="$cg" \
		"$PATHTOOL" --zone "$zone" --origin bench.test. --count "$BENCH_CG_COUNT" \
		>"$out" 2>&1; then
		log "instructions: bench-dns-path failed under callgrind (see $out)"
		echo "$size,0,0,0,0,failed" >>"$INSTR"
		return 0
	fi
	ir=$(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1; exit }')
	[ -n "$ir" ] || ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$cg")
	calls=$(sed -n 's/^queries through the worker: \([0-9]*\).*/\1/p' "$out")
	# the same path natively, for ns per query (noisy, informative only)
	nsq=0
	if timeout 600 "$PATHTOOL" --zone "$zone" --origin bench.test. --count 2000000 >"$nat" 2>&1; then
		nsq=$(sed -n 's/.* \([0-9.]*\) ns\/query.*/\1/p' "$nat")
	fi
	if [ -z "$ir" ] || [ -z "$calls" ] || [ "$calls" = 0 ]; then
		echo "$size,0,0,0,$nsq,unparsed" >>"$INSTR"
		return 0
	fi
	echo "$size,$ir,$calls,$(awk -v a="$ir" -v b="$calls" 'BEGIN { printf "%.1f", a / b }'),$nsq,ok" >>"$INSTR"
	log "instructions: $size names: $(tail -n 1 "$INSTR" | cut -d, -f4) Ir/query, $nsq ns/query natively"
}

# ---- main ---------------------------------------------------------------------
START=$(date +%s)
echo "size,server,rate,offered_qps,duration_s,sent,answered,sent_pps,answered_pps,ratio,noerror,nxdomain,other_rcode,status,round,reply_bytes" >"$RESULTS"
echo "size,server,status,ready_s,answers,note,round" >"$SERVERS_CSV"
echo "size,ir_total,service_calls,ir_per_query,ns_per_query,status" >"$INSTR"
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel=$(uname -sr)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "cores=$(nproc)"
	echo "commit=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "kxdpgun=$(kxdpgun -V 2>&1 | head -n 1)"
	echo "nsd=$(nsd -v 2>&1 | head -n 1)"
	echo "knotd=$(knotd -V 2>&1 | head -n 1)"
	echo "seconds=$BENCH_SECONDS"
	echo "rounds=$BENCH_ROUNDS"
	echo "sizes=$BENCH_SIZES"
	echo "rates=$BENCH_RATES"
	echo "servers=$BENCH_SERVERS"
	echo "lines=$BENCH_LINES"
	echo "max_qps=$BENCH_MAX_QPS"
	echo "srv_cpu=$BENCH_SRV_CPU"
	echo "gen_cpu=$BENCH_GEN_CPU"
} >"$META"

log "testbed id $XST_TB_ID; servers: $BENCH_SERVERS; sizes: $BENCH_SIZES; rates: $BENCH_RATES; ${BENCH_SECONDS} s per run"
eval "$("$ROOT/tools/testbed.sh" up --queues 1 --id "$XST_TB_ID" 2>>"$LOG")"
TB_UP=1
log "server $XST_NS_SRV/$XST_IF_SRV $XST_IP4_SRV (core $BENCH_SRV_CPU), client $XST_NS_CLI/$XST_IF_CLI (kxdpgun, core $BENCH_GEN_CPU)"

for size in $BENCH_SIZES; do
	zone="$ZONES/bench-$size.zone"
	qf="$ZONES/queries-$size.txt"
	log "zone: $size host names -> $zone"
	"$PY" "$ROOT/tools/bench/bench_zone.py" --names "$size" --zone "$zone" \
		--queries "$qf" --lines "$BENCH_LINES"

	# shellcheck disable=SC2206 # a word list
	servers=($BENCH_SERVERS)
	for ROUND in $(seq 1 "$BENCH_ROUNDS"); do
		# The generator's ceiling for this query file: kxdpgun unlimited
		# against the XDP echo, each round. The percentages are of round
		# 1's median of three, so that every round offers the same rates.
		if [ "$ROUND" = 1 ]; then
			serve "$size" echo "$zone" "$qf" max max max
			GEN_MAX=$(awk -F, -v s="$size" '$1 == s && $2 == "echo" && $14 == "ok" { print $9 }' "$RESULTS" |
				sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }')
			[ "${GEN_MAX:-0}" -gt 0 ] || die "no generator ceiling measured for the $size-name zone"
			echo "gen_max_$size=$GEN_MAX" >>"$META"
			log "generator ceiling: $GEN_MAX answered/s (median of 3: the rates' 100%)"
		else
			serve "$size" echo "$zone" "$qf" max
		fi
		# rotate the order by one server per round
		for i in $(seq 0 $((${#servers[@]} - 1))); do
			name=${servers[$(( (i + ROUND - 1) % ${#servers[@]} ))]}
			# shellcheck disable=SC2086 # a word list
			serve "$size" "$name" "$zone" "$qf" $BENCH_RATES
		done
	done
	instr_count "$size" "$zone"
done

echo "elapsed_s=$(( $(date +%s) - START ))" >>"$META"
log "load runs done in $(( $(date +%s) - START )) s"

if [ -n "$BENCH_DOCS" ]; then
	mkdir -p "$ROOT/$BENCH_DOCS"
	"$PY" "$ROOT/tools/bench/bench_report.py" --dir "$OUT" \
		--md "$ROOT/$BENCH_DOCS/BENCHMARKS.md" --png "$ROOT/$BENCH_DOCS/bench-dns.png"
	log "wrote $BENCH_DOCS/BENCHMARKS.md and $BENCH_DOCS/bench-dns.png"
fi
log "raw results in $OUT (dns-results.csv, dns-servers.csv, dns-instr.csv, raw/)"

# Load time and memory against nsd-checkzone and NSD (no testbed needed).
BENCH_SIZES="$BENCH_SIZES" BENCH_DOCS="$BENCH_DOCS" O="$O" "$ROOT/tools/bench/bench-load.sh"
