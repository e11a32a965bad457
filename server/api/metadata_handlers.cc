#include "server/api/metadata_handlers.h"

#include <algorithm>
#include <set>
#include <vector>

#include "server/api/api_errors.h"
#include "server/api/api_json.h"
#include "server/api/api_params.h"
#include "server/api/value_json.h"

namespace pharos::server {
namespace {

struct Range {
  int64_t start;
  int64_t end;
};

// Parses start and end (default: all time); nullopt on success.
std::optional<Response> ParseRange(const FormValues& form, Range* range) {
  Result<int64_t> start = ParseTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError("start", start.status());
  Result<int64_t> end = ParseTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError("end", end.status());
  *range = {*start, *end};
  return std::nullopt;
}

Response StringList(std::vector<std::string> values, size_t limit) {
  if (limit > 0 && values.size() > limit) values.resize(limit);
  JsonWriter w;
  w.BeginArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
  return ApiSuccess(w.Take());
}

bool ValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string UnescapeLabelName(std::string_view name) {
  if (name.substr(0, 3) != "U__") return std::string(name);
  std::string_view s = name.substr(3);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '_') {
      out.push_back(s[i++]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '_') {
      out.push_back('_');
      i += 2;
      continue;
    }
    size_t close = s.find('_', i + 1);
    if (close == std::string_view::npos || close == i + 1 || close - i - 1 > 6) {
      return std::string(name);
    }
    uint32_t cp = 0;
    for (size_t k = i + 1; k < close; ++k) {
      char c = s[k];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return std::string(name);
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::string(name);
    AppendUtf8(out, cp);
    i = close + 1;
  }
  return out;
}

Response HandleSeries(tsdb::Queryable& storage, const Request& req) {
  FormValues form(req);
  std::vector<std::string> selectors = form.All("match[]");
  if (selectors.empty()) return ApiError(InvalidArgumentError("no match[] parameter provided"));
  Range range;
  if (auto err = ParseRange(form, &range)) return *err;
  auto sets = ParseMatchersParam(selectors);
  if (!sets.ok()) return InvalidParamError("match[]", sets.status());
  auto querier = storage.NewQuerier(range.start, range.end);
  if (!querier.ok()) return ApiError(querier.status());
  tsdb::SelectHints hints;
  hints.start = range.start;
  hints.end = range.end;
  hints.labels_only = true;
  std::vector<tsdb::Labels> series;
  for (const auto& matchers : *sets) {
    std::unique_ptr<tsdb::SeriesSet> set = (*querier)->Select(hints, matchers);
    while (set->Next()) series.push_back(set->At().labels());
    if (!set->status().ok()) return ApiError(set->status());
  }
  if (sets->size() > 1) {
    std::sort(series.begin(), series.end());
    series.erase(std::unique(series.begin(), series.end()), series.end());
  }
  size_t limit = ParseLimit(form);
  if (limit > 0 && series.size() > limit) series.resize(limit);
  JsonWriter w;
  w.BeginArray();
  for (const tsdb::Labels& l : series) WriteLabels(w, l);
  w.EndArray();
  return ApiSuccess(w.Take());
}

Response HandleLabelNames(tsdb::Queryable& storage, const Request& req) {
  FormValues form(req);
  Range range;
  if (auto err = ParseRange(form, &range)) return *err;
  auto sets = ParseMatchersParam(form.All("match[]"));
  if (!sets.ok()) return ApiError(sets.status());
  auto querier = storage.NewQuerier(range.start, range.end);
  if (!querier.ok()) return ApiError(querier.status());
  if (sets->empty()) sets->emplace_back();
  std::set<std::string> names;
  for (const auto& matchers : *sets) {
    auto got = (*querier)->LabelNames(matchers);
    if (!got.ok()) return ApiError(got.status());
    names.insert(got->begin(), got->end());
  }
  return StringList(std::vector<std::string>(names.begin(), names.end()), ParseLimit(form));
}

Response HandleLabelValues(tsdb::Queryable& storage, const Request& req) {
  std::string name = UnescapeLabelName(req.PathParam("name"));
  if (!ValidLabelName(name)) {
    std::string quoted;
    AppendQuotedJson(quoted, name);
    return ApiError(InvalidArgumentError("invalid label name: " + quoted));
  }
  FormValues form(req);
  Range range;
  if (auto err = ParseRange(form, &range)) return *err;
  auto sets = ParseMatchersParam(form.All("match[]"));
  if (!sets.ok()) return ApiError(sets.status());
  auto querier = storage.NewQuerier(range.start, range.end);
  if (!querier.ok()) return ApiError(querier.status());
  if (sets->empty()) sets->emplace_back();
  std::set<std::string> values;
  for (const auto& matchers : *sets) {
    auto got = (*querier)->LabelValues(name, matchers);
    if (!got.ok()) return ApiError(got.status());
    values.insert(got->begin(), got->end());
  }
  return StringList(std::vector<std::string>(values.begin(), values.end()), ParseLimit(form));
}

}  // namespace pharos::server
