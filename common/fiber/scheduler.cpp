#include "fiber/scheduler.hpp"

#include <unistd.h>

#include <boost/context/detail/exception.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "net/event_loop.hpp"

namespace tenk::fiber {

namespace {

thread_local Scheduler* current_scheduler = nullptr;

bool pessimistic_from_environment() {
  const char* value = std::getenv("TENK_PESSIMISTIC_IO");
  return value != nullptr && value[0] == '1';
}

// An exception other than Cancelled ended a fiber. Nobody can receive it (no exception crosses
// a switch), so it is said on stderr rather than lost.
void report_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& exception) {
    std::fprintf(stderr, "tenk: a fiber ended with an exception: %s\n", exception.what());
  } catch (...) {
    std::fprintf(stderr, "tenk: a fiber ended with an unknown exception\n");
  }
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
  // Without epoll no waiting fiber could ever be woken. A scheduler is made once per thread as
  // the server starts, with nothing yet to save: say why and exit, as for an unusable listener.
  if (epoll_fd_ < 0) {
    std::fprintf(stderr, "tenk: epoll_create1: %s\n", std::strerror(errno));
    std::exit(1);
  }
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
          report_exception(std::current_exception());
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
    // Fibers that keep each other runnable (a yield loop) must not starve sockets and timers.
    for (int runs = 0; !runnable_.empty() && runs < kMaxRunsBetweenPolls; ++runs) {
      Fiber* fiber = runnable_.front();
      runnable_.pop_front();
      resume(*fiber);
    }
    if (live_ == 0) break;
    int timeout_ms = -1;  // nothing to do until a descriptor is ready
    if (!runnable_.empty()) {
      timeout_ms = 0;  // look at I/O, but do not wait
    } else if (!timers_.empty()) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(timers_.top().deadline - Clock::now());
      timeout_ms = left.count() > 0 ? static_cast<int>(left.count()) : 0;
    }
    if (io_manager_ != nullptr) {
      io_manager_->poll(timeout_ms);
    } else {
      poll_io(timeout_ms);
    }
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

bool Scheduler::wait_on(int fd, bool write) {
  if (io_manager_ != nullptr) return io_manager_->wait_ready(fd, write);
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  Waiters& slot = waiters(fd);
  if (!slot.watched && !arm(fd, slot, write)) return false;
  (write ? slot.writer : slot.reader) = &fiber;
  fiber.wait_fd_ = fd;
  park(fiber);
  check_cancelled(fiber);
  return true;
}

bool Scheduler::arm(int fd, Waiters& slot, bool write) {
  epoll_event event{};
  event.data.fd = fd;
  if (pessimistic_io_) {
    // One-shot, level-triggered, one direction: reported once, if the descriptor is ready
    // now or as soon as it becomes ready. Re-armed by every wait: one epoll_ctl per wait.
    event.events = (write ? EPOLLOUT : EPOLLIN | EPOLLRDHUP) | EPOLLONESHOT;
    const int operation = slot.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(epoll_fd_, operation, fd, &event) != 0) return false;
  } else if (!slot.registered) {
    // Once per descriptor, edge-triggered, both directions: the caller only waits after an
    // EAGAIN, so the next edge is exactly the news it waits for.
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return false;
  }
  slot.registered = true;
  return true;
}

bool Scheduler::wait_readable(int fd) {
  return wait_on(fd, false);
}

bool Scheduler::wait_writable(int fd) {
  return wait_on(fd, true);
}

bool Scheduler::watch(int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events | EPOLLET;
  event.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return false;
  Waiters& slot = waiters(fd);
  slot.registered = slot.watched = true;
  return true;
}

void Scheduler::forget(int fd) {
  if (io_manager_ != nullptr) return io_manager_->forget(fd);
  if (fd < 0 || static_cast<std::size_t>(fd) >= waiters_.size()) return;
  Waiters& slot = waiters_[static_cast<std::size_t>(fd)];
  // A descriptor leaves the epoll set when it is closed; an explicit DEL also covers one
  // shared with another process (a forked worker's listener). Its result does not matter: a
  // descriptor the set does not hold is just as forgotten.
  if (slot.registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  slot = Waiters{};
}

void Scheduler::sleep_until(Clock::time_point deadline) {
  Fiber& fiber = running_fiber();
  check_cancelled(fiber);
  timers_.push(Timer{deadline, fiber.weak_from_this(), fiber.wait_token_});
  park(fiber);
  check_cancelled(fiber);
}

void Scheduler::poll_io(int timeout_ms) {
  epoll_event events[net::kMaxEventsPerWait];
  const int ready = epoll_wait(epoll_fd_, events, net::kMaxEventsPerWait, timeout_ms);
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
    // A cancelled sleeper was woken already: it may have ended, or wait on something else now.
    FiberPtr fiber = timer.fiber.lock();
    if (fiber && fiber->parked_ && fiber->wait_token_ == timer.token) wake(*fiber);
  }
}

}  // namespace tenk::fiber
