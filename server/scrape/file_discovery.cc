#include "server/scrape/file_discovery.h"

#include <glob.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace pharos::server::scrape {

namespace {

std::set<std::string> Expand(const std::vector<std::string>& patterns) {
  std::set<std::string> out;
  for (const std::string& p : patterns) {
    glob_t g{};
    if (glob(p.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.insert(g.gl_pathv[i]);
    }
    globfree(&g);
  }
  return out;
}

Result<std::vector<TargetGroup>> ParseNode(const YAML::Node& root, const std::string& path) {
  std::vector<TargetGroup> out;
  if (!root || root.IsNull()) return out;
  if (!root.IsSequence()) return InvalidArgumentError("expected a list of target groups");
  for (size_t i = 0; i < root.size(); ++i) {
    const YAML::Node& g = root[i];
    if (!g.IsMap()) return InvalidArgumentError("target group " + std::to_string(i) + " is not a map");
    TargetGroup tg;
    tg.source = path + ":" + std::to_string(i);
    std::vector<tsdb::Label> labels;
    for (const auto& kv : g) {
      std::string key = kv.first.as<std::string>();
      if (key == "targets") {
        if (!kv.second.IsSequence() && !kv.second.IsNull()) {
          return InvalidArgumentError("targets must be a list");
        }
        for (const auto& t : kv.second) {
          if (!t.IsScalar()) return InvalidArgumentError("a target must be a string");
          std::string addr = t.as<std::string>();
          if (addr.find('/') != std::string::npos) {
            return InvalidArgumentError("\"" + addr + "\" is not a valid hostname");
          }
          tg.targets.push_back(tsdb::Labels({{"__address__", addr}}));
        }
      } else if (key == "labels") {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsMap()) return InvalidArgumentError("labels must be a map");
        for (const auto& l : kv.second) {
          std::string name = l.first.as<std::string>();
          if (!tsdb::ValidLabelName(name)) {
            return InvalidArgumentError("\"" + name + "\" is not a valid label name");
          }
          std::string value = l.second.IsNull() ? "" : l.second.as<std::string>();
          if (!tsdb::ValidUtf8(value)) {
            return InvalidArgumentError("\"" + value + "\" is not a valid label value");
          }
          labels.push_back({name, value});
        }
      } else {
        return InvalidArgumentError("field " + key + " not found in type struct");
      }
    }
    labels.push_back({"__meta_filepath", path});
    tg.labels = tsdb::Labels(std::move(labels));
    out.push_back(std::move(tg));
  }
  return out;
}

}  // namespace

Result<std::vector<TargetGroup>> ParseTargetFile(std::string_view text, const std::string& path) {
  try {
    return ParseNode(YAML::Load(std::string(text)), path);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(e.what());
  }
}

bool FileDiscovery::Refresh(int64_t now_ms, bool force, std::vector<std::string>* errors) {
  if (now_ms - last_full_ms_ >= config_.refresh_interval_ms) {
    force = true;
    last_full_ms_ = now_ms;
  }
  std::set<std::string> paths = Expand(config_.files);
  bool changed = false;
  for (auto it = files_.begin(); it != files_.end();) {
    if (!paths.count(it->first)) {
      it = files_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (const std::string& path : paths) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) continue;
    int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    auto [it, inserted] = files_.try_emplace(path);
    FileState& fs = it->second;
    if (!force && !inserted && fs.mtime_ns == mtime && fs.size == st.st_size) continue;
    fs.mtime_ns = mtime;
    fs.size = st.st_size;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) {
      ++read_errors_;
      errors->push_back(path + ": cannot read file");
      continue;
    }
    Result<std::vector<TargetGroup>> groups = ParseTargetFile(ss.str(), path);
    if (!groups.ok()) {
      ++read_errors_;
      errors->push_back(path + ": " + groups.status().message());
      continue;
    }
    fs.groups = std::move(*groups);
    changed = true;
  }
  return changed;
}

std::vector<TargetGroup> FileDiscovery::Groups() const {
  std::vector<TargetGroup> out;
  for (const auto& [path, fs] : files_) out.insert(out.end(), fs.groups.begin(), fs.groups.end());
  return out;
}

}  // namespace pharos::server::scrape
