// Template functions: how text/template calls a Go function, and the two
// function sets Pharos ships: Go's builtins (and, or, not, len, index,
// slice, print, printf, println, eq, ne, lt, le, gt, ge, html, js, urlquery)
// and Prometheus' (template/template.go: humanize*, query, first, label,
// value, reReplaceAll, title, ...).
//
// Each function declares Go's parameter types so the executor can check
// arguments and word errors as Go does ("wrong number of args for humanize:
// want 1 got 2", "wrong type for value; expected string; got float64").
//
// Thread-safety: a FuncMap is immutable once built; the functions in it are
// called from the executing thread only.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/template/value.h"
#include "tsdb/status.h"

namespace pharos::rules::tmpl {

// Go parameter types, by what a template value must be to pass.
enum class ParamType {
  kAny,          // interface{} / reflect.Value: anything
  kString,       // string
  kFloat,        // float64
  kInt,          // int
  kSample,       // *template.sample (nil allowed)
  kQueryResult,  // template.queryResult (nil allowed)
};

// Go's name of a parameter type, as in "expected float64".
std::string_view ParamTypeName(ParamType t);

struct Function {
  std::vector<ParamType> params;
  // The last parameter repeats (Go's `...T`); a call needs at least
  // params.size() - 1 arguments.
  bool variadic = false;
  // Called with checked arguments. A non-OK status becomes
  // "error calling NAME: <message>".
  std::function<Result<Value>(std::vector<Value>& args)> call;
};

using FuncMap = std::map<std::string, Function, std::less<>>;

// Go's builtins except `and`/`or`, which short-circuit and are executed by
// the executor itself (they are listed here so the parser knows them).
void AddBuiltinFunctions(FuncMap& funcs);

// fmt's rules for the html / js / urlquery builtins and Prometheus' links.
std::string HtmlEscape(std::string_view s);
std::string JsEscape(std::string_view s);
std::string QueryEscape(std::string_view s);

}  // namespace pharos::rules::tmpl
