#!/usr/bin/python3
"""Checks the expectations of PromQL script tests (*.test) against promtool.

Every `eval` of a script is converted into promtool rule-test cases
(`promtool test rules`): the load blocks of a file section (the lines between
two `clear`s) become `input_series` with `interval:` equal to the load
interval, and each instant eval becomes a `promql_expr_test` at its
eval_time. A range eval is checked as one instant case per step (Prometheus
evaluates a range query step by step), except when the query uses start() or
end(), whose meaning differs between the two. Every case is written with an
empty `exp_samples`, so promtool prints what Prometheus actually returns; the
script compares that with the file at relative tolerance 1e-6 (NaN equal to
NaN) and reports each disagreement with file:line. An `eval_fail` agrees when
promtool reports an error for it (and, with `expected_fail_message` or
`expected_fail_regexp`, when the message matches).

Not checkable and listed as unchecked: evals in a section whose loads use
different intervals, range evals using start()/end(), and the order of
eval_ordered results (promtool sorts what it prints).

Usage (from anywhere; promtool must be on PATH or at /usr/bin/promtool):
  /usr/bin/python3 tests/promql/testdata/check_with_promtool.py [FILE.test ...]
      checks the named files (default: every *.test beside this script);
      exits 1 when any case disagrees.
  ... --rewrite FILE.test
      replaces the expectations of disagreeing evals with Prometheus'
      answers (for writing new cases; review the diff before committing).
  ... -v   prints every case's actual result.
"""

import math
import os
import re
import subprocess
import sys
import tempfile

PROMTOOL = '/usr/bin/promtool' if os.path.exists('/usr/bin/promtool') else 'promtool'
UNITS = {'ms': 1, 's': 1000, 'm': 60000, 'h': 3600000, 'd': 86400000,
         'w': 7 * 86400000, 'y': 365 * 86400000}


def parse_duration(s):
    if s == '0':
        return 0
    total, pos = 0, 0
    for m in re.finditer(r'(\d+)(ms|s|m|h|d|w|y)', s):
        if m.start() != pos:
            raise ValueError('bad duration %r' % s)
        total += int(m.group(1)) * UNITS[m.group(2)]
        pos = m.end()
    if pos != len(s) or not s:
        raise ValueError('bad duration %r' % s)
    return total


def format_duration(ms):
    """Prometheus' model.Duration String(): 0s, 50m, 1h30m, 16h40m, 1d."""
    if ms == 0:
        return '0s'
    out = ''
    for unit, size in (('y', UNITS['y']), ('w', UNITS['w']), ('d', UNITS['d']),
                       ('h', UNITS['h']), ('m', UNITS['m']), ('s', 1000), ('ms', 1)):
        if ms >= size:
            out += '%d%s' % (ms // size, unit)
            ms %= size
    return out


LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`)\s*,?')


def unquote(q):
    if q[0] == '`':
        return q[1:-1]
    body = q[1:-1]
    return bytes(body, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')


def parse_metric(text):
    """`name{a="b"}` -> (frozenset of label pairs, rest of the line)."""
    m = re.match(r'\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?', text)
    labels = {}
    if m.group(1):
        labels['__name__'] = m.group(1)
    rest = text[m.end():]
    if rest.startswith('{'):
        rest = rest[1:]
        while True:
            rest = rest.lstrip()
            if rest.startswith('}'):
                rest = rest[1:]
                break
            lm = LABEL_RE.match(rest)
            if not lm:
                raise ValueError('bad label set in %r' % text)
            labels[lm.group(1)] = unquote(lm.group(2))
            rest = rest[lm.end():]
    return frozenset((k, v) for k, v in labels.items() if v != ''), rest


def parse_number(s):
    if s == 'stale':
        return math.nan
    low = s.lower().lstrip('+')
    if low in ('inf',):
        return math.inf
    if low == '-inf':
        return -math.inf
    if low.lstrip('-') == 'nan':
        return math.nan
    return float(s)


def expand_values(text):
    out = []
    for item in text.split():
        m = re.fullmatch(r'_(?:x(\d+))?', item)
        if m:
            out += [None] * (int(m.group(1)) if m.group(1) else 1)
            continue
        num = r'[+-]?(?:[iI][nN][fF]|[nN][aA][nN]|stale|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)'
        m = re.fullmatch(r'(%s)(?:([+-]%s))?(?:x(\d+))?' % (num, num[5:]), item)
        if not m:
            raise ValueError('bad series value %r' % item)
        v = parse_number(m.group(1))
        if m.group(2):
            step, v2 = parse_number(m.group(2)), v
            out.append(v2)
            for _ in range(int(m.group(3))):
                v2 += step
                out.append(v2)
        elif m.group(3):
            out += [v] * (int(m.group(3)) + 1)
        else:
            out.append(v)
    return out


def fmt_value(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Inf' if v > 0 else '-Inf'
    r = repr(v)
    if r.endswith('.0'):
        r = r[:-2]
    return r


def fmt_labels(labels):
    d = dict(labels)
    name = d.pop('__name__', '')
    inner = ', '.join('%s="%s"' % (k, d[k].replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n'))
                      for k in sorted(d))
    return name + '{' + inner + '}' if inner or not name else name


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))


class Eval:
    def __init__(self, line, kind, ordered, fail, query, start, end, step):
        self.line, self.kind, self.ordered, self.fail = line, kind, ordered, fail
        self.query, self.start, self.end, self.step = query, start, end, step
        self.expect = []        # raw expectation lines
        self.fail_message = self.fail_regexp = None
        self.section = None
        self.unchecked = None   # reason, when promtool cannot check it

    def times(self):
        if self.kind == 'instant':
            return [self.start]
        return list(range(self.start, self.end + 1, self.step))

    def expected(self):
        """{time: {labels: value}} expected at each subcase time."""
        times = self.times()
        out = {t: {} for t in times}
        for raw in self.expect:
            try:
                v = parse_number(raw)
                for t in times:
                    out[t][frozenset()] = v
                continue
            except ValueError:
                pass
            labels, rest = parse_metric(raw)
            values = expand_values(rest)
            for t, v in zip(times, values):
                if v is not None:
                    out[t][labels] = v
        return out


class Section:
    def __init__(self):
        self.intervals = set()
        self.series = []  # (series text, values text)
        self.last_time = 0


def parse_script(path):
    sections, evals = [Section()], []
    cur = None
    with open(path) as f:
        lines = f.read().split('\n')
    for i, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            cur = None
            continue
        if s.startswith('#'):
            continue
        if raw[0] in ' \t':
            if isinstance(cur, Eval):
                if s.startswith('expected_fail_message '):
                    cur.fail_message = s[len('expected_fail_message '):].strip()
                elif s.startswith('expected_fail_regexp '):
                    cur.fail_regexp = s[len('expected_fail_regexp '):].strip()
                else:
                    cur.expect.append(s)
            elif cur == 'load':
                labels, rest = parse_metric(s)
                series_text = s[:len(s) - len(rest)].strip()
                sec = sections[-1]
                sec.series.append((series_text, rest.strip()))
                n = len(expand_values(rest))
                sec.last_time = max(sec.last_time, n * max(sec.intervals))
            continue
        words = s.split(None, 1)
        if words[0] == 'load':
            sections[-1].intervals.add(parse_duration(words[1].strip()))
            cur = 'load'
        elif words[0] == 'clear':
            sections.append(Section())
            cur = None
        elif words[0] in ('eval', 'eval_ordered', 'eval_fail'):
            m = re.match(r'instant\s+at\s+(\S+)\s+(.*)$', words[1])
            if m:
                e = Eval(i, 'instant', words[0] == 'eval_ordered', words[0] == 'eval_fail',
                         m.group(2), parse_duration(m.group(1)), 0, 0)
            else:
                m = re.match(r'range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$', words[1])
                if not m:
                    raise ValueError('%s:%d: bad eval line' % (path, i))
                e = Eval(i, 'range', False, words[0] == 'eval_fail', m.group(4),
                         parse_duration(m.group(1)), parse_duration(m.group(2)),
                         parse_duration(m.group(3)))
                if re.search(r'\b(start|end)\s*\(\s*\)', e.query):
                    e.unchecked = 'range query using start()/end()'
            e.section = sections[-1]
            evals.append(e)
            cur = e
        else:
            raise ValueError('%s:%d: unknown command %r' % (path, i, words[0]))
    for e in evals:
        if len(e.section.intervals) > 1:
            e.unchecked = 'section loads with different intervals'
    return sections, evals


def yaml_quote(s):
    return "'" + s.replace("'", "''") + "'"


def go_quote(s):
    out = '"'
    for ch in s:
        if ch == '"':
            out += '\\"'
        elif ch == '\\':
            out += '\\\\'
        elif ch == '\n':
            out += '\\n'
        elif ch == '\t':
            out += '\\t'
        else:
            out += ch
    return out + '"'


SAMPLE_RE = re.compile(r'(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\}) (\S+?)(?:,\s*|$)')


def run_section(sec, cases):
    """cases: list of (eval, time). Returns {(id(eval), time): result}, where
    a result is ('ok', {labels: value}) or ('err', message)."""
    interval = min(sec.intervals) if sec.intervals else 60000
    last = max([sec.last_time] + [t for _, t in cases]) + 10 * 60000
    y = ['rule_files: []', 'evaluation_interval: 1m', 'tests:',
         '  - interval: %s' % format_duration(interval), '    input_series:']
    for series, values in sec.series:
        y.append('      - series: %s' % yaml_quote(series))
        y.append('        values: %s' % yaml_quote(values))
    if not sec.series:
        y[-1] = '    input_series: []'
    y.append('    promql_expr_test:')
    for e, t in cases:
        y.append('      - expr: %s' % yaml_quote(e.query))
        y.append('        eval_time: %s' % format_duration(t))
        y.append('        exp_samples: []')
    # Loads every sample before any case runs.
    y += ['      - expr: vector(0)', '        eval_time: %s' % format_duration(last),
          '        exp_samples: []']
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        f.write('\n'.join(y) + '\n')
        name = f.name
    try:
        p = subprocess.run([PROMTOOL, 'test', 'rules', name], capture_output=True, text=True)
    finally:
        os.unlink(name)
    out = p.stdout + p.stderr
    if 'FAILED' not in out and p.returncode != 0:
        raise RuntimeError('promtool failed:\n' + out)
    # Split into failure records.
    records = []
    for line in out.split('\n'):
        m = re.match(r'    expr: (".*"), time: (\S+?),(?: err: (.*))?$', line)
        if m:
            records.append([m.group(1), m.group(2), m.group(3), []])
        elif records:
            records[-1][3].append(line)
    if not records and p.returncode != 0:
        raise RuntimeError('cannot read promtool output:\n' + out)
    results = {}
    ri = 0
    for e, t in cases:
        key = (id(e), t)
        if ri < len(records) and records[ri][0] == go_quote(e.query) and records[ri][1] == format_duration(t):
            expr, _, err, rest = records[ri]
            ri += 1
            if err is not None:
                results[key] = ('err', '\n'.join([err] + [r for r in rest if r.strip() and 'FAILED' not in r]).strip())
                continue
            got_text = ''
            for r in rest:
                if r.strip().startswith('got:'):
                    got_text = r.strip()[4:].strip()
            samples = {}
            if got_text != 'nil':
                for m in SAMPLE_RE.finditer(got_text):
                    labels, _ = parse_metric(m.group(1))
                    samples[labels] = parse_number(m.group(2))
            results[key] = ('ok', samples)
        else:
            results[key] = ('ok', {})
    if ri < len(records) - 1:  # the last record is the loader case
        raise RuntimeError('unmatched promtool output from %r' % records[ri][0])
    return results


def diff_results(want, got):
    lines = []
    for labels, v in want.items():
        if labels not in got:
            lines.append('missing    %s %s' % (fmt_labels(labels), fmt_value(v)))
        elif not close(v, got[labels]):
            lines.append('wrong      %s: file %s, prometheus %s' % (fmt_labels(labels), fmt_value(v), fmt_value(got[labels])))
    for labels, v in got.items():
        if labels not in want:
            lines.append('unexpected %s %s' % (fmt_labels(labels), fmt_value(v)))
    return lines


def is_scalar_query(q):
    """A guess at whether q is scalar-typed (promtool prints a scalar and a
    vector with one label-less sample alike): only literals, operators,
    scalar(...), time() and pi()."""
    while True:
        m = re.search(r'\bscalar\s*\(', q)
        if not m:
            break
        depth, i = 1, m.end()
        while i < len(q) and depth:
            depth += {'(': 1, ')': -1}.get(q[i], 0)
            i += 1
        q = q[:m.start()] + ' 1 ' + q[i:]
    q = re.sub(r'"(?:[^"\\]|\\.)*"', ' ', q)
    q = re.sub(r'\b0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?', ' ', q)
    words = set(re.findall(r'[a-zA-Z_][a-zA-Z0-9_:]*', q))
    return words <= {'time', 'pi', 'bool', 'Inf', 'NaN', 'inf', 'nan'}


def render(e, actual):
    """Expectation lines for eval e from {time: samples}."""
    times = e.times()
    if e.kind == 'instant':
        samples = actual[times[0]]
        if list(samples.keys()) == [frozenset()] and is_scalar_query(e.query):
            return [fmt_value(samples[frozenset()])]
        return ['%s %s' % (fmt_labels(l), fmt_value(v)) for l, v in sorted(samples.items(), key=lambda kv: sorted(kv[0]))]
    all_labels = set()
    for t in times:
        all_labels |= set(actual[t].keys())
    out = []
    for l in sorted(all_labels, key=sorted):
        vals = [actual[t].get(l) for t in times]
        out.append('%s %s' % (fmt_labels(l), ' '.join('_' if v is None else fmt_value(v) for v in vals)))
    return out


def check_file(path, rewrite=False, verbose=False):
    sections, evals = parse_script(path)
    agree = disagree = unchecked = 0
    problems, rewrites = [], {}
    for sec in sections:
        evs = [e for e in evals if e.section is sec and not e.unchecked]
        cases = [(e, t) for e in evs for t in e.times()]
        if not cases:
            continue
        results = run_section(sec, cases)
        for e in evs:
            msgs = []
            if e.fail:
                r = results[(id(e), e.start)]
                if r[0] != 'err':
                    msgs.append('expected an error, Prometheus returned %s' %
                                (' '.join('%s %s' % (fmt_labels(l), fmt_value(v)) for l, v in r[1].items()) or 'an empty result'))
                elif e.fail_message is not None and r[1] != e.fail_message:
                    msgs.append('error message: file %r, prometheus %r' % (e.fail_message, r[1]))
                elif e.fail_regexp is not None and not re.search(e.fail_regexp, r[1]):
                    msgs.append('error %r does not match /%s/' % (r[1], e.fail_regexp))
            else:
                want = e.expected()
                actual = {}
                for t in e.times():
                    r = results[(id(e), t)]
                    if r[0] == 'err':
                        msgs.append('at %s Prometheus fails: %s' % (format_duration(t), r[1]))
                        continue
                    actual[t] = r[1]
                    d = diff_results(want[t], r[1])
                    if d:
                        msgs += ['at %s: %s' % (format_duration(t), x) for x in d] if e.kind == 'range' else d
                if verbose:
                    print('%s:%d: %s -> %s' % (path, e.line, e.query, actual))
                if msgs and len(actual) == len(e.times()):
                    rewrites[e.line] = (e, render(e, actual))
            if msgs:
                disagree += 1
                problems.append('%s:%d: %s\n    %s' % (os.path.basename(path), e.line, e.query, '\n    '.join(msgs)))
            else:
                agree += 1
    unchecked_list = [e for e in evals if e.unchecked]
    unchecked = len(unchecked_list)
    for e in unchecked_list:
        problems.append('%s:%d: UNCHECKED (%s): %s' % (os.path.basename(path), e.line, e.unchecked, e.query))
    ordered = sum(1 for e in evals if e.ordered)
    if rewrite and rewrites:
        with open(path) as f:
            lines = f.read().split('\n')
        out, i = [], 0
        while i < len(lines):
            out.append(lines[i])
            i += 1
            if i in rewrites:  # i is the 1-based number of the line just copied
                new = rewrites[i][1]
                while i < len(lines) and lines[i].strip() and lines[i][0] in ' \t' \
                        and not lines[i].strip().startswith(('#', 'expected_fail')):
                    i += 1
                out += ['  ' + x for x in new]
        with open(path, 'w') as f:
            f.write('\n'.join(out))
    return agree, disagree, unchecked, ordered, problems


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('-')]
    rewrite = '--rewrite' in sys.argv
    verbose = '-v' in sys.argv
    if not args:
        here = os.path.dirname(os.path.abspath(__file__))
        args = sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith('.test'))
    total = [0, 0, 0, 0]
    for path in args:
        a, d, u, o, problems = check_file(path, rewrite, verbose)
        for p in problems:
            print(p)
        print('%s: %d agree, %d disagree, %d unchecked (%d eval_ordered: order not checked by promtool)'
              % (os.path.basename(path), a, d, u, o))
        for i, x in enumerate((a, d, u, o)):
            total[i] += x
    print('TOTAL: %d agree, %d disagree, %d unchecked' % tuple(total[:3]))
    sys.exit(1 if total[1] else 0)


if __name__ == '__main__':
    main()
