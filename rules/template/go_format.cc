// Follows fmt/print.go's doPrintf and fmt/format.go's padding rules.
#include "rules/template/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "promql/string_escape.h"

namespace pharos::rules::tmpl {
namespace {

struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

int RuneCount(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// fmt.pad: pads to the width with spaces (zeros with the 0 flag), on the
// right with the - flag.
void Pad(std::string& out, const Spec& f, std::string_view s) {
  if (!f.wid_present || f.wid <= RuneCount(s)) {
    out += s;
    return;
  }
  const int n = f.wid - RuneCount(s);
  if (f.minus) {
    out += s;
    out.append(n, ' ');
  } else {
    out.append(n, f.zero ? '0' : ' ');
    out += s;
  }
}

std::string ShortestSci(double v, int* exp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const size_t e = sci.find('e');
  *exp = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  return digits;
}

std::string ExpForm(const std::string& digits, int exp, char e) {
  std::string out(1, digits[0]);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += e;
  out += exp < 0 ? '-' : '+';
  const int ae = std::abs(exp);
  if (ae < 10) out += '0';
  out += std::to_string(ae);
  return out;
}

void FormatInteger(std::string& out, Spec f, int64_t value, char verb) {
  const bool negative = value < 0;
  uint64_t u = negative ? -static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  int base = 10;
  const char* digits = "0123456789abcdefx";
  switch (verb) {
    case 'b': base = 2; break;
    case 'o': case 'O': base = 8; break;
    case 'x': base = 16; break;
    case 'X': base = 16; digits = "0123456789ABCDEFX"; break;
    default: break;
  }
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      f.zero = false;
      Pad(out, f, "");
      return;
    }
  } else if (f.zero && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;
  }
  std::string num;
  do {
    num.insert(num.begin(), digits[u % base]);
    u /= base;
  } while (u != 0);
  while (static_cast<int>(num.size()) < prec) num.insert(num.begin(), '0');
  if (f.sharp) {
    if (base == 16) num.insert(0, verb == 'X' ? "0X" : "0x");
    if (base == 8 && num[0] != '0') num.insert(num.begin(), '0');
    if (base == 2) num.insert(0, "0b");
  }
  if (verb == 'O') num.insert(0, "0o");
  if (negative) {
    num.insert(num.begin(), '-');
  } else if (f.plus) {
    num.insert(num.begin(), '+');
  } else if (f.space) {
    num.insert(num.begin(), ' ');
  }
  f.zero = false;
  Pad(out, f, num);
}

void FormatFloatVerb(std::string& out, Spec f, double v, char verb, int prec) {
  if (f.prec_present) prec = f.prec;
  std::string num = GoFormatFloat(v, verb, prec);
  if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {
    f.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    Pad(out, f, num);
    return;
  }
  if (f.plus || num[0] != '+') {
    if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
      out += num[0];
      out.append(f.wid - num.size(), '0');
      out += num.substr(1);
      return;
    }
    Pad(out, f, num);
    return;
  }
  Pad(out, f, std::string_view(num).substr(1));
}

void FormatString(std::string& out, const Spec& f, std::string_view s, char verb) {
  if (verb == 'q') {
    Pad(out, f, promql::GoQuote(s));
    return;
  }
  if (verb == 'x' || verb == 'X') {
    const char* hex = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
    std::string h;
    for (unsigned char c : s) {
      h += hex[c >> 4];
      h += hex[c & 15];
    }
    Pad(out, f, h);
    return;
  }
  if (f.prec_present) {
    size_t i = 0;
    for (int n = 0; i < s.size() && n < f.prec; ++n) {
      int w = 1;
      promql::DecodeRune(s, i, &w);
      i += w;
    }
    s = s.substr(0, i);
  }
  Pad(out, f, s);
}

void PrintArg(std::string& out, const Spec& f, const Value& v, char verb, int depth);

// fmt's badVerb: the value printed with %v under the same flags.
void BadVerb(std::string& out, const Spec& f, const Value& v, char verb) {
  out += "%!";
  out += verb;
  out += '(';
  if (v.is_nil()) {
    out += "<nil>";
  } else {
    out += v.TypeName();
    out += '=';
    PrintArg(out, f, v, 'v', 0);
  }
  out += ')';
}

void PrintArg(std::string& out, const Spec& f, const Value& v, char verb, int depth) {
  if (verb == 'T') {
    Pad(out, f, v.TypeName());
    return;
  }
  switch (v.kind()) {
    case ValueKind::kNil:
      if (verb == 'v') {
        Pad(out, f, "<nil>");
      } else {
        BadVerb(out, f, v, verb);
      }
      return;
    case ValueKind::kBool:
      if (verb == 't' || verb == 'v') {
        Pad(out, f, v.bool_value() ? "true" : "false");
      } else {
        BadVerb(out, f, v, verb);
      }
      return;
    case ValueKind::kInt:
      switch (verb) {
        case 'v': case 'd': case 'b': case 'o': case 'O': case 'x': case 'X':
          FormatInteger(out, f, v.int_value(), verb == 'v' ? 'd' : verb);
          return;
        case 'c': {
          std::string s;
          promql::AppendRune(s, static_cast<int>(v.int_value()));
          Pad(out, f, s);
          return;
        }
        case 'q':
          Pad(out, f, promql::GoQuoteRune(static_cast<int>(v.int_value())));
          return;
        case 'U': {
          char buf[32];
          std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(v.int_value()));
          Pad(out, f, buf);
          return;
        }
        default: BadVerb(out, f, v, verb); return;
      }
    case ValueKind::kFloat:
      switch (verb) {
        case 'v': FormatFloatVerb(out, f, v.float_value(), 'g', -1); return;
        case 'e': case 'E': case 'f': case 'F':
          FormatFloatVerb(out, f, v.float_value(), verb, 6);
          return;
        case 'g': case 'G': FormatFloatVerb(out, f, v.float_value(), verb, -1); return;
        default: BadVerb(out, f, v, verb); return;
      }
    case ValueKind::kString:
      switch (verb) {
        case 'v': case 's': case 'q': case 'x': case 'X':
          FormatString(out, f, v.string_value(), verb);
          return;
        default: BadVerb(out, f, v, verb); return;
      }
    case ValueKind::kMap: {
      std::string s = "map[";
      bool first = true;
      for (const auto& [k, e] : v.map()) {
        if (!first) s += ' ';
        first = false;
        PrintArg(s, Spec{}, Value::String(k), verb, depth + 1);
        s += ':';
        PrintArg(s, Spec{}, e, verb, depth + 1);
      }
      s += ']';
      out += s;
      return;
    }
    case ValueKind::kList: {
      out += '[';
      bool first = true;
      for (const auto& e : v.list()) {
        if (!first) out += ' ';
        first = false;
        PrintArg(out, f, e, verb, depth + 1);
      }
      out += ']';
      return;
    }
    case ValueKind::kSample: {
      out += "&{";
      PrintArg(out, Spec{}, Value::StringMap(v.sample().labels), verb, depth + 1);
      out += ' ';
      PrintArg(out, Spec{}, Value::Float(v.sample().value), verb, depth + 1);
      out += '}';
      return;
    }
    case ValueKind::kStruct: {
      out += '{';
      bool first = true;
      for (const auto& name : v.field_order()) {
        auto it = v.map().find(name);
        if (it == v.map().end()) continue;
        if (!first) out += ' ';
        first = false;
        PrintArg(out, Spec{}, it->second, verb, depth + 1);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string GoFormatFloat(double v, char verb, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const bool upper = verb == 'E' || verb == 'G';
  const char lower = static_cast<char>(upper ? verb + ('a' - 'A') : verb == 'F' ? 'f' : verb);
  std::string sign = std::signbit(v) ? "-" : "";
  if (prec < 0) {
    int exp = 0;
    std::string digits = v == 0 ? "0" : ShortestSci(v, &exp);
    if (lower == 'e') return sign + ExpForm(digits, exp, upper ? 'E' : 'e');
    if (lower == 'g') {
      if (exp < -4 || exp >= 6) return sign + ExpForm(digits, exp, upper ? 'E' : 'e');
      if (v == 0) return sign + "0";
    }
    const int nd = static_cast<int>(digits.size());
    const int dp = exp + 1;
    std::string out = sign;
    if (dp <= 0) {
      out += "0.";
      out.append(-dp, '0');
      out += digits;
    } else if (dp >= nd) {
      out += digits;
      out.append(dp - nd, '0');
    } else {
      out += digits.substr(0, dp) + "." + digits.substr(dp);
    }
    return out;
  }
  char fmt[8] = {'%', '.', '*', lower, 0};
  if (upper) fmt[3] = verb;
  std::vector<char> buf(static_cast<size_t>(prec) + 400);
  std::snprintf(buf.data(), buf.size(), fmt, prec, v);
  return buf.data();
}

std::string GoFormatValue(const Value& v) {
  std::string out;
  PrintArg(out, Spec{}, v, 'v', 0);
  return out;
}

std::string GoSprint(const std::vector<Value>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_string = args[i].kind() == ValueKind::kString;
    if (i > 0 && !is_string && args[i - 1].kind() != ValueKind::kString) out += ' ';
    PrintArg(out, Spec{}, args[i], 'v', 0);
  }
  return out;
}

std::string GoSprintln(const std::vector<Value>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    PrintArg(out, Spec{}, args[i], 'v', 0);
  }
  out += '\n';
  return out;
}

std::string GoSprintf(std::string_view format, const std::vector<Value>& args) {
  std::string out;
  size_t arg = 0;
  const size_t end = format.size();
  auto int_arg = [&](int* dst) {
    if (arg < args.size() && args[arg].kind() == ValueKind::kInt) {
      *dst = static_cast<int>(args[arg++].int_value());
      return true;
    }
    if (arg < args.size()) ++arg;
    return false;
  };
  for (size_t i = 0; i < end;) {
    const size_t start = i;
    while (i < end && format[i] != '%') ++i;
    out.append(format.substr(start, i - start));
    if (i >= end) break;
    ++i;  // '%'
    Spec f;
    for (; i < end; ++i) {
      const char c = format[i];
      if (c == '#') {
        f.sharp = true;
      } else if (c == '0') {
        f.zero = !f.minus;
      } else if (c == '+') {
        f.plus = true;
      } else if (c == '-') {
        f.minus = true;
        f.zero = false;
      } else if (c == ' ') {
        f.space = true;
      } else {
        break;
      }
    }
    if (i < end && format[i] == '*') {
      ++i;
      f.wid_present = int_arg(&f.wid);
      if (!f.wid_present) out += "%!(BADWIDTH)";
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
    } else {
      while (i < end && format[i] >= '0' && format[i] <= '9') {
        f.wid = f.wid * 10 + (format[i++] - '0');
        f.wid_present = true;
      }
    }
    if (i < end && format[i] == '.') {
      ++i;
      f.prec_present = true;
      if (i < end && format[i] == '*') {
        ++i;
        f.prec_present = int_arg(&f.prec);
        if (f.prec < 0) {
          f.prec = 0;
          f.prec_present = false;
        }
        if (!f.prec_present) out += "%!(BADPREC)";
      } else {
        while (i < end && format[i] >= '0' && format[i] <= '9') f.prec = f.prec * 10 + (format[i++] - '0');
      }
    }
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    int width = 1;
    const int verb = promql::DecodeRune(format, i, &width);
    i += width;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (arg >= args.size()) {
      out += "%!";
      promql::AppendRune(out, verb);
      out += "(MISSING)";
      continue;
    }
    if (verb > 0x7f) {
      out += "%!";
      promql::AppendRune(out, verb);
      out += "(" + args[arg].TypeName() + "=" + GoFormatValue(args[arg]) + ")";
      ++arg;
      continue;
    }
    PrintArg(out, f, args[arg++], static_cast<char>(verb), 0);
  }
  if (arg < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = arg; k < args.size(); ++k) {
      if (k > arg) out += ", ";
      if (args[k].is_nil()) {
        out += "<nil>";
      } else {
        out += args[k].TypeName() + "=" + GoFormatValue(args[k]);
      }
    }
    out += ')';
  }
  return out;
}

}  // namespace pharos::rules::tmpl
