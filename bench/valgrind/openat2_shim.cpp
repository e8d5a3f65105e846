// libtenk_openat2_shim.so: openat2() for programs run under a valgrind that does not know it.
//
// The steps open files with openat2(RESOLVE_BENEATH) through glibc's syscall() (glibc has no
// wrapper). Valgrind 3.19 (Debian 12) does not handle system call 437: it answers ENOSYS, and
// every request becomes a 500. The deterministic counts (bench/tenkbench/deterministic.py) then
// run the steps under callgrind with this library in LD_PRELOAD; it replaces syscall() and turns
// openat2 into openat() with the same flags and mode (the RESOLVE_* restrictions are dropped: the
// benchmark's document root holds no links, and the steps reject ".." before they open), and
// hands every other system call to glibc's syscall() unchanged.
//
// It is used only when tenk_openat2_probe, run under valgrind, finds openat2 missing; results.md
// says so. The shim costs a few instructions per openat2 (a dlsym'd call and six va_args), which
// the instruction counts then include.
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <cstdarg>

extern "C" long syscall(long number, ...) noexcept {
  // Like glibc's own syscall(): six argument registers, whatever the call uses.
  va_list list;
  va_start(list, number);
  long a[6];
  for (long& argument : a) argument = va_arg(list, long);
  va_end(list);
  if (number == SYS_openat2) {
    const auto* how = reinterpret_cast<const open_how*>(a[2]);
    return openat(static_cast<int>(a[0]), reinterpret_cast<const char*>(a[1]),
                  static_cast<int>(how->flags), static_cast<mode_t>(how->mode));
  }
  using Syscall = long (*)(long, ...);
  static const auto real = reinterpret_cast<Syscall>(dlsym(RTLD_NEXT, "syscall"));
  return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
