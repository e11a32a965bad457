#!/usr/bin/python3
"""Writes the differential test's dataset as OpenMetrics text.

Three hours at 15 s resolution starting at START (deterministic: fixed seed,
no clock): counters with resets (a restart of one instance), gauges with
decimals, classic histograms (_bucket/_sum/_count), a series with a gap and
series that end early. Usage:

  /usr/bin/python3 generate.py > data.om
"""

import math
import random
import sys

START = 1700000000          # seconds; 2023-11-14T22:13:20Z
STEP = 15                   # seconds
POINTS = 3 * 3600 // STEP + 1
RNG = random.Random(20231114)

INSTANCES = ['host-1:9090', 'host-2:9090', 'host-3:9090']
RESTART = {'host-2:9090': 370}           # point index where the process restarts
ENDS = {'host-3:9090': None}             # placeholder; host-4 ends early below
out = []


def fmt(v):
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(round(v, 6))


def labels(d):
    return '{' + ','.join('%s="%s"' % (k, d[k]) for k in sorted(d)) + '}'


def emit(name, lab, values):
    """values: list of (point index, value)."""
    for i, v in values:
        out.append('%s%s %s %d' % (name, labels(lab), fmt(v), START + i * STEP))


def counter_values(rate_per_s, restart=None, end=None, noise=0.3):
    v, vals = 0.0, []
    for i in range(POINTS if end is None else end):
        if restart is not None and i == restart:
            v = 0.0
        inc = rate_per_s * STEP * (1 + noise * (RNG.random() * 2 - 1))
        v += max(0.0, round(inc))
        vals.append((i, v))
    return vals


# --- http_requests_total: counters by instance, method, code, handler.
out.append('# TYPE http_requests counter')
out.append('# HELP http_requests Requests served.')
for inst in INSTANCES + ['host-4:9090']:
    for handler in ['/api/v1/query', '/api/v1/series']:
        for method in ['GET', 'POST']:
            for code, base in [('200', 5.0), ('404', 0.4), ('500', 0.05)]:
                if inst == 'host-4:9090' and (method == 'POST' or code == '404'):
                    continue
                rate = base * (1.5 if handler == '/api/v1/query' else 0.5) * (0.3 if method == 'POST' else 1)
                end = 480 if inst == 'host-4:9090' else None   # stops after 2 h
                emit('http_requests_total', {'job': 'api', 'instance': inst, 'handler': handler,
                                             'method': method, 'code': code},
                     counter_values(rate, RESTART.get(inst), end))

# --- cpu seconds: counters with decimals.
out.append('# TYPE node_cpu_seconds counter')
for inst in INSTANCES:
    for mode, share in [('user', 0.35), ('system', 0.12), ('idle', 1.5)]:
        v, vals = RNG.random() * 1000, []
        for i in range(POINTS):
            v += share * STEP * (0.8 + 0.4 * RNG.random())
            vals.append((i, round(v, 2)))
        emit('node_cpu_seconds_total', {'job': 'node', 'instance': inst, 'mode': mode}, vals)

# --- gauges.
out.append('# TYPE process_resident_memory_bytes gauge')
for k, inst in enumerate(INSTANCES):
    base = (200 + 50 * k) * 1024 * 1024
    vals = []
    for i in range(POINTS):
        if inst in RESTART and i >= RESTART[inst]:
            growth = (i - RESTART[inst]) * 20000
        else:
            growth = i * 20000
        vals.append((i, float(base + growth + RNG.randrange(0, 4096) * 1024)))
    emit('process_resident_memory_bytes', {'job': 'api', 'instance': inst}, vals)

out.append('# TYPE node_temperature_celsius gauge')
for inst in INSTANCES[:2]:
    for sensor in ['cpu', 'board']:
        base = 55 if sensor == 'cpu' else 38
        emit('node_temperature_celsius', {'job': 'node', 'instance': inst, 'sensor': sensor},
             [(i, round(base + 6 * math.sin(i / 60.0) + RNG.gauss(0, 0.8), 2)) for i in range(POINTS)])

out.append('# TYPE queue_depth gauge')
for q, scale in [('ingest', 40), ('email', 3), ('reports', 0)]:
    vals = []
    d = 0
    for i in range(POINTS):
        d = max(0, d + RNG.randint(-3, 3) + (scale // 20 if i % 40 < 20 else -(scale // 20)))
        vals.append((i, float(d if scale else 0)))
    emit('queue_depth', {'job': 'worker', 'queue': q}, vals)

out.append('# TYPE up gauge')
for inst in INSTANCES:
    emit('up', {'job': 'api', 'instance': inst},
         [(i, 0.0 if inst == 'host-3:9090' and 300 <= i < 340 else 1.0) for i in range(POINTS)])
emit('up', {'job': 'node', 'instance': 'host-1:9100'}, [(i, 1.0) for i in range(POINTS)])

# A gauge with a 20-minute gap, and one that ends after 1 h.
out.append('# TYPE scrape_gap_metric gauge')
emit('scrape_gap_metric', {'job': 'flaky', 'instance': 'host-5:9090'},
     [(i, round(10 + RNG.random() * 5, 3)) for i in range(POINTS) if not 400 <= i < 480])
out.append('# TYPE batch_last_success_timestamp_seconds gauge')
emit('batch_last_success_timestamp_seconds', {'job': 'batch'},
     [(i, float(START + (i // 120) * 120 * STEP)) for i in range(0, 241)])

# --- classic histograms: request durations.
BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
out.append('# TYPE http_request_duration_seconds histogram')
for inst in INSTANCES:
    for handler, mu in [('/api/v1/query', -1.6), ('/api/v1/series', -2.6)]:
        counts = [0] * (len(BOUNDS) + 1)
        total = 0.0
        series = {b: [] for b in range(len(BOUNDS) + 1)}
        sums, cnts = [], []
        for i in range(POINTS):
            if inst in RESTART and i == RESTART[inst]:
                counts = [0] * (len(BOUNDS) + 1)
                total = 0.0
            for _ in range(RNG.randint(2, 12)):
                d = RNG.lognormvariate(mu, 0.9)
                total += d
                for b, bound in enumerate(BOUNDS):
                    if d <= bound:
                        counts[b] += 1
                counts[-1] += 1
            for b in range(len(BOUNDS) + 1):
                series[b].append((i, float(counts[b])))
            sums.append((i, round(total, 4)))
            cnts.append((i, float(counts[-1])))
        lab = {'job': 'api', 'instance': inst, 'handler': handler}
        for b in range(len(BOUNDS) + 1):
            le = '+Inf' if b == len(BOUNDS) else repr(float(BOUNDS[b]))
            emit('http_request_duration_seconds_bucket', dict(lab, le=le), series[b])
        emit('http_request_duration_seconds_sum', lab, sums)
        emit('http_request_duration_seconds_count', lab, cnts)

out.append('# EOF')
sys.stdout.write('\n'.join(out) + '\n')
