#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write docs/BENCHMARKS.md and docs/bench-dns.png from bench-dns.sh's results.

    bench_report.py --dir build/bench --md docs/BENCHMARKS.md --png docs/bench-dns.png

Reads dns-results.csv (one row per kxdpgun run), dns-servers.csv (one row per
server, zone size and round), dns-instr.csv (callgrind) and dns-meta.txt
(key=value) from --dir. A point is the median over the rounds of its runs.
Uses matplotlib with the Agg backend (no display needed)."""
import argparse
import csv
import os
import statistics
import sys

XST = ('xdpstorm-memcpy', 'xdpstorm-precopy')
KNOT_XDP = 'knot-xdp'
NSD = 'nsd'
LABELS = {
    'echo': 'XDP echo (generator ceiling)',
    'xdpstorm-memcpy': 'xdpstorm, --send memcpy',
    'xdpstorm-precopy': 'xdpstorm, --send precopy',
    'xdpstorm-noahead': 'xdpstorm, --send memcpy --lookahead off',
    'knot-xdp': 'Knot 3.2 XDP',
    'knot-sock': 'Knot 3.2 UDP socket',
    'nsd': 'NSD 4.6 (RRL off)',
}
# Targets from the issue, for this testbed.
T_VS_KNOT = 1.0		# answered/s >= Knot-XDP's
T_VS_NSD = 2.5		# answered/s >= 2.5x NSD's
T_RATE = '90'		# at 90% of the generator's ceiling ...
T_RATIO = 0.99		# ... at least 99% answered
T_INSTR_SIZE = 10000	# for a 10,000-name zone ...
T_INSTR = 1000		# ... under 1,000 userspace instructions per query


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip('\n').partition('=')
                if k:
                    meta[k] = v
    return meta


def kq(v):
    """answers/s as thousands, e.g. 412.3k"""
    return '%.1fk' % (v / 1000.0)


def names(n):
    return '{:,}'.format(int(n))


def rate_key(label):
    return 1000 if label == 'max' else int(label)


def rate_title(label, gen_max):
    if label == 'max':
        return 'max (unlimited)'
    if gen_max:
        return '%s%% (%s/s)' % (label, kq(gen_max * int(label) / 100.0))
    return label + '%'


class Data:
    def __init__(self, d):
        self.meta = read_meta(os.path.join(d, 'dns-meta.txt'))
        self.runs = read_csv(os.path.join(d, 'dns-results.csv'))
        self.servers = read_csv(os.path.join(d, 'dns-servers.csv'))
        self.instr = read_csv(os.path.join(d, 'dns-instr.csv'))
        self.sizes = []
        for r in self.servers + self.runs:
            s = int(r['size'])
            if s not in self.sizes:
                self.sizes.append(s)
        self.order = []
        for r in self.servers:
            if r['server'] not in self.order and r['server'] != 'echo':
                self.order.append(r['server'])

    def run(self, size, server, label):
        """median over the rounds' successful runs, with the spread of answered/s"""
        rs = [r for r in self.runs if int(r['size']) == size and r['server'] == server
              and r['rate'] == label and r['status'] == 'ok']
        if not rs:
            return None
        out = {}
        for k in ('sent_pps', 'answered_pps', 'ratio', 'reply_bytes'):
            out[k] = statistics.median(float(r.get(k) or 0) for r in rs)
        ans = [float(r['answered_pps']) for r in rs]
        out['n'] = len(rs)
        out['spread'] = (max(ans) - min(ans)) / out['answered_pps'] if out['answered_pps'] else 0
        return out

    def rates(self, size):
        out = []
        for r in self.runs:
            if int(r['size']) == size and r['server'] != 'echo' and r['rate'] not in out:
                out.append(r['rate'])
        return sorted(out, key=rate_key)

    def points(self, size, server):
        out = []
        for label in self.rates(size) + (['max'] if server == 'echo' else []):
            x = self.run(size, server, label)
            if x and (label, x) not in out:
                out.append((label, x))
        return out

    def peak(self, size, server):
        v = [x['answered_pps'] for _, x in self.points(size, server)]
        return max(v) if v else None

    def reply_bytes(self, size, server):
        v = [x['reply_bytes'] for _, x in self.points(size, server) if x['reply_bytes']]
        return statistics.median(v) if v else None

    def spread(self, size, server):
        v = [x['spread'] for _, x in self.points(size, server) if x['n'] > 1]
        return max(v) if v else None

    def status(self, size, server):
        """the first round that ran, else the first that did not"""
        rs = [r for r in self.servers if int(r['size']) == size and r['server'] == server]
        for r in rs:
            if r['status'] == 'ok':
                return r
        return rs[0] if rs else None

    def gen_max(self, size):
        v = self.meta.get('gen_max_%d' % size)
        return float(v) if v else None

    def instr_of(self, size):
        for r in self.instr:
            if int(r['size']) == size:
                return r
        return None


def plot(data, png):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    sizes = data.sizes
    fig, axes = plt.subplots(1, max(len(sizes), 1), figsize=(5.2 * max(len(sizes), 1), 4.6),
                             squeeze=False)
    styles = {'xdpstorm-memcpy': ('C3', 'o', '-'), 'xdpstorm-precopy': ('C1', 's', '-'),
              'knot-xdp': ('C0', '^', '-'), 'knot-sock': ('C2', 'v', '--'),
              'nsd': ('C4', 'D', '--')}
    for ax, size in zip(axes[0], sizes):
        top = 0
        for i, srv in enumerate(data.order):
            pts = [(x['sent_pps'], x['answered_pps']) for _, x in data.points(size, srv)]
            if not pts:
                continue
            pts.sort()
            c, m, ls = styles.get(srv, ('C%d' % (5 + i), 'x', ':'))
            ax.plot([p[0] / 1e3 for p in pts], [p[1] / 1e3 for p in pts], color=c, marker=m,
                    linestyle=ls, label=LABELS.get(srv, srv))
            top = max(top, max(max(p) for p in pts))
        e = data.run(size, 'echo', 'max')
        if e:
            ax.plot([e['sent_pps'] / 1e3], [e['answered_pps'] / 1e3], 'k*',
                    markersize=11, label=LABELS['echo'])
            top = max(top, e['sent_pps'])
        lim = top / 1e3 * 1.05 if top else 1
        ax.plot([0, lim], [0, lim], color='0.7', linewidth=0.8, linestyle=':',
                label='all answered')
        ax.set_xlim(0, lim)
        ax.set_ylim(0, lim)
        ax.set_title('%s-name zone' % names(size))
        ax.set_xlabel('offered (kxdpgun sent), thousand queries/s')
        ax.set_ylabel('answered, thousand answers/s')
        ax.grid(True, linewidth=0.3)
    axes[0][0].legend(fontsize=7, loc='upper left')
    fig.suptitle('answered/s vs offered (kxdpgun, %s s per point, veth testbed)'
                 % data.meta.get('seconds', '?'), fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def yes(b):
    return 'yes' if b else '**no**'


def report(data, png_name):
    m = data.meta
    L = []
    w = L.append
    w('# Benchmarks')
    w('')
    w('Generated by `make bench-dns` (`tools/bench/bench-dns.sh`, report by')
    w('`tools/bench/bench_report.py`); do not edit by hand, run it again. Raw results:')
    w('`build/bench/dns-*.csv`, `build/bench/raw/` (every kxdpgun output, server logs,')
    w('callgrind files).')
    w('')
    w('## DNS: xdpstorm against NSD and Knot')
    w('')
    w('Summary (peak answered/s over the offered rates, medians over rounds; details')
    w('and method below):')
    w('')
    w('| zone names | xdpstorm memcpy | xdpstorm precopy | Knot XDP | Knot socket | NSD |'
      ' best xdpstorm / Knot XDP | best xdpstorm / NSD |')
    w('| --- | --- | --- | --- | --- | --- | --- | --- |')
    for size in data.sizes:
        pk = {srv: data.peak(size, srv) for srv in XST + (KNOT_XDP, 'knot-sock', NSD)}
        best = max([v for v in (pk[XST[0]], pk[XST[1]]) if v is not None], default=None)
        w('| %s | %s | %s |' % (names(size), ' | '.join(kq(pk[k]) if pk[k] else '-' for k in
                                                        XST + (KNOT_XDP, 'knot-sock', NSD)),
                                ' | '.join('%.2fx' % (best / pk[k]) if best and pk[k] else '-'
                                           for k in (KNOT_XDP, NSD))))
    w('')
    w('### Machine')
    w('')
    w('| | |')
    w('| --- | --- |')
    for k, t in (('date', 'date'), ('kernel', 'kernel'), ('cpu', 'CPU'), ('cores', 'cores'),
                 ('commit', 'xdpstorm commit'), ('kxdpgun', 'generator'), ('nsd', 'NSD'),
                 ('knotd', 'Knot'), ('elapsed_s', 'run time (s)')):
        if k in m:
            w('| %s | %s |' % (t, m[k].replace('|', '/')))
    w('')
    w('### Method')
    w('')
    w('- One run, one testbed (`tools/testbed.sh`): a veth pair with one queue per end')
    w('  between a server and a client network namespace. Servers run one after another')
    w('  in the server namespace, pinned to core %s (`taskset`, re-applied after start' %
      m.get('srv_cpu', '?'))
    w('  because knotd pins its own workers), with one worker each: NSD `server-count: 1`,')
    w('  `rrl-ratelimit: 0`; Knot `udp-workers: 1`, in socket mode (`listen`) or in XDP')
    w('  mode (`xdp: listen: IFACE@53`, native); xdpstorm `--queues 1 --mode native`')
    w('  with each `--send` mode and the default `--lookahead auto` (on for the')
    w('  1,000,000-name zone, off for the smaller ones). Each server has its own')
    w('  temporary configuration and state.')
    w('- kxdpgun runs in the client namespace on core %s (`-F`), towards the server' %
      m.get('gen_cpu', '?'))
    w('  veth\'s IPv4 address, %s s per run, with one thread (one queue). "Answered" is' %
      m.get('seconds', '?'))
    w('  its count of replies (any response code), "sent" its count of queries; the')
    w('  ratio is answered/sent.')
    w('- The whole matrix runs %s rounds; each round starts every server afresh, in an' %
      m.get('rounds', '1'))
    w('  order rotated by one server per round. Every figure below is the median over')
    w('  the rounds; "round spread" is the largest (max - min) / median of answered/s')
    w('  over a server\'s rates, a measure of this machine\'s noise.')
    w('- Zone `bench.test.` with N host names (`tools/bench/bench_zone.py`): one A each,')
    w('  an AAAA on every 4th, an MX (to an in-zone target) on every 10th. Queries')
    w('  (%s lines, read in a loop by kxdpgun): 80%% A of existing names, 8%% AAAA,' %
      names(m.get('lines', '0')))
    w('  4% MX, 8% A of absent names (NXDOMAIN). Same zone and query file for every')
    w('  server. Before its load runs each server must give the expected answer to an A,')
    w('  AAAA, MX, SOA and an NXDOMAIN query (`dig`).')
    w('- **Generator ceiling**: kxdpgun unlimited (`-Q %s`) against an XDP program on' %
      m.get('max_qps', '?'))
    w('  the server veth that turns each query around in the driver with XDP_TX')
    w('  (`tools/bench/dns_echo.bpf.c`): no server at all. The offered rates are')
    w('  percentages of that ceiling (`-Q`; the median of three echo runs in round 1),')
    w('  plus `max` = kxdpgun unlimited. Against a real server kxdpgun may not reach')
    w('  the rate asked for, since its core also carries the server\'s receive path;')
    w('  tables give what it sent. kxdpgun sends in batches of 10 (`-b` default).')
    w('- **Caveat**: on veth the receiver\'s softirq and XDP work runs on the *sender\'s*')
    w('  core, so the server\'s kernel receive path (and its XDP program) share core %s' %
      m.get('gen_cpu', '?'))
    w('  with kxdpgun; pinning does not isolate them, and the machine is shared. The')
    w('  numbers rank servers against each other in one run: read the ratios, not the')
    w('  absolute figures.')
    w('- Instructions per query: `build/tools/bench-dns-path` (the whole worker loop,')
    w('  `xst_worker_poll()`: RX ring, packet layers, dispatch, the DNS service, TX')
    w('  ring, over the in-memory backend, without a kernel, batches of 64, send mode')
    w('  memcpy) on the same zone file, under `valgrind --tool=callgrind')
    w('  --collect-atstart=no --toggle-collect=xst_worker_poll`: Ir / queries. Its')
    w('  queries are A queries of existing names (the tool picks A owners of the zone).')
    w('- `xdpstorm-base-*`, when present, is an earlier build of the daemon')
    w('  (`BENCH_BASELINE`) run side by side with this one: the before/after of a change.')
    w('')

    targets = []	# (text, required, reached, met or None)
    for size in data.sizes:
        gm = data.gen_max(size)
        w('### %s-name zone' % names(size))
        w('')
        if gm:
            per = [float(r['answered_pps']) for r in data.runs if int(r['size']) == size
                   and r['server'] == 'echo' and r['status'] == 'ok']
            w('Generator ceiling (XDP echo): **%s answers/s**, the median of round 1\'s three' %
              kq(gm))
            w('runs (the rates\' 100%%); every echo run: %s.' % ', '.join(kq(v) for v in per))
            w('')
        rates = data.rates(size)
        w('Answered/s (answered/sent) per offered rate:')
        w('')
        w('| server | ' + ' | '.join(rate_title(r, gm) for r in rates) + ' |')
        w('| --- |' + ' --- |' * len(rates))
        for srv in data.order:
            st = data.status(size, srv)
            if st and st['status'] != 'ok':
                w('| %s | %s |' % (LABELS.get(srv, srv), '%s: %s' % (st['status'], st['note'])) +
                  ' |' * (len(rates) - 1))
                continue
            cells = []
            for r in rates:
                x = data.run(size, srv, r)
                cells.append('%s (%.1f%%)' % (kq(x['answered_pps']), 100 * x['ratio'])
                             if x else '-')
            w('| %s | %s |' % (LABELS.get(srv, srv), ' | '.join(cells)))
        w('')
        nsd = data.peak(size, NSD)
        kx = data.peak(size, KNOT_XDP)
        w('Peak answered/s over all rates, and ratios (answers are NSD-style for NSD and')
        w('xdpstorm, with the NS RRset in the authority section, and minimal for Knot:')
        w('see the reply sizes):')
        w('')
        w('| server | peak answered/s | vs NSD | vs Knot-XDP | vs ceiling | round spread | DNS reply (B) | answers | ready (s) |')
        w('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
        for srv in data.order:
            p = data.peak(size, srv)
            st = data.status(size, srv) or {}
            if p is None:
                continue
            sp = data.spread(size, srv)
            rb = data.reply_bytes(size, srv)
            w('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                LABELS.get(srv, srv), kq(p),
                '%.2fx' % (p / nsd) if nsd else '-',
                '%.2fx' % (p / kx) if kx else '-',
                '%.0f%%' % (100 * p / gm) if gm else '-',
                '%.0f%%' % (100 * sp) if sp is not None else '-',
                '%.0f' % rb if rb else '-',
                st.get('answers', '-'), st.get('ready_s', '-')))
        w('')
        for srv in XST:
            st = data.status(size, srv)
            p = data.peak(size, srv)
            where = '%s, %s names' % (srv, names(size))
            if p is None:
                why = st['note'] if st and st.get('note') else 'not run'
                targets.append(('%s: answered/s >= Knot-XDP' % where, '>= %s' % (kq(kx) if kx else '?'),
                                'not measured (%s)' % why, None))
                continue
            if kx:
                targets.append(('%s: answered/s >= Knot-XDP' % where, '>= %s' % kq(kx),
                                '%s (%.2fx)' % (kq(p), p / kx), p >= T_VS_KNOT * kx))
            if nsd:
                targets.append(('%s: answered/s >= 2.5x NSD' % where, '>= %s' % kq(T_VS_NSD * nsd),
                                '%s (%.2fx)' % (kq(p), p / nsd), p >= T_VS_NSD * nsd))
            x = data.run(size, srv, T_RATE)
            if x:
                targets.append(('%s: answered at 90%% of the ceiling' % where, '>= 99%',
                                '%.2f%% of %s/s sent' % (100 * x['ratio'], kq(x['sent_pps'])),
                                x['ratio'] >= T_RATIO))
            else:
                targets.append(('%s: answered at 90%% of the ceiling' % where, '>= 99%',
                                'not measured (no 90% rate in BENCH_RATES)', None))

    w('### Instructions per query (userspace, callgrind)')
    w('')
    w('| zone names | instructions/query | ns/query natively (noisy) | status |')
    w('| --- | --- | --- | --- |')
    for size in data.sizes:
        r = data.instr_of(size)
        if not r:
            continue
        if r['status'] == 'ok':
            w('| %s | %s | %s | ok |' % (names(size), r['ir_per_query'], r['ns_per_query']))
        else:
            w('| %s | - | - | %s |' % (names(size), r['status']))
        if size == T_INSTR_SIZE:
            if r['status'] == 'ok':
                v = float(r['ir_per_query'])
                targets.append(('instructions per query, %s names' % names(size), '< 1,000',
                                '%.0f' % v, v < T_INSTR))
            else:
                targets.append(('instructions per query, %s names' % names(size), '< 1,000',
                                'not measured (%s)' % r['status'], None))
    w('')
    w('### Targets (from the issue, for this testbed)')
    w('')
    if targets:
        w('| target | required | reached | met |')
        w('| --- | --- | --- | --- |')
        for t, req, got, ok in targets:
            w('| %s | %s | %s | %s |' % (t, req, got, 'not measured' if ok is None else yes(ok)))
    else:
        w('No target could be evaluated in this run.')
    w('')
    w('### Plot')
    w('')
    w('![answered/s vs offered rate per server](%s)' % png_name)
    w('')
    w('Each point is one kxdpgun run; x is the rate kxdpgun actually sent, y the')
    w('answers it received. The dotted diagonal is "every query answered"; the star is')
    w('the generator ceiling against the XDP echo.')
    w('')
    w('### Reproduce')
    w('')
    w('```')
    w('make bench-dns                      # the whole matrix, about 21 minutes here')
    w('BENCH_SIZES=10000 BENCH_SECONDS=5 BENCH_RATES="50 90 max" \\')
    w('    BENCH_SERVERS="xdpstorm-memcpy knot-xdp nsd" make bench-dns')
    w('```')
    w('')
    w('Settings of this run: BENCH_SECONDS=%s BENCH_SIZES="%s" BENCH_RATES="%s"' %
      (m.get('seconds', '?'), m.get('sizes', '?'), m.get('rates', '?')))
    w('BENCH_SERVERS="%s".' % m.get('servers', '?'))
    w('')
    return '\n'.join(L)


# Sections other reports own (bench_http_report.py's, bench_load_report.py's,
# between their markers):
# kept, after this report, when the file is rewritten.
KEPT = (('<!-- http-begin -->', '<!-- http-end -->'),
        ('<!-- bench-load: begin (generated by make bench-load) -->', '<!-- bench-load: end -->'))


def kept_sections(md):
    if not os.path.exists(md):
        return ''
    with open(md) as f:
        old = f.read()
    out = ''
    for begin, end in KEPT:
        b, e = old.find(begin), old.find(end)
        if b >= 0 and e > b:
            out += '\n' + old[b:e + len(end)] + '\n'
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dir', required=True)
    p.add_argument('--md', required=True)
    p.add_argument('--png', required=True)
    a = p.parse_args()
    data = Data(a.dir)
    if not data.runs:
        print('bench_report: no results in %s' % a.dir, file=sys.stderr)
        return 1
    plot(data, a.png + '.tmp.png')
    os.replace(a.png + '.tmp.png', a.png)
    text = report(data, os.path.relpath(a.png, os.path.dirname(os.path.abspath(a.md))))
    text += kept_sections(a.md)
    with open(a.md + '.tmp', 'w') as f:
        f.write(text)
    os.replace(a.md + '.tmp', a.md)
    return 0


if __name__ == '__main__':
    sys.exit(main())
