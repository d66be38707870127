#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Re-checks the tables of tests/unit/test_zone_misc.c against NSD.

Every `good` record must load in nsd-checkzone (4.6.1) and every `refused`
one must fail there, in the same zone the unit test builds. Where dnspython
reads the text of a good record, its wire bytes must be the table's. Prints
one line per disagreement and "zone_misc_nsd: N passed, M failed".

  tests/dns/zone_misc_nsd.py
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
HEAD = '$ORIGIN example.\n$TTL 3600\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nx '


def c_unescape(s):
    return s.replace('\\"', '"').replace('\\\\', '\\').replace('\\n', '\n')


def table(text, name):
    body = text.split('%s[] = {' % name, 1)[1].split('\n};', 1)[0]
    rows = []
    for m in re.finditer(r'\{ ((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}', body):
        strs = [re.findall(r'"((?:[^"\\]|\\.)*)"', g) for g in (m.group(1), m.group(2))]
        rows.append((c_unescape(''.join(strs[0])), c_unescape(''.join(strs[1]))))
    return rows


def nsd_loads(rr, tmp):
    path = os.path.join(tmp, 'misc.zone')
    with open(path, 'w') as f:
        f.write(HEAD + rr + '\n')
    p = subprocess.run(['nsd-checkzone', 'example', path], capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip().replace('\n', ' | ')


def dnspython_hex(rr):
    try:
        import dns.name
        import dns.rdata
    except ImportError:
        return None
    rtype, _, text = rr.partition(' ')
    if text.startswith('\\#'):
        return None
    try:
        rd = dns.rdata.from_text('IN', rtype, text, origin=dns.name.from_text('example.'),
                                 relativize=False)
        return rd.to_wire().hex()
    except Exception:
        return None


def main():
    with open(os.path.join(ROOT, 'tests', 'unit', 'test_zone_misc.c')) as f:
        text = f.read()
    good, refused = table(text, 'good'), table(text, 'refused')
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rr, want in good:
            ok, msg = nsd_loads(rr, tmp)
            dp = dnspython_hex(rr)
            if not ok:
                print('NSD refuses good record %r: %s' % (rr, msg))
            elif dp is not None and dp != want:
                print('dnspython bytes differ for %r: %s, table %s' % (rr, dp, want))
                ok = False
            passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        for rr, _ in refused:
            ok, msg = nsd_loads(rr, tmp)
            if ok:
                print('NSD loads refused record %r' % rr)
            passed, failed = (passed, failed + 1) if ok else (passed + 1, failed)
    print('zone_misc_nsd: %d passed, %d failed' % (passed, failed))
    return 1 if failed or not good or not refused else 0


if __name__ == '__main__':
    sys.exit(main())
