#include "tsdb/storage.h"

namespace pharos::tsdb {
namespace {

class EmptySet final : public SeriesSet {
 public:
  explicit EmptySet(Status s) : status_(std::move(s)) {}
  bool Next() override { return false; }
  const Series& At() const override { __builtin_trap(); }
  Status status() const override { return status_; }

 private:
  Status status_;
};

}  // namespace

std::unique_ptr<SeriesSet> EmptySeriesSet(Status status) {
  return std::make_unique<EmptySet>(std::move(status));
}

}  // namespace pharos::tsdb
