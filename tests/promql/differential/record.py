#!/usr/bin/python3
"""Records Prometheus' answers to every query of queries.txt (see record.sh).

  record.py URL queries.txt goldens.json.gz

For each query: instant queries at INSTANT_TIMES and one range query over
RANGE; each answer is stored as the API's data ({resultType, result}) or
its error ({errorType, error}).
"""

import gzip
import json
import sys
import urllib.parse
import urllib.request

INSTANT_TIMES = [1700010800, 1700007200, 1700005833.5]
RANGE = {'start': 1700007200, 'end': 1700010800, 'step': 60}


def call(url, path, params):
    data = urllib.parse.urlencode(params).encode()
    try:
        with urllib.request.urlopen(url + path, data=data, timeout=60) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    if body['status'] == 'success':
        return {'resultType': body['data']['resultType'], 'result': body['data']['result']}
    return {'errorType': body['errorType'], 'error': body['error']}


def main():
    url, queries_path, out_path = sys.argv[1:4]
    queries = [l.rstrip('\n') for l in open(queries_path)
               if l.strip() and not l.startswith('#')]
    out = {'instant_times': INSTANT_TIMES, 'range': RANGE, 'queries': []}
    for q in queries:
        entry = {'query': q, 'instant': [], 'range': None}
        for t in INSTANT_TIMES:
            entry['instant'].append(call(url, '/api/v1/query', {'query': q, 'time': t}))
        entry['range'] = call(url, '/api/v1/query_range', dict(RANGE, query=q))
        out['queries'].append(entry)
    with gzip.open(out_path, 'wt', compresslevel=9) as f:
        json.dump(out, f, separators=(',', ':'))
    errors = sum(1 for e in out['queries'] for r in e['instant'] + [e['range']] if 'errorType' in r)
    print('%d queries recorded (%d error answers) to %s' % (len(queries), errors, out_path))


if __name__ == '__main__':
    main()
