// Telling AddressSanitizer and ThreadSanitizer about fiber switches.
//
// Both sanitizers keep per-stack state (ASan: which stack is live, for its checks and for the
// unwinding of an exception; TSan: the happens-before clock of the running "thread"). A switch
// of stacks they do not know about looks to them like memory corruption. The scheduler calls
// these hooks around every switch; in a build without sanitizers they compile to nothing.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define TENK_FIBER_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define TENK_FIBER_TSAN 1
#endif

namespace tenk::fiber::sanitizers {

// The bookkeeping of one context (a fiber, or the scheduler's own stack).
struct Context {
  const void* stack_bottom = nullptr;  // lowest address of the stack (ASan)
  std::size_t stack_size = 0;
  void* asan_fake_stack = nullptr;  // ASan's saved state of this context while it is switched out
  void* tsan_fiber = nullptr;       // TSan's handle of this context
};

// About to leave `from` for `to`. `from_ends`: `from` will never run again (a finished fiber).
inline void before_switch([[maybe_unused]] Context& from, [[maybe_unused]] const Context& to,
                          [[maybe_unused]] bool from_ends = false) {
#if TENK_FIBER_ASAN
  __sanitizer_start_switch_fiber(from_ends ? nullptr : &from.asan_fake_stack, to.stack_bottom,
                                 to.stack_size);
#endif
#if TENK_FIBER_TSAN
  __tsan_switch_to_fiber(to.tsan_fiber, 0);
#endif
}

// Just arrived in `to`; `previous`, if given, learns the bounds of the stack we came from (how
// a fiber, on its first start, learns the scheduler's stack).
inline void after_switch([[maybe_unused]] Context& to,
                         [[maybe_unused]] Context* previous = nullptr) {
#if TENK_FIBER_ASAN
  __sanitizer_finish_switch_fiber(to.asan_fake_stack, previous ? &previous->stack_bottom : nullptr,
                                  previous ? &previous->stack_size : nullptr);
#endif
}

// A new fiber's context, and its end.
inline void create([[maybe_unused]] Context& context) {
#if TENK_FIBER_TSAN
  context.tsan_fiber = __tsan_create_fiber(0);
#endif
}
inline void destroy([[maybe_unused]] Context& context) {
#if TENK_FIBER_TSAN
  if (context.tsan_fiber) __tsan_destroy_fiber(context.tsan_fiber);
  context.tsan_fiber = nullptr;
#endif
}

// The scheduler's own context: the thread that calls run().
inline void adopt_current_thread([[maybe_unused]] Context& context) {
#if TENK_FIBER_TSAN
  context.tsan_fiber = __tsan_get_current_fiber();
#endif
}

}  // namespace tenk::fiber::sanitizers
