// promtool's checkConfig and checkRules, over Pharos' loader and rules.

#include "server/config/check_config.h"

#include <glob.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "rules/rule_file.h"
#include "rules/template/alert_template.h"
#include "server/config/config.h"

namespace pharos::server {
namespace {

// filepath.Glob: the sorted matches, none for a pattern matching nothing.
std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

// os.Stat's error as Go prints it, or "" when the file exists (or fn is "").
std::string StatError(const std::string& fn) {
  if (fn.empty()) return "";
  struct stat st {};
  if (::stat(fn.c_str(), &st) == 0) return "";
  const int e = errno;
  return "stat " + fn + ": " + (e == ENOENT ? std::string("no such file or directory") : std::strerror(e));
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// promtool's checkTLSConfig.
Status CheckTls(const TlsConfig& tls, bool syntax_only) {
  if (!tls.cert_file.empty() && tls.key_file.empty()) {
    return InvalidArgumentError("client cert file " + Quote(tls.cert_file) + " specified without client key file");
  }
  if (!tls.key_file.empty() && tls.cert_file.empty()) {
    return InvalidArgumentError("client key file " + Quote(tls.key_file) + " specified without client cert file");
  }
  if (syntax_only) return Status::Ok();
  if (std::string e = StatError(tls.cert_file); !e.empty()) {
    return InvalidArgumentError("error checking client cert file " + Quote(tls.cert_file) + ": " + e);
  }
  if (std::string e = StatError(tls.key_file); !e.empty()) {
    return InvalidArgumentError("error checking client key file " + Quote(tls.key_file) + ": " + e);
  }
  return Status::Ok();
}

void WarnMissingFileSd(const std::vector<FileSdConfig>& sds, const std::string& job, std::FILE* out) {
  for (const FileSdConfig& sd : sds) {
    for (const std::string& file : sd.files) {
      if (Glob(file).empty()) {
        std::fprintf(out, "  WARNING: file %s for file_sd in scrape job %s does not exist\n", Quote(file).c_str(),
                     Quote(job).c_str());
      }
    }
  }
}

// promtool's checkConfig: the rule files found, or the error.
Result<std::vector<std::string>> CheckConfigFile(const std::string& path, bool syntax_only, std::FILE* out) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Config> cfg, LoadConfigFile(path));
  std::vector<std::string> rule_files;
  if (!syntax_only) {
    for (const std::string& pattern : cfg->rule_files) {
      std::vector<std::string> matches = Glob(pattern);
      if (pattern.find('*') == std::string::npos) {
        if (matches.empty()) return InvalidArgumentError(Quote(pattern) + " does not point to an existing file");
        if (std::string e = StatError(matches[0]); !e.empty()) {
          return InvalidArgumentError("error checking rule file " + Quote(matches[0]) + ": " + e);
        }
      }
      rule_files.insert(rule_files.end(), matches.begin(), matches.end());
    }
  }
  for (const ScrapeConfig& sc : cfg->scrape_configs) {
    if (!syntax_only && sc.http_client.authorization) {
      const std::string& file = sc.http_client.authorization->credentials_file;
      if (std::string e = StatError(file); !e.empty()) {
        return InvalidArgumentError("error checking authorization credentials or bearer token file " + Quote(file) +
                                    ": " + e);
      }
    }
    RETURN_IF_ERROR(CheckTls(sc.http_client.tls_config, syntax_only));
    if (!syntax_only) WarnMissingFileSd(sc.file_sd_configs, sc.job_name, out);
  }
  for (const AlertmanagerConfig& am : cfg->alerting.alertmanagers) {
    RETURN_IF_ERROR(CheckTls(am.http_client.tls_config, syntax_only));
  }
  return rule_files;
}

Status CheckTemplate(std::string_view alert_name, std::string_view text) {
  auto parsed = rules::AlertTemplate::Parse(alert_name, text);
  return parsed.ok() ? Status::Ok() : parsed.status();
}

}  // namespace

int RunCheckConfig(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  bool syntax_only = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--syntax-only") {
      syntax_only = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(err, "pharos: error: unknown long flag '%s', try --help\n", a.c_str());
      return 1;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(err, "pharos: error: required argument 'config-files' not provided, try --help\n");
    return 1;
  }
  for (const std::string& f : files) {
    if (!StatError(f).empty()) {
      std::fprintf(err, "pharos: error: path '%s' does not exist, try --help\n", f.c_str());
      return 1;
    }
  }

  bool failed = false;
  for (const std::string& f : files) {
    std::fprintf(out, "Checking %s\n", f.c_str());
    Result<std::vector<std::string>> rule_files = CheckConfigFile(f, syntax_only, out);
    std::vector<std::string> found;
    if (!rule_files.ok()) {
      std::fflush(out);
      std::fprintf(err, "  FAILED: %s\n", rule_files.status().message().c_str());
      failed = true;
    } else {
      found = *rule_files;
      if (!found.empty()) std::fprintf(out, "  SUCCESS: %zu rule files found\n", found.size());
      std::fprintf(out, " SUCCESS: %s is valid prometheus config file syntax\n", f.c_str());
    }
    std::fprintf(out, "\n");
    for (const std::string& rf : found) {
      std::fprintf(out, "Checking %s\n", rf.c_str());
      rules::RuleFileParse parsed = rules::ParseRuleFile(rf, CheckTemplate);
      if (!parsed.errors.empty()) {
        std::fflush(out);
        std::fprintf(err, "  FAILED:\n");
        for (const std::string& e : parsed.errors) std::fprintf(err, "     %s\n", e.c_str());
        failed = true;
      } else {
        std::fprintf(out, "  SUCCESS: %zu rules found\n", parsed.file.NumRules());
      }
      std::fprintf(out, "\n");
    }
  }
  std::fflush(out);
  return failed ? 1 : 0;
}

}  // namespace pharos::server
