// Go's text conventions as Prometheus' messages and printer use them:
// UTF-8 decoding, strconv.Quote / QuoteRune, %#U, %v and %f of float64, and
// unquoting of PromQL string literals.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>

namespace pharos::promql {

constexpr int kRuneError = 0xFFFD;

// The rune at s[pos] and its byte width, as Go's utf8.DecodeRuneInString:
// invalid or truncated sequences decode to kRuneError with width 1.
// REQUIRES: pos < s.size().
int DecodeRune(std::string_view s, size_t pos, int* width);

// Appends r UTF-8 encoded.
void AppendRune(std::string& out, int r);

// Go's strconv.IsPrint: ASCII graphic characters and space, and non-ASCII
// letters, marks, numbers, punctuation and symbols (unicode_print.cc).
bool GoIsPrint(int r);

// strconv.Quote: `"a\n\"b\""`.
std::string GoQuote(std::string_view s);
// strconv.QuoteRune: `'a'`, `'\n'`, `'\x01'`.
std::string GoQuoteRune(int r);
// fmt's %#U: "U+0071 'q'" (without the quoted rune when not printable).
std::string GoRuneU(int r);

// fmt.Sprint(float64): shortest digits, exponent form below 1e-4 and from 1e6,
// Go prints them: 1e+06, 1.5, 0.0001, 1e-05, +Inf, -Inf, NaN.
std::string FormatGoFloat(double v);
// fmt's %.<prec>f: exact decimal rounding, "+Inf", "-Inf", "NaN".
std::string FormatGoFixed(double v, int prec);

// The value of a string token including its quotes ("...", '...' or `...`),
// which the lexer has already validated.
std::string UnquoteString(std::string_view token);

}  // namespace pharos::promql
