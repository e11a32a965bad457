// Prometheus' template functions (template/template.go in 2.42): query,
// first, label, value, strvalue, sortByLabel, args, reReplaceAll, match,
// safeHtml, title, toUpper, toLower, graphLink, tableLink, stripPort,
// humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, parseDuration, externalURL, pathPrefix.
//
// Thread-safety: the returned functions capture `options` by value; a
// FuncMap may be used by one execution at a time per QueryFunc's own rules.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rules/template/functions.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::rules::tmpl {

// One element of a `query` result: an instant-vector sample.
struct QuerySample {
  tsdb::Labels labels;
  double value = 0;
};

// Runs a PromQL instant query for `query` (the caller fixes the evaluation
// time, as Prometheus uses the rule's evaluation timestamp). Errors are
// reported as "error calling query: <message>".
using QueryFunc = std::function<Result<std::vector<QuerySample>>(const std::string& query)>;

struct PrometheusFunctionOptions {
  // Needed by `query`; when unset, `query` fails with "no query function".
  QueryFunc query;
  // --web.external-url, e.g. "http://prom.example.com:9090/prometheus";
  // `externalURL` prints it, `pathPrefix` its path.
  std::string external_url;
};

// Adds Prometheus' functions to `funcs`.
void AddPrometheusFunctions(FuncMap& funcs, const PrometheusFunctionOptions& options);

// The formatting functions on their own, for tests and other callers.
// `v` as convertToFloat takes it: float, int, or a string parsed as a float.
Result<std::string> Humanize(const Value& v);
Result<std::string> Humanize1024(const Value& v);
Result<std::string> HumanizeDuration(const Value& v);
Result<std::string> HumanizePercentage(const Value& v);
Result<std::string> HumanizeTimestamp(const Value& v);

}  // namespace pharos::rules::tmpl
