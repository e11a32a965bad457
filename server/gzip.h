// gzip compression of responses for clients that accept it, as Prometheus'
// compression handler does for its API.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "server/http_message.h"

namespace pharos::server {

// True when an Accept-Encoding header value lists gzip (with a q-value
// other than 0).
bool AcceptsGzip(std::string_view accept_encoding);

// The gzip stream of `data` (RFC 1952).
std::string GzipCompress(std::string_view data);

// Compresses `res` in place with Content-Encoding: gzip when it has a body
// and no Content-Encoding of its own; adds "Vary: Accept-Encoding".
void GzipResponse(Response& res);

}  // namespace pharos::server
