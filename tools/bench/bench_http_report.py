#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the HTTP section of docs/BENCHMARKS.md and docs/bench-http.png from
bench-http.sh's results.

    bench_http_report.py --dir build/bench --md docs/BENCHMARKS.md --png docs/bench-http.png

Reads http-results.csv (one row per wrk run), http-servers.csv (one row per
server and round) and http-meta.txt (key=value) from --dir. A figure is the
median over the rounds' successful runs of its cell (server, file, mode).
The section goes between the markers <!-- http-begin --> and <!-- http-end -->
of --md, replaced in place; without them it is appended, so the DNS section
(bench_report.py, which keeps this block when it rewrites the file) stays.
Uses matplotlib with the Agg backend (no display needed)."""
import argparse
import csv
import os
import statistics
import sys

BEGIN = '<!-- http-begin -->'
END = '<!-- http-end -->'
XST = ('xdpstorm-memcpy', 'xdpstorm-precopy')
NGINX = 'nginx'
LABELS = {
    'xdpstorm-memcpy': 'xdpstorm, --send memcpy',
    'xdpstorm-precopy': 'xdpstorm, --send precopy',
    'nginx': 'nginx 1.22 (sendfile)',
    'nginx-nosendfile': 'nginx 1.22, sendfile off',
    'h2o': 'h2o 2.2',
}
MODES = {'keepalive': 'keep-alive', 'close': 'one request per connection'}
# Targets from issue 8, for this testbed.
T_CLOSE_1K = 2.0	# 1 KB, one request per connection: req/s >= 2x nginx's
T_KEEP_1K = 1.5		# 1 KB keep-alive: req/s >= 1.5x nginx's
T_SMALL = 1024


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


def krps(v):
    return '%.1fk' % (v / 1000.0) if v >= 1000 else '%.0f' % v


def human(nbytes):
    if nbytes >= 1048576 and nbytes % 1048576 == 0:
        return '%d MB' % (nbytes // 1048576)
    if nbytes >= 1024 and nbytes % 1024 == 0:
        return '%d KB' % (nbytes // 1024)
    return '%d B' % nbytes


def ratio(a, b):
    return '%.2fx' % (a / b) if a is not None and b else '-'


class Data:
    def __init__(self, d):
        self.meta = read_meta(os.path.join(d, 'http-meta.txt'))
        self.runs = read_csv(os.path.join(d, 'http-results.csv'))
        self.servers = read_csv(os.path.join(d, 'http-servers.csv'))
        self.sizes = []		# (label, bytes) in run order
        self.modes = []
        for r in self.runs:
            s = (r['size'], int(r['file_bytes']))
            if s not in self.sizes:
                self.sizes.append(s)
            if r['mode'] not in self.modes:
                self.modes.append(r['mode'])
        for m in self.meta.get('modes', '').split():
            if m not in self.modes:
                self.modes.append(m)
        self.sizes.sort(key=lambda s: s[1])
        self.order = []
        for srv in self.meta.get('servers', '').split() + [r['server'] for r in self.servers]:
            if srv not in self.order:
                self.order.append(srv)

    def cell(self, server, size, mode):
        """medians over the rounds' successful runs, errors summed over them"""
        rs = [r for r in self.runs if r['server'] == server and r['size'] == size
              and r['mode'] == mode]
        ok = [r for r in rs if r['status'] == 'ok']
        if not ok:
            return None
        out = {'n': len(ok), 'failed': len(rs) - len(ok)}
        for k in ('rps', 'gbps_body', 'gbps_wire', 'srv_core_us_per_req', 'gen_core_us_per_req',
                  'proc_us_per_req', 'p50_us', 'p99_us'):
            out[k] = statistics.median(float(r[k] or 0) for r in ok)
        tck = float(self.meta.get('clk_tck', '100') or 100)
        for k, col in (('srv_busy', 'srv_core_jiffies'), ('gen_busy', 'gen_core_jiffies')):
            out[k] = statistics.median(float(r[col] or 0) / tck / float(r['duration_s'])
                                       if float(r['duration_s'] or 0) > 0 else 0 for r in ok)
        txp = sum(int(r.get('srv_tx_packets') or 0) for r in ok)
        out['tx_frame'] = sum(int(r.get('srv_tx_bytes') or 0) for r in ok) / txp if txp else 0
        out['non2xx'] = sum(int(r['non2xx'] or 0) for r in ok)
        out['sockerr'] = sum(int(r[k] or 0) for r in ok
                             for k in ('err_connect', 'err_read', 'err_write', 'err_timeout'))
        v = [float(r['rps']) for r in ok]
        out['spread'] = (max(v) - min(v)) / out['rps'] if out['rps'] else 0
        return out

    def status(self, server):
        """the first round that ran, else the first that did not"""
        rs = [r for r in self.servers if r['server'] == server]
        for r in rs:
            if r['status'] == 'ok':
                return r
        return rs[0] if rs else None


def plot(data, png):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    metrics = (('rps', 'requests/s'), ('gbps_body', 'body Gbit/s'),
               ('srv_core_us_per_req', 'server core CPU, us/request'))
    modes = data.modes or ['keepalive']
    fig, axes = plt.subplots(len(modes), len(metrics), figsize=(15, 3.9 * len(modes)),
                             squeeze=False)
    srvs = [s for s in data.order if any(data.cell(s, z, m) for z, _ in data.sizes for m in modes)]
    colors = {'xdpstorm-memcpy': 'C3', 'xdpstorm-precopy': 'C1', 'nginx': 'C2', 'h2o': 'C0'}
    width = 0.8 / max(len(srvs), 1)
    for row, mode in enumerate(modes):
        for col, (key, title) in enumerate(metrics):
            ax = axes[row][col]
            low = float('inf')
            for i, srv in enumerate(srvs):
                xs, ys = [], []
                for j, (z, _) in enumerate(data.sizes):
                    c = data.cell(srv, z, mode)
                    if c and c[key] > 0:
                        xs.append(j - 0.4 + width * (i + 0.5))
                        ys.append(c[key])
                ax.bar(xs, ys, width, label=LABELS.get(srv, srv),
                       color=colors.get(srv, 'C%d' % (4 + i)))
                low = min(ys + [low]) if ys else low
            ax.set_yscale('log')
            if low < float('inf'):
                ax.set_ylim(bottom=low / 4)	# a bar's height reads against this floor
            ax.set_xticks(range(len(data.sizes)))
            ax.set_xticklabels([human(b) for _, b in data.sizes])
            ax.set_title('%s, %s' % (title, MODES.get(mode, mode)), fontsize=9)
            ax.grid(True, axis='y', linewidth=0.3, which='both')
    axes[0][0].legend(fontsize=7, loc='best')
    fig.suptitle('static files over HTTP/1.1 (wrk, %s connections, %s s per cell, veth testbed;'
                 ' log scales; CPU: lower is better)'
                 % (data.meta.get('conns', '?'), data.meta.get('seconds', '?')), fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def yes(b):
    return 'yes' if b else '**no**'


def targets(data):
    """(target, required, reached, met or None) for each xdpstorm send mode"""
    out = []
    small = [z for z, b in data.sizes if b == T_SMALL]
    for srv in XST:
        st = data.status(srv)
        measured = any(data.cell(srv, z, m) for z, _ in data.sizes for m in data.modes)
        if not measured:
            why = 'not measured (%s)' % ((st['note'] or st['check']) if st
                                         else 'not in BENCH_HTTP_SERVERS')
            for what, req in (('1 KB %s, req/s >= %.1fx nginx' % (MODES['close'], T_CLOSE_1K),
                               '>= %.1fx' % T_CLOSE_1K),
                              ('1 KB %s, req/s >= %.1fx nginx' % (MODES['keepalive'], T_KEEP_1K),
                               '>= %.1fx' % T_KEEP_1K),
                              ('Gbit/s >= nginx at every size', '>= 1x'),
                              ('server core CPU/request < nginx\'s at every size', '< 1x')):
                out.append(('%s: %s' % (srv, what), req, why, None))
            continue
        for mode, factor in (('close', T_CLOSE_1K), ('keepalive', T_KEEP_1K)):
            what = '%s: 1 KB %s, req/s >= %.1fx nginx' % (srv, MODES[mode], factor)
            c = data.cell(srv, small[0], mode) if small else None
            n = data.cell(NGINX, small[0], mode) if small else None
            if not c or not n:
                out.append((what, '>= %.1fx' % factor, 'not measured', None))
                continue
            out.append((what, '>= %s' % krps(factor * n['rps']),
                        '%s (%.2fx)' % (krps(c['rps']), c['rps'] / n['rps']),
                        c['rps'] >= factor * n['rps']))
        for key, what, better in (('gbps_body', 'Gbit/s >= nginx at every size', 'ge'),
                                  ('srv_core_us_per_req', 'server core CPU/request < nginx\'s'
                                   ' at every size', 'lt')):
            for mode in data.modes:
                parts, oks, missing = [], [], False
                for z, b in data.sizes:
                    c, n = data.cell(srv, z, mode), data.cell(NGINX, z, mode)
                    if not c or not n or not n[key]:
                        parts.append('%s -' % human(b))
                        missing = True
                        continue
                    r = c[key] / n[key]
                    parts.append('%s %.2fx' % (human(b), r))
                    oks.append(r >= 1.0 if better == 'ge' else r < 1.0)
                # a failure anywhere fails it; otherwise a gap leaves it open
                met = False if not all(oks) else (None if missing or not oks else True)
                out.append(('%s: %s, %s' % (srv, MODES.get(mode, mode), what),
                            '>= 1x' if better == 'ge' else '< 1x',
                            ', '.join(parts), met))
    return out


def report(data, png_name):
    m = data.meta
    L = [BEGIN]
    w = L.append
    w('## HTTP: xdpstorm against nginx and h2o')
    w('')
    w('Generated by `make bench-http` (`tools/bench/bench-http.sh`, report by')
    w('`tools/bench/bench_http_report.py`, which rewrites only this section); do not')
    w('edit by hand, run it again. Raw results: `build/bench/http-*.csv`,')
    w('`build/bench/raw-http/` (every wrk output, server logs).')
    w('')
    w('Summary: requests/s (medians over rounds) and the ratio to nginx; details and')
    w('method below.')
    w('')
    shown = [s for s in data.order if any(data.cell(s, z, md) for z, _ in data.sizes
                                          for md in data.modes)]
    if shown:
        w('| file | mode | ' + ' | '.join(LABELS.get(s, s) for s in shown) + ' |')
        w('| --- | --- |' + ' --- |' * len(shown))
        for z, b in data.sizes:
            for md in data.modes:
                n = data.cell(NGINX, z, md)
                cells = []
                for s in shown:
                    c = data.cell(s, z, md)
                    if not c:
                        cells.append('-')
                    elif s == NGINX or not n:
                        cells.append(krps(c['rps']))
                    else:
                        cells.append('%s (%s)' % (krps(c['rps']), ratio(c['rps'], n['rps'])))
                w('| %s | %s | %s |' % (human(b), MODES.get(md, md), ' | '.join(cells)))
        w('')
    if shown and data.cell(NGINX, data.sizes[0][0], data.modes[0]):
        w('Server core CPU per request (us, from `/proc/stat`; lower is better) and the')
        w('ratio to nginx:')
        w('')
        w('| file | mode | ' + ' | '.join(LABELS.get(s, s) for s in shown) + ' |')
        w('| --- | --- |' + ' --- |' * len(shown))
        for z, b in data.sizes:
            for md in data.modes:
                n = data.cell(NGINX, z, md)
                cells = []
                for s in shown:
                    c = data.cell(s, z, md)
                    if not c:
                        cells.append('-')
                    elif s == NGINX or not n:
                        cells.append('%.2f' % c['srv_core_us_per_req'])
                    else:
                        cells.append('%.2f (%s)' % (c['srv_core_us_per_req'],
                                                    ratio(c['srv_core_us_per_req'],
                                                          n['srv_core_us_per_req'])))
                w('| %s | %s | %s |' % (human(b), MODES.get(md, md), ' | '.join(cells)))
        w('')
    notrun = []
    for s in data.order:
        st = data.status(s)
        if s not in shown:
            notrun.append('%s: %s' % (s, (st['note'] or st['check'] or st['status'])
                                      if st else 'not run'))
    if notrun:
        w('Not measured in this run: ' + '; '.join(notrun) + '.')
        w('')
    w('### Machine and settings')
    w('')
    w('| | |')
    w('| --- | --- |')
    for k, t in (('date', 'date'), ('kernel', 'kernel'), ('cpu', 'CPU'), ('cores', 'cores'),
                 ('commit', 'xdpstorm commit'), ('wrk', 'load generator'), ('nginx', 'nginx'),
                 ('h2o', 'h2o'), ('conns', 'wrk connections'), ('seconds', 's per cell'),
                 ('rounds', 'rounds'), ('elapsed_s', 'run time (s)')):
        if k in m:
            w('| %s | %s |' % (t, m[k].replace('|', '/')))
    w('')
    w('### Method')
    w('')
    w('- One run, one testbed (`tools/testbed.sh`): a veth pair with one queue per end')
    w('  between a server and a client network namespace. Servers run one after another')
    w('  in the server namespace on core %s, each with one worker: xdpstorm' % m.get('srv_cpu', '?'))
    w('  `--http-root DIR --queues 1 --mode native --cpus %s` with each `--send` mode;' %
      m.get('srv_cpu', '?'))
    w('  nginx with `worker_processes 1`, `worker_cpu_affinity` on that core, `sendfile`,')
    w('  `tcp_nopush`, `open_file_cache`, `access_log off`, `keepalive_requests` 10^8;')
    w('  h2o (Debian\'s package) with `num-threads: 1` under `taskset`, no access log.')
    w('  Every process of a server is re-pinned after start (`taskset -a`).')
    w('- The site: one file of random bytes per size. Before its load runs each server')
    w('  must serve every file with a 200, byte for byte (`curl` + `cmp`), twice over one')
    w('  kept-alive connection; one that does not is not measured.')
    w('- wrk (one thread, %s connections, `--timeout 5s`) runs in the client namespace' %
      m.get('conns', '?'))
    w('  on core %s, %s s per cell, towards the server veth\'s IPv4 address: with' %
      (m.get('gen_cpu', '?'), m.get('seconds', '?')))
    w('  keep-alive, and with `-H \'Connection: close\'` (one request per connection: the')
    w('  server closes, the client reconnects). req/s is wrk\'s completed responses over')
    w('  its duration; Gbit/s is the body bytes of the 2xx/3xx responses (file size x')
    w('  responses) over the duration, headers not counted; "non-2xx" and "socket')
    w('  errors" (connect, read, write, timeout) are wrk\'s counts summed over rounds.')
    w('- **CPU per request**: the server core\'s busy jiffies in `/proc/stat` (user,')
    w('  nice, system, irq, softirq, steal) over the run, divided by the requests')
    w('  (resolution: one jiffy = %.0f us over the run). On veth the receiver\'s softirq' %
      (1e6 / float(m.get('clk_tck', '100') or 100)))
    w('  work runs on the *sender\'s* core: the server core also carries the client\'s')
    w('  receive path of the responses, the client core the server\'s receive path of the')
    w('  requests. "process" is the server processes\' own user + system time per')
    w('  request (`/proc/PID/stat`, threads and children included); for the kernel-socket')
    w('  servers it includes their TCP send path, for xdpstorm its whole stack.')
    w('  Both counts are sampled by the clock tick (%s Hz), so one cell is noisy by' %
      m.get('clk_tck', '100'))
    w('  10-20%; a longer BENCH_SECONDS narrows it. A server that polls without')
    w('  sleeping would show its whole core busy, whatever its load.')
    w('- "server / client core busy" is the share of each core\'s time that was busy')
    w('  during the run: a server at 100% is CPU-bound; a client core near 100% means')
    w('  wrk (and the kernel work it carries) may be the limit, not the server.')
    w('- "server TX B/frame" is the server veth\'s sent bytes over its sent frames during')
    w('  the run. The kernel-socket servers hand veth GSO frames of up to 64 KB that are')
    w('  never cut into MTU-sized packets on the way to the client (veth passes them')
    w('  whole), while an AF_XDP server sends every MSS-sized segment as its own frame:')
    w('  for large files that is many times the per-frame work, a property of this')
    w('  testbed that a physical NIC (where the kernel\'s GSO/TSO frames are cut into')
    w('  MTU-sized packets too) does not share.')
    w('- The matrix runs %s round(s); each round starts every server afresh, in an order' %
      m.get('rounds', '1'))
    w('  rotated by one server per round. Figures are medians over rounds; "spread" is')
    w('  (max - min) / median of req/s over the rounds, a measure of the machine\'s noise.')
    w('  The machine is small and shared: read the ratios, not the absolute figures.')
    w('')
    for md in data.modes:
        for z, b in data.sizes:
            rows = [(s, data.cell(s, z, md)) for s in data.order]
            rows = [(s, c) for s, c in rows if c]
            if not rows:
                continue
            n = data.cell(NGINX, z, md)
            w('### %s, %s' % (human(b), MODES.get(md, md)))
            w('')
            w('| server | req/s | vs nginx | Gbit/s | vs nginx | core us/req | vs nginx |'
              ' process us/req | server / client core busy | server TX B/frame |'
              ' p50 / p99 latency (ms) | non-2xx | socket errors | spread |')
            w('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
            for s, c in rows:
                w('| %s | %s | %s | %.3f | %s | %.2f | %s | %.2f | %.0f%% / %.0f%% | %.0f | %.2f / %.2f |'
                  ' %d | %d | %s |' % (
                    LABELS.get(s, s), krps(c['rps']), ratio(c['rps'], n and n['rps']),
                    c['gbps_body'], ratio(c['gbps_body'], n and n['gbps_body']),
                    c['srv_core_us_per_req'],
                    ratio(c['srv_core_us_per_req'], n and n['srv_core_us_per_req']),
                    c['proc_us_per_req'], 100 * c['srv_busy'], 100 * c['gen_busy'], c['tx_frame'],
                    c['p50_us'] / 1000, c['p99_us'] / 1000,
                    c['non2xx'], c['sockerr'],
                    '%.0f%%' % (100 * c['spread']) if c['n'] > 1 else '-'))
            w('')
    t = targets(data)
    w('### Targets (from issue 8, for this testbed)')
    w('')
    w('CPU and Gbit/s targets list the ratio to nginx per file size.')
    w('')
    w('| target | required | reached | met |')
    w('| --- | --- | --- | --- |')
    for what, req, got, ok in t:
        w('| %s | %s | %s | %s |' % (what, req, got, 'not measured' if ok is None else yes(ok)))
    w('')
    w('### Plot')
    w('')
    w('![req/s, Gbit/s and CPU per request per server, file size and mode](%s)' % png_name)
    w('')
    w('### Reproduce')
    w('')
    w('```')
    w('make bench-http                        # the whole matrix')
    w('BENCH_SECONDS=2 BENCH_ROUNDS=1 BENCH_HTTP_SIZES="1k 1m" \\')
    w('    BENCH_HTTP_SERVERS="xdpstorm-memcpy nginx" make bench-http')
    w('```')
    w('')
    w('Settings of this run: BENCH_SECONDS=%s BENCH_ROUNDS=%s BENCH_HTTP_SIZES="%s"' %
      (m.get('seconds', '?'), m.get('rounds', '?'), m.get('sizes', '?')))
    w('BENCH_HTTP_MODES="%s" BENCH_HTTP_CONNS=%s BENCH_HTTP_SERVERS="%s".' %
      (m.get('modes', '?'), m.get('conns', '?'), m.get('servers', '?')))
    w(END)
    return '\n'.join(L) + '\n'


def splice(old, section):
    """old with its marked block replaced by section, or section appended"""
    b, e = old.find(BEGIN), old.find(END)
    if b >= 0 and e > b:
        return old[:b] + section + old[e + len(END):].lstrip('\n')
    if not old:
        return '# Benchmarks\n\n' + section
    return old.rstrip('\n') + '\n\n' + section


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dir', required=True)
    p.add_argument('--md', required=True)
    p.add_argument('--png', required=True)
    p.add_argument('--print-targets', action='store_true',
                   help='also print the targets, reached or not, on stdout')
    a = p.parse_args()
    data = Data(a.dir)
    if not data.servers:
        print('bench_http_report: no results in %s' % a.dir, file=sys.stderr)
        return 1
    if data.runs:
        plot(data, a.png + '.tmp.png')
        os.replace(a.png + '.tmp.png', a.png)
    section = report(data, os.path.relpath(a.png, os.path.dirname(os.path.abspath(a.md))))
    old = ''
    if os.path.exists(a.md):
        with open(a.md) as f:
            old = f.read()
    with open(a.md + '.tmp', 'w') as f:
        f.write(splice(old, section))
    os.replace(a.md + '.tmp', a.md)
    if a.print_targets:
        for what, req, got, ok in targets(data):
            print('%-13s %s: %s (required %s)' % (
                'NOT MEASURED' if ok is None else ('reached' if ok else 'NOT REACHED'),
                what, got, req))
    return 0


if __name__ == '__main__':
    sys.exit(main())
