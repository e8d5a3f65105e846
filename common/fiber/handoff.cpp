#include "fiber/handoff.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "fiber/io.hpp"

namespace tenk::fiber {

Handoff::Handoff() : event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::system_error(errno, std::system_category(), "eventfd");
}

Handoff::~Handoff() {
  close();
  ::close(event_fd_);
}

bool Handoff::push(int fd) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    fds_.push_back(fd);
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t ignored = write(event_fd_, &one, sizeof one);  // adds to the counter
  return true;
}

std::vector<int> Handoff::receive() {
  std::vector<int> taken;
  for (;;) {
    std::uint64_t count = 0;
    if (read(event_fd_, &count, sizeof count) == sizeof count) {  // resets the counter
      std::lock_guard lock(mutex_);
      taken.swap(fds_);
      if (!taken.empty()) return taken;
    } else if (errno == EAGAIN) {
      fiber::wait_readable(event_fd_);
    }
  }
}

void Handoff::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace tenk::fiber
