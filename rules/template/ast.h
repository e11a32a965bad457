// The parse tree of a Go text/template, as text/template/parse builds it.
// One Node struct with a kind keeps the executor a single switch; String()
// prints a node the way Go does in execution error messages
// (`at <humanize $value>`).
//
// Thread-safety: immutable after parsing; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pharos::rules::tmpl {

enum class NodeKind {
  kList, kText, kAction, kPipe, kCommand,
  // Operands.
  kIdentifier, kVariable, kField, kChain, kDot, kNil, kBool, kNumber, kString,
  // Control.
  kIf, kRange, kWith, kTemplate, kBreak, kContinue,
};

struct Node {
  NodeKind kind;
  size_t pos = 0;  // byte offset in the source
  int line = 0;

  std::vector<std::unique_ptr<Node>> children;  // list items, pipe commands, command args
  std::string text;                             // text, identifier, string value, template name, number text
  std::vector<std::string> idents;              // variable ("$x", "a") / field ("a", "b") / chain fields
  std::vector<std::string> decl;                // pipe: declared or assigned variables
  bool is_assign = false;                       // pipe: "=" rather than ":="
  bool bool_value = false;
  // Numbers: which interpretations the literal allows.
  bool is_int = false, is_float = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::string quoted;  // strings: the literal as written

  // Action, branches, template: the pipeline (may be null for template).
  std::unique_ptr<Node> pipe;
  // Branches: the body and else parts (else may be null). Chain: the operand.
  std::unique_ptr<Node> list;
  std::unique_ptr<Node> else_list;

  explicit Node(NodeKind k, size_t p = 0, int l = 0) : kind(k), pos(p), line(l) {}

  std::string String() const;
};

// Templates by name: the main one and those from {{define}} / {{block}}.
using TemplateSet = std::map<std::string, std::unique_ptr<Node>, std::less<>>;

}  // namespace pharos::rules::tmpl
