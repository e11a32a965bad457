// Executor: runs a parsed template over a value, as text/template's exec.go:
// variables and scopes, field and map access with missingkey=zero, pipelines
// with the previous result as the final argument, if/with/range/else,
// break/continue, {{template}}, short-circuit and/or, and Go's execution
// error messages ("template: NAME:1:23: executing \"NAME\" at <.Foo>: ...").
//
// Execution is bounded: output size, executed steps and template nesting
// have limits, so a hostile template cannot hang or exhaust the caller.
//
// Thread-safety: ExecuteTemplate is reentrant; the set and functions are
// only read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/template/ast.h"
#include "rules/template/functions.h"
#include "rules/template/value.h"
#include "tsdb/status.h"

namespace pharos::rules::tmpl {

struct ExecLimits {
  // Output beyond this many bytes fails the execution. Default: 1 MiB.
  size_t max_output_bytes = 1 << 20;
  // Nodes walked plus range iterations. Default: 1,000,000.
  int64_t max_steps = 1'000'000;
  // Nested {{template}} calls (Go allows 100,000; the C++ stack does not).
  // Default: 1000.
  int max_depth = 1000;
};

// Executes template `name` of `set` with dot = `data`. `source` is the text
// the set was parsed from (for line:column in messages). Errors:
// kInvalidArgument with Go's message; kResourceExhausted for limits.
Result<std::string> ExecuteTemplate(const TemplateSet& set, std::string_view name,
                                    std::string_view source, const Value& data,
                                    const FuncMap& funcs, const ExecLimits& limits);

}  // namespace pharos::rules::tmpl
