// ReadGate: bounds how many remote read requests are served at once
// (Prometheus' --storage.remote.read-concurrent-limit). Requests beyond the
// limit wait for a slot, as Prometheus' gate makes them wait.
//
//   ReadGate gate(10);
//   { ReadGate::Slot slot = gate.Enter(request.client_gone.get()); if (!slot) ...; }
//
// Thread-safety: Enter() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace pharos::server {

class ReadGate {
 public:
  // At most `limit` holders at once; 0 is no limit.
  explicit ReadGate(int limit) : limit_(limit) {}

  ReadGate(const ReadGate&) = delete;
  ReadGate& operator=(const ReadGate&) = delete;

  // A held slot, released on destruction; false when none was taken.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(ReadGate* gate) : gate_(gate) {}
    Slot(Slot&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (gate_ != nullptr) gate_->Leave();
    }
    explicit operator bool() const { return gate_ != nullptr; }

   private:
    ReadGate* gate_ = nullptr;
  };

  // Waits for a slot. Gives up (returns an empty Slot) when `give_up` is
  // non-null and turns true while waiting (the client went away).
  Slot Enter(const std::atomic<bool>* give_up);

  // Holders right now.
  int active() const;

 private:
  void Leave();

  const int limit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace pharos::server
