#include "timeout/timeout_manager.hpp"

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
  size_.fetch_add(1, std::memory_order_relaxed);
  push_front(node, node);
  return handle;
}

void TimeoutManager::push_front(Node* first, Node* last) {
  Node* current = head_.load(std::memory_order_relaxed);
  do {
    last->next = current;
  } while (!head_.compare_exchange_weak(current, first, std::memory_order_release,
                                        std::memory_order_relaxed));
}

void TimeoutManager::sweep() {
  // Swap: the whole list is ours now; registrations from here on start a new one.
  Node* node = head_.exchange(nullptr, std::memory_order_acquire);
  Node* survivors = nullptr;
  Node* last_survivor = nullptr;
  while (node != nullptr) {
    Node* next = node->next;
    Handle& handle = *node->handle;
    auto state = Handle::State::Active;
    // Active → Inactive. If the connection tickles in between, the exchange fails and it stays
    // Active: progress is never lost.
    bool keep = handle.state_.compare_exchange_strong(state, Handle::State::Inactive,
                                                      std::memory_order_relaxed);
    if (!keep && state == Handle::State::Inactive) {
      // Inactive for a whole period: time out, unless a tickle lands first.
      if (handle.state_.compare_exchange_strong(state, Handle::State::Canceled,
                                                std::memory_order_relaxed)) {
        handle.timed_out_ = true;
        handle.on_timeout_();
      } else {
        keep = state == Handle::State::Active;
      }
    }
    if (keep) {
      node->next = survivors;
      survivors = node;
      if (last_survivor == nullptr) last_survivor = node;
    } else {
      delete node;  // timed out or canceled: the connection holds its own reference
      size_.fetch_sub(1, std::memory_order_relaxed);
    }
    node = next;
  }
  // Merge: the survivors go back in front of whatever registered during the sweep.
  if (survivors != nullptr) push_front(survivors, last_survivor);
}

}  // namespace tenk::timeout
