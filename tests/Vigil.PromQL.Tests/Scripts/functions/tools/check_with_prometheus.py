#!/usr/bin/env python3
"""Checks a PromQL .test script's expectations against a real Prometheus (the Debian 2.42 package).

Usage: check_with_prometheus.py FILE.test...  Needs `prometheus` and `promtool` on PATH. The script's `load`
blocks are backfilled with `promtool tsdb create-blocks-from openmetrics` into a temporary data directory, a
Prometheus on a free loopback port serves it, and every `eval` is run through the HTTP API and compared with
promqltest's tolerance. Stale markers cannot be backfilled and are left out. `clear` is not supported.
"""
import json, math, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

WORK = tempfile.mkdtemp(prefix='promql-check-')
with socket.socket() as _s:
    _s.bind(('127.0.0.1', 0))
    PORT = _s.getsockname()[1]
with open(os.path.join(WORK, 'prometheus.yml'), 'w') as _f:
    _f.write('global: {}\n')
UNITS = {'ms': 0.001, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800, 'y': 31536000}

def dur(text):
    try:
        return float(text)
    except ValueError:
        pass
    total = 0.0
    for num, unit in re.findall(r'(\d+)(ms|s|m|h|d|w|y)', text):
        total += int(num) * UNITS[unit]
    return total

def num(t):
    return {'NaN': math.nan, 'Inf': math.inf, '+Inf': math.inf, '-Inf': -math.inf}.get(t, None) if t in ('NaN', 'Inf', '+Inf', '-Inf') else float(t)

def expand(items):
    out = []
    for it in items:
        if it == '_':
            out.append(None); continue
        m = re.fullmatch(r'_x(\d+)', it)
        if m:
            out += [None] * int(m.group(1)); continue
        if it == 'stale':
            out.append('stale'); continue
        m = re.fullmatch(r'(-?[\d.e+]+|NaN|-?Inf)([+-][\d.e+]+)x(\d+)', it)
        if m:
            a, b, n = num(m.group(1)), float(m.group(2)), int(m.group(3))
            v = a
            for i in range(n + 1):
                out.append(v); v += b
            continue
        m = re.fullmatch(r'(-?[\d.e+]+|NaN|-?Inf)x(\d+)', it)
        if m:
            out += [num(m.group(1))] * (int(m.group(2)) + 1); continue
        out.append(num(it))
    return out

def split_labels(line):
    line = line.strip()
    if '{' in line and (line.find(' ') < 0 or line.find('{') < line.find(' ')):
        depth_end = None; q = False; i = line.find('{')
        while i < len(line):
            c = line[i]
            if q and c == '\\': i += 2; continue
            if c == '"': q = not q
            if c == '}' and not q: depth_end = i; break
            i += 1
        return line[:depth_end + 1], line[depth_end + 1:].strip()
    sp = line.find(' ')
    return (line, '') if sp < 0 else (line[:sp], line[sp + 1:].strip())

def parse_labels(text):
    if text == '{}': return {}
    name, rest = (text.split('{', 1) + [''])[:2] if '{' in text else (text, '')
    d = {}
    if name: d['__name__'] = name
    for k, v in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"', rest):
        d[k] = bytes(v, 'utf-8').decode('unicode_escape')
    return {k: v for k, v in d.items() if v != ''}

def parse(path):
    lines = open(path).read().split('\n')
    cmds = []; i = 0
    while i < len(lines):
        l = lines[i]
        if not l.strip() or l.startswith('#') or l[0].isspace():
            i += 1; continue
        body = []; j = i + 1
        while j < len(lines) and lines[j][:1].isspace() and lines[j].strip():
            if not lines[j].strip().startswith('#'): body.append(lines[j].strip())
            j += 1
        cmds.append((i + 1, l.strip(), body)); i = j
    return cmds

def om_value(v):
    if isinstance(v, float) and math.isnan(v): return 'NaN'
    if v == math.inf: return '+Inf'
    if v == -math.inf: return '-Inf'
    return repr(float(v))

def om_labels(d):
    inner = ','.join('%s="%s"' % (k, v.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')) for k, v in sorted(d.items()) if k != '__name__')
    return d['__name__'] + ('{' + inner + '}' if inner else '')

def query(path, params):
    url = 'http://127.0.0.1:%d/api/v1/%s?%s' % (PORT, path, urllib.parse.urlencode(params))
    try:
        return json.load(urllib.request.urlopen(url))
    except urllib.error.HTTPError as e:
        return json.load(e)

def close(a, b):
    if math.isnan(a) or math.isnan(b): return math.isnan(a) and math.isnan(b)
    if a == b: return True
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))

def pv(s):
    return {'NaN': math.nan, '+Inf': math.inf, '-Inf': -math.inf}.get(s, None) if s in ('NaN', '+Inf', '-Inf') else float(s)

def main(path):
    cmds = parse(path)
    series = {}
    for ln, cmd, body in cmds:
        if cmd.startswith('load '):
            step = dur(cmd.split()[1])
            for b in body:
                lab, vals = split_labels(b)
                key = om_labels(parse_labels(lab))
                pts = series.setdefault(key, {})
                for k, v in enumerate(expand(vals.split())):
                    if v is not None and v != 'stale': pts[k * step] = v
        elif cmd == 'clear':
            print('clear unsupported'); return
    data = os.path.join(WORK, 'data')
    shutil.rmtree(data, ignore_errors=True)
    om = os.path.join(WORK, 'in.om')
    with open(om, 'w') as f:
        for key in sorted(series):
            for t in sorted(series[key]):
                f.write('%s %s %s\n' % (key, om_value(series[key][t]), repr(t)))
        f.write('# EOF\n')
    if series:
        r = subprocess.run(['promtool', 'tsdb', 'create-blocks-from', 'openmetrics', om, data], capture_output=True, text=True)
        if r.returncode: print(r.stdout, r.stderr); return
    else:
        os.makedirs(data)
    proc = start(data)
    try:
        run_evals(path, cmds)
    finally:
        proc.terminate(); proc.wait()

def start(data):
    proc = subprocess.Popen(['prometheus', '--config.file=' + os.path.join(WORK, 'prometheus.yml'), '--storage.tsdb.path=' + data,
                             '--storage.tsdb.retention.time=100y', '--web.listen-address=127.0.0.1:%d' % PORT],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen('http://127.0.0.1:%d/-/ready' % PORT); break
        except Exception:
            time.sleep(0.2)
    return proc

def run_evals(path, cmds):
    if True:
        bad = 0; n = 0
        for ln, cmd, body in cmds:
            rm = re.match(r'eval range from (\S+) to (\S+) step (\S+) (.*)', cmd)
            if rm:
                n += 1
                st, en, sp, expr = rm.groups()
                st, en, sp = dur(st), dur(en), dur(sp)
                res = query('query_range', {'query': expr, 'start': st, 'end': en, 'step': sp})
                if res['status'] != 'success':
                    bad += 1; print('%s:%d %s\n  error %s' % (path, ln, expr, res.get('error'))); continue
                got = {json.dumps(r['metric'], sort_keys=True): {float(t): pv(v) for t, v in r['values']} for r in res['data']['result']}
                want = {}
                for b in body:
                    lab, vals = split_labels(b)
                    want[json.dumps(parse_labels(lab), sort_keys=True)] = expand(vals.split())
                ok = set(got) == set(want)
                if ok:
                    for k, vals in want.items():
                        for idx, v in enumerate(vals):
                            t = st + idx * sp
                            g = got[k].get(t)
                            if (v is None) != (g is None) or (v is not None and not close(v, g)): ok = False
                if not ok:
                    bad += 1; print('%s:%d %s\n  want %s\n  got  %s' % (path, ln, expr, want, got))
                continue
            m = re.match(r'(eval|eval_ordered|eval_fail) instant at (\S+) (.*)', cmd)
            if not m: continue
            n += 1
            kind, t, expr = m.groups()
            res = query('query', {'query': expr, 'time': dur(t)})
            if kind == 'eval_fail':
                msg = [b[len('expected_fail_message '):] for b in body if b.startswith('expected_fail_message ')]
                if res['status'] != 'error' or (msg and msg[0] != res['error']):
                    bad += 1; print('%s:%d %s\n  want failure %s, got %s' % (path, ln, expr, msg, json.dumps(res)[:300]))
                continue
            if res['status'] != 'success':
                bad += 1; print('%s:%d %s\n  error %s' % (path, ln, expr, res.get('error'))); continue
            d = res['data']; got = []
            if d['resultType'] == 'vector':
                got = [(s['metric'], pv(s['value'][1])) for s in d['result']]
            elif d['resultType'] == 'scalar':
                got = [(None, pv(d['result'][1]))]
            elif d['resultType'] == 'string':
                got = [(None, d['result'][1])]
            else:
                got = [(s['metric'], ' '.join('%s@%s' % (v, tt) for tt, v in s['values'])) for s in d['result']]
            want = []
            for b in body:
                lab, val = split_labels(b)
                if val == '' and d['resultType'] in ('scalar', 'string'):
                    want.append((None, lab.strip('"') if d['resultType'] == 'string' else pv(lab if lab not in ('Inf',) else '+Inf')))
                else:
                    want.append((parse_labels(lab), val))
            ok = len(want) == len(got)
            if ok:
                for wl, wv in want:
                    match = [g for g in got if g[0] == wl]
                    if len(match) != 1: ok = False; break
                    gv = match[0][1]
                    if isinstance(gv, float):
                        wvf = pv('+Inf' if wv == 'Inf' else wv) if isinstance(wv, str) else wv
                        if not close(wvf, gv): ok = False
                    elif d['resultType'] == 'matrix':
                        pass
                if kind == 'eval_ordered' and ok:
                    ok = [g[0] for g in got] == [w[0] for w in want]
            if not ok:
                bad += 1
                print('%s:%d %s\n  want %s\n  got  %s' % (path, ln, expr, want, got))
        print('%s: %d evals, %d differ' % (os.path.basename(path), n, bad))

if __name__ == '__main__':
    try:
        for p in sys.argv[1:]:
            main(p)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
