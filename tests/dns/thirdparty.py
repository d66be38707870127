#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Third-party zone corpus: do we accept and reject what NSD does, and answer
as NSD does on what both load?

  tests/dns/thirdparty.py [--only SUBSTR] [--batch N] [--max-names N] [--no-answers] [-v]

The corpus is tests/dns/thirdparty/MANIFEST (path origin source-path), zone
files from the test suites of NSD, Knot, BIND and PowerDNS (README there).
For each file: `nsd-checkzone ORIGIN FILE` (the reference) and
`build/xdpstorm --check --zone FILE:ORIGIN`, each judged by its exit code.
A disagreement fails the run unless the file is listed, with a reason, in
tests/dns/thirdparty/EXPECTED (so a new disagreement fails, and an entry
that no longer disagrees is reported as stale so that the list shrinks).
The zones both accept are then served side by side by tests/dns/diff.py in
batches of distinct origins (a bounded sample of names per batch), and the
matched/total query counts are reported; answer differences are printed
(with -v, every FAIL line) but do not fail the run: they belong to the
responder (db.c/respond.c), tracked in issue 10.

Last line: "thirdparty: accept/reject agrees on N of M; answers: K of Q match".
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CORPUS = os.path.join(ROOT, 'tests', 'dns', 'thirdparty')
PY = '/usr/bin/python3'


def read_manifest():
    out = []
    with open(os.path.join(CORPUS, 'MANIFEST')) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            path, origin = line.split()[:2]
            out.append((path, origin))
    return out


def read_expected():
    exp = {}
    p = os.path.join(CORPUS, 'EXPECTED')
    if not os.path.exists(p):
        return exp
    with open(p) as f:
        for n, line in enumerate(f, 1):
            if line.startswith('#') or not line.strip():
                continue
            path, _, reason = line.strip().partition(' ')
            if not reason.strip():
                raise SystemExit('%s:%d: an expected difference needs a reason' % (p, n))
            exp[path] = reason.strip()
    return exp


def run(args, cwd):
    """(exit code, the first line that says why) of one checker."""
    try:
        r = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30)
    except subprocess.TimeoutExpired:
        return 124, 'timeout'
    text = r.stdout.decode(errors='replace')
    why = ''
    for line in text.splitlines():
        if re.search(r'error|warning', line, re.I):
            why = re.sub(r'^\[[^]]*\] nsd-checkzone\[\d+\]: ', '', line)
            why = why.replace(CORPUS + '/', '')
            break
    return r.returncode, why


def answers(zones, args):
    """Serve `zones` (path, origin) in batches of distinct origins through
    diff.py; returns (matched, total, FAIL lines)."""
    batches = []
    for z in zones:
        for b in batches:
            if len(b) < args.batch and z[1].lower() not in {o.lower() for _, o in b}:
                b.append(z)
                break
        else:
            batches.append([z])
    matched = total = 0
    fails = []
    n = 0
    while batches:
        b = batches.pop(0)
        cmd = [PY, os.path.join(ROOT, 'tests', 'dns', 'diff.py'), '--max-names', str(args.max_names)]
        n += 1
        if n > 1:
            cmd.append('--names-only')  # the fixed malformed queries: once is enough
        for path, origin in b:
            cmd += ['--zone', '%s:%s' % (os.path.join(CORPUS, path), origin)]
        # A session of its own, so that a batch that hangs goes with the
        # nsd and dns-sock it started.
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            out = p.communicate(timeout=120)[0].decode(errors='replace')
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGTERM)
            out = p.communicate()[0].decode(errors='replace') + '\nbatch timed out\n'
        m = re.search(r'dnsdiff: (\d+) passed, (\d+) failed \((\d+) known', out)
        if not m and 'nsd exited early' in out and len(b) > 1:
            # one zone NSD cannot serve (nsd-checkzone takes it, the server
            # dies: nsd/nsec3_no_space) must not take the batch with it
            batches[:0] = [b[:len(b) // 2], b[len(b) // 2:]]
            continue
        if not m and 'nsd exited early' in out:
            print('thirdparty: %s: not compared, NSD does not start with it' % b[0][0])
            continue
        if not m:
            fails.append('batch %s: no result: %s' % ([p for p, _ in b], out.strip()[-300:]))
            continue
        p, f, k = map(int, m.groups())
        matched += p + k
        total += p + f + k
        fails += [line for line in out.splitlines() if line.startswith('FAIL')]
    return matched, total, fails


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', help='only files whose path contains this')
    ap.add_argument('--batch', type=int, default=25, help='zones served at once (default 25)')
    ap.add_argument('--max-names', type=int, default=40,
                    help='names queried per batch (default 40)')
    ap.add_argument('--no-answers', action='store_true', help='accept/reject only')
    ap.add_argument('--table', action='store_true', help='print every file: NSD, ours, why')
    ap.add_argument('--xdpstorm', default=os.path.join(ROOT, 'build', 'xdpstorm'),
                    help='the daemon binary whose --check is judged')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    nsd = shutil.which('nsd-checkzone')
    if not nsd:
        print('thirdparty: skipped: nsd-checkzone not installed (make deps)')
        return 77
    ours = args.xdpstorm
    if not os.access(ours, os.X_OK):
        raise SystemExit('thirdparty: %s missing (make all)' % ours)
    zones = read_manifest()
    if args.only:
        zones = [z for z in zones if args.only in z[0]]
    expected = read_expected()
    t0 = time.time()
    agree = 0
    both = []
    bad = []
    for path, origin in zones:
        full = os.path.join(CORPUS, path)
        cwd = os.path.dirname(full)
        rn, wn = run([nsd, origin, full], cwd)
        ro, wo = run([ours, '--check', '--zone', '%s:%s' % (full, origin)], cwd)
        an, ao = rn == 0, ro == 0
        if args.table:
            print('%-60s nsd=%-6s ours=%-6s %s | %s' % (path, 'accept' if an else 'reject',
                                                      'accept' if ao else 'reject', wn, wo))
        if an == ao:
            agree += 1
            if path in expected:
                print('STALE %s: agrees now (was: %s); remove it from EXPECTED' % (path, expected[path]))
            if an:
                both.append((path, origin))
            continue
        what = 'NSD %s, ours %s' % ('accepts' if an else 'refuses', 'accepts' if ao else 'refuses')
        if path in expected:
            if args.verbose:
                print('KNOWN %s: %s (%s)' % (path, what, expected[path]))
            continue
        bad.append(path)
        print('DIFF %s (origin %s): %s; nsd: %s; ours: %s' % (path, origin, what, wn or '-', wo or '-'))
    print('thirdparty: accept/reject checked in %.0f s; %d expected differences listed' %
          (time.time() - t0, len(expected)))
    matched = total = 0
    if not args.no_answers and both:
        matched, total, fails = answers(both, args)
        if args.verbose:
            for line in fails:
                print(line)
        elif fails:
            print('thirdparty: %d answer differences (-v lists them)' % len(fails))
    print('thirdparty: accept/reject agrees on %d of %d; answers: %d of %d match (%.0f s)' %
          (agree, len(zones), matched, total, time.time() - t0))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
