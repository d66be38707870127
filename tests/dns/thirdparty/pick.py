#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Pick the third-party zone corpus out of bare git mirrors (run once; the
result is committed, this script is kept so that the choice can be redone).

  tests/dns/thirdparty/pick.py MIRROR_DIR

MIRROR_DIR holds <owner>+<name>/repo bare clones (the `fetch` tool's layout).
For each source project it lists the zone-looking files of its test suite,
drops the big ones, templates (@VAR@), those with $INCLUDE or $GENERATE of
files made at test time and duplicates (same bytes), finds each file's
origin ($ORIGIN, an absolute SOA owner, the test's config, or the file's
name) and copies it, unchanged, to tests/dns/thirdparty/<project>/ with a
flattened name. It writes MANIFEST (path origin) and SOURCES (project,
repository, commit, licence).
"""
import hashlib
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 12000

PROJECTS = [
    # project, mirror, licence, path pattern, at most N files
    ('nsd', 'NLnetLabs+nsd', 'BSD-3-Clause',
     r'^tpkg/.*\.(zone|db)$', 120),
    ('knot', 'CZ-NIC+knot', 'GPL-2.0-or-later',
     r'^(tests-extra/.*\.zone|samples/.*\.zone|tests/.*\.zone)$', 80),
    ('bind', 'isc-projects+bind9', 'MPL-2.0',
     r'^(bin/tests/system/[^/]+/ns[0-9]+/[^/]+\.db(\.in)?|tests/[a-z]+/testdata/.*\.db)$', 110),
    ('pdns', 'PowerDNS+pdns', 'GPL-2.0-only',
     r'^(regression-tests/zones/[^/.][^/]*|regression-tests\.nobackend/zonemd-test-cases/zones/[^/]+/[^/]*\.zone)$',
     70),
]


def git(repo, *args):
    return subprocess.run(['git', '-C', repo] + list(args), check=True,
                          stdout=subprocess.PIPE).stdout


def files(repo, pattern):
    out = []
    for line in git(repo, 'ls-tree', '-r', '-l', 'HEAD').decode().splitlines():
        meta, path = line.split('\t', 1)
        parts = meta.split()
        if parts[1] != 'blob' or parts[3] == '-':
            continue
        if re.search(pattern, path) and 0 < int(parts[3]) <= MAX_BYTES:
            out.append(path)
    return out


def first_origin(text):
    """The SOA's owner, made absolute with the $ORIGIN in force there."""
    origin = None
    for line in text.splitlines():
        s = line.split(';', 1)[0].rstrip()
        if not s.strip():
            continue
        m = re.match(r'\$ORIGIN\s+(\S+)', s, re.I)
        if m:
            o = m.group(1)
            if o.endswith('.'):
                origin = o
            elif origin:
                origin = o + '.' + (origin if origin != '.' else '')
            continue
        if s.startswith('$'):
            continue
        if not re.search(r'\sSOA\s|\sSOA$', s, re.I):
            continue
        if s[0] in ' \t' or s.startswith('@'):
            return origin.lower() if origin else None
        owner = s.split()[0]
        if owner.endswith('.'):
            return owner.lower()
        if origin:
            return (owner + '.' + (origin if origin != '.' else '')).lower()
        return None
    return None


def conf_origins(repo, path, tree):
    """zone name -> file name pairs from configs next to the file."""
    d = os.path.dirname(path)
    base = os.path.basename(path)
    cands = [p for p in tree if os.path.dirname(p) in (d, os.path.dirname(d)) and
             re.search(r'(\.conf(\.in|\.j2)?|test\.py|\.tpkg|\.pre|config)$', p)]
    for c in cands:
        try:
            t = git(repo, 'show', 'HEAD:' + c).decode(errors='replace')
        except subprocess.CalledProcessError:
            continue
        stem = re.sub(r'\.in$', '', base)
        # BIND: zone "x" { ... file "y"; }
        for m in re.finditer(r'zone\s+"([^"]+)"[^{]*\{([^}]*)\}', t, re.S):
            f = re.search(r'file\s+"([^"]+)"', m.group(2))
            if f and os.path.basename(f.group(1)) in (stem, base):
                return m.group(1)
        # NSD: name: x ... zonefile: y
        for m in re.finditer(r'name:\s*"?([^"\s]+)"?\s*\n(?:[^\n]*\n){0,3}?\s*zonefile:\s*"?([^"\s]+)', t):
            if os.path.basename(m.group(2)) in (stem, base):
                return m.group(1)
        # pdns zonemd-test-cases config: origin line
        if c.endswith('config'):
            m = re.search(r'^origin=(\S+)$', t, re.M)
            if m:
                return m.group(1)
    return None


def name_origin(path):
    b = os.path.basename(path)
    b = re.sub(r'\.in$', '', b)
    b = re.sub(r'\.(zone|db|signed|unsigned)$', '', b)
    b = re.sub(r'^(db\.|zone\.)', '', b)
    return b or None


def main():
    mirrors = sys.argv[1]
    manifest, sources = [], []
    rnd = random.Random(10)
    for proj, mirror, lic, pattern, limit in PROJECTS:
        repo = os.path.join(mirrors, mirror, 'repo')
        commit = git(repo, 'rev-parse', 'HEAD').decode().strip()
        tree = git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').decode().splitlines()
        seen, picked = set(), []
        for p in sorted(files(repo, pattern)):
            data = git(repo, 'show', 'HEAD:' + p)
            h = hashlib.sha256(data).hexdigest()
            text = data.decode(errors='replace')
            if h in seen or b'\0' in data:
                continue
            if re.search(r'@[A-Z][A-Z0-9_]*@', text) or re.search(r'^\$(INCLUDE|GENERATE)', text, re.M | re.I):
                continue
            if not re.search(r'\bSOA\b', text, re.I):
                continue
            seen.add(h)
            o = first_origin(text) or conf_origins(repo, p, tree) or name_origin(p)
            if not o:
                continue
            if not o.endswith('.'):
                o += '.'
            picked.append((p, o, data))
        if len(picked) > limit:
            picked = sorted(rnd.sample(picked, limit))
        os.makedirs(os.path.join(HERE, proj), exist_ok=True)
        for p, o, data in picked:
            flat = re.sub(r'^(tpkg|bin/tests/system|tests-extra/tests|tests-extra|regression-tests[^/]*)/', '', p)
            flat = flat.replace('/data/', '/').replace('.tdir/', '/').replace('/', '_')
            rel = os.path.join(proj, flat)
            with open(os.path.join(HERE, rel), 'wb') as f:
                f.write(data)
            manifest.append('%s %s %s' % (rel, o, p))
        sources.append('%s https://github.com/%s %s %s %d' % (proj, mirror.replace('+', '/'), commit, lic,
                                                               len(picked)))
    with open(os.path.join(HERE, 'MANIFEST'), 'w') as f:
        f.write('# path origin source-path (see README)\n')
        f.write('\n'.join(manifest) + '\n')
    with open(os.path.join(HERE, 'SOURCES'), 'w') as f:
        f.write('# project repository commit licence files\n')
        f.write('\n'.join(sources) + '\n')


if __name__ == '__main__':
    main()
