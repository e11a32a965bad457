// Go's fmt package as text/template and Prometheus' template functions use
// it: Sprint, Sprintln, Sprintf with the common verbs (%v %s %d %f %e %g %q
// %x %X %o %b %c %t %U %%), flags (+ - # space 0), widths and precisions
// (also `*`), and Go's spelling of mistakes (`%!d(string=x)`,
// `%!s(MISSING)`, `%!(EXTRA int=1)`).
//
// Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/template/value.h"

namespace pharos::rules::tmpl {

// fmt.Sprint: operands printed with %v, a space between two operands when
// neither is a string.
std::string GoSprint(const std::vector<Value>& args);
// fmt.Sprintln: operands with %v, always space-separated, then "\n".
std::string GoSprintln(const std::vector<Value>& args);
// fmt.Sprintf.
std::string GoSprintf(std::string_view format, const std::vector<Value>& args);
// fmt.Sprint of one value (%v): floats as %g with shortest digits, maps as
// "map[k:v]", lists as "[a b]", nil as "<nil>".
std::string GoFormatValue(const Value& v);

// strconv.FormatFloat(v, verb, prec, 64) for verb in e E f F g G; prec -1
// means the shortest digits that round-trip. Infinities are "+Inf"/"-Inf".
std::string GoFormatFloat(double v, char verb, int prec);

}  // namespace pharos::rules::tmpl
