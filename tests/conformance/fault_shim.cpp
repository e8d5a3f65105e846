// libtenk_fault_shim.so: system call errors on demand, for accept_fault_test.cpp.
//
// Loaded into a step with LD_PRELOAD. Two faults, each on while a file exists (the test creates
// the file to start the fault and removes it to end it), each without calling the kernel:
//   - TENK_ACCEPT_FAULT_FILE: accept() and accept4() fail with the errno number in
//     TENK_ACCEPT_FAULT_ERRNO (ENOBUFS when unset), so the pending connection stays in the
//     backlog and the listener stays readable: the worst case a kernel short of memory, or a
//     security module that refuses (EPERM), can present to an accept loop.
//   - TENK_EPOLL_FAULT_FILE: epoll_ctl(EPOLL_CTL_ADD) of a connection fails with ENOMEM, as when
//     the kernel is short of memory or past fs.epoll.max_user_watches. A connection is told
//     apart from the listener, the stop pipe and the inbox by EPOLLRDHUP, which every step asks
//     for on connections and on nothing else.
// Without the variables, or while the files are absent, every call goes straight to the C
// library.
#include <dlfcn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

// True while `fault_file` (from the environment; null: never) exists. access() sets errno when
// the file is absent: it is kept.
bool file_exists(const char* fault_file) {
  if (fault_file == nullptr) return false;
  const int saved = errno;
  const bool exists = access(fault_file, F_OK) == 0;
  errno = saved;
  return exists;
}

// True (with errno set to the injected error) while the accept fault is on.
bool fault_now() {
  static const char* const fault_file = std::getenv("TENK_ACCEPT_FAULT_FILE");
  static const int fault_errno = [] {
    const char* number = std::getenv("TENK_ACCEPT_FAULT_ERRNO");
    return number != nullptr ? std::atoi(number) : ENOBUFS;
  }();
  if (!file_exists(fault_file)) return false;
  errno = fault_errno;
  return true;
}

}  // namespace

extern "C" int accept4(int fd, sockaddr* address, socklen_t* length, int flags) {
  if (fault_now()) return -1;
  using Accept4 = int (*)(int, sockaddr*, socklen_t*, int);
  static const auto real = reinterpret_cast<Accept4>(dlsym(RTLD_NEXT, "accept4"));
  return real(fd, address, length, flags);
}

extern "C" int accept(int fd, sockaddr* address, socklen_t* length) {
  if (fault_now()) return -1;
  using Accept = int (*)(int, sockaddr*, socklen_t*);
  static const auto real = reinterpret_cast<Accept>(dlsym(RTLD_NEXT, "accept"));
  return real(fd, address, length);
}

extern "C" int epoll_ctl(int epoll_fd, int operation, int fd, epoll_event* event) {
  static const char* const fault_file = std::getenv("TENK_EPOLL_FAULT_FILE");
  if (operation == EPOLL_CTL_ADD && event != nullptr && (event->events & EPOLLRDHUP) != 0 &&
      file_exists(fault_file)) {
    errno = ENOMEM;
    return -1;
  }
  using EpollCtl = int (*)(int, int, int, epoll_event*);
  static const auto real = reinterpret_cast<EpollCtl>(dlsym(RTLD_NEXT, "epoll_ctl"));
  return real(epoll_fd, operation, fd, event);
}
