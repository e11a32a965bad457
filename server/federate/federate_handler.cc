#include "server/federate/federate_handler.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "promql/parser.h"
#include "server/api/api_params.h"
#include "server/metrics/text_format.h"
#include "tsdb/sample.h"

namespace pharos::server {
namespace {

// The newest non-stale sample of `series` within the querier's range.
bool Latest(const tsdb::Series& series, tsdb::Sample* out) {
  std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
  bool found = false;
  while (it->Next()) {
    *out = it->At();
    found = true;
  }
  return found && it->status().ok() && !tsdb::IsStaleNaN(out->v);
}

}  // namespace

Response HandleFederate(tsdb::Queryable& storage, const FederateOptions& options,
                        const Request& request) {
  FormValues form(request);
  std::vector<std::vector<tsdb::Matcher>> selectors;
  for (const std::string& s : form.All("match[]")) {
    Result<std::vector<tsdb::Matcher>> m = promql::ParseMetricSelector(s);
    if (!m.ok()) return Response::Text(400, m.status().message() + "\n");
    selectors.push_back(std::move(*m));
  }

  const int64_t maxt = options.now_ms ? options.now_ms() : NowMs();
  const int64_t mint = maxt - options.lookback_delta_ms;
  // Series matched by several selectors appear once; the map keeps them in
  // label order.
  std::map<tsdb::Labels, tsdb::Sample> latest;
  if (!selectors.empty()) {
    Result<std::unique_ptr<tsdb::Querier>> q = storage.NewQuerier(mint, maxt);
    if (!q.ok()) return Response::Text(500, q.status().message() + "\n");
    tsdb::SelectHints hints;
    hints.start = mint;
    hints.end = maxt;
    for (const auto& matchers : selectors) {
      std::unique_ptr<tsdb::SeriesSet> set = (*q)->Select(hints, matchers);
      while (set->Next()) {
        const tsdb::Series& s = set->At();
        if (latest.count(s.labels()) > 0) continue;
        tsdb::Sample sample;
        if (Latest(s, &sample)) latest.emplace(s.labels(), sample);
      }
      if (!set->status().ok()) return Response::Text(500, set->status().message() + "\n");
    }
  }

  // Families by metric name; std::map order within a name is label order.
  std::vector<const std::pair<const tsdb::Labels, tsdb::Sample>*> order;
  order.reserve(latest.size());
  for (const auto& e : latest) {
    if (!e.first.MetricName().empty()) order.push_back(&e);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return a->first.MetricName() < b->first.MetricName();
  });

  tsdb::Labels external = options.external_labels ? options.external_labels() : tsdb::Labels();
  std::vector<std::pair<std::string, std::string>> globals;
  for (const tsdb::Label& l : external) globals.emplace_back(l.name, l.value);
  if (!external.Has("instance")) {
    globals.emplace_back("instance", "");
    std::sort(globals.begin(), globals.end());
  }

  Response res;
  res.content_type = std::string(metrics::kTextContentType);
  std::string_view last_name;
  metrics::LabelPairs pairs;
  for (const auto* e : order) {
    const tsdb::Labels& labels = e->first;
    std::string_view name = labels.MetricName();
    if (name != last_name) {
      res.body += "# TYPE ";
      res.body += name;
      res.body += " untyped\n";
      last_name = name;
    }
    pairs.clear();
    for (const tsdb::Label& l : labels) {
      if (l.name != tsdb::kMetricName) pairs.emplace_back(l.name, l.value);
    }
    for (const auto& [gn, gv] : globals) {
      if (!labels.Has(gn)) pairs.emplace_back(gn, gv);
    }
    metrics::AppendSampleLine(name, pairs, e->second.v, e->second.t, &res.body);
  }
  return res;
}

}  // namespace pharos::server
