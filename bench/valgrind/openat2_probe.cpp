// tenk_openat2_probe: exits 0 when openat2() works here, 3 when it does not (ENOSYS, as under a
// valgrind that does not know system call 437). bench/tenkbench/deterministic.py runs it under
// valgrind to decide whether the steps need libtenk_openat2_shim.so (see openat2_shim.cpp).
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>

int main() {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_DIRECTORY;
  how.resolve = RESOLVE_BENEATH;
  const long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (fd < 0) {
    std::perror("tenk_openat2_probe: openat2");
    return 3;
  }
  close(static_cast<int>(fd));
  return 0;
}
