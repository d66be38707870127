#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# usage: run.sh [N]
# The differential DNS test on loopback (no namespaces): NSD and
# build/tools/dns-sock serve the same zones and every answer is compared
# (tests/dns/diff.py): first the sample zones of tests/dns/zones/, then a
# zone of very large RRsets (genzone.big()), then N random zones (default
# 10) from tests/dns/genzone.py, then the every-type and DNSSEC sets
# (diff.py --set, DNS_DIFF_SETS: default all): the zones of
# tests/dns/zones/types/ unsigned, and signed in the test with NSEC, NSEC3,
# NSEC3 opt-out (ldns-signzone) and by kzonesign, each with DO=0 and DO=1;
# one summary line per set (the first DNS_DIFF_SHOW differences shown;
# DNS_DIFF_ARGS=--nsd-b compares NSD with NSD, to check the harness); then
# the third-party zone corpus (tests/dns/thirdparty.py: accept/reject as
# nsd-checkzone, answers); last, a zone load that runs out of memory
# (prlimit --as) must say how much it needed.
set -u
cd "$(dirname "$0")/../.."
n=${1:-10}
PY=/usr/bin/python3
for tool in nsd "$PY"; do
	if ! command -v "$tool" >/dev/null; then
		echo "dnsdiff: skipped: '$tool' not installed (make deps)"
		exit 77
	fi
done
fail=0
echo "=== dnsdiff: sample zones"
timeout 600 "$PY" tests/dns/diff.py || fail=1
echo "=== dnsdiff: CHAOS identity and version hidden"
timeout 600 "$PY" tests/dns/diff.py --zone tests/dns/zones/second.test.zone --hide identity,version || fail=1
echo "=== dnsdiff: very large RRsets"
timeout 900 "$PY" tests/dns/diff.py --big || fail=1
if [ "$n" -gt 0 ]; then
	echo "=== dnsdiff: $n random zones"
	timeout 1200 "$PY" tests/dns/diff.py --random "$n" --seed 1 >"${TMPDIR:-/tmp}/dnsdiff.$$" 2>&1 || fail=1
	grep -v '^random zone seed\|0 failed' "${TMPDIR:-/tmp}/dnsdiff.$$"
	echo "random zones: $(grep -c ', 0 failed' "${TMPDIR:-/tmp}/dnsdiff.$$") of $n without a difference"
	rm -f "${TMPDIR:-/tmp}/dnsdiff.$$"
fi
sets=${DNS_DIFF_SETS:-types nsec nsec3 optout knot}
show=${DNS_DIFF_SHOW:-10}
for set in $sets; do
	case $set in
	types) need=nsd-checkzone ;;
	knot) need=kzonesign ;;
	*) need=ldns-signzone ;;
	esac
	if ! command -v $need >/dev/null || ! command -v ldns-keygen >/dev/null; then
		echo "=== dnsdiff set $set: skipped: '$need' or ldns-keygen not installed (make deps)"
		continue
	fi
	echo "=== dnsdiff set $set"
	out="${TMPDIR:-/tmp}/dnsdiff-set.$$"
	# shellcheck disable=SC2086 # DNS_DIFF_ARGS: e.g. --nsd-b (NSD against NSD)
	timeout 600 "$PY" tests/dns/diff.py --set "$set" ${DNS_DIFF_ARGS:-} >"$out" 2>&1 || fail=1
	grep '^FAIL zone refused\|^FAIL signing' "$out"
	grep '^FAIL' "$out" | grep -v '^FAIL zone refused\|^FAIL signing' | head -n "$show" | cut -c1-400
	n=$(grep -c '^FAIL' "$out")
	[ "$n" -gt "$show" ] && echo "  ... $n FAIL lines in all"
	sum=$(grep '^dnsdiff:' "$out" | tail -1)
	echo "set $set: ${sum#dnsdiff: }"
	[ -n "$sum" ] || tail -5 "$out"
	rm -f "$out"
done
echo "=== dnsdiff: third-party zones"
timeout 400 "$PY" tests/dns/thirdparty.py || fail=1
# A load that cannot fit says how much it needed: a real malloc failure
# (address space limited with prlimit) in build/xdpstorm --check.
if command -v prlimit >/dev/null && [ -x build/xdpstorm ]; then
	echo "=== zone load out of memory"
	t=$(mktemp -d)
	"$PY" tools/bench/bench_zone.py --names 200000 --zone "$t/big.zone" --queries /dev/null --lines 1
	out=$(prlimit --as=$((64 << 20)) build/xdpstorm --check --zone "$t/big.zone:bench.test." 2>&1)
	rc=$?
	rm -rf "$t"
	if [ $rc -ne 0 ] && echo "$out" | grep -q 'out of memory: the zones need about [0-9]* MiB ([0-9]* MiB allocated when malloc failed)'; then
		echo "$out" | grep 'out of memory'
	else
		echo "out-of-memory load: expected a failure saying what it needed, got (rc $rc): $out"
		fail=1
	fi
fi
if [ $fail -eq 0 ]; then echo "dnsdiff: ok"; else echo "dnsdiff: FAILED"; fi
exit $fail
