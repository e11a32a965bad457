// The server's external URL (--web.external-url), as Prometheus 2.42's
// computeExternalURL derives it: links back to the server (alerts'
// generatorURL) start with it.
//
//   ASSIGN_OR_RETURN(std::string url, ExternalUrl(flags.web_external_url, "0.0.0.0:9090"));
//   // "http://myhost:9090" (hostname from the system)
//
// Thread-safety: pure function (reads the hostname).
#pragma once

#include <string>

#include "tsdb/status.h"

namespace pharos::server {

// `flag` ("" derives "http://<hostname>:<port of listen_address>/") with the
// trailing slashes of its path removed: "http://a:9090/x/" ->
// "http://a:9090/x". Errors (kInvalidArgument): a URL in quotes ("URL must
// not begin or end with quotes"), or one that is not http(s)://host[...].
Result<std::string> ExternalUrl(const std::string& flag, const std::string& listen_address);

}  // namespace pharos::server
