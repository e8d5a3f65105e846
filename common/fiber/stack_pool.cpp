#include "fiber/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace tenk::fiber {

namespace {

std::size_t round_up_to_pages(std::size_t bytes) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

}  // namespace

StackPool::StackPool(std::size_t stack_size)
    : stack_size_(round_up_to_pages(stack_size)), guard_size_(round_up_to_pages(1)) {
  free_.reserve(kMaxFree);
}

StackPool::~StackPool() {
  for (void* base : free_) munmap(base, guard_size_ + stack_size_);
}

boost::context::stack_context StackPool::allocate() {
  void* base = nullptr;
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else {
    base = mmap(nullptr, guard_size_ + stack_size_, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    // Stacks grow down: the guard page is the lowest page of the mapping.
    mprotect(base, guard_size_, PROT_NONE);
  }
  ++in_use_;
  boost::context::stack_context stack;
  stack.size = stack_size_;
  stack.sp = static_cast<char*>(base) + guard_size_ + stack_size_;  // the top
  return stack;
}

void StackPool::deallocate(boost::context::stack_context& stack) {
  void* base = static_cast<char*>(stack.sp) - stack_size_ - guard_size_;
  --in_use_;
  if (free_.size() < kMaxFree) {
    free_.push_back(base);
  } else {
    munmap(base, guard_size_ + stack_size_);
  }
}

}  // namespace tenk::fiber
