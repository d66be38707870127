#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# usage: run.sh SECONDS FUZZER...
# Runs each libFuzzer target for SECONDS on its seed corpus
# (tests/fuzz/corpus/<target>, copied so the tree is not changed) and fails on
# the first crash, leak or sanitizer report.
set -u
secs=$1
shift
cd "$(dirname "$0")/../.."
pass=0 fail=0
for f in "$@"; do
	name=$(basename "$f")
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	echo "=== fuzz $name for ${secs}s"
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
		pass=$((pass + 1))
		grep -E '^stat::number_of_executed_units' "$work.log" | sed "s/^/  $name /"
	else
		fail=$((fail + 1))
		tail -n 40 "$work.log"
		echo "  $name: FAILED, artifacts in $work"
		continue
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
