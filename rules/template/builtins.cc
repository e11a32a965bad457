// Go's text/template builtins (text/template/funcs.go).
#include <cstdio>
#include <string>

#include "rules/template/functions.h"
#include "rules/template/go_format.h"
#include "promql/string_escape.h"

namespace pharos::rules::tmpl {
namespace {

using P = ParamType;

Status BadComparison() { return InvalidArgumentError("incompatible types for comparison"); }

bool IsBasicKind(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool: case ValueKind::kInt: case ValueKind::kFloat: case ValueKind::kString:
      return true;
    default: return false;
  }
}

// fmt.Sprint of the arguments, or the one string argument (evalArgs).
std::string EvalArgs(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].kind() == ValueKind::kString) return args[0].string_value();
  std::vector<Value> printable = args;
  for (auto& a : printable) {
    if (a.is_nil()) a = Value::String("<no value>");
  }
  return GoSprint(printable);
}

Result<bool> Equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    if (!a.is_nil() && !b.is_nil()) return BadComparison();
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kNil: return true;
    case ValueKind::kBool: return a.bool_value() == b.bool_value();
    case ValueKind::kInt: return a.int_value() == b.int_value();
    case ValueKind::kFloat: return a.float_value() == b.float_value();
    case ValueKind::kString: return a.string_value() == b.string_value();
    case ValueKind::kSample: return &a.sample() == &b.sample();
    default:
      return InvalidArgumentError("non-comparable type " + GoFormatValue(b) + ": " + b.TypeName());
  }
}

Result<bool> Less(const Value& a, const Value& b) {
  if (!IsBasicKind(a) || !IsBasicKind(b)) return InvalidArgumentError("invalid type for comparison");
  if (a.kind() != b.kind()) return BadComparison();
  switch (a.kind()) {
    case ValueKind::kInt: return a.int_value() < b.int_value();
    case ValueKind::kFloat: return a.float_value() < b.float_value();
    case ValueKind::kString: return a.string_value() < b.string_value();
    default: return InvalidArgumentError("invalid type for comparison");
  }
}

Result<int64_t> IndexArg(const Value& index, size_t len, bool allow_len) {
  if (index.is_nil()) return InvalidArgumentError("cannot index slice/array with nil");
  if (index.kind() != ValueKind::kInt) {
    return InvalidArgumentError("cannot index slice/array with type " + index.TypeName());
  }
  const int64_t x = index.int_value();
  if (x < 0 || static_cast<size_t>(x) > len || (!allow_len && static_cast<size_t>(x) == len)) {
    return InvalidArgumentError("index out of range: " + std::to_string(x));
  }
  return x;
}

Result<Value> Index(std::vector<Value>& args) {
  Value item = args[0];
  if (item.is_nil()) return InvalidArgumentError("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& index = args[i];
    switch (item.kind()) {
      case ValueKind::kList: {
        ASSIGN_OR_RETURN(int64_t x, IndexArg(index, item.list().size(), false));
        Value next = item.list()[x];
        item = next;
        break;
      }
      case ValueKind::kString: {
        ASSIGN_OR_RETURN(int64_t x, IndexArg(index, item.string_value().size(), false));
        item = Value::Int(static_cast<unsigned char>(item.string_value()[x]));
        break;
      }
      case ValueKind::kMap: {
        if (index.kind() != ValueKind::kString) {
          if (index.is_nil()) return InvalidArgumentError("value is nil; should be of type string");
          return InvalidArgumentError("value has type " + index.TypeName() + "; should be string");
        }
        auto it = item.map().find(index.string_value());
        Value next = it != item.map().end() ? it->second : item.MapZero();
        item = next;
        break;
      }
      case ValueKind::kNil: return InvalidArgumentError("index of nil pointer");
      default: return InvalidArgumentError("can't index item of type " + item.TypeName());
    }
  }
  return item;
}

Result<Value> Slice(std::vector<Value>& args) {
  const Value& item = args[0];
  if (item.is_nil()) return InvalidArgumentError("slice of untyped nil");
  if (args.size() > 4) {
    return InvalidArgumentError("too many slice indexes: " + std::to_string(args.size() - 1));
  }
  size_t len = 0;
  if (item.kind() == ValueKind::kString) {
    if (args.size() == 4) return InvalidArgumentError("cannot 3-index slice a string");
    len = item.string_value().size();
  } else if (item.kind() == ValueKind::kList) {
    len = item.list().size();
  } else {
    return InvalidArgumentError("can't slice item of type " + item.TypeName());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(len), static_cast<int64_t>(len)};
  for (size_t i = 1; i < args.size(); ++i) {
    ASSIGN_OR_RETURN(idx[i - 1], IndexArg(args[i], len, true));
  }
  if (idx[0] > idx[1]) {
    return InvalidArgumentError("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  }
  if (item.kind() == ValueKind::kString) return Value::String(item.string_value().substr(idx[0], idx[1] - idx[0]));
  ValueList out(item.list().begin() + idx[0], item.list().begin() + idx[1]);
  return Value::List(std::move(out), item.TypeName());
}

Result<Value> Len(std::vector<Value>& args) {
  const Value& v = args[0];
  switch (v.kind()) {
    case ValueKind::kString: return Value::Int(static_cast<int64_t>(v.string_value().size()));
    case ValueKind::kMap: return Value::Int(static_cast<int64_t>(v.map().size()));
    case ValueKind::kList: return Value::Int(static_cast<int64_t>(v.list().size()));
    case ValueKind::kNil: return InvalidArgumentError("len of nil pointer");
    default: return InvalidArgumentError("len of type " + v.TypeName());
  }
}

}  // namespace

std::string_view ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kAny: return "interface {}";
    case ParamType::kString: return "string";
    case ParamType::kFloat: return "float64";
    case ParamType::kInt: return "int";
    case ParamType::kSample: return "*template.sample";
    case ParamType::kQueryResult: return "template.queryResult";
  }
  return "?";
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return out;
}

std::string JsEscape(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      int w = 1;
      const int r = promql::DecodeRune(s, i, &w);
      if (promql::GoIsPrint(r)) {
        out.append(s.substr(i, w));
      } else {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04X", r);
        out += buf;
      }
      i += w;
      continue;
    }
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '<': out += "\\u003C"; break;
      case '>': out += "\\u003E"; break;
      case '&': out += "\\u0026"; break;
      case '=': out += "\\u003D"; break;
      default:
        if (c < ' ') {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out;
}

std::string QueryEscape(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void AddBuiltinFunctions(FuncMap& f) {
  // and/or: executed lazily by the executor; the entries declare them.
  f["and"] = {{P::kAny, P::kAny}, true, nullptr};
  f["or"] = {{P::kAny, P::kAny}, true, nullptr};
  f["not"] = {{P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
                return Value::Bool(!a[0].Truthy());
              }};
  f["len"] = {{P::kAny}, false, Len};
  f["index"] = {{P::kAny, P::kAny}, true, Index};
  f["slice"] = {{P::kAny, P::kAny}, true, Slice};
  f["print"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                  return Value::String(GoSprint(a));
                }};
  f["println"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                    return Value::String(GoSprintln(a));
                  }};
  f["printf"] = {{P::kString, P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                   std::vector<Value> rest(a.begin() + 1, a.end());
                   return Value::String(GoSprintf(a[0].string_value(), rest));
                 }};
  f["html"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                 return Value::String(HtmlEscape(EvalArgs(a)));
               }};
  f["js"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
               return Value::String(JsEscape(EvalArgs(a)));
             }};
  f["urlquery"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                     return Value::String(QueryEscape(EvalArgs(a)));
                   }};
  f["eq"] = {{P::kAny, P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
               if (a.size() < 2) return InvalidArgumentError("missing argument for comparison");
               for (size_t i = 1; i < a.size(); ++i) {
                 ASSIGN_OR_RETURN(bool eq, Equal(a[0], a[i]));
                 if (eq) return Value::Bool(true);
               }
               return Value::Bool(false);
             }};
  f["ne"] = {{P::kAny, P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
               ASSIGN_OR_RETURN(bool eq, Equal(a[0], a[1]));
               return Value::Bool(!eq);
             }};
  f["lt"] = {{P::kAny, P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
               ASSIGN_OR_RETURN(bool lt, Less(a[0], a[1]));
               return Value::Bool(lt);
             }};
  f["le"] = {{P::kAny, P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
               ASSIGN_OR_RETURN(bool lt, Less(a[0], a[1]));
               if (lt) return Value::Bool(true);
               ASSIGN_OR_RETURN(bool eq, Equal(a[0], a[1]));
               return Value::Bool(eq);
             }};
  f["gt"] = {{P::kAny, P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
               ASSIGN_OR_RETURN(bool lt, Less(a[0], a[1]));
               if (lt) return Value::Bool(false);
               ASSIGN_OR_RETURN(bool eq, Equal(a[0], a[1]));
               return Value::Bool(!eq);
             }};
  f["ge"] = {{P::kAny, P::kAny}, false, [](std::vector<Value>& a) -> Result<Value> {
               ASSIGN_OR_RETURN(bool lt, Less(a[0], a[1]));
               return Value::Bool(!lt);
             }};
}

}  // namespace pharos::rules::tmpl
