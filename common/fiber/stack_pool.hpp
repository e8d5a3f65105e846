// Fiber stacks: mmap'ed, with a guard page, small, and reused.
//
// Size: 64 KiB by default. A connection fiber runs the HTTP session (whose buffers are on the
// heap, see app/session.hpp), system calls and, on rare paths, fprintf and exception
// unwinding; that needs a few KiB. 64 KiB leaves a wide margin, and costs little: the kernel
// backs only the pages a fiber has touched, so 10,000 connection fibers reserve 640 MiB of
// address space but occupy a few pages each. The guard page (PROT_NONE, below the stack) turns
// an overflow into a crash at the faulting instruction instead of silent corruption of the
// neighbouring stack.
//
// Pool: a finished fiber's stack is kept for the next one (no mmap/munmap per connection), up
// to kMaxFree stacks; more are unmapped.
#pragma once

#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace tenk::fiber {

class StackPool {
 public:
  static constexpr std::size_t kDefaultStackSize = 64 * 1024;
  static constexpr std::size_t kMaxFree = 1024;

  explicit StackPool(std::size_t stack_size = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack);

  std::size_t stack_size() const { return stack_size_; }
  std::size_t in_use() const { return in_use_; }  // stacks handed out and not returned
  std::size_t free_stacks() const { return free_.size(); }

 private:
  std::size_t stack_size_;  // usable bytes, a multiple of the page size
  std::size_t guard_size_;  // one page
  std::size_t in_use_ = 0;
  std::vector<void*> free_;  // mapping bases (the guard page's address)
};

// The stack allocator Boost.Context is given: a handle on a pool (copied into each fiber).
// `allocated`, if given, learns the stack it hands out (the sanitizers need its bounds).
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool, boost::context::stack_context* allocated = nullptr)
      : pool_(&pool), allocated_(allocated) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context stack = pool_->allocate();
    if (allocated_) *allocated_ = stack;
    return stack;
  }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->deallocate(stack); }

 private:
  StackPool* pool_;
  boost::context::stack_context* allocated_;
};

}  // namespace tenk::fiber
