#include "rules/alert.h"

namespace pharos::rules {

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

bool Alert::NeedsSending(int64_t ts_ms, int64_t resend_delay_ms) const {
  if (state == AlertState::kPending) return false;
  // Resolved since the last send: send the resolution.
  if (resolved_at_ms > last_sent_at_ms) return true;
  return last_sent_at_ms + resend_delay_ms < ts_ms;
}

}  // namespace pharos::rules
