#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Sign the differential test's zones in a temporary directory, as an
operator would before giving them to NSD or xdpstorm (tests/dns/diff.py
--set nsec|nsec3|optout|knot).

The records come out of NSD itself (an AXFR from a throwaway NSD), so the
signers read every type the same way: the few a signer must understand
(SOA, NS, DS, DNSKEY, CNAME, DNAME, A, AAAA) in text, every other one in
RFC 3597 form (ldns and Knot do not read all the text forms NSD reads).
Children are signed first and their DS (from their KSK) replaces the
parent's placeholder DS. Validity is fixed (2024-01-01 to 2037-12-31 for
ldns, ten years from 2024-01-01 for Knot) so the answers do not depend on
the day the test runs.

  sign.py SET OUTDIR ZONE:ORIGIN...   (for a look at the signed files)
"""
import base64
import os
import shutil
import socket
import struct
import subprocess
import sys

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

import dnswire

# set -> (signer, options). Salts and iterations differ between sets so
# that each NSEC3 variant is met: salted with iterations, no salt and no
# iterations with opt-out, Knot's own choice of a short salt.
SETS = {
    'nsec': ('ldns', []),
    'nsec3': ('ldns', ['-n', '-s', 'beef1234', '-t', '5']),
    'optout': ('ldns', ['-n', '-p', '-t', '0']),
    'knot': ('knot', []),
}
LDNS_TIMES = ['-i', '20240101000000', '-e', '20371231000000']
KNOT_NOW = '1704067200'  # 2024-01-01: kzonesign -t


class SignError(RuntimeError):
    pass


def run(cmd, cwd=None):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        raise SignError('%s: rc %d: %s' % (' '.join(cmd), r.returncode, r.stdout.strip()[-400:]))
    return r.stdout


def rdata_text(t, rd):
    """The text form of the types the signers must read; None for the rest."""
    try:
        if t == 1 and len(rd) == 4:
            return socket.inet_ntop(socket.AF_INET, rd)
        if t == 28 and len(rd) == 16:
            return socket.inet_ntop(socket.AF_INET6, rd)
        if t in (2, 5, 39):
            labels, end = dnswire.read_name(rd, 0)
            return dnswire.name_text(labels) if end == len(rd) else None
        if t == 6:
            m, p = dnswire.read_name(rd, 0)
            r, p = dnswire.read_name(rd, p)
            if len(rd) - p != 20:
                return None
            return '%s %s %d %d %d %d %d' % ((dnswire.name_text(m), dnswire.name_text(r)) +
                                              struct.unpack('!IIIII', rd[p:]))
        if t == 43 and len(rd) > 4:
            tag, alg, dig = struct.unpack('!HBB', rd[:4])
            return '%d %d %d %s' % (tag, alg, dig, rd[4:].hex())
        if t == 48 and len(rd) > 4:
            flags, proto, alg = struct.unpack('!HBB', rd[:4])
            return '%d %d %d %s' % (flags, proto, alg, base64.b64encode(rd[4:]).decode())
    except dnswire.WireError:
        return None
    return None


def zone_text(rrs):
    lines = []
    for labels, t, c, ttl, rd in rrs:
        txt = rdata_text(t, rd)
        if txt is None:
            txt = '\\# %d %s' % (len(rd), rd.hex()) if rd else '\\# 0'
            tname = 'TYPE%d' % t
        else:
            tname = dns.rdatatype.to_text(t)
        lines.append('%s\t%d\t%s\t%s\t%s' % (dnswire.name_text(labels), ttl,
                                             dns.rdataclass.to_text(c), tname, txt))
    return '\n'.join(lines) + '\n'


def records(zones, tmp, start_nsd):
    """origin -> the zone's records as NSD loaded them (AXFR)."""
    d = os.path.join(tmp, 'axfr')
    os.makedirs(d, exist_ok=True)
    p, port = start_nsd(zones, d, xfr=True)
    try:
        return {origin: dnswire.axfr('127.0.0.1', port, origin) for _, origin in zones}
    finally:
        p.terminate()
        p.wait(5)


def ksk_ds(origin, signed_path):
    """The DS records (SHA-256) of the KSKs in a signed zone file."""
    out = []
    with open(signed_path) as f:
        for line in f:
            tok = line.split()
            if len(tok) < 4 or tok[0].startswith(';'):
                continue
            i = tok.index('DNSKEY') if 'DNSKEY' in tok else -1
            if i < 0 or tok[i + 1] != '257' or dns.name.from_text(tok[0]) != dns.name.from_text(origin):
                continue
            key = dns.rdata.from_text('IN', 'DNSKEY', ' '.join(tok[i + 1:]))
            out.append(dns.dnssec.make_ds(dns.name.from_text(origin), key, 'SHA256').to_text())
    if not out:
        raise SignError('no KSK in %s' % signed_path)
    return out


# what the signers add: taken from their output (the rest of their output is
# the zone in their own text forms, some of which NSD does not read)
ADDED = {'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM'}
ADDED_APEX = {'SOA', 'DNSKEY', 'CDS', 'CDNSKEY'}
BITMAP = {'NSEC': 1, 'NSEC3': 5}  # fields before the type bitmap


def type_number(tok):
    try:
        return 'TYPE%d' % dns.rdatatype.from_text(tok)
    except dns.rdatatype.UnknownRdatatype:
        raise SignError('signer wrote a type dnspython does not know: %s' % tok)


def merge_signed(origin, rrs, extra, signer_out):
    """Our records (RFC 3597 form) and the signer's DNSSEC records, with
    the type names in NSEC/NSEC3 bitmaps and RRSIG covered types written
    TYPEn (ldns names some that NSD does not: NSAP-PTR, GPOS...)."""
    on = dns.name.from_text(origin)
    lines = [zone_text(rrs), extra]
    with open(signer_out) as f:
        for line in f:
            tok = line.split()
            if not tok or tok[0].startswith(';'):
                continue
            i = 1
            while i < len(tok) and (tok[i].isdigit() or tok[i] in ('IN', 'CH', 'HS')):
                i += 1
            if i >= len(tok):
                continue
            t = tok[i]
            apex = dns.name.from_text(tok[0], on) == on
            if t not in ADDED and not (apex and t in ADDED_APEX):
                continue
            rd = tok[i + 1:]
            if t == 'NSEC':
                rd[0] = dns.name.from_text(rd[0], on).to_text()
            if t in BITMAP:
                n = BITMAP[t]
                rd = rd[:n] + [type_number(x) for x in rd[n:]]
            elif t == 'RRSIG':
                rd = [type_number(rd[0])] + rd[1:]
            lines.append('%s\t%s\tIN\t%s\t%s\n' % (dns.name.from_text(tok[0], on).to_text(), tok[1] if tok[1].isdigit() else '',
                                                   t, ' '.join(rd)))
    return ''.join(lines)


def sign_ldns(origin, path, opts, d):
    base = origin.rstrip('.')
    keys = [run(['ldns-keygen', '-a', 'ECDSAP256SHA256', '-k', base], cwd=d).strip(),
            run(['ldns-keygen', '-a', 'ECDSAP256SHA256', base], cwd=d).strip()]
    out = path + '.signed'
    run(['ldns-signzone'] + opts + LDNS_TIMES + ['-o', origin, '-f', out, path] + keys, cwd=d)
    return out


def knot_cannot_dump(rr):
    """Knot 3.2 signs, then fails to write, an IPSECKEY with a gateway name
    and no key ("not enough space provided"): its input leaves such records
    out (merge_signed puts our records back, so NSD still gets them)."""
    labels, t, c, ttl, rd = rr
    if t != 45 or len(rd) < 3 or rd[1] != 3:
        return False
    try:
        return dnswire.read_name(rd, 3)[1] == len(rd)
    except dnswire.WireError:
        return False


def knot_conf(d, plain):
    kd = os.path.join(d, 'knot')
    os.makedirs(kd, exist_ok=True)
    conf = os.path.join(kd, 'knot.conf')
    with open(conf, 'w') as f:
        f.write('server:\n    rundir: %s\ndatabase:\n    storage: %s\n' % (kd, kd))
        f.write('policy:\n  - id: p\n    algorithm: ecdsap256sha256\n    nsec3: on\n'
                '    nsec3-iterations: 2\n    nsec3-salt-length: 6\n'
                '    rrsig-lifetime: 3650d\n    rrsig-refresh: 1d\n'
                '    zsk-lifetime: 0\n    ksk-lifetime: 0\nzone:\n')
        for origin, path in plain:
            f.write('  - domain: %s\n    file: %s\n    dnssec-signing: on\n'
                    '    dnssec-policy: p\n' % (origin, path))
    return conf


def sign_knot(origin, path, conf, d):
    outdir = os.path.join(d, 'knot-out')
    os.makedirs(outdir, exist_ok=True)
    run(['kzonesign', '-c', conf, '-o', outdir, '-t', KNOT_NOW, origin.rstrip('.')], cwd=d)
    out = os.path.join(outdir, os.path.basename(path))
    if not os.path.exists(out):
        raise SignError('kzonesign wrote no %s' % out)
    return out


def sign_set(name, zones, unsigned, tmp, start_nsd):
    """Sign zones [(path, origin)] (those in unsigned stay as they are) for
    set name; returns [(signed path, origin)] in the same order. Children
    before parents, so each parent carries its loaded children's DS."""
    signer, opts = SETS[name]
    d = os.path.join(tmp, 'sign-' + name)
    os.makedirs(d, exist_ok=True)
    rrs = records(zones, d, start_nsd)
    todo = sorted((o for _, o in zones if o not in unsigned),
                  key=lambda o: -len(dns.name.from_text(o)))
    plain = {}
    for origin in rrs:
        plain[origin] = os.path.join(d, origin.rstrip('.') + '.in')
    conf = knot_conf(d, [(o, plain[o]) for o in todo]) if signer == 'knot' else None
    signed = {}
    for origin in todo:
        on = dns.name.from_text(origin)
        keep, extra = rrs[origin], ''
        # the DS of each child signed here replaces what the zone had
        for child, cpath in signed.items():
            cn = dns.name.from_text(child)
            if cn == on or not cn.is_subdomain(on):
                continue
            keep = [r for r in keep if not (r[1] == 43 and dnswire.name_text(r[0]).lower() == child.lower())]
            extra += ''.join('%s\t300\tIN\tDS\t%s\n' % (child, ds) for ds in ksk_ds(child, cpath))
        lines = zone_text([r for r in keep if signer != 'knot' or not knot_cannot_dump(r)]) + extra
        with open(plain[origin], 'w') as f:
            f.write(lines)
        if signer == 'ldns':
            out = sign_ldns(origin, plain[origin], opts, d)
        else:
            out = sign_knot(origin, plain[origin], conf, d)
        signed[origin] = os.path.join(d, origin.rstrip('.') + '.signed')
        with open(signed[origin], 'w') as f:
            f.write(merge_signed(origin, [r for r in keep if r[1] != 6], extra, out))
        r = subprocess.run(['nsd-checkzone', origin, signed[origin]], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise SignError('nsd-checkzone refuses the signed %s: %s' % (origin, r.stdout.strip()[-400:]))
    out = []
    for path, origin in zones:
        out.append((signed.get(origin, path), origin))
    return out


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import diff
    if len(sys.argv) < 4 or sys.argv[1] not in SETS:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    outdir = os.path.abspath(sys.argv[2])
    os.makedirs(outdir, exist_ok=True)
    zones = diff.zone_args(sys.argv[3:])
    for path, origin in sign_set(sys.argv[1], zones, set(), outdir, diff.start_nsd):
        print('%s %s' % (origin, path))
    shutil.rmtree(os.path.join(outdir, 'sign-' + sys.argv[1], 'axfr'), ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
