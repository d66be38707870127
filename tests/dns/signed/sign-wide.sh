#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Regenerates the wide.test fixtures from wide.test.zone.in (new keys each
# time; signatures expire 2037-12-31):
#   wide.nsec.zone   NSEC
#   wide.nsec3.zone  NSEC3, salt abcd, 2 iterations
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=$(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 -k wide.test)
z=$(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 wide.test)
e=20371231000000
ldns-signzone -e $e -o wide.test -f wide.nsec.zone wide.test.zone.in "$tmp/$k" "$tmp/$z"
ldns-signzone -e $e -n -s abcd -t 2 -o wide.test -f wide.nsec3.zone wide.test.zone.in "$tmp/$k" "$tmp/$z"
