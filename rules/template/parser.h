// Parser: Go text/template source to parse trees, with text/template/parse's
// error messages: "template: NAME:LINE: unexpected \"}\" in operand".
//
// Thread-safety: free function without shared state.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "rules/template/ast.h"
#include "tsdb/status.h"

namespace pharos::rules::tmpl {

// Parses `text` as template `name`. The main tree lands under `name`, each
// {{define}}/{{block}} under its own name (a later definition replaces an
// earlier one, as in Go). `is_function` says whether an identifier names a
// function; unknown ones are parse errors ("function \"x\" not defined").
// Errors: kInvalidArgument with Go's message.
Result<TemplateSet> ParseTemplate(std::string_view name, std::string_view text,
                                  const std::function<bool(std::string_view)>& is_function);

}  // namespace pharos::rules::tmpl
