#include "server/api/api_errors.h"

#include "server/api/api_json.h"

namespace pharos::server {
namespace {

void WriteWarnings(JsonWriter& w, const std::vector<std::string>& warnings) {
  if (warnings.empty()) return;
  w.Key("warnings");
  w.BeginArray();
  for (const std::string& s : warnings) w.String(s);
  w.EndArray();
}

Response JsonResponse(int status, std::string body) {
  Response res;
  res.status = status;
  res.content_type = "application/json";
  res.body = std::move(body);
  return res;
}

}  // namespace

ApiErrorKind ApiErrorKindFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return {400, "bad_data"};
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
      return {422, "execution"};
    case StatusCode::kCancelled:
      return {499, "canceled"};
    case StatusCode::kDeadlineExceeded:
      return {503, "timeout"};
    case StatusCode::kNotFound:
      return {404, "not_found"};
    default:
      return {500, "internal"};
  }
}

Response ApiSuccess(std::string_view data_json, const std::vector<std::string>& warnings) {
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.Raw(data_json);
  WriteWarnings(w, warnings);
  w.EndObject();
  return JsonResponse(200, w.Take());
}

Response ApiError(const Status& status, const std::vector<std::string>& warnings) {
  ApiErrorKind kind = ApiErrorKindFor(status.code());
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String(kind.type);
  w.Key("error");
  w.String(status.message());
  WriteWarnings(w, warnings);
  w.EndObject();
  return JsonResponse(kind.http_status, w.Take());
}

Response InvalidParamError(std::string_view name, const Status& status) {
  return ApiError(InvalidArgumentError("invalid parameter \"" + std::string(name) +
                                       "\": " + status.message()));
}

}  // namespace pharos::server
