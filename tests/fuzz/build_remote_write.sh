#!/bin/bash
# Builds the remote-write decoder fuzzer with clang's libFuzzer, ASan and
# UBSan, protobuf's generated parser as the reference.
#   tests/fuzz/build_remote_write.sh [output-dir]   (default: /tmp/pharos-fuzz-rw)
# Needs clang++, libFuzzer's runtime (libclang-rt-14-dev), protoc and
# libprotobuf-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/pharos-fuzz-rw}
mkdir -p "$out/gen"
protoc --cpp_out="$out/gen" -I"$root" "$root/server/remote/remote.proto"
flags="-std=c++20 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -I$root -I$out/gen"
clang++ $flags -fsanitize=fuzzer "$root/tests/fuzz/remote_write_fuzz.cc" \
  "$root/server/remote/write_request.cc" "$root/tsdb/status.cc" \
  "$out/gen/server/remote/remote.pb.cc" -lprotobuf -o "$out/remote_write_fuzz"
echo "built $out/remote_write_fuzz"
