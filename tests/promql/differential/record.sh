#!/usr/bin/env bash
# Records the differential test's goldens from real Prometheus.
#
#   tests/promql/differential/record.sh [port]     (default port 19091)
#
# 1. generate.py writes the dataset (OpenMetrics) and data.om.gz beside this
#    script (what differential_test.cc loads);
# 2. promtool tsdb create-blocks-from openmetrics turns it into a TSDB;
# 3. Prometheus serves that TSDB on 127.0.0.1:<port> (no scraping, retention
#    long enough to keep the 2023 blocks);
# 4. record.py asks it every query of queries.txt (instants and a range) and
#    writes goldens.json.gz beside this script.
# Needs /usr/bin/prometheus, /usr/bin/promtool and /usr/bin/python3 (2.42).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-19091}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

/usr/bin/python3 "$here/generate.py" > "$work/data.om"
gzip -9 -n -c "$work/data.om" > "$here/data.om.gz"
promtool tsdb create-blocks-from openmetrics "$work/data.om" "$work/tsdb" > /dev/null

printf 'global:\n  scrape_interval: 1m\n' > "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
  > "$work/prometheus.log" 2>&1 &
pid=$!

for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/-/ready" > /dev/null; then break; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/-/ready" > /dev/null || { cat "$work/prometheus.log"; exit 1; }

/usr/bin/python3 "$here/record.py" "http://127.0.0.1:$port" "$here/queries.txt" "$here/goldens.json.gz"
