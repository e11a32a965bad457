// A recursive-descent parser after text/template/parse/parse.go. Errors
// unwind with a local exception caught in ParseTemplate, as Go's parser
// panics and recovers.
#include "rules/template/parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "promql/string_escape.h"
#include "rules/template/lexer.h"

namespace pharos::rules::tmpl {
namespace {

struct ParseFailure {
  std::string message;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.Unquote for "..." and `...` and '...'; false on invalid syntax.
bool GoUnquote(std::string_view q, std::string* out, int* rune) {
  if (q.size() < 2) return false;
  const char quote = q[0];
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    for (char c : body) {
      if (c != '\r') *out += c;
    }
    return true;
  }
  int runes = 0;
  int last = 0;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == quote || (quote == '\'' && c == '\n')) return false;
    if (c != '\\') {
      int w = 1;
      last = promql::DecodeRune(body, i, &w);
      out->append(body.substr(i, w));
      i += w;
      ++runes;
      continue;
    }
    if (i + 1 >= body.size()) return false;
    char e = body[i + 1];
    i += 2;
    ++runes;
    switch (e) {
      case 'a': *out += '\a'; last = '\a'; break;
      case 'b': *out += '\b'; last = '\b'; break;
      case 'f': *out += '\f'; last = '\f'; break;
      case 'n': *out += '\n'; last = '\n'; break;
      case 'r': *out += '\r'; last = '\r'; break;
      case 't': *out += '\t'; last = '\t'; break;
      case 'v': *out += '\v'; last = '\v'; break;
      case '\\': *out += '\\'; last = '\\'; break;
      case '\'':
      case '"':
        if (e != quote) return false;
        *out += e;
        last = e;
        break;
      case 'x': case 'u': case 'U': {
        const int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > body.size()) return false;
        int v = 0;
        for (int k = 0; k < n; ++k) {
          int d = HexDigit(body[i + k]);
          if (d < 0) return false;
          v = v * 16 + d;
        }
        i += n;
        if (e == 'x') {
          *out += static_cast<char>(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return false;
          promql::AppendRune(*out, v);
        }
        last = v;
        break;
      }
      default: {
        if (e < '0' || e > '7' || i + 2 > body.size()) return false;
        int v = e - '0';
        for (int k = 0; k < 2; ++k) {
          char d = body[i + k];
          if (d < '0' || d > '7') return false;
          v = v * 8 + (d - '0');
        }
        if (v > 255) return false;
        i += 2;
        *out += static_cast<char>(v);
        last = v;
      }
    }
  }
  if (quote == '\'') {
    if (runes != 1) return false;
    *rune = last;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view name, std::string_view text,
         const std::function<bool(std::string_view)>& is_function)
      : name_(name), tokens_(Lex(text)), is_function_(is_function) {}

  TemplateSet Parse() {
    auto root = std::make_unique<Node>(NodeKind::kList, Peek().pos);
    while (Peek().type != TokenType::kEof) {
      if (Peek().type == TokenType::kLeftDelim) {
        const size_t mark = i_;
        Next();
        if (NextNonSpace().type == TokenType::kDefine) {
          ParseDefinition();
          continue;
        }
        i_ = mark;
      }
      std::unique_ptr<Node> n = TextOrAction();
      if (IsEnd(*n) || IsElse(*n)) Errorf("unexpected " + SentinelString(*n));
      root->children.push_back(std::move(n));
    }
    // Go keeps an existing definition when the new tree is empty; the main
    // template always wins its own name.
    set_[std::string(name_)] = std::move(root);
    return std::move(set_);
  }

 private:
  // Sentinel nodes for {{end}} and {{else}}: text nodes with marker texts.
  static bool IsEnd(const Node& n) { return n.kind == NodeKind::kText && n.text == "\x01end"; }
  static bool IsElse(const Node& n) { return n.kind == NodeKind::kText && n.text.starts_with("\x01else"); }

  const Token& Next() {
    const Token& t = tokens_[std::min(i_, tokens_.size() - 1)];
    ++i_;
    last_ = &t;
    return t;
  }
  const Token& Peek() const { return tokens_[std::min(i_, tokens_.size() - 1)]; }
  void Backup() { --i_; }
  const Token& NextNonSpace() {
    for (;;) {
      const Token& t = Next();
      if (t.type != TokenType::kSpace) return t;
    }
  }
  const Token& PeekNonSpace() {
    const Token& t = NextNonSpace();
    Backup();
    return t;
  }

  [[noreturn]] void Errorf(const std::string& msg) {
    const int line = last_ ? last_->line : 1;
    throw ParseFailure{"template: " + std::string(name_) + ":" + std::to_string(line) + ": " + msg};
  }
  [[noreturn]] void Unexpected(const Token& t, const std::string& context) {
    if (t.type == TokenType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = " in action started at " + std::string(name_) + ":" + std::to_string(action_line_);
        if (t.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      Errorf(t.val + extra);
    }
    Errorf("unexpected " + TokenString(t) + " in " + context);
  }
  const Token& Expect(TokenType type, const std::string& context) {
    const Token& t = NextNonSpace();
    if (t.type != type) Unexpected(t, context);
    return t;
  }

  void ParseDefinition() {
    const std::string context = "define clause";
    const Token& n = NextNonSpace();
    if (n.type != TokenType::kString && n.type != TokenType::kRawString) Unexpected(n, context);
    std::string def_name;
    int unused = 0;
    if (!GoUnquote(n.val, &def_name, &unused)) Errorf("invalid syntax");
    Expect(TokenType::kRightDelim, context);
    std::vector<std::string> saved_vars = std::move(vars_);
    vars_ = {"$"};
    auto [list, end] = ItemList();
    if (!IsEnd(*end)) Errorf("unexpected " + SentinelString(*end) + " in " + context);
    vars_ = std::move(saved_vars);
    set_[def_name] = std::move(list);
  }

  static std::string SentinelString(const Node& n) { return IsEnd(n) ? "{{end}}" : "{{else}}"; }

  std::pair<std::unique_ptr<Node>, std::unique_ptr<Node>> ItemList() {
    auto list = std::make_unique<Node>(NodeKind::kList, PeekNonSpace().pos);
    while (PeekNonSpace().type != TokenType::kEof) {
      std::unique_ptr<Node> n = TextOrAction();
      if (IsEnd(*n) || IsElse(*n)) return {std::move(list), std::move(n)};
      list->children.push_back(std::move(n));
    }
    Errorf("unexpected EOF");
  }

  std::unique_ptr<Node> TextOrAction() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kText: {
        auto n = std::make_unique<Node>(NodeKind::kText, t.pos, t.line);
        n->text = t.val;
        return n;
      }
      case TokenType::kLeftDelim: {
        action_line_ = PeekNonSpace().line;
        auto n = Action();
        action_line_ = 0;
        return n;
      }
      default: Unexpected(t, "input");
    }
  }

  std::unique_ptr<Node> Action() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kBlock: return BlockControl();
      case TokenType::kBreak:
      case TokenType::kContinue: {
        const bool brk = t.type == TokenType::kBreak;
        auto n = std::make_unique<Node>(brk ? NodeKind::kBreak : NodeKind::kContinue, t.pos, t.line);
        const Token& d = NextNonSpace();
        if (d.type != TokenType::kRightDelim) Unexpected(d, brk ? "{{break}}" : "{{continue}}");
        if (range_depth_ == 0) Errorf(brk ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        return n;
      }
      case TokenType::kElse: {
        auto n = std::make_unique<Node>(NodeKind::kText, t.pos, t.line);
        if (PeekNonSpace().type == TokenType::kIf) {
          n->text = "\x01else if";  // "else if": the if is parsed by the caller
          return n;
        }
        Expect(TokenType::kRightDelim, "else");
        n->text = "\x01else";
        return n;
      }
      case TokenType::kEnd: {
        auto n = std::make_unique<Node>(NodeKind::kText, t.pos, t.line);
        Expect(TokenType::kRightDelim, "end");
        n->text = "\x01end";
        return n;
      }
      case TokenType::kIf: return Control(NodeKind::kIf, "if", t);
      case TokenType::kRange: return Control(NodeKind::kRange, "range", t);
      case TokenType::kWith: return Control(NodeKind::kWith, "with", t);
      case TokenType::kTemplate: return TemplateControl();
      default: break;
    }
    Backup();
    const Token& p = Peek();
    auto n = std::make_unique<Node>(NodeKind::kAction, p.pos, p.line);
    n->pipe = Pipeline("command", TokenType::kRightDelim);
    return n;
  }

  std::unique_ptr<Node> Control(NodeKind kind, const std::string& context, const Token& kw) {
    const size_t vars_mark = vars_.size();
    auto n = std::make_unique<Node>(kind, kw.pos, kw.line);
    n->pipe = Pipeline(context, TokenType::kRightDelim);
    if (kind == NodeKind::kRange) ++range_depth_;
    auto [list, next] = ItemList();
    if (kind == NodeKind::kRange) --range_depth_;
    n->list = std::move(list);
    if (IsElse(*next)) {
      if (kind == NodeKind::kIf && next->text == "\x01else if") {
        // {{else if ...}} is {{else}}{{if ...}}...{{end}}{{end}}, sharing the end.
        const Token& if_tok = NextNonSpace();
        n->else_list = std::make_unique<Node>(NodeKind::kList, next->pos, next->line);
        n->else_list->children.push_back(Control(NodeKind::kIf, "if", if_tok));
      } else {
        auto [else_list, end] = ItemList();
        if (!IsEnd(*end)) Errorf("expected end; found " + SentinelString(*end));
        n->else_list = std::move(else_list);
      }
    }
    vars_.resize(vars_mark);
    return n;
  }

  std::unique_ptr<Node> BlockControl() {
    const std::string context = "block clause";
    const Token& t = NextNonSpace();
    std::string block_name = TemplateName(t, context);
    auto n = std::make_unique<Node>(NodeKind::kTemplate, t.pos, t.line);
    n->text = block_name;
    n->pipe = Pipeline(context, TokenType::kRightDelim);
    std::vector<std::string> saved_vars = std::move(vars_);
    vars_ = {"$"};
    auto [list, end] = ItemList();
    if (!IsEnd(*end)) Errorf("unexpected " + SentinelString(*end) + " in " + context);
    vars_ = std::move(saved_vars);
    set_[block_name] = std::move(list);
    return n;
  }

  std::string TemplateName(const Token& t, const std::string& context) {
    if (t.type != TokenType::kString && t.type != TokenType::kRawString) Unexpected(t, context);
    std::string s;
    int unused = 0;
    if (!GoUnquote(t.val, &s, &unused)) Errorf("invalid syntax");
    return s;
  }

  std::unique_ptr<Node> TemplateControl() {
    const std::string context = "template clause";
    const Token& t = NextNonSpace();
    auto n = std::make_unique<Node>(NodeKind::kTemplate, t.pos, t.line);
    n->text = TemplateName(t, context);
    if (NextNonSpace().type != TokenType::kRightDelim) {
      Backup();
      n->pipe = Pipeline(context, TokenType::kRightDelim);
    }
    return n;
  }

  std::unique_ptr<Node> Pipeline(const std::string& context, TokenType end) {
    const Token& first = PeekNonSpace();
    auto pipe = std::make_unique<Node>(NodeKind::kPipe, first.pos, first.line);
    for (;;) {  // declarations
      const Token& v = PeekNonSpace();
      if (v.type != TokenType::kVariable) break;
      const size_t mark = i_;
      NextNonSpace();
      const Token& next = PeekNonSpace();
      if (next.type == TokenType::kAssign || next.type == TokenType::kDeclare) {
        pipe->is_assign = next.type == TokenType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        break;
      }
      if (next.type == TokenType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          TokenType p = PeekNonSpace().type;
          if (p == TokenType::kVariable || p == TokenType::kRightDelim || p == TokenType::kRightParen) continue;
          Errorf("range can only initialize variables");
        }
        Errorf("too many declarations in " + context);
      }
      i_ = mark;
      break;
    }
    for (;;) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        if (pipe->children.empty()) Errorf("missing value for " + context);
        for (size_t k = 1; k < pipe->children.size(); ++k) {
          NodeKind a = pipe->children[k]->children[0]->kind;
          if (a == NodeKind::kBool || a == NodeKind::kDot || a == NodeKind::kNil ||
              a == NodeKind::kNumber || a == NodeKind::kString) {
            Errorf("non executable command in pipeline stage " + std::to_string(k + 1));
          }
        }
        return pipe;
      }
      switch (t.type) {
        case TokenType::kBool: case TokenType::kCharConstant: case TokenType::kDot:
        case TokenType::kField: case TokenType::kIdentifier: case TokenType::kNumber:
        case TokenType::kNil: case TokenType::kRawString: case TokenType::kString:
        case TokenType::kVariable: case TokenType::kLeftParen:
          Backup();
          pipe->children.push_back(Command());
          break;
        default: Unexpected(t, context);
      }
    }
  }

  std::unique_ptr<Node> Command() {
    auto cmd = std::make_unique<Node>(NodeKind::kCommand, PeekNonSpace().pos);
    for (;;) {
      PeekNonSpace();
      if (auto operand = Operand()) cmd->children.push_back(std::move(operand));
      const Token& t = Next();
      if (t.type == TokenType::kSpace) continue;
      if (t.type == TokenType::kRightDelim || t.type == TokenType::kRightParen) {
        Backup();
      } else if (t.type != TokenType::kPipe) {
        Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->children.empty()) Errorf("empty command");
    return cmd;
  }

  std::unique_ptr<Node> Operand() {
    std::unique_ptr<Node> node = Term();
    if (!node) return nullptr;
    if (Peek().type == TokenType::kField) {
      std::vector<std::string> fields;
      const size_t chain_pos = Peek().pos;
      while (Peek().type == TokenType::kField) fields.push_back(Next().val.substr(1));
      switch (node->kind) {
        case NodeKind::kField:
        case NodeKind::kVariable:
          // Go positions the merged node at the first chained field.
          for (auto& f : fields) node->idents.push_back(std::move(f));
          node->pos = chain_pos;
          break;
        case NodeKind::kBool: case NodeKind::kString: case NodeKind::kNumber:
        case NodeKind::kNil: case NodeKind::kDot:
          Errorf("unexpected . after term " + promql::GoQuote(node->String()));
        default: {
          auto chain = std::make_unique<Node>(NodeKind::kChain, chain_pos);
          chain->list = std::move(node);
          chain->idents = std::move(fields);
          node = std::move(chain);
        }
      }
    }
    return node;
  }

  std::unique_ptr<Node> Term() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kIdentifier: {
        if (!is_function_(t.val)) Errorf("function " + promql::GoQuote(t.val) + " not defined");
        auto n = std::make_unique<Node>(NodeKind::kIdentifier, t.pos, t.line);
        n->text = t.val;
        return n;
      }
      case TokenType::kDot: return std::make_unique<Node>(NodeKind::kDot, t.pos, t.line);
      case TokenType::kNil: return std::make_unique<Node>(NodeKind::kNil, t.pos, t.line);
      case TokenType::kVariable: {
        auto n = std::make_unique<Node>(NodeKind::kVariable, t.pos, t.line);
        size_t dot = t.val.find('.', 1);
        n->idents.push_back(t.val.substr(0, dot));
        bool known = false;
        for (const auto& v : vars_) known = known || v == n->idents[0];
        if (!known) Errorf("undefined variable " + promql::GoQuote(n->idents[0]));
        return n;
      }
      case TokenType::kField: {
        auto n = std::make_unique<Node>(NodeKind::kField, t.pos, t.line);
        n->idents.push_back(t.val.substr(1));
        return n;
      }
      case TokenType::kBool: {
        auto n = std::make_unique<Node>(NodeKind::kBool, t.pos, t.line);
        n->bool_value = t.val == "true";
        return n;
      }
      case TokenType::kCharConstant:
      case TokenType::kNumber: return Number(t);
      case TokenType::kLeftParen: return Pipeline("parenthesized pipeline", TokenType::kRightParen);
      case TokenType::kString:
      case TokenType::kRawString: {
        auto n = std::make_unique<Node>(NodeKind::kString, t.pos, t.line);
        int unused = 0;
        if (!GoUnquote(t.val, &n->text, &unused)) Errorf("invalid syntax");
        n->quoted = t.val;
        return n;
      }
      default: break;
    }
    Backup();
    return nullptr;
  }

  std::unique_ptr<Node> Number(const Token& t) {
    auto n = std::make_unique<Node>(NodeKind::kNumber, t.pos, t.line);
    n->text = t.val;
    if (t.type == TokenType::kCharConstant) {
      std::string s;
      int r = 0;
      if (!GoUnquote(t.val, &s, &r)) Errorf("malformed character constant: " + t.val);
      n->is_int = n->is_float = true;
      n->int_value = r;
      n->float_value = r;
      return n;
    }
    if (t.val.ends_with("i")) Errorf("illegal number syntax: " + promql::GoQuote(t.val));
    std::string clean;
    for (char c : t.val) {
      if (c != '_') clean += c;
    }
    // Integers: Go's ParseInt with base 0 (0x, 0o, 0b, leading-0 octal).
    {
      std::string s = clean;
      bool neg = false;
      if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.erase(0, 1);
      }
      int base = 10;
      if (s.size() > 1 && s[0] == '0') {
        char p = s[1];
        if (p == 'x' || p == 'X') base = 16, s.erase(0, 2);
        else if (p == 'o' || p == 'O') base = 8, s.erase(0, 2);
        else if (p == 'b' || p == 'B') base = 2, s.erase(0, 2);
        else base = 8, s.erase(0, 1);
      }
      if (!s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
        errno = 0;
        char* end = nullptr;
        unsigned long long u = std::strtoull(s.c_str(), &end, base);
        if (*end == '\0' && errno == 0 && u <= (neg ? 0x8000000000000000ULL : 0x7fffffffffffffffULL)) {
          n->is_int = n->is_float = true;
          n->int_value = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
          n->float_value = static_cast<double>(n->int_value);
          return n;
        }
      }
    }
    if (clean.find_first_of("xXpP") == std::string::npos) {
      errno = 0;
      char* end = nullptr;
      double f = std::strtod(clean.c_str(), &end);
      if (*end == '\0' && !clean.empty() && errno == 0) {
        if (clean.find_first_of(".eE") == std::string::npos) {
          // Integer text that fits neither int64 nor uint64.
          errno = 0;
          std::strtoull(clean.c_str(), &end, 10);
          if (errno != 0 || clean[0] == '-') Errorf("integer overflow: " + promql::GoQuote(t.val));
          n->is_float = true;  // a uint64: "overflows int" when used
          n->float_value = f;
          return n;
        }
        n->is_float = true;
        n->float_value = f;
        if (std::trunc(f) == f && std::fabs(f) < 9.2e18) {
          n->is_int = true;
          n->int_value = static_cast<int64_t>(f);
        }
        return n;
      }
    }
    Errorf("illegal number syntax: " + promql::GoQuote(t.val));
  }

  std::string_view name_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
  const Token* last_ = nullptr;
  const std::function<bool(std::string_view)>& is_function_;
  std::vector<std::string> vars_ = {"$"};
  int range_depth_ = 0;
  int action_line_ = 0;
  TemplateSet set_;
};

}  // namespace

Result<TemplateSet> ParseTemplate(std::string_view name, std::string_view text,
                                  const std::function<bool(std::string_view)>& is_function) {
  try {
    Parser p(name, text, is_function);
    return p.Parse();
  } catch (const ParseFailure& f) {
    return InvalidArgumentError(f.message);
  }
}

}  // namespace pharos::rules::tmpl
