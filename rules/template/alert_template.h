// AlertTemplate: an alerting rule's label or annotation template, expanded
// the way Prometheus 2.42 expands them (rules/alerting.go, template.Expander).
//
// The text is parsed once, as template "__alert_<alert name>" with
// Prometheus' variable definitions prepended:
//   {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}
//   {{$externalURL := .ExternalURL}}{{$value := .Value}}
// and with Go's builtins plus Prometheus' functions (prometheus_functions.h),
// missing map keys reading as "". Dot is the alert data: .Labels,
// .ExternalLabels, .ExternalURL, .Value.
//
// The rule manager, per alerting rule:
//   at load:  for each label/annotation value, AlertTemplate::Parse(name, text);
//             an error is the rule file's
//             `annotation "summary": <status message>` error.
//   at eval:  ExpandOptions opts{query_at_eval_time, external_url};
//             std::string v = tmpl->Expand(AlertTemplateData{...}, opts);
// Expand() never fails: on error it returns Prometheus' text
// "<error expanding template: error executing template __alert_X: ...>".
//
// Thread-safety: immutable after Parse(); Expand()/Execute() may run on
// several threads at once (the QueryFunc must allow that too).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rules/template/executor.h"
#include "rules/template/prometheus_functions.h"
#include "rules/template/template.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::rules {

// What an alert template sees as dot.
struct AlertTemplateData {
  tsdb::Labels labels;           // the alert's labels ($labels)
  tsdb::Labels external_labels;  // global.external_labels ($externalLabels)
  std::string external_url;      // --web.external-url ($externalURL)
  double value = 0;              // the alert's sample value ($value)
};

struct ExpandOptions {
  // The `query` function; Prometheus evaluates at the rule's evaluation
  // time. Default: unset, and `query` fails with "no query function".
  tmpl::QueryFunc query;
  // `externalURL` / `pathPrefix`. Default: "".
  std::string external_url;
  // Output, step and depth limits. Default: 1 MiB, 1e6 steps, depth 1000.
  tmpl::ExecLimits limits;
};

class AlertTemplate {
 public:
  // Parses `text` for the alerting rule `alert_name`. Errors:
  // kInvalidArgument with Go's parse message, e.g.
  // "template: __alert_HighErrorRate:1: unexpected \"}\" in operand".
  static Result<std::unique_ptr<AlertTemplate>> Parse(std::string_view alert_name,
                                                      std::string_view text);

  // The expansion, or the error Prometheus would log:
  // "error executing template __alert_X: template: __alert_X:1:95: ...".
  Result<std::string> Execute(const AlertTemplateData& data, const ExpandOptions& options) const;

  // The expansion, or "<error expanding template: MESSAGE>". Never fails.
  std::string Expand(const AlertTemplateData& data, const ExpandOptions& options) const;

  const std::string& name() const { return template_->name(); }

 private:
  explicit AlertTemplate(std::unique_ptr<Template> t) : template_(std::move(t)) {}

  std::unique_ptr<Template> template_;
};

// Parses and expands in one call, as Prometheus does for every label and
// annotation at every evaluation: parse errors come back as
// "<error expanding template: error parsing template __alert_X: ...>".
std::string ExpandAlertTemplate(std::string_view alert_name, std::string_view text,
                                const AlertTemplateData& data, const ExpandOptions& options);

// The functions an alert template may call (names only matter for
// parsing; `query` here has no QueryFunc).
const tmpl::FuncMap& AlertTemplateFunctions();

}  // namespace pharos::rules
