// The template engine (rules/template) behind the ExpandFunc and
// TemplateCheckFunc seams of template_hooks.h: alert label and annotation
// templates expanded as Prometheus does, with `query` evaluated at the
// rule's evaluation time through the rules' QueryFunc.
#pragma once

#include "rules/rule.h"
#include "rules/template_hooks.h"

namespace pharos::rules {

// `query` may be empty: templates calling `query` then expand to an error.
ExpandFunc TemplateExpandFunc(QueryFunc query);

// Parses templates as Prometheus' rule file check does.
TemplateCheckFunc TemplateParseCheck();

}  // namespace pharos::rules
