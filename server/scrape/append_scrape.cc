#include "server/scrape/append_scrape.h"

#include <algorithm>
#include <memory>
#include <string>

#include "server/scrape/textparse/parser.h"
#include "tsdb/sample.h"

namespace pharos::server::scrape {

namespace {

const std::string* Find(const std::vector<tsdb::Label>& sorted, std::string_view name) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const tsdb::Label& l, std::string_view n) { return l.name < n; });
  if (it == sorted.end() || it->name != name) return nullptr;
  return &it->value;
}

void Set(std::vector<tsdb::Label>& sorted, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const tsdb::Label& l, std::string_view n) { return l.name < n; });
  if (it != sorted.end() && it->name == name) {
    it->value.assign(value);
  } else {
    sorted.insert(it, tsdb::Label{std::string(name), std::string(value)});
  }
}

bool ValidMetricName(std::string_view s) {
  if (s.empty() || !textparse_internal::IsNameStart(s[0])) return false;
  for (char c : s) {
    if (!textparse_internal::IsNameChar(c)) return false;
  }
  return true;
}

std::string Truncate(std::string_view s) { return std::string(s.substr(0, 50)); }

Status CheckLabelLimits(const tsdb::Labels& lset, const ScrapeLimits& limits) {
  if (limits.label_limit > 0 && lset.size() > limits.label_limit) {
    return ResourceExhaustedError("label_limit exceeded (metric: " +
                                  Truncate(lset.MetricName()) + ", number of labels: " +
                                  std::to_string(lset.size()) + ", limit: " +
                                  std::to_string(limits.label_limit) + ")");
  }
  if (limits.label_name_length_limit == 0 && limits.label_value_length_limit == 0) {
    return Status();
  }
  for (const tsdb::Label& l : lset) {
    if (limits.label_name_length_limit > 0 && l.name.size() > limits.label_name_length_limit) {
      return ResourceExhaustedError(
          "label_name_length_limit exceeded (metric: " + Truncate(lset.MetricName()) +
          ", label name: " + Truncate(l.name) + ", length: " + std::to_string(l.name.size()) +
          ", limit: " + std::to_string(limits.label_name_length_limit) + ")");
    }
    if (limits.label_value_length_limit > 0 && l.value.size() > limits.label_value_length_limit) {
      return ResourceExhaustedError(
          "label_value_length_limit exceeded (metric: " + Truncate(lset.MetricName()) +
          ", label name: " + Truncate(l.name) + ", value: " +
          textparse_internal::GoQuote(l.value.substr(0, 50)) + ", length: " +
          std::to_string(l.value.size()) + ", limit: " +
          std::to_string(limits.label_value_length_limit) + ")");
    }
  }
  return Status();
}

// The final label set of the parser's current sample: exposed labels merged
// with the target's, metric relabeling, then validity and limits. `*keep`
// is false when relabeling drops the sample.
Status BuildLabels(const Parser& parser, const tsdb::Labels& target, const AppendOptions& options,
                   std::vector<tsdb::Label>& scratch, tsdb::Labels* out, bool* keep) {
  scratch.clear();
  parser.AppendLabels(&scratch);
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const tsdb::Label& a, const tsdb::Label& b) { return a.name < b.name; });
  for (size_t i = 1; i < scratch.size(); ++i) {
    if (scratch[i].name == scratch[i - 1].name) {
      return InvalidArgumentError("label name \"" + scratch[i].name +
                                  "\" is not unique: invalid sample");
    }
  }
  MergeTargetLabels(scratch, target, options.honor_labels);
  std::erase_if(scratch, [](const tsdb::Label& l) { return l.value.empty(); });
  *keep = true;
  if (!options.metric_relabel_configs.empty()) {
    *keep = Relabel(options.metric_relabel_configs, scratch);
  }
  if (!*keep) return Status();
  tsdb::Labels lset(std::move(scratch));
  scratch = {};
  if (!lset.Has(tsdb::kMetricName)) {
    return InvalidArgumentError("missing metric name (__name__ label)");
  }
  bool valid = ValidMetricName(lset.MetricName());
  for (const tsdb::Label& l : lset) valid = valid && tsdb::ValidLabelName(l.name);
  if (!valid) {
    return InvalidArgumentError("invalid metric name or label names: " + lset.ToString());
  }
  RETURN_IF_ERROR(CheckLabelLimits(lset, options.limits));
  *out = std::move(lset);
  return Status();
}

}  // namespace

void MergeTargetLabels(std::vector<tsdb::Label>& exposed, const tsdb::Labels& target,
                       bool honor_labels) {
  if (honor_labels) {
    for (const tsdb::Label& l : target) {
      const std::string* v = Find(exposed, l.name);
      if (v == nullptr || v->empty()) Set(exposed, l.name, l.value);
    }
    return;
  }
  std::vector<tsdb::Label> conflicts;
  for (const tsdb::Label& l : target) {
    const std::string* v = Find(exposed, l.name);
    if (v != nullptr && !v->empty()) conflicts.push_back({l.name, *v});
  }
  if (conflicts.empty()) {
    for (const tsdb::Label& l : target) Set(exposed, l.name, l.value);
    return;
  }
  // Prometheus' resolveConflictingExposedLabels: shortest names first, each
  // prefixed with exported_ until the name is free.
  std::stable_sort(conflicts.begin(), conflicts.end(),
                   [](const tsdb::Label& a, const tsdb::Label& b) {
                     return a.name.size() < b.name.size();
                   });
  for (size_t i = 0; i < conflicts.size(); ++i) {
    std::string name = conflicts[i].name;
    while (true) {
      name = "exported_" + name;
      bool taken = Find(exposed, name) != nullptr || target.Has(name);
      for (size_t j = 0; j < i && !taken; ++j) taken = conflicts[j].name == name;
      if (!taken) break;
    }
    conflicts[i].name = name;
  }
  for (const tsdb::Label& l : target) Set(exposed, l.name, l.value);
  for (const tsdb::Label& l : conflicts) Set(exposed, l.name, l.value);
}

Status AppendScrape(std::string_view body, std::string_view content_type, int64_t t,
                    const AppendOptions& options, ScrapeCache& cache, tsdb::Appender& app,
                    AppendStats* stats) {
  *stats = AppendStats{};
  cache.BeginScrape();
  std::unique_ptr<Parser> parser = Parser::New(body, content_type);
  static const tsdb::Labels kNoLabels;
  const tsdb::Labels& target = options.target_labels ? *options.target_labels : kNoLabels;
  std::vector<tsdb::Label> scratch;
  Status err;
  // Prometheus' limitAppender: samples past sample_limit are not appended
  // but still counted, and the scrape fails once the body is read.
  uint64_t appends = 0;
  bool over_sample_limit = false;
  while (true) {
    Result<Entry> next = parser->Next();
    if (!next.ok()) {
      err = next.status();
      break;
    }
    Entry e = *next;
    if (e == Entry::kEof) break;
    switch (e) {
      case Entry::kType: cache.SetType(parser->metric_name(), parser->type()); continue;
      case Entry::kHelp: cache.SetHelp(parser->metric_name(), parser->text()); continue;
      case Entry::kUnit: cache.SetUnit(parser->metric_name(), parser->text()); continue;
      case Entry::kSeries: break;
      default: continue;
    }
    ++stats->total;
    int64_t ts = t;
    if (parser->has_timestamp() && options.honor_timestamps) ts = parser->timestamp();

    ScrapeCache::Entry* entry = cache.Find(parser->series());
    bool is_new = false;
    // Built only while storage does not know the series by its ref.
    tsdb::Labels lset;
    if (entry == nullptr || (!entry->dropped && entry->ref == 0)) {
      bool keep = true;
      err = BuildLabels(*parser, target, options, scratch, &lset, &keep);
      if (!err.ok()) break;
      if (entry == nullptr) {
        entry = cache.Insert(parser->series(), /*dropped=*/!keep);
        is_new = keep;
      }
      if (!keep) continue;
    } else if (entry->dropped) {
      continue;
    }

    if (options.limits.sample_limit > 0 && ++appends > options.limits.sample_limit) {
      over_sample_limit = true;
      ++stats->added;
      continue;
    }
    Result<tsdb::SeriesRef> ref = app.Append(entry->ref, lset, ts, parser->value());
    if (!ref.ok() && ref.status().code() == StatusCode::kNotFound) {
      // Storage no longer knows the ref (the series was deleted): rebuild
      // the labels from the line.
      bool keep = true;
      err = BuildLabels(*parser, target, options, scratch, &lset, &keep);
      if (!err.ok()) break;
      ref = app.Append(0, lset, ts, parser->value());
    }
    if (!ref.ok()) {
      const std::string& m = ref.status().message();
      if (ref.status().code() == StatusCode::kOutOfRange) {
        if (m.find("duplicate") != std::string::npos) {
          ++stats->duplicate;
        } else if (m.find("bounds") != std::string::npos) {
          ++stats->out_of_bounds;
        } else {
          ++stats->out_of_order;
        }
        if (!parser->has_timestamp()) cache.Seen(entry);
        // Refused samples count as added, as in Prometheus.
        ++stats->added;
        continue;
      }
      err = ref.status();
      break;
    }
    entry->ref = *ref;
    ++stats->added;
    if (is_new) ++stats->series_added;
    if (!parser->has_timestamp()) cache.Seen(entry);
  }
  if (err.ok() && over_sample_limit) err = ResourceExhaustedError(kSampleLimitExceeded);
  if (!err.ok()) return err;
  static const tsdb::Labels kByRef;
  cache.ForEachStale([&](ScrapeCache::Entry& gone) {
    // A series never stored, or since deleted, has nothing to mark.
    if (gone.ref == 0) return;
    app.Append(gone.ref, kByRef, t, tsdb::kStaleNaN).status().IgnoreError();
  });
  cache.EndScrape(/*flush=*/!body.empty());
  return Status();
}

}  // namespace pharos::server::scrape
