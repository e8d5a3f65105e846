// libtenk_accept_fault_shim.so: accept errors on demand, for accept_fault_test.cpp.
//
// Loaded into a step with LD_PRELOAD. While the file named by the environment variable
// TENK_ACCEPT_FAULT_FILE exists, accept() and accept4() fail with the errno number in
// TENK_ACCEPT_FAULT_ERRNO (ENOBUFS when unset) without calling the kernel, so the pending
// connection stays in the backlog and the listener stays readable: the worst case a kernel short
// of memory, or a security module that refuses (EPERM), can present to an accept loop. The test
// creates the file to start the fault and removes it to end it. Without the variable, or while
// the file is absent, both calls go straight to the C library.
#include <dlfcn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

// True (with errno set to the injected error) while the fault file exists.
bool fault_now() {
  static const char* const fault_file = std::getenv("TENK_ACCEPT_FAULT_FILE");
  static const int fault_errno = [] {
    const char* number = std::getenv("TENK_ACCEPT_FAULT_ERRNO");
    return number != nullptr ? std::atoi(number) : ENOBUFS;
  }();
  if (fault_file == nullptr) return false;
  const int saved = errno;  // access() sets errno when the file is absent
  if (access(fault_file, F_OK) != 0) {
    errno = saved;
    return false;
  }
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
