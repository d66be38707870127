#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every tests/net/test_*.sh (each a set of netns tests) and prints one
# summary line per suite plus a total. Exit 0 only if nothing failed; a
# suite that exits 77 is a skip and must have printed its reason.
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0 skip=0
for t in tests/net/test_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "=== net suite $name"
	timeout --kill-after=10 900 bash "$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "=== $name: ok" ;;
	77) skip=$((skip + 1)); echo "=== $name: skipped" ;;
	*) fail=$((fail + 1)); echo "=== $name: FAILED (exit $rc)" ;;
	esac
done
echo "net: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
