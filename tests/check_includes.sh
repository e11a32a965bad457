#!/usr/bin/env bash
# Checks the #include lines of every source file against STYLE.md's "Who may
# include whom" table. Prints each offending line with the rule it breaks and
# exits 1 when there is any.
#
#   tests/check_includes.sh [repo-root]
#
# Rules, by the directory of the including file:
#   tsdb API (tsdb/{labels,matcher,sample,status,storage}.{h,cc})
#       our headers: only tsdb API headers; system headers: only the C++
#       standard library, fmt and RE2
#   tsdb implementation (the rest of tsdb/)
#       never promql/, rules/, server/, nor Boost
#   promql/             never the tsdb implementation, rules/, server/, Asio/Beast
#   rules/              never the tsdb implementation, server/
#   rules/notifier/     also never promql/
#   anything            never server/, except server/ and tests/
#   RocksDB headers     only in the tsdb implementation (and in tests/tsdb/ .cc
#                       files, which may reach under the engine, e.g. to corrupt
#                       a database on purpose); a tsdb/ header that includes
#                       RocksDB may itself be included only by tsdb/ .cc files,
#                       so RocksDB never reaches another module
#   Asio/Beast headers  never in a header outside server/
set -uo pipefail

root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root" || exit 2

api_re='^tsdb/(labels|matcher|sample|status|storage)\.(h|cc)$'
failures=0

fail() {  # file line text reason
  printf '%s:%s: %s\n    -> %s\n' "$1" "$2" "$3" "$4"
  failures=$((failures + 1))
}

is_tsdb_impl() {  # path
  [[ "$1" == tsdb/* && ! "$1" =~ $api_re ]]
}

mapfile -t files < <(find . \( -path ./.git -o -path './build*' -o -path ./third_party \) -prune \
  -o -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' -o -name '*.cpp' \) -print |
  sed 's|^\./||' | sort)

# Headers under tsdb/ that include RocksDB; checked against their includers below.
rocks_headers=()

for file in "${files[@]}"; do
  while IFS= read -r hit; do
    line="${hit%%:*}"
    text="${hit#*:}"
    [[ "$text" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*([\"\<])([^\"\>]+) ]] || continue
    kind="${BASH_REMATCH[1]}"
    inc="${BASH_REMATCH[2]}"

    # RocksDB: only the tsdb implementation.
    if [[ "$inc" == rocksdb/* ]]; then
      if [[ "$file" == tests/tsdb/*.cc ]]; then
        :
      elif ! is_tsdb_impl "$file"; then
        fail "$file" "$line" "$text" "RocksDB headers belong to the tsdb implementation (and its tests) only"
      elif [[ "$file" == *.h || "$file" == *.hpp ]]; then
        rocks_headers+=("$file")
      fi
    fi

    # Asio/Beast: never in a header outside server/.
    if [[ "$inc" == boost/beast* || "$inc" == boost/asio* ]] &&
       [[ "$file" == *.h || "$file" == *.hpp ]] && [[ "$file" != server/* ]]; then
      fail "$file" "$line" "$text" "Asio/Beast headers only in .cc files or server/ headers"
    fi

    # Nobody includes server/ but server/ and tests/.
    if [[ "$kind" == '"' && "$inc" == server/* && "$file" != server/* && "$file" != tests/* ]]; then
      fail "$file" "$line" "$text" "nothing includes server/ except server/ and tests/"
    fi

    if [[ "$file" =~ $api_re ]]; then
      if [[ "$kind" == '"' ]]; then
        if [[ ! "$inc" =~ ^tsdb/(labels|matcher|sample|status|storage)\.h$ ]]; then
          fail "$file" "$line" "$text" "the tsdb API includes only other tsdb API headers"
        fi
      elif [[ ! "$inc" =~ ^[a-z_]+$ && "$inc" != fmt/* && "$inc" != re2/* ]]; then
        fail "$file" "$line" "$text" "the tsdb API uses only the standard library, fmt and RE2"
      fi
    elif [[ "$file" == tsdb/* ]]; then
      if [[ "$kind" == '"' && "$inc" =~ ^(promql|rules|server)/ ]]; then
        fail "$file" "$line" "$text" "the tsdb implementation never includes promql/, rules/ or server/"
      fi
      if [[ "$inc" == boost/* ]]; then
        fail "$file" "$line" "$text" "the tsdb implementation never includes Boost"
      fi
    elif [[ "$file" == promql/* ]]; then
      if [[ "$kind" == '"' ]] && { is_tsdb_impl "$inc" || [[ "$inc" =~ ^(rules|server)/ ]]; }; then
        fail "$file" "$line" "$text" "promql includes only the tsdb API, never the tsdb implementation, rules/ or server/"
      fi
      if [[ "$inc" == boost/beast* || "$inc" == boost/asio* ]]; then
        fail "$file" "$line" "$text" "promql never includes Asio/Beast"
      fi
    elif [[ "$file" == rules/* ]]; then
      if [[ "$kind" == '"' ]] && { is_tsdb_impl "$inc" || [[ "$inc" == server/* ]]; }; then
        fail "$file" "$line" "$text" "rules never includes the tsdb implementation or server/"
      fi
      if [[ "$file" == rules/notifier/* && "$kind" == '"' && "$inc" == promql/* ]]; then
        fail "$file" "$line" "$text" "rules/notifier never includes promql/"
      fi
    fi
  done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include' "$file")
done

# A tsdb/ header carrying RocksDB must stay inside tsdb/ .cc files.
for header in $(printf '%s\n' "${rocks_headers[@]}" | sort -u); do
  for file in "${files[@]}"; do
    while IFS= read -r hit; do
      line="${hit%%:*}"
      text="${hit#*:}"
      if [[ "$file" != tsdb/*.cc ]] || ! is_tsdb_impl "$file"; then
        fail "$file" "$line" "$text" "$header includes RocksDB, so only tsdb/ .cc files may include it"
      fi
    done < <(grep -n -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$header\"" "$file")
  done
done

if ((failures > 0)); then
  echo "check_includes: $failures include(s) break STYLE.md's \"Who may include whom\"" >&2
  exit 1
fi
echo "check_includes: ${#files[@]} files OK"
