// Exposes the remote-write receiver's counters (server/remote/
// write_handler.h) on /metrics:
//
//   pharos_remote_write_requests_total
//   pharos_remote_write_samples_total           (samples stored)
//   pharos_remote_write_rejected_requests_total (answered 4xx or 5xx)
//
//   registry.AddCollector(RemoteWriteCollector(remote_write_stats));
//
// REQUIRES: `stats` outlives the registry's last Gather().
#pragma once

#include "server/metrics/registry.h"
#include "server/remote/write_handler.h"

namespace pharos::server::metrics {

Registry::Collector RemoteWriteCollector(const RemoteWriteStats& stats);

}  // namespace pharos::server::metrics
