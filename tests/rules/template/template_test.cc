#include "rules/template/template.h"

#include <gtest/gtest.h>

#include "rules/template/alert_template.h"

namespace pharos::rules {
namespace {

using tmpl::Value;

const tmpl::FuncMap& Funcs() {
  static const tmpl::FuncMap funcs = [] {
    tmpl::FuncMap f;
    tmpl::AddBuiltinFunctions(f);
    return f;
  }();
  return funcs;
}

Result<std::string> Exec(const std::string& text, const Value& data = Value(), tmpl::ExecLimits limits = {}) {
  ASSIGN_OR_RETURN(auto t, Template::Parse("t", text, Funcs()));
  return t->Execute(data, Funcs(), limits);
}

std::string Out(const std::string& text, const Value& data = Value()) {
  auto r = Exec(text, data);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

Value Data() {
  tmpl::ValueMap m;
  m["name"] = Value::String("web");
  m["list"] = Value::List({Value::String("a"), Value::String("b"), Value::String("c")});
  m["labels"] = Value::StringMap({{"job", "api"}, {"env", "prod"}});
  m["n"] = Value::Int(3);
  return Value::Map(std::move(m), "interface {}");
}

TEST(Template, TextAndTrimMarkers) {
  EXPECT_EQ(Out("plain text"), "plain text");
  EXPECT_EQ(Out("a  {{- \"b\" -}}  c"), "abc");
  EXPECT_EQ(Out("a {{/* comment */}} b"), "a  b");
  EXPECT_EQ(Out("a \n{{- /* comment */ -}}\n b"), "ab");
  EXPECT_EQ(Out("{{3 -}} < {{- 4}}"), "3<4");
  EXPECT_EQ(Out("{{ -3 }}"), "-3");
}

TEST(Template, FieldsVariablesAndScopes) {
  EXPECT_EQ(Out("{{ .name }}/{{ .labels.job }}/{{ .missing }}", Data()), "web/api/<no value>");
  EXPECT_EQ(Out("{{ $x := .name }}{{ if true }}{{ $x = \"in\" }}{{ $y := 1 }}{{ end }}{{ $x }}", Data()), "in");
  EXPECT_EQ(Out("{{ with .labels }}{{ .env }}{{ $.name }}{{ end }}", Data()), "prodweb");
  EXPECT_EQ(Out("{{ (index .list 1) }}{{ (.labels).job }}", Data()), "bapi");
  EXPECT_EQ(Out("{{ .name.x }}", Data()),
            "ERROR: template: t:1:8: executing \"t\" at <.name.x>: can't evaluate field x in type string");
}

TEST(Template, RangeElseBreakContinue) {
  EXPECT_EQ(Out("{{ range $i, $e := .list }}{{ $i }}{{ $e }},{{ end }}", Data()), "0a,1b,2c,");
  EXPECT_EQ(Out("{{ range $k, $v := .labels }}{{ $k }}={{ $v }};{{ end }}", Data()), "env=prod;job=api;");
  EXPECT_EQ(Out("{{ range .nothing }}x{{ else }}empty{{ end }}", Data()), "empty");
  EXPECT_EQ(Out("{{ range .list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", Data()), "ac");
  EXPECT_EQ(Out("{{ range .list }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", Data()), "a");
}

TEST(Template, DefineTemplateBlock) {
  EXPECT_EQ(Out("{{ define \"x\" }}<{{ . }}>{{ end }}{{ template \"x\" .name }}{{ template \"x\" }}", Data()),
            "<web><<no value>>");
  EXPECT_EQ(Out("{{ block \"b\" .n }}[{{ . }}]{{ end }}", Data()), "[3]");
}

TEST(Template, ComparisonsAndLogic) {
  EXPECT_EQ(Out("{{ if and .name (gt .n 2) }}yes{{ end }}", Data()), "yes");
  EXPECT_EQ(Out("{{ or .missing \"default\" }}", Data()), "default");
  // and/or stop at the first deciding operand: the failing call never runs.
  EXPECT_EQ(Out("{{ or 1 (index nil 1) }}"), "1");
  EXPECT_EQ(Out("{{ eq 1 1.0 }}"),
            "ERROR: template: t:1:3: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types for comparison");
}

TEST(Template, LimitsStopHostileTemplates) {
  tmpl::ExecLimits limits;
  limits.max_output_bytes = 1000;
  auto big = Exec("{{ range .list }}{{ range $.list }}{{ printf \"%500s\" . }}{{ end }}{{ end }}", Data(), limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);

  // Unbounded recursion through {{template}}.
  auto deep = Exec("{{ define \"r\" }}{{ template \"r\" }}{{ end }}{{ template \"r\" }}");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("exceeded maximum template depth (1000)"), std::string::npos);

  // Exponential work: steps are counted.
  limits = {};
  limits.max_steps = 10000;
  std::string nest = "x";
  for (int i = 0; i < 10; ++i) nest = "{{ range $.list }}" + nest + "{{ end }}";
  auto slow = Exec("{{ define \"a\" }}" + nest + "{{ end }}{{ template \"a\" . }}", Data(), limits);
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("exceeded 10000 steps"), std::string::npos);
}

TEST(Template, ParseOnceExecuteMany) {
  auto t = Template::Parse("t", "{{ .n }}-{{ .name }}", Funcs());
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 3; ++i) {
    tmpl::ValueMap m;
    m["n"] = Value::Int(i);
    m["name"] = Value::String("x");
    auto r = (*t)->Execute(Value::Map(std::move(m), "interface {}"), Funcs());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, std::to_string(i) + "-x");
  }
}

TEST(AlertTemplate, ExpandNeverFails) {
  auto t = AlertTemplate::Parse("HighErrorRate", "{{ $labels.job }} at {{ humanize $value }} {{ query \"up\" }}");
  ASSERT_TRUE(t.ok());
  AlertTemplateData data{tsdb::Labels{{"job", "api"}}, {}, "", 1234};
  EXPECT_EQ((*t)->Expand(data, {}),
            "<error expanding template: error executing template __alert_HighErrorRate: template: "
            "__alert_HighErrorRate:1:158: executing \"__alert_HighErrorRate\" at <query \"up\">: "
            "error calling query: no query function>");
  EXPECT_EQ(ExpandAlertTemplate("X", "{{ $labels.job }", data, {}),
            "<error expanding template: error parsing template __alert_X: template: __alert_X:1: "
            "unexpected \"}\" in operand>");
  ExpandOptions opts;
  opts.query = [](const std::string& q) -> Result<std::vector<tmpl::QuerySample>> {
    if (q == "bad") return InvalidArgumentError("1:1: parse error: unexpected end of input");
    return std::vector<tmpl::QuerySample>{{tsdb::Labels{{"instance", "b"}}, 2}, {tsdb::Labels{{"instance", "a"}}, 1}};
  };
  auto q = AlertTemplate::Parse("Q", "{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}={{ .Value }} {{ end }}");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->Expand(data, opts), "a=1 b=2 ");
  EXPECT_NE(ExpandAlertTemplate("Q", "{{ query \"bad\" }}", data, opts).find("error calling query: 1:1: parse error"),
            std::string::npos);
}

}  // namespace
}  // namespace pharos::rules
