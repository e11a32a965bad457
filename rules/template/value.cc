#include "rules/template/value.h"

namespace pharos::rules::tmpl {

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.v_ = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = ValueKind::kInt;
  v.v_ = i;
  return v;
}

Value Value::Float(double f) {
  Value v;
  v.kind_ = ValueKind::kFloat;
  v.v_ = f;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = ValueKind::kString;
  v.v_ = std::move(s);
  return v;
}

Value Value::Map(ValueMap m, std::string elem_type) {
  Value v;
  v.kind_ = ValueKind::kMap;
  v.v_ = std::make_shared<const ValueMap>(std::move(m));
  v.type_ = std::move(elem_type);
  return v;
}

Value Value::StringMap(const std::map<std::string, std::string>& m) {
  ValueMap out;
  for (const auto& [k, s] : m) out.emplace(k, String(s));
  return Map(std::move(out), "string");
}

Value Value::List(ValueList l, std::string type_name) {
  Value v;
  v.kind_ = ValueKind::kList;
  v.v_ = std::make_shared<const ValueList>(std::move(l));
  v.type_ = std::move(type_name);
  return v;
}

Value Value::Sample(TemplateSample s) {
  Value v;
  v.kind_ = ValueKind::kSample;
  v.v_ = std::make_shared<const TemplateSample>(std::move(s));
  return v;
}

Value Value::Struct(ValueMap fields, std::string type_name, std::vector<std::string> order) {
  Value v;
  v.order_ = std::make_shared<const std::vector<std::string>>(std::move(order));
  v.kind_ = ValueKind::kStruct;
  v.v_ = std::make_shared<const ValueMap>(std::move(fields));
  v.type_ = std::move(type_name);
  return v;
}

std::string Value::TypeName() const {
  switch (kind_) {
    case ValueKind::kNil: return "<nil>";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kFloat: return "float64";
    case ValueKind::kString: return "string";
    case ValueKind::kMap: return "map[string]" + type_;
    case ValueKind::kList: return type_;
    case ValueKind::kSample: return "*template.sample";
    case ValueKind::kStruct: return type_;
  }
  return "?";
}

Value Value::MapZero() const {
  if (kind_ == ValueKind::kMap && type_ == "string") return String("");
  return Value();
}

bool Value::Truthy() const {
  switch (kind_) {
    case ValueKind::kNil: return false;
    case ValueKind::kBool: return bool_value();
    case ValueKind::kInt: return int_value() != 0;
    case ValueKind::kFloat: return float_value() != 0;
    case ValueKind::kString: return !string_value().empty();
    case ValueKind::kMap: return !map().empty();
    case ValueKind::kList: return !list().empty();
    case ValueKind::kSample: return true;
    case ValueKind::kStruct: return true;
  }
  return false;
}

}  // namespace pharos::rules::tmpl
