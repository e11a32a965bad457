#!/bin/bash
# Scrape benchmark: Prometheus 2.42 and Pharos, one after the other, each
# scraping the shared harness' targetgen with the same config.
#   tests/bench/scrape_side_by_side.sh TARGETS SERIES INTERVAL_S WARMUP_S WINDOW_S [OUT_DIR]
# Run from the repository root with build/pharos built. Writes OUT_DIR/{prom242,pharos}.json
# and prints the harness' table for each. Ports: 19090 Prometheus, 19091 targetgen,
# 19095 Pharos, all on 127.0.0.1.
set -euo pipefail
TARGETS=${1:?targets}; SERIES=${2:?series per target}; INTERVAL=${3:?interval seconds}
WARMUP=${4:?warm-up seconds}; WINDOW=${5:?window seconds}; OUT=${6:-/tmp/pharos-scrape-bench}
B=${BENCH_DIR:-../shared/bench}
REPO=$(pwd)
mkdir -p "$OUT"
[ -x "$B/targetgen" ] || cc -O2 -Wall -o "$B/targetgen" "$B/targetgen.c" -lm

"$B/targetgen" --port 19091 --targets "$TARGETS" --series "$SERIES" >"$OUT/targetgen.log" 2>&1 &
GEN=$!
trap 'kill $GEN 2>/dev/null || true' EXIT
sleep 1

vmrss_bytes() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }

measure() {  # NAME PID DATADIR BASELINE_RSS PORT
  sleep "$WARMUP"
  "$B/run.sh" --server "$1,http://127.0.0.1:$5,$2,$3" --phases scrape,resources \
    --scrape-seconds "$WINDOW" --scrape-interval "$INTERVAL" --baseline-rss "$4" \
    --json "$OUT/$1.json"
}

# Prometheus 2.42, started before targetgen is scraped so its idle RSS is the baseline.
rm -rf "$OUT/prom-data" "$OUT/prom-data.yml"
"$B/prom/start_prometheus.sh" "$OUT/prom-data" "$TARGETS" "${INTERVAL}s" 19090 19091
PROM=$(cat "$OUT/prom-data.pid")
measure prom242 "$PROM" "$OUT/prom-data" "$(vmrss_bytes "$PROM")" 19090
kill "$PROM"; while kill -0 "$PROM" 2>/dev/null; do sleep 0.2; done

# Pharos with the config Prometheus got (start_prometheus.sh wrote it next to its data).
rm -rf "$OUT/pharos-data"
"$REPO/build/pharos" --config.file="$OUT/prom-data.yml" --storage.tsdb.path="$OUT/pharos-data" \
  --web.listen-address=127.0.0.1:19095 >"$OUT/pharos.log" 2>&1 &
PH=$!
for _ in $(seq 1 600); do
  curl -sf -o /dev/null http://127.0.0.1:19095/-/ready && break
  sleep 0.05
done
measure pharos "$PH" "$OUT/pharos-data" "$(vmrss_bytes "$PH")" 19095
# The clean shutdown persists the whole head: time it.
T0=$(date +%s.%N)
kill "$PH"; while kill -0 "$PH" 2>/dev/null; do sleep 0.2; done
awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "pharos clean shutdown: %.1f s\n", b - a }' |
  tee "$OUT/pharos-shutdown.txt"
"$B/run.sh" compare "$OUT/prom242.json" "$OUT/pharos.json"
