#!/usr/bin/env bash
# Runs `promtool check config` and `pharos check config` on every .yml here
# and prints the files whose output differs (Pharos adds " (line L, column C)"
# to validation errors; that suffix is ignored).
#   tests/server/testdata/config/compare_promtool.sh path/to/pharos
set -u
pharos="${1:?usage: $0 path/to/pharos}"
cd "$(dirname "$0")" || exit 2
status=0
for f in *.yml; do
  want=$(promtool check config "$f" 2>&1; echo "exit $?")
  got=$("$pharos" check config "$f" 2>&1 | sed -E 's/ \(line [0-9]+, column [0-9]+\)$//'; echo "exit ${PIPESTATUS[0]}")
  if [[ "$want" != "$got" ]]; then
    printf '=== %s\n--- promtool\n%s\n--- pharos\n%s\n' "$f" "$want" "$got"
    status=1
  fi
done
exit $status
