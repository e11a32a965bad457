#include "rules/alert_expand.h"

#include "promql/parser.h"
#include "rules/template/alert_template.h"

namespace pharos::rules {

ExpandFunc TemplateExpandFunc(QueryFunc query) {
  return [query](std::string_view alert_name, std::string_view text, const TemplateData& d) {
    ExpandOptions opts;
    opts.external_url = d.external_url;
    if (query) {
      const int64_t t = d.t_ms;
      opts.query = [query, t](const std::string& q) -> Result<std::vector<tmpl::QuerySample>> {
        ASSIGN_OR_RETURN(promql::ExprPtr expr, promql::ParseExpr(q));
        ASSIGN_OR_RETURN(promql::Vector vec, query(*expr, t));
        std::vector<tmpl::QuerySample> out;
        for (promql::VectorSample& s : vec) out.push_back({std::move(s.labels), s.v});
        return out;
      };
    }
    AlertTemplateData data{d.labels, d.external_labels, d.external_url, d.value};
    return ExpandAlertTemplate(alert_name, text, data, opts);
  };
}

TemplateCheckFunc TemplateParseCheck() {
  return [](std::string_view alert_name, std::string_view text) -> Status {
    Result<std::unique_ptr<AlertTemplate>> t = AlertTemplate::Parse(alert_name, text);
    return t.ok() ? Status() : t.status();
  };
}

}  // namespace pharos::rules
