#include "rules/template/ast.h"

namespace pharos::rules::tmpl {
namespace {

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string ArgString(const Node& n) {
  if (n.kind == NodeKind::kPipe) return "(" + n.String() + ")";
  return n.String();
}

}  // namespace

std::string Node::String() const {
  switch (kind) {
    case NodeKind::kList: {
      std::string out;
      for (const auto& c : children) out += c->String();
      return out;
    }
    case NodeKind::kText: return text;
    case NodeKind::kAction: return "{{" + pipe->String() + "}}";
    case NodeKind::kPipe: {
      std::string out;
      if (!decl.empty()) out = Join(decl, ", ") + (is_assign ? " = " : " := ");
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += " | ";
        out += children[i]->String();
      }
      return out;
    }
    case NodeKind::kCommand: {
      std::string out;
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ' ';
        out += ArgString(*children[i]);
      }
      return out;
    }
    case NodeKind::kIdentifier: return text;
    case NodeKind::kVariable: return Join(idents, ".");
    case NodeKind::kField: return "." + Join(idents, ".");
    case NodeKind::kChain: {
      std::string out = ArgString(*list);
      for (const auto& f : idents) out += "." + f;
      return out;
    }
    case NodeKind::kDot: return ".";
    case NodeKind::kNil: return "nil";
    case NodeKind::kBool: return bool_value ? "true" : "false";
    case NodeKind::kNumber: return text;
    case NodeKind::kString: return quoted;
    case NodeKind::kIf:
    case NodeKind::kRange:
    case NodeKind::kWith: {
      const char* name = kind == NodeKind::kIf ? "if" : kind == NodeKind::kRange ? "range" : "with";
      std::string out = std::string("{{") + name + " " + pipe->String() + "}}" + list->String();
      if (else_list) out += "{{else}}" + else_list->String();
      return out + "{{end}}";
    }
    case NodeKind::kTemplate:
      if (!pipe) return "{{template \"" + text + "\"}}";
      return "{{template \"" + text + "\" " + pipe->String() + "}}";
    case NodeKind::kBreak: return "{{break}}";
    case NodeKind::kContinue: return "{{continue}}";
  }
  return "";
}

}  // namespace pharos::rules::tmpl
