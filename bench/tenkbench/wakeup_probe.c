/* wakeup_probe: the CPU cost of one futile wake-up (the scaling study, bench/tenkbench/scaling.py).

   A listener on 127.0.0.1; a child process (the observer) waits for it in its own epoll
   instance, as a prefork worker does, and each time it is woken does what a worker woken for
   nothing does: epoll_wait returns, accept4() finds nothing (EAGAIN: on a second listener that
   never has a connection, so that the observer never takes one), back to epoll_wait. The parent
   connects and accepts COUNT connections itself, one at a time. At the end the observer prints
   its wake-ups and its CPU time (its /proc/self/schedstat runtime, ns, the same clock the study
   reads per thread): CPU per wake-up is the futile wake-up's cost, context switches included.

   The listener is registered edge-triggered (one wake-up per new connection; level-triggered, a
   connection the parent has not accepted yet would wake the observer again and again).

   Usage: wakeup_probe COUNT     prints "wakeups W cpu_ns N" on stdout; exit 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int listener(struct sockaddr_in* addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  socklen_t len = sizeof *addr;
  addr->sin_family = AF_INET;
  addr->sin_port = 0;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)addr, len) < 0 || listen(fd, 128) < 0 ||
      getsockname(fd, (struct sockaddr*)addr, &len) < 0) {
    perror("wakeup_probe: listener");
    exit(1);
  }
  return fd;
}

static long long runtime_ns(void) {
  long long ns = -1;
  FILE* f = fopen("/proc/self/schedstat", "r");
  if (f) {
    if (fscanf(f, "%lld", &ns) != 1) ns = -1;
    fclose(f);
  }
  return ns;
}

static void observe(int listen_fd, int idle_fd, int stop_fd) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = listen_fd};
  epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
  ev = (struct epoll_event){.events = EPOLLIN, .data.fd = stop_fd};
  epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &ev);
  long long start = runtime_ns(), wakeups = 0;
  for (;;) {
    struct epoll_event events[2];
    int n = epoll_wait(ep, events, 2, -1), stop = 0;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == stop_fd) {
        stop = 1;  // after the listener's event, if both came at once
        continue;
      }
      ++wakeups;
      int fd = accept4(idle_fd, NULL, NULL, SOCK_NONBLOCK);  // EAGAIN: what a futile wake-up finds
      if (fd >= 0) close(fd);
    }
    if (stop) {
      printf("wakeups %lld cpu_ns %lld\n", wakeups, runtime_ns() - start);
      exit(0);
    }
  }
}

int main(int argc, char** argv) {
  long count = argc > 1 ? atol(argv[1]) : 0;
  if (count <= 0) {
    fprintf(stderr, "usage: wakeup_probe COUNT\n");
    return 2;
  }
  struct sockaddr_in addr, idle_addr;
  int listen_fd = listener(&addr), idle_fd = listener(&idle_addr), stop[2];
  if (pipe(stop) < 0) return 1;
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(stop[1]);
    observe(listen_fd, idle_fd, stop[0]);
  }
  close(stop[0]);
  usleep(100000);  // the observer is in epoll_wait
  for (long i = 0; i < count; ++i) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr*)&addr, sizeof addr) < 0) {
      perror("wakeup_probe: connect");
      return 1;
    }
    int fd;
    while ((fd = accept4(listen_fd, NULL, NULL, 0)) < 0 && errno == EAGAIN) {
    }
    close(fd);
    close(c);
  }
  usleep(100000);
  if (write(stop[1], "x", 1) != 1) return 1;
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
