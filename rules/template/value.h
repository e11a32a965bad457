// Value: the dynamically typed value a Go text/template works on.
//
// Go templates see reflect.Values; Pharos models the handful of types that
// Prometheus' alert templates ever meet: nil, bool, int, float64, string,
// map[string]X (label sets, `args`), slices (query results), a query sample
// (`*template.sample` with fields Labels and Value), and a struct with named
// fields (the alert data: `.Labels`, `.ExternalLabels`, `.ExternalURL`,
// `.Value`). Maps and lists are immutable and shared, so copies are cheap.
//
// Thread-safety: immutable values; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pharos::rules::tmpl {

class Value;
using ValueMap = std::map<std::string, Value>;  // sorted: Go ranges maps by key
using ValueList = std::vector<Value>;

// A query result element: Prometheus' template `sample`.
struct TemplateSample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

enum class ValueKind { kNil, kBool, kInt, kFloat, kString, kMap, kList, kSample, kStruct };

class Value {
 public:
  Value() = default;  // nil
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Float(double f);
  static Value String(std::string s);
  // `elem_type` is the Go element type, used for zero values of missing keys
  // and in messages: "string" for label maps, "interface {}" otherwise.
  static Value Map(ValueMap m, std::string elem_type = "string");
  static Value StringMap(const std::map<std::string, std::string>& m);
  static Value List(ValueList l, std::string type_name = "[]interface {}");
  static Value Sample(TemplateSample s);
  // A struct whose fields are `fields`; `type_name` is Go's name of it and
  // `order` the declaration order of the fields (fmt prints them so).
  static Value Struct(ValueMap fields, std::string type_name, std::vector<std::string> order);

  ValueKind kind() const { return kind_; }
  bool is_nil() const { return kind_ == ValueKind::kNil; }

  // REQUIRES: the matching kind.
  bool bool_value() const { return std::get<bool>(v_); }
  int64_t int_value() const { return std::get<int64_t>(v_); }
  double float_value() const { return std::get<double>(v_); }
  const std::string& string_value() const { return std::get<std::string>(v_); }
  const ValueMap& map() const { return *std::get<std::shared_ptr<const ValueMap>>(v_); }
  const ValueList& list() const { return *std::get<std::shared_ptr<const ValueList>>(v_); }
  const TemplateSample& sample() const { return *std::get<std::shared_ptr<const TemplateSample>>(v_); }
  // Structs: field names in declaration order.
  const std::vector<std::string>& field_order() const { return *order_; }

  // Go's type name as fmt's %T prints it: "string", "float64", "int",
  // "map[string]string", "*template.sample", "<nil>".
  std::string TypeName() const;
  // For maps: the zero value of the element type (Prometheus runs templates
  // with missingkey=zero).
  Value MapZero() const;

  // text/template's truth: false, 0, "", nil and empty maps/lists are false.
  bool Truthy() const;

 private:
  ValueKind kind_ = ValueKind::kNil;
  std::variant<std::monostate, bool, int64_t, double, std::string,
               std::shared_ptr<const ValueMap>, std::shared_ptr<const ValueList>,
               std::shared_ptr<const TemplateSample>>
      v_;
  std::string type_;  // maps: element type; lists and structs: type name
  std::shared_ptr<const std::vector<std::string>> order_;  // structs
};

}  // namespace pharos::rules::tmpl
