#include "server/metrics/metrics_handler.h"

#include "server/metrics/text_format.h"

namespace pharos::server::metrics {

Response HandleMetrics(const Registry& registry, const Request&) {
  Response res;
  res.status = 200;
  res.content_type = std::string(kTextContentType);
  res.body = registry.Expose();
  return res;
}

}  // namespace pharos::server::metrics
