#!/bin/bash
# Builds the PromQL parser fuzzer with clang's libFuzzer, ASan and UBSan.
#   tests/fuzz/build.sh [output-dir]        (default: /tmp/pharos-fuzz)
# Run it as tests/fuzz/README.md shows. Needs clang++ and libFuzzer's
# runtime (Debian: libclang-rt-14-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/pharos-fuzz}
mkdir -p "$out/obj"
flags="-std=c++20 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -I$root"
srcs="promql/function_table.cc promql/ast/aggregate_expr.cc promql/ast/at_modifier.cc
  promql/ast/binary_expr.cc promql/ast/call.cc promql/ast/matrix_selector.cc promql/ast/node.cc
  promql/ast/number_literal.cc promql/ast/operators.cc promql/ast/paren_expr.cc
  promql/ast/string_literal.cc promql/ast/subquery_expr.cc promql/ast/unary_expr.cc
  promql/ast/vector_selector.cc promql/duration.cc promql/lexer.cc promql/parser.cc
  promql/parser_checks.cc promql/parser_selectors.cc promql/string_escape.cc promql/unicode_print.cc
  tsdb/matcher.cc tsdb/status.cc"
objs=""
for s in $srcs; do
  o="$out/obj/$(echo "$s" | tr / _).o"
  objs="$objs $o"
  echo "$root/$s $o"
done | xargs -P2 -n2 sh -c "clang++ $flags -c \"\$0\" -o \"\$1\""
for s in $srcs; do objs="$objs $out/obj/$(echo "$s" | tr / _).o"; done
clang++ $flags -fsanitize=fuzzer "$root/tests/fuzz/promql_parser_fuzz.cc" $objs -lre2 \
  -o "$out/promql_parser_fuzz"
echo "built $out/promql_parser_fuzz"
