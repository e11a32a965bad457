// CheckLabelJoinArgs and LabelJoin: label_join().

#include <string>
#include <vector>

#include "promql/functions/label_functions.h"

namespace pharos::promql {

Status CheckLabelJoinArgs(std::string_view dst, const std::vector<std::string>& srcs) {
  for (const std::string& src : srcs) {
    if (!tsdb::ValidLabelName(src)) {
      return FailedPreconditionError("invalid source label name in label_join(): " + src);
    }
  }
  if (!tsdb::ValidLabelName(dst)) {
    return FailedPreconditionError("invalid destination label name in label_join(): " +
                                   std::string(dst));
  }
  return Status::Ok();
}

tsdb::Labels LabelJoin(const tsdb::Labels& in, const std::string& dst, const std::string& sep,
                       const std::vector<std::string>& srcs) {
  std::string joined;
  for (size_t i = 0; i < srcs.size(); ++i) {
    if (i > 0) joined += sep;
    joined += in.Get(srcs[i]);
  }
  return in.With(dst, joined);  // an empty value removes dst
}

}  // namespace pharos::promql
