#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Regenerates the signed fixtures from unsigned.test.zone.in (new keys each
# time; signatures expire 2037-12-31, which ldns still writes correctly):
#   nsec.zone    NSEC
#   nsec3.zone   NSEC3, salt abcd, 2 iterations
#   optout.zone  NSEC3 with opt-out, salt 01, 1 iteration
#   knot-nsec.zone, knot-nsec3.zone  the same signed by Knot's kzonesign
#                (NSEC; NSEC3 without salt or iterations, RFC 9276)
# and their *.3597.zone twins with RRSIG, NSEC, NSEC3 and NSEC3PARAM in RFC
# 3597 form (\# hex), for a zone parser without their text forms.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=$(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 -k signed.test)
z=$(cd "$tmp" && ldns-keygen -a ECDSAP256SHA256 signed.test)
e=20371231000000
ldns-signzone -e $e -o signed.test -f nsec.zone unsigned.test.zone.in "$tmp/$k" "$tmp/$z"
ldns-signzone -e $e -n -s abcd -t 2 -o signed.test -f nsec3.zone unsigned.test.zone.in "$tmp/$k" "$tmp/$z"
ldns-signzone -e $e -n -p -s 01 -t 1 -o signed.test -f optout.zone unsigned.test.zone.in "$tmp/$k" "$tmp/$z"
for n3 in off on; do
	f=knot-nsec; [ $n3 = on ] && f=knot-nsec3
	mkdir -p "$tmp/k$n3/db" "$tmp/k$n3/out" "$tmp/k$n3/zones"
	cp unsigned.test.zone.in "$tmp/k$n3/zones/signed.test.zone"
	cat >"$tmp/k$n3/knot.conf" <<CONF
server:
    rundir: "$tmp/k$n3/db"
database:
    storage: "$tmp/k$n3/db"
policy:
  - id: p
    algorithm: ecdsap256sha256
    nsec3: $n3
    nsec3-iterations: 0
    nsec3-salt-length: 0
    rrsig-lifetime: 3650d
template:
  - id: default
    storage: "$tmp/k$n3/zones"
zone:
  - domain: signed.test
    dnssec-signing: on
    dnssec-policy: p
CONF
	# (it logs "no keys are available" before it makes them)
	kzonesign -c "$tmp/k$n3/knot.conf" -o "$tmp/k$n3/out" signed.test >/dev/null 2>&1
	cp "$tmp/k$n3/out/signed.test.zone" $f.zone
done
for f in nsec nsec3 optout knot-nsec knot-nsec3; do
	ldns-read-zone -u RRSIG -u NSEC -u NSEC3 -u NSEC3PARAM $f.zone > $f.3597.zone
done
