#include "server/http_message.h"

namespace pharos::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Find(const HttpFields& fields, std::string_view name, bool ignore_case) {
  for (const auto& [k, v] : fields) {
    if (ignore_case ? EqualsIgnoreCase(k, name) : k == name) return v;
  }
  return {};
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string_view Request::Header(std::string_view name) const { return Find(headers, name, true); }

std::optional<std::string_view> Request::QueryParam(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  return Find(path_params, name, false);
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void Response::SetHeader(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

std::string_view Response::Header(std::string_view name) const { return Find(headers, name, true); }

Result<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      bool complete = i + 2 < text.size();
      int hi = complete ? HexValue(text[i + 1]) : -1;
      int lo = complete ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidArgumentError("invalid URL escape \"" + std::string(text.substr(i, 3)) +
                                    "\"");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<HttpFields> ParseQueryString(std::string_view text) {
  HttpFields fields;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view key = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    ASSIGN_OR_RETURN(std::string k, PercentDecode(key, true));
    ASSIGN_OR_RETURN(std::string v, PercentDecode(value, true));
    fields.emplace_back(std::move(k), std::move(v));
  }
  return fields;
}

Result<Request> MakeRequest(std::string method, std::string_view target) {
  if (target.empty() || target[0] != '/') {
    return InvalidArgumentError("request target must start with '/': \"" + std::string(target) +
                                "\"");
  }
  Request req;
  req.method = std::move(method);
  req.target = std::string(target);
  size_t q = target.find('?');
  ASSIGN_OR_RETURN(req.path, PercentDecode(target.substr(0, q), false));
  if (q != std::string_view::npos) {
    req.raw_query = std::string(target.substr(q + 1));
    // Like Go's URL.Query(): a bad pair does not fail the request; handlers
    // that must be strict call ParseQueryString(raw_query) themselves.
    Result<HttpFields> query = ParseQueryString(req.raw_query);
    if (query.ok()) {
      req.query = std::move(*query);
    } else {
      std::string_view rest = req.raw_query;
      while (!rest.empty()) {
        size_t amp = rest.find('&');
        Result<HttpFields> one = ParseQueryString(rest.substr(0, amp));
        if (one.ok()) req.query.insert(req.query.end(), one->begin(), one->end());
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      }
    }
  }
  return req;
}

}  // namespace pharos::server
