#include "fiber/scheduler.hpp"

#include <unistd.h>

#include <boost/context/detail/exception.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace tenk::fiber {

namespace {

thread_local Scheduler* current_scheduler = nullptr;

constexpr int kMaxEventsPerWait = 256;

bool pessimistic_from_environment() {
  const char* value = std::getenv("TENK_PESSIMISTIC_IO");
  return value != nullptr && value[0] == '1';
}

}  // namespace

void Fiber::cancel() {
  if (done_ || cancelled_) return;
  cancelled_ = true;
  if (parked_) scheduler_->wake(*this);
}

Scheduler::Scheduler(std::size_t stack_size)
    : stacks_(stack_size),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      pessimistic_io_(pessimistic_from_environment()) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
}

Scheduler::~Scheduler() {
  close(epoll_fd_);
}

Scheduler* Scheduler::current() {
  return current_scheduler;
}

FiberPtr Scheduler::spawn(std::function<void()> body) {
  auto fiber = std::make_shared<Fiber>();
  Fiber* raw = fiber.get();
  raw->scheduler_ = this;
  raw->body_ = std::move(body);
  raw->self_ = fiber;
  sanitizers::create(raw->sanitizer_);
  boost::context::stack_context stack;
  raw->context_ = boost::context::fiber(
      std::allocator_arg, PooledStack(stacks_, &stack), [this, raw](boost::context::fiber&& back) {
        sanitizers::after_switch(raw->sanitizer_, &sanitizer_);
        raw->back_ = std::move(back);
        try {
          raw->body_();
        } catch (const Cancelled&) {
          // The normal end of a cancelled fiber: it has unwound.
        } catch (const boost::context::detail::forced_unwind&) {
          throw;  // Boost.Context unwinding a fiber it destroys: must pass through
        } catch (...) {
          raw->error_ = std::current_exception();
        }
        raw->done_ = true;
        sanitizers::before_switch(raw->sanitizer_, sanitizer_, /*from_ends=*/true);
        return std::move(raw->back_);
      });
  raw->sanitizer_.stack_bottom = static_cast<char*>(stack.sp) - stack.size;
  raw->sanitizer_.stack_size = stack.size;
  ++live_;
  runnable_.push_back(raw);
  return fiber;
}

void Scheduler::run() {
  current_scheduler = this;
  sanitizers::adopt_current_thread(sanitizer_);
  while (live_ > 0) {
    while (!runnable_.empty()) {
      Fiber* fiber = runnable_.front();
      runnable_.pop_front();
      resume(*fiber);
    }
    if (live_ == 0) break;
    int timeout_ms = -1;  // nothing to do until a descriptor is ready
    if (!timers_.empty()) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(timers_.top().deadline - Clock::now());
      timeout_ms = left.count() > 0 ? static_cast<int>(left.count()) : 0;
    }
    poll_io(timeout_ms);
    fire_timers();
  }
  current_scheduler = nullptr;
}

void Scheduler::resume(Fiber& fiber) {
  running_ = &fiber;
  sanitizers::before_switch(sanitizer_, fiber.sanitizer_);
  fiber.context_ = std::move(fiber.context_).resume();
  sanitizers::after_switch(sanitizer_);
  running_ = nullptr;
  if (fiber.done_) finish(fiber);
}

void Scheduler::finish(Fiber& fiber) {
  FiberPtr keep = std::move(fiber.self_);  // the last owner may be this very reference
  --live_;
  sanitizers::destroy(fiber.sanitizer_);
  fiber.body_ = nullptr;  // its captures go now, not when the last handle does
  for (auto& [joiner, token] : fiber.joiners_) {
    if (joiner->parked_ && joiner->wait_token_ == token) wake(*joiner);
  }
  fiber.joiners_.clear();
  if (fiber.error_ && keep.use_count() == 1) {
    // Nobody holds a handle, so nobody can join: say what happened rather than lose it.
    try {
      std::rethrow_exception(fiber.error_);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "tenk: a fiber ended with an exception: %s\n", error.what());
    } catch (...) {
      std::fprintf(stderr, "tenk: a fiber ended with an unknown exception\n");
    }
  }
}

Fiber& Scheduler::running_fiber() {
  if (running_ == nullptr) {
    std::fprintf(stderr, "tenk: a fiber operation was called outside a fiber\n");
    std::abort();
  }
  return *running_;
}

void Scheduler::check_cancelled(Fiber& fiber) {
  if (fiber.cancelled_) throw Cancelled{};
}

void Scheduler::park(Fiber& fiber) {
  fiber.parked_ = true;
  switch_to_scheduler(fiber);
}

void Scheduler::switch_to_scheduler(Fiber& fiber) {
  sanitizers::before_switch(fiber.sanitizer_, sanitizer_);
  fiber.back_ = std::move(fiber.back_).resume();
  sanitizers::after_switch(fiber.sanitizer_);
}

void Scheduler::wake(Fiber& fiber) {
  if (!fiber.parked_) return;
  fiber.parked_ = false;
  ++fiber.wait_token_;
  if (fiber.wait_fd_ >= 0) {
    Waiters& slot = waiters(fiber.wait_fd_);
    if (slot.reader == &fiber) slot.reader = nullptr;
    if (slot.writer == &fiber) slot.writer = nullptr;
    fiber.wait_fd_ = -1;
  }
  runnable_.push_back(&fiber);
}

void Scheduler::yield() {
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  runnable_.push_back(&fiber);
  switch_to_scheduler(fiber);
  check_cancelled(fiber);
}

Scheduler::Waiters& Scheduler::waiters(int fd) {
  const auto index = static_cast<std::size_t>(fd);
  if (index >= waiters_.size()) waiters_.resize(index + 1);
  return waiters_[index];
}

void Scheduler::wait_on(int fd, bool write) {
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  Waiters& slot = waiters(fd);
  epoll_event event{};
  event.data.fd = fd;
  if (pessimistic_io_) {
    // One-shot, level-triggered, one direction: reported once, if the descriptor is ready
    // now or as soon as it becomes ready. Re-armed by every wait: one epoll_ctl per wait.
    event.events = (write ? EPOLLOUT : EPOLLIN | EPOLLRDHUP) | EPOLLONESHOT;
    epoll_ctl(epoll_fd_, slot.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    slot.registered = true;
  } else if (!slot.registered) {
    // Once per descriptor, edge-triggered, both directions: the caller only waits after an
    // EAGAIN, so the next edge is exactly the news it waits for.
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    slot.registered = true;
  }
  (write ? slot.writer : slot.reader) = &fiber;
  fiber.wait_fd_ = fd;
  park(fiber);
  check_cancelled(fiber);
}

void Scheduler::wait_readable(int fd) {
  wait_on(fd, false);
}

void Scheduler::wait_writable(int fd) {
  wait_on(fd, true);
}

void Scheduler::forget(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= waiters_.size()) return;
  Waiters& slot = waiters_[static_cast<std::size_t>(fd)];
  // A descriptor leaves the epoll set when it is closed; an explicit DEL also covers one
  // shared with another process (a forked worker's listener).
  if (slot.registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  slot = Waiters{};
}

void Scheduler::sleep_until(Clock::time_point deadline) {
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  timers_.push(Timer{deadline, fiber.shared_from_this(), fiber.wait_token_});
  park(fiber);
  check_cancelled(fiber);
}

void Scheduler::join(const FiberPtr& other) {
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  if (!other->done_) {
    other->joiners_.emplace_back(fiber.shared_from_this(), fiber.wait_token_);
    park(fiber);
    check_cancelled(fiber);
  }
  if (other->error_) std::rethrow_exception(other->error_);
}

void Scheduler::poll_io(int timeout_ms) {
  epoll_event events[kMaxEventsPerWait];
  const int ready = epoll_wait(epoll_fd_, events, kMaxEventsPerWait, timeout_ms);
  // The whole batch only makes fibers runnable; none runs before the batch is done, so no
  // descriptor can be closed (and its number reused) under an event still to be read.
  for (int i = 0; i < ready; ++i) {
    Waiters& slot = waiters(events[i].data.fd);
    const std::uint32_t what = events[i].events;
    if (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) slot.may_have_input = true;
    if (what & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) slot.input_ended = true;
    if (slot.reader && (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) wake(*slot.reader);
    if (slot.writer && (what & (EPOLLOUT | EPOLLHUP | EPOLLERR))) wake(*slot.writer);
  }
}

void Scheduler::fire_timers() {
  const Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.top().deadline <= now) {
    Timer timer = timers_.top();
    timers_.pop();
    // A cancelled sleeper was woken already and may be waiting on something else now.
    if (timer.fiber->parked_ && timer.fiber->wait_token_ == timer.token) wake(*timer.fiber);
  }
}

}  // namespace tenk::fiber
