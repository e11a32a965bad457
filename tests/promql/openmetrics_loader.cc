#include "tests/promql/openmetrics_loader.h"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <string_view>

#include "promql/series_notation.h"

namespace pharos::promql {

Result<std::string> ReadMaybeGzipped(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files too
  if (f == nullptr) return NotFoundError("cannot open " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) return IOError("cannot read " + path);
  return out;
}

Result<size_t> LoadOpenMetrics(const std::string& path, MemoryStorage& storage) {
  ASSIGN_OR_RETURN(std::string text, ReadMaybeGzipped(path));
  size_t samples = 0;
  size_t lineno = 0;
  std::string_view rest = text;
  // Consecutive lines of one series share their label set; parse it once.
  std::string last_series;
  tsdb::Labels last_labels;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++lineno;
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](std::string_view what) {
      return InvalidArgumentError(path + ":" + std::to_string(lineno) + ": " + std::string(what));
    };
    const size_t ts_sep = line.rfind(' ');
    if (ts_sep == std::string_view::npos) return bad("expected `series value timestamp`");
    const size_t v_sep = line.rfind(' ', ts_sep - 1);
    if (v_sep == std::string_view::npos || v_sep == 0) return bad("expected `series value timestamp`");
    const std::string_view series = line.substr(0, v_sep);
    if (series != last_series) {
      auto labels = ParseSeriesLabels(series);
      if (!labels.ok()) return bad(labels.status().message());
      last_series = std::string(series);
      last_labels = std::move(*labels);
    }
    const std::string value(line.substr(v_sep + 1, ts_sep - v_sep - 1));
    const std::string ts(line.substr(ts_sep + 1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end != value.c_str() + value.size()) return bad("bad value");
    const double t = std::strtod(ts.c_str(), &end);
    if (end != ts.c_str() + ts.size()) return bad("bad timestamp");
    storage.Add(last_labels, std::llround(t * 1000), v);
    ++samples;
  }
  return samples;
}

}  // namespace pharos::promql
