#include "rules/template/alert_template.h"

namespace pharos::rules {
namespace {

constexpr std::string_view kDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

constexpr std::string_view kDataType =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; "
    "Value float64 }";

tmpl::Value LabelsValue(const tsdb::Labels& labels) {
  tmpl::ValueMap m;
  for (const auto& l : labels) m.emplace(l.name, tmpl::Value::String(l.value));
  return tmpl::Value::Map(std::move(m), "string");
}

tmpl::Value DataValue(const AlertTemplateData& d) {
  tmpl::ValueMap fields;
  fields["Labels"] = LabelsValue(d.labels);
  fields["ExternalLabels"] = LabelsValue(d.external_labels);
  fields["ExternalURL"] = tmpl::Value::String(d.external_url);
  fields["Value"] = tmpl::Value::Float(d.value);
  return tmpl::Value::Struct(std::move(fields), std::string(kDataType),
                             {"Labels", "ExternalLabels", "ExternalURL", "Value"});
}

}  // namespace

const tmpl::FuncMap& AlertTemplateFunctions() {
  static const tmpl::FuncMap funcs = [] {
    tmpl::FuncMap f;
    tmpl::AddBuiltinFunctions(f);
    tmpl::AddPrometheusFunctions(f, {});
    return f;
  }();
  return funcs;
}

Result<std::unique_ptr<AlertTemplate>> AlertTemplate::Parse(std::string_view alert_name,
                                                            std::string_view text) {
  std::string full(kDefs);
  full += text;
  ASSIGN_OR_RETURN(auto t, Template::Parse("__alert_" + std::string(alert_name), std::move(full),
                                           AlertTemplateFunctions()));
  return std::unique_ptr<AlertTemplate>(new AlertTemplate(std::move(t)));
}

Result<std::string> AlertTemplate::Execute(const AlertTemplateData& data,
                                           const ExpandOptions& options) const {
  tmpl::FuncMap funcs = AlertTemplateFunctions();
  tmpl::AddPrometheusFunctions(funcs, {options.query, options.external_url});
  Result<std::string> r = template_->Execute(DataValue(data), funcs, options.limits);
  if (!r.ok()) return r.status().Annotate("error executing template " + name());
  return r;
}

std::string AlertTemplate::Expand(const AlertTemplateData& data, const ExpandOptions& options) const {
  Result<std::string> r = Execute(data, options);
  if (!r.ok()) return "<error expanding template: " + r.status().message() + ">";
  return std::move(r).value();
}

std::string ExpandAlertTemplate(std::string_view alert_name, std::string_view text,
                                const AlertTemplateData& data, const ExpandOptions& options) {
  auto t = AlertTemplate::Parse(alert_name, text);
  if (!t.ok()) {
    return "<error expanding template: error parsing template __alert_" + std::string(alert_name) + ": " +
           t.status().message() + ">";
  }
  return (*t)->Expand(data, options);
}

}  // namespace pharos::rules
