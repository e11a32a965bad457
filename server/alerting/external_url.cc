#include "server/alerting/external_url.h"

#include <unistd.h>

#include <climits>

namespace pharos::server {

Result<std::string> ExternalUrl(const std::string& flag, const std::string& listen_address) {
  std::string u = flag;
  if (u.empty()) {
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) return InternalError("cannot read the hostname");
    size_t colon = listen_address.rfind(':');
    std::string port = colon == std::string::npos ? "" : listen_address.substr(colon + 1);
    u = std::string("http://") + host + ":" + port + "/";
  }
  auto quote = [](char c) { return c == '"' || c == '\''; };
  if (quote(u.front()) || quote(u.back())) {
    return InvalidArgumentError("URL must not begin or end with quotes");
  }
  size_t scheme_end = u.find("://");
  if (scheme_end == std::string::npos ||
      (u.compare(0, scheme_end, "http") != 0 && u.compare(0, scheme_end, "https") != 0) ||
      u.size() == scheme_end + 3) {
    return InvalidArgumentError("parse external URL \"" + u + "\": not an http(s) URL");
  }
  size_t path = u.find('/', scheme_end + 3);
  if (path == std::string::npos) return u;
  // Query and fragment are kept after the path, as url.URL.String() does.
  size_t rest = u.find_first_of("?#", path);
  std::string p = u.substr(path, rest == std::string::npos ? std::string::npos : rest - path);
  std::string tail = rest == std::string::npos ? "" : u.substr(rest);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return u.substr(0, path) + p + tail;
}

}  // namespace pharos::server
