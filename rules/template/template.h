// Template: a parsed Go text/template, executed many times.
//
//   tmpl::FuncMap funcs;
//   tmpl::AddBuiltinFunctions(funcs);
//   ASSIGN_OR_RETURN(auto t, Template::Parse("greeting", "Hi {{.name}}", funcs));
//   ASSIGN_OR_RETURN(std::string out, t->Execute(data, funcs));
//
// Parse errors read as Go's ("template: NAME:LINE: unexpected \"}\" in
// operand"), and so do execution errors ("template: NAME:LINE:COL:
// executing \"NAME\" at <CONTEXT>: MESSAGE"). Most callers want
// AlertTemplate (alert_template.h), which adds Prometheus' functions and
// variables.
//
// Thread-safety: immutable after Parse(); Execute() may run on several
// threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rules/template/ast.h"
#include "rules/template/executor.h"
#include "rules/template/functions.h"
#include "rules/template/value.h"
#include "tsdb/status.h"

namespace pharos::rules {

class Template {
 public:
  // Parses `text` as the template `name`. Identifiers must name a function
  // in `funcs` (only the names are used here). Errors: kInvalidArgument
  // with Go's message.
  static Result<std::unique_ptr<Template>> Parse(std::string name, std::string text,
                                                 const tmpl::FuncMap& funcs);

  // Executes with dot = `data`. `funcs` must hold every function the text
  // names (normally the map given to Parse, or one with the same names).
  // Errors: kInvalidArgument with Go's message, kResourceExhausted when a
  // limit is hit. Never throws.
  Result<std::string> Execute(const tmpl::Value& data, const tmpl::FuncMap& funcs,
                              const tmpl::ExecLimits& limits = {}) const;

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

 private:
  Template(std::string name, std::string text, tmpl::TemplateSet set)
      : name_(std::move(name)), text_(std::move(text)), set_(std::move(set)) {}

  std::string name_;
  std::string text_;
  tmpl::TemplateSet set_;
};

}  // namespace pharos::rules
