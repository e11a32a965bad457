// After text/template/exec.go. Errors and break/continue unwind with local
// exceptions caught in ExecuteTemplate, as Go's executor panics and
// recovers; nothing escapes this file.
#include "rules/template/executor.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "promql/string_escape.h"
#include "rules/template/go_format.h"

namespace pharos::rules::tmpl {
namespace {

struct ExecFailure {
  Status status;
};
struct BreakSignal {};
struct ContinueSignal {};

// A value that is absent (no final argument in a pipeline).
struct Operand {
  bool missing = true;
  Value value;
};

class Executor {
 public:
  Executor(const TemplateSet& set, std::string_view source, const FuncMap& funcs,
           const ExecLimits& limits)
      : set_(set), source_(source), funcs_(funcs), limits_(limits) {}

  std::string Run(std::string_view name, const Value& data) {
    auto it = set_.find(name);
    if (it == set_.end()) {
      Fail(InvalidArgumentError("template: no template " + promql::GoQuote(name) +
                                " associated with template " + promql::GoQuote(name)));
    }
    tmpl_name_ = std::string(name);
    parse_name_ = std::string(name);
    vars_.push_back({"$", data});
    Walk(data, *it->second);
    return std::move(out_);
  }

 private:
  [[noreturn]] void Fail(Status s) { throw ExecFailure{std::move(s)}; }

  [[noreturn]] void Errorf(const std::string& msg, StatusCode code = StatusCode::kInvalidArgument) {
    std::string out = "template: ";
    if (at_ == nullptr) {
      out += tmpl_name_ + ": " + msg;
    } else {
      const size_t pos = std::min(at_->pos, source_.size());
      std::string_view before = source_.substr(0, pos);
      const size_t nl = before.rfind('\n');
      const size_t col = nl == std::string_view::npos ? pos : pos - nl - 1;
      const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      const std::string context = at_->String();
      out += parse_name_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": executing " +
             promql::GoQuote(tmpl_name_) + " at <" + context + ">: " + msg;
    }
    Fail(Status(code, out));
  }

  void Step() {
    if (++steps_ > limits_.max_steps) {
      Errorf("template execution exceeded " + std::to_string(limits_.max_steps) + " steps",
             StatusCode::kResourceExhausted);
    }
  }

  void Write(std::string_view s) {
    out_ += s;
    if (out_.size() > limits_.max_output_bytes) {
      Errorf("template output exceeded " + std::to_string(limits_.max_output_bytes) + " bytes",
             StatusCode::kResourceExhausted);
    }
  }

  // --- Variables.
  const Value& VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    Errorf("undefined variable: " + name);
  }
  void SetVar(const std::string& name, Value v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = std::move(v);
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }

  // --- Walking.
  void Walk(const Value& dot, const Node& n) {
    Step();
    at_ = &n;
    switch (n.kind) {
      case NodeKind::kList:
        for (const auto& c : n.children) Walk(dot, *c);
        return;
      case NodeKind::kText: Write(n.text); return;
      case NodeKind::kAction: {
        Value v = EvalPipeline(dot, *n.pipe);
        if (n.pipe->decl.empty()) PrintValue(n, v);
        return;
      }
      case NodeKind::kIf:
      case NodeKind::kWith: {
        const size_t mark = vars_.size();
        Value v = EvalPipeline(dot, *n.pipe);
        if (v.Truthy()) {
          Walk(n.kind == NodeKind::kWith ? v : dot, *n.list);
        } else if (n.else_list) {
          Walk(dot, *n.else_list);
        }
        vars_.resize(mark);
        return;
      }
      case NodeKind::kRange: WalkRange(dot, n); return;
      case NodeKind::kTemplate: WalkTemplate(dot, n); return;
      case NodeKind::kBreak: throw BreakSignal{};
      case NodeKind::kContinue: throw ContinueSignal{};
      default: Errorf("unknown node: " + n.String());
    }
  }

  void WalkRange(const Value& dot, const Node& r) {
    at_ = &r;
    const size_t outer = vars_.size();
    Value v = EvalPipeline(dot, *r.pipe);
    const size_t mark = vars_.size();
    auto one = [&](const Value& index, const Value& elem) -> bool {
      Step();
      const auto& decl = r.pipe->decl;
      if (!decl.empty()) {
        if (r.pipe->is_assign) {
          SetVar(decl[0], decl.size() > 1 ? index : elem);
        } else {
          vars_[mark - 1].second = elem;
        }
      }
      if (decl.size() > 1) {
        if (r.pipe->is_assign) {
          SetVar(decl[1], elem);
        } else {
          vars_[mark - 2].second = index;
        }
      }
      bool stop = false;
      try {
        Walk(elem, *r.list);
      } catch (const BreakSignal&) {
        stop = true;
      } catch (const ContinueSignal&) {
      }
      vars_.resize(mark);
      return !stop;
    };
    bool any = false;
    switch (v.kind()) {
      case ValueKind::kList: {
        const ValueList& list = v.list();
        any = !list.empty();
        for (size_t i = 0; i < list.size(); ++i) {
          if (!one(Value::Int(static_cast<int64_t>(i)), list[i])) break;
        }
        break;
      }
      case ValueKind::kMap: {
        any = !v.map().empty();
        for (const auto& [k, e] : v.map()) {
          if (!one(Value::String(k), e)) break;
        }
        break;
      }
      case ValueKind::kNil: break;
      default:  // at_ stays on the last node evaluated, as in Go
        Errorf("range can't iterate over " + GoFormatValue(v));
    }
    if (!any && r.else_list) Walk(dot, *r.else_list);
    vars_.resize(outer);
  }

  void WalkTemplate(const Value& dot, const Node& t) {
    at_ = &t;
    auto it = set_.find(t.text);
    if (it == set_.end()) Errorf("template " + promql::GoQuote(t.text) + " not defined");
    if (depth_ >= limits_.max_depth) {
      Errorf("exceeded maximum template depth (" + std::to_string(limits_.max_depth) + ")",
             StatusCode::kResourceExhausted);
    }
    Value new_dot = t.pipe ? EvalPipeline(dot, *t.pipe) : Value();
    std::vector<std::pair<std::string, Value>> saved = std::move(vars_);
    std::string saved_name = std::move(tmpl_name_);
    vars_ = {{"$", new_dot}};
    tmpl_name_ = t.text;
    ++depth_;
    Walk(new_dot, *it->second);
    --depth_;
    tmpl_name_ = std::move(saved_name);
    vars_ = std::move(saved);
  }

  void PrintValue(const Node& n, const Value& v) {
    at_ = &n;
    if (v.is_nil()) {
      Write("<no value>");
    } else if (v.kind() == ValueKind::kSample) {
      std::string s = GoFormatValue(v);
      Write(std::string_view(s).substr(1));  // text/template prints *T as T
    } else {
      Write(GoFormatValue(v));
    }
  }

  // --- Pipelines and commands.
  Value EvalPipeline(const Value& dot, const Node& pipe) {
    at_ = &pipe;
    Operand value;
    for (const auto& cmd : pipe.children) {
      value.value = EvalCommand(dot, *cmd, value);
      value.missing = false;
    }
    for (const auto& name : pipe.decl) {
      if (pipe.is_assign) {
        SetVar(name, value.value);
      } else {
        vars_.push_back({name, value.value});
      }
    }
    return value.value;
  }

  void NotAFunction(const Node& cmd, const Operand& final) {
    if (cmd.children.size() > 1 || !final.missing) {
      Errorf("can't give argument to non-function " + cmd.children[0]->String());
    }
  }

  Value EvalCommand(const Value& dot, const Node& cmd, const Operand& final) {
    const Node& first = *cmd.children[0];
    switch (first.kind) {
      case NodeKind::kField:
        at_ = &first;
        return EvalFieldChain(dot, dot, first, first.idents, 0, &cmd, final);
      case NodeKind::kChain: {
        at_ = &first;
        if (first.list->kind == NodeKind::kNil) Errorf("indirection through explicit nil in " + first.String());
        Value receiver = EvalArg(dot, ParamType::kAny, *first.list);
        return EvalFieldChain(dot, receiver, first, first.idents, 0, &cmd, final);
      }
      case NodeKind::kIdentifier: return EvalFunction(dot, first, cmd, final);
      case NodeKind::kPipe:
        NotAFunction(cmd, final);
        return EvalPipeline(dot, first);
      case NodeKind::kVariable: {
        at_ = &first;
        const Value& v = VarValue(first.idents[0]);
        if (first.idents.size() == 1) {
          NotAFunction(cmd, final);
          return v;
        }
        return EvalFieldChain(dot, v, first, first.idents, 1, &cmd, final);
      }
      default: break;
    }
    at_ = &first;
    NotAFunction(cmd, final);
    switch (first.kind) {
      case NodeKind::kBool: return Value::Bool(first.bool_value);
      case NodeKind::kDot: return dot;
      case NodeKind::kNil: Errorf("nil is not a command");
      case NodeKind::kNumber: return IdealConstant(first);
      case NodeKind::kString: return Value::String(first.text);
      default: Errorf("can't evaluate command " + promql::GoQuote(first.String()));
    }
  }

  Value IdealConstant(const Node& n) {
    at_ = &n;
    const bool hex_int = n.text.size() > 2 && n.text[0] == '0' && (n.text[1] == 'x' || n.text[1] == 'X') &&
                         n.text.find_first_of("pP") == std::string::npos;
    const bool rune = !n.text.empty() && n.text[0] == '\'';
    if (n.is_float && !hex_int && !rune && n.text.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(n.float_value);
    }
    if (n.is_int) return Value::Int(n.int_value);
    Errorf(n.text + " overflows int");
  }

  // Fields idents[from..]; the command's other arguments go to the last.
  Value EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                       const std::vector<std::string>& idents, size_t from, const Node* cmd,
                       const Operand& final) {
    for (size_t i = from; i < idents.size(); ++i) {
      const bool last = i + 1 == idents.size();
      const bool has_args = last && ((cmd && cmd->children.size() > 1) || !final.missing);
      receiver = EvalField(dot, idents[i], node, has_args, receiver);
    }
    return receiver;
  }

  Value EvalField(const Value&, const std::string& field, const Node& node, bool has_args,
                  const Value& receiver) {
    at_ = &node;
    switch (receiver.kind()) {
      case ValueKind::kNil: return Value();
      case ValueKind::kStruct: {
        auto it = receiver.map().find(field);
        if (it != receiver.map().end()) {
          if (has_args) Errorf(field + " has arguments but cannot be invoked as function");
          return it->second;
        }
        break;
      }
      case ValueKind::kSample: {
        if (field == "Labels" || field == "Value") {
          if (has_args) Errorf(field + " has arguments but cannot be invoked as function");
          if (field == "Labels") return Value::StringMap(receiver.sample().labels);
          return Value::Float(receiver.sample().value);
        }
        break;
      }
      case ValueKind::kMap: {
        if (has_args) Errorf(field + " is not a method but has arguments");
        auto it = receiver.map().find(field);
        return it != receiver.map().end() ? it->second : receiver.MapZero();
      }
      default: break;
    }
    Errorf("can't evaluate field " + field + " in type " + receiver.TypeName());
  }

  // --- Function calls.
  Value EvalFunction(const Value& dot, const Node& ident, const Node& cmd, const Operand& final) {
    at_ = &ident;
    const std::string& name = ident.text;
    if (name == "and" || name == "or") {
      const size_t n_args = cmd.children.size() - 1 + (final.missing ? 0 : 1);
      if (n_args < 1) Errorf("wrong number of args for " + name + ": want at least 1 got 0");
      Value v;
      for (size_t i = 1; i < cmd.children.size(); ++i) {
        v = EvalArg(dot, ParamType::kAny, *cmd.children[i]);
        if (v.Truthy() == (name == "or")) return v;
      }
      if (!final.missing) v = final.value;
      return v;
    }
    auto it = funcs_.find(name);
    if (it == funcs_.end()) Errorf(promql::GoQuote(name) + " is not a defined function");
    const Function& fn = it->second;
    const size_t n_given = cmd.children.size() - 1;
    const size_t num_in = n_given + (final.missing ? 0 : 1);
    const size_t n_params = fn.params.size();
    if (fn.variadic) {
      if (num_in < n_params - 1) {
        Errorf("wrong number of args for " + name + ": want at least " + std::to_string(n_params - 1) +
               " got " + std::to_string(n_given));
      }
    } else if (num_in != n_params) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(n_params) + " got " +
             std::to_string(num_in));
    }
    auto param = [&](size_t i) { return i < n_params ? fn.params[i] : fn.params.back(); };
    std::vector<Value> args;
    args.reserve(num_in);
    for (size_t i = 0; i < n_given; ++i) args.push_back(EvalArg(dot, param(i), *cmd.children[i + 1]));
    if (!final.missing) {
      at_ = &cmd;
      args.push_back(ValidateType(final.value, param(num_in - 1)));
    }
    Result<Value> r = fn.call(args);
    if (!r.ok()) {
      at_ = &cmd;
      Errorf("error calling " + name + ": " + r.status().message());
    }
    return std::move(r).value();
  }

  Value ValidateType(const Value& v, ParamType t) {
    auto wrong = [&]() {
      Errorf("wrong type for value; expected " + std::string(ParamTypeName(t)) + "; got " + v.TypeName());
    };
    switch (t) {
      case ParamType::kAny: return v;
      case ParamType::kString:
        if (v.is_nil()) Errorf("invalid value; expected string");
        if (v.kind() != ValueKind::kString) wrong();
        return v;
      case ParamType::kFloat:
        if (v.is_nil()) Errorf("invalid value; expected float64");
        if (v.kind() != ValueKind::kFloat) wrong();
        return v;
      case ParamType::kInt:
        if (v.is_nil()) Errorf("invalid value; expected int");
        if (v.kind() != ValueKind::kInt) wrong();
        return v;
      case ParamType::kSample:
        if (!v.is_nil() && v.kind() != ValueKind::kSample) wrong();
        return v;
      case ParamType::kQueryResult:
        if (v.is_nil()) return v;
        if (v.kind() != ValueKind::kList || v.TypeName() != "template.queryResult") wrong();
        return v;
    }
    return v;
  }

  Value EvalArg(const Value& dot, ParamType t, const Node& n) {
    at_ = &n;
    switch (n.kind) {
      case NodeKind::kDot: return ValidateType(dot, t);
      case NodeKind::kNil:
        if (t == ParamType::kAny || t == ParamType::kSample || t == ParamType::kQueryResult) return Value();
        Errorf("cannot assign nil to " + std::string(ParamTypeName(t)));
      case NodeKind::kField: return ValidateType(EvalFieldChain(dot, dot, n, n.idents, 0, nullptr, Operand{}), t);
      case NodeKind::kVariable: {
        const Value& v = VarValue(n.idents[0]);
        if (n.idents.size() == 1) return ValidateType(v, t);
        return ValidateType(EvalFieldChain(dot, v, n, n.idents, 1, nullptr, Operand{}), t);
      }
      case NodeKind::kPipe: return ValidateType(EvalPipeline(dot, n), t);
      case NodeKind::kIdentifier:  // a bare function name: a call without arguments
        return ValidateType(EvalFunctionNoArgs(dot, n), t);
      case NodeKind::kChain: {
        Value receiver = EvalArg(dot, ParamType::kAny, *n.list);
        return ValidateType(EvalFieldChain(dot, receiver, n, n.idents, 0, nullptr, Operand{}), t);
      }
      default: break;
    }
    switch (t) {
      case ParamType::kString:
        if (n.kind == NodeKind::kString) return Value::String(n.text);
        Errorf("expected string; found " + n.String());
      case ParamType::kFloat:
        if (n.kind == NodeKind::kNumber && n.is_float) return Value::Float(n.float_value);
        Errorf("expected float; found " + n.String());
      case ParamType::kInt:
        if (n.kind == NodeKind::kNumber && n.is_int) return Value::Int(n.int_value);
        Errorf("expected integer; found " + n.String());
      case ParamType::kAny:
        switch (n.kind) {
          case NodeKind::kBool: return Value::Bool(n.bool_value);
          case NodeKind::kNumber: return IdealConstant(n);
          case NodeKind::kString: return Value::String(n.text);
          default: break;
        }
        break;
      default: break;
    }
    Errorf("can't handle " + n.String() + " for arg of type " + std::string(ParamTypeName(t)));
  }

  Value EvalFunctionNoArgs(const Value& dot, const Node& ident) {
    Node cmd(NodeKind::kCommand, ident.pos, ident.line);
    cmd.children.push_back(std::make_unique<Node>(NodeKind::kIdentifier, ident.pos, ident.line));
    cmd.children[0]->text = ident.text;
    Value v = EvalFunction(dot, *cmd.children[0], cmd, Operand{});
    at_ = &ident;
    return v;
  }

  const TemplateSet& set_;
  std::string_view source_;
  const FuncMap& funcs_;
  const ExecLimits& limits_;
  std::string out_;
  std::vector<std::pair<std::string, Value>> vars_;
  std::string tmpl_name_;
  std::string parse_name_;
  const Node* at_ = nullptr;
  int64_t steps_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<std::string> ExecuteTemplate(const TemplateSet& set, std::string_view name,
                                    std::string_view source, const Value& data,
                                    const FuncMap& funcs, const ExecLimits& limits) {
  try {
    Executor e(set, source, funcs, limits);
    return e.Run(name, data);
  } catch (const ExecFailure& f) {
    return f.status;
  } catch (const BreakSignal&) {
    return InternalError("template: {{break}} outside {{range}}");
  } catch (const ContinueSignal&) {
    return InternalError("template: {{continue}} outside {{range}}");
  }
}

}  // namespace pharos::rules::tmpl
