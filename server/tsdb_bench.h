// The `pharos tsdb bench` tool verb, in the manner of `promtool tsdb bench`.
#pragma once

#include <string>
#include <vector>

namespace pharos::server {

// Runs the `pharos tsdb bench --series N --scrapes M --out DIR` workload:
// writes N series for M scrapes into a fresh database under DIR through the
// storage append interface, then reports ingestion rate, bytes on disk per
// sample, memory per series and query latency on stdout.
//
// `args` are the words after `pharos tsdb bench`. Returns the process exit
// code: 0 on success, 1 when the workload fails, 2 for bad arguments.
int RunTsdbBench(const std::vector<std::string>& args);

}  // namespace pharos::server
