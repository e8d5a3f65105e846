#pragma once
// When a cache prunes: once a period has passed since its last prune, checked on the event
// loop's wakeups (there is no timer thread). FdCache (step 08) and ResponseCache (step 12) keep
// the same schedule, so they share it. A zero period means the cache is off and never prunes.
#include <chrono>

namespace tenk::cache {

class PruneTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PruneTimer(std::chrono::seconds period)
      : period_(period), next_prune_(Clock::now() + period) {}

  bool off() const { return period_.count() == 0; }

  // Calls prune() if a prune is due; the next period starts when it returns.
  template <typename Prune>
  void prune_if_due(Prune prune) {
    if (off() || Clock::now() < next_prune_) return;
    prune();
    next_prune_ = Clock::now() + period_;
  }

  // How long the loop may sleep before the next prune is due: -1 (forever) when off.
  int milliseconds_until_prune() const {
    if (off()) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(next_prune_ - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
  }

 private:
  std::chrono::seconds period_;
  Clock::time_point next_prune_;
};

}  // namespace tenk::cache
