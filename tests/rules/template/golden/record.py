#!/usr/bin/env python3
"""Records alert template expansions and parse errors from promtool 2.42 and
writes them to ../golden_cases.cc.

    tests/rules/template/golden/record.py   # needs promtool on PATH

Expansions come from `promtool test rules` with alert rules whose
annotations are the templates of cases.py (exp_alerts left empty, so promtool
prints what it got); parse errors from `promtool check rules`.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cases import VALUES, TEMPLATES, CONST_TEMPLATES, PARSE_CASES  # noqa: E402

# promtool runs templates without an external URL; Pharos has one.
OVERRIDE = {'{{ externalURL }}|{{ pathPrefix }}': 'http://prom.example.com:9090/prom|/prom'}
# The order of a query result is Prometheus' map order there.
SKIP = {'{{ range query "m" }}{{ .Labels.i }}:{{ .Value }} {{ end }}'}


def unquote(s, i):
    i += 1
    out = bytearray()
    esc = {'n': b'\n', 't': b'\t', '"': b'"', '\\': b'\\', 'r': b'\r', 'a': b'\a', 'b': b'\b', 'f': b'\f', 'v': b'\v'}
    while s[i] != '"':
        if s[i] == '\\':
            e = s[i + 1]
            i += 2
            if e in esc:
                out += esc[e]
            elif e == 'x':
                out.append(int(s[i:i + 2], 16)); i += 2
            elif e == 'u':
                out += chr(int(s[i:i + 4], 16)).encode(); i += 4
            else:
                out += chr(int(s[i:i + 8], 16)).encode(); i += 8
        else:
            out += s[i].encode()
            i += 1
    return out.decode('utf-8', 'replace'), i + 1


def parse_map(s):
    i, d = 1, {}
    while s[i] != '}':
        m = re.match(r'\s*([A-Za-z_0-9]+)=', s[i:])
        i += m.end()
        v, i = unquote(s, i)
        d[m.group(1)] = v
        if s[i] == ',':
            i += 1
        while s[i] == ' ':
            i += 1
    return d


def expansions(tmp):
    rules = ["groups:", "- name: g", "  rules:", "  - alert: T1", '    expr: m{kind="v"}', "    annotations:"]
    rules += [f"      a{i:03d}: {json.dumps(t)}" for i, t in enumerate(TEMPLATES)]
    rules += ["  - alert: T2", '    expr: m{i="a"}', "    annotations:"]
    rules += [f"      a{i:03d}: {json.dumps(t)}" for i, t in enumerate(CONST_TEMPLATES)]
    open(os.path.join(tmp, "rules.yml"), "w").write("\n".join(rules) + "\n")
    test = ["rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:", "- interval: 1m",
            "  external_labels: {cluster: c1}", "  external_url: http://prom.example.com:9090/prom",
            "  input_series:", "  - series: 'm{i=\"a\", instance=\"web-1.example.com:9090\", job=\"api\"}'",
            "    values: '1234.5'"]
    for i, v in enumerate(VALUES):
        test += [f"  - series: 'm{{i=\"v{i:02d}\", kind=\"v\"}}'", f"    values: '{v}'"]
    test += ["  alert_rule_test:"]
    for a in ("T1", "T2"):
        test += ["  - eval_time: 0m", f"    alertname: {a}", "    exp_alerts: []"]
    open(os.path.join(tmp, "test.yml"), "w").write("\n".join(test) + "\n")
    out = subprocess.run(["promtool", "test", "rules", "test.yml"], capture_output=True, text=True, cwd=tmp)
    res, cur, labels = {}, None, None
    for line in (out.stdout + out.stderr).split("\n"):
        line = line.strip()
        if line.startswith("alertname:"):
            cur = line.split(",")[0].split(": ")[1]
        if line.startswith("Labels:"):
            labels = parse_map(line[len("Labels:"):])
        if line.startswith("Annotations:"):
            res.setdefault(cur, []).append({"labels": labels, "annotations": parse_map(line[len("Annotations:"):])})
    return res


def parse_errors(tmp):
    res = {}
    for c in PARSE_CASES:
        rules = "groups:\n- name: g\n  rules:\n  - alert: T\n    expr: up\n    annotations:\n      a: " + json.dumps(c) + "\n"
        open(os.path.join(tmp, "bad.yml"), "w").write(rules)
        out = subprocess.run(["promtool", "check", "rules", "bad.yml"], capture_output=True, text=True, cwd=tmp)
        res[c] = ""
        for line in (out.stdout + out.stderr).split("\n"):
            if 'annotation "a": ' in line:
                res[c] = line.split('annotation "a": ', 1)[1]
    return res


def raw(s):
    assert ')pharos"' not in s
    return 'R"pharos(' + s + ')pharos"'


def main():
    with tempfile.TemporaryDirectory() as tmp:
        r = expansions(tmp)
        perr = parse_errors(tmp)
    out = ['// Expansions recorded from promtool 2.42 (`promtool test rules` with alert',
           '// rules whose annotations are these templates); regenerate with',
           '// golden/record.py rather than edit.',
           '#include "tests/rules/template/golden_cases.h"\n', 'namespace pharos::rules {\n',
           'const std::vector<GoldenValueCase>& GoldenValueCases() {',
           '  static const std::vector<GoldenValueCase> cases = {']
    by_i = {a['labels']['i']: a['annotations'] for a in r['T1']}
    for vi, v in enumerate(VALUES):
        ann = by_i['v%02d' % vi]
        for ti, t in enumerate(TEMPLATES):
            out.append(f'      {{{raw(v)}, {raw(t)}, {raw(ann["a%03d" % ti])}}},')
    out += ['  };\n  return cases;\n}\n', 'const std::vector<GoldenConstCase>& GoldenConstCases() {',
            '  static const std::vector<GoldenConstCase> cases = {']
    ann = r['T2'][0]['annotations']
    for ti, t in enumerate(CONST_TEMPLATES):
        if t not in SKIP:
            out.append(f'      {{{raw(t)}, {raw(OVERRIDE.get(t, ann["a%03d" % ti]))}}},')
    out += ['  };\n  return cases;\n}\n', 'const std::vector<GoldenConstCase>& GoldenParseCases() {',
            '  static const std::vector<GoldenConstCase> cases = {']
    for k, v in perr.items():
        out.append(f'      {{{raw(k)}, {raw(v)}}},')
    out += ['  };', '  return cases;', '}', '', '}  // namespace pharos::rules']
    open(os.path.join(HERE, '..', 'golden_cases.cc'), 'w').write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
