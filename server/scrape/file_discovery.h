// FileDiscovery: one file_sd_configs entry — target groups read from JSON
// or YAML files matched by globs, as Prometheus 2.42's file SD.
//
//   [ { "targets": ["10.0.0.1:9100", "10.0.0.2:9100"], "labels": {"env": "prod"} } ]
//
// Each group gets __meta_filepath (the file) and the source "<path>:<i>".
// Refresh() re-reads files whose modification time or size changed, files
// that appeared or vanished, and everything once refresh_interval has
// passed. A file that fails to read or parse keeps its last good groups; the
// failure is counted and returned for logging.
//
// Thread-safety: not thread-safe; the ScrapeManager serializes calls.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"
#include "server/scrape/target_labels.h"
#include "tsdb/status.h"

namespace pharos::server::scrape {

// Parses one file's text; `path` decides the syntax (.json, else YAML) and
// is the __meta_filepath. Errors (kInvalidArgument) name the problem.
Result<std::vector<TargetGroup>> ParseTargetFile(std::string_view text, const std::string& path);

class FileDiscovery {
 public:
  explicit FileDiscovery(FileSdConfig config) : config_(std::move(config)) {}

  // Re-reads what changed (everything when `force` or refresh_interval
  // passed since the last full read). Returns true when the groups may have
  // changed. Read errors are appended to `errors` ("<path>: <message>").
  bool Refresh(int64_t now_ms, bool force, std::vector<std::string>* errors);

  // Every file's groups, in file name order.
  std::vector<TargetGroup> Groups() const;
  uint64_t read_errors() const { return read_errors_; }
  const FileSdConfig& config() const { return config_; }

 private:
  struct FileState {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    std::vector<TargetGroup> groups;
  };

  FileSdConfig config_;
  std::map<std::string, FileState> files_;
  int64_t last_full_ms_ = 0;
  uint64_t read_errors_ = 0;
};

}  // namespace pharos::server::scrape
