#include "timeout/timeout_manager.hpp"

#include <algorithm>

namespace tenk::timeout {

TimeoutManager::~TimeoutManager() {
  for (Node* node = head_.exchange(nullptr); node != nullptr;) {
    Node* next = node->next;
    delete node;
    node = next;
  }
}

std::shared_ptr<Handle> TimeoutManager::add(std::function<void()> on_timeout) {
  auto handle = std::make_shared<Handle>(std::move(on_timeout));
  Node* node = new Node{handle, nullptr};
  push_front(node, node);
  // Ended connections must not pile up until the next sweep: drop them once the list doubled.
  if (size_.fetch_add(1, std::memory_order_relaxed) + 1 >=
      compact_at_.load(std::memory_order_relaxed)) {
    keep_only([](Handle& any) {
      return any.state_.load(std::memory_order_relaxed) != Handle::State::Canceled;
    });
  }
  return handle;
}

void TimeoutManager::push_front(Node* first, Node* last) {
  Node* current = head_.load(std::memory_order_relaxed);
  do {
    last->next = current;
  } while (!head_.compare_exchange_weak(current, first, std::memory_order_release,
                                        std::memory_order_relaxed));
}

// One walk of the list: the handles keep() refuses are dropped.
template <typename Keep>
void TimeoutManager::keep_only(Keep keep) {
  // Swap: the whole list is ours now; registrations from here on start a new one.
  Node* node = head_.exchange(nullptr, std::memory_order_acquire);
  Node* survivors = nullptr;
  Node* last_survivor = nullptr;
  while (node != nullptr) {
    Node* next = node->next;
    if (keep(*node->handle)) {
      node->next = survivors;
      survivors = node;
      if (last_survivor == nullptr) last_survivor = node;
    } else {
      delete node;  // timed out or canceled: the connection holds its own reference
      size_.fetch_sub(1, std::memory_order_relaxed);
    }
    node = next;
  }
  // Merge: the survivors go back in front of whatever registered during the walk.
  if (survivors != nullptr) push_front(survivors, last_survivor);
  compact_at_.store(std::max(kCompactAt, 2 * size()), std::memory_order_relaxed);
}

void TimeoutManager::sweep() {
  keep_only([](Handle& handle) {
    auto state = Handle::State::Active;
    // Active → Inactive. If the connection tickles in between, the exchange fails and it stays
    // Active: progress is never lost.
    if (handle.state_.compare_exchange_strong(state, Handle::State::Inactive,
                                              std::memory_order_relaxed)) {
      return true;
    }
    if (state == Handle::State::Canceled) return false;  // the connection has ended
    // Inactive for a whole period: time out, unless a tickle lands first.
    if (handle.state_.compare_exchange_strong(state, Handle::State::Canceled,
                                              std::memory_order_relaxed)) {
      handle.on_timeout_();
      return false;
    }
    return state == Handle::State::Active;
  });
}

}  // namespace tenk::timeout
