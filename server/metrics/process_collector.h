// The process_* metrics every Prometheus client exposes, read from /proc at
// scrape time: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_virtual_memory_max_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds.
//
//   registry.AddCollector(ProcessCollector());
//
// Thread-safety: the collector may run on any thread.
#pragma once

#include "server/metrics/registry.h"

namespace pharos::server::metrics {

// Reads /proc/self; on a system without /proc it adds nothing.
Registry::Collector ProcessCollector();

}  // namespace pharos::server::metrics
