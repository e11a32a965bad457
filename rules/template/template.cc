#include "rules/template/template.h"

#include "rules/template/parser.h"

namespace pharos::rules {

Result<std::unique_ptr<Template>> Template::Parse(std::string name, std::string text,
                                                  const tmpl::FuncMap& funcs) {
  auto is_function = [&funcs](std::string_view f) { return funcs.find(f) != funcs.end(); };
  ASSIGN_OR_RETURN(tmpl::TemplateSet set, tmpl::ParseTemplate(name, text, is_function));
  return std::unique_ptr<Template>(new Template(std::move(name), std::move(text), std::move(set)));
}

Result<std::string> Template::Execute(const tmpl::Value& data, const tmpl::FuncMap& funcs,
                                      const tmpl::ExecLimits& limits) const {
  return tmpl::ExecuteTemplate(set_, name_, text_, data, funcs, limits);
}

}  // namespace pharos::rules
