// Test helpers for black-box tests: a step binary run as a child process, and a raw-socket
// HTTP client. Nothing is mocked: real processes, real sockets, real files.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenk::testing {

// A server binary started with fork + exec, stdout read until its startup line.
class ServerProcess {
 public:
  struct Launch {
    std::string binary;             // path of the executable
    std::vector<std::string> args;  // flags after the binary name
    long open_files_limit = 0;      // RLIMIT_NOFILE for the child (soft and hard); 0 = inherit
    std::vector<std::string> env;   // NAME=VALUE entries added to the inherited environment
  };

  // Starts the server and waits (up to 10 s) for "listening on http://ADDR:PORT/".
  // port() is 0 when the line never came; startup_line() and exit_status() tell why.
  explicit ServerProcess(const Launch& launch);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& startup_line() const { return startup_line_; }

  // Sends `signal` and waits up to `limit` for the exit. Returns the exit code, 128+signal
  // when killed by a signal, or nullopt when it did not exit in time.
  std::optional<int> stop(int signal, std::chrono::milliseconds limit);
  // Waits for the process to exit by itself (e.g. a usage error).
  std::optional<int> wait_exit(std::chrono::milliseconds limit);
  bool running();

  // The server and every process it forked (prefork workers), found by walking down from the
  // server through /proc/PID/task/*/children: no other process is read. A process that exits
  // while it is walked is simply absent; nothing here throws.
  std::vector<pid_t> process_tree() const;
  // utime + stime of the whole tree (all threads), in seconds; a process gone counts 0.
  double cpu_seconds() const;
  // Open descriptors of the whole tree.
  int open_fds() const;
  // Everything the server wrote to stderr so far (non-blocking read).
  std::string drain_stderr();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string startup_line_;
  std::optional<int> exit_code_;
};

// Runs `binary args...` to completion (for usage errors): exit code and stderr.
std::pair<int, std::string> run_to_exit(const std::string& binary,
                                        const std::vector<std::string>& args);

struct Response {
  int status = 0;  // 0: no complete response (timeout, reset, end of stream)
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The value of the first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// One client connection to 127.0.0.1:port with 5-second receive and send timeouts.
class Client {
 public:
  explicit Client(std::uint16_t port);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool send(std::string_view bytes);
  // Reads one response; for HEAD requests and 1xx/204/304 there is no body to read.
  Response read_response(bool head_request = false);
  // True when the server closed the connection (end of stream or reset) within `limit`,
  // with no further bytes.
  bool closed_by_server(std::chrono::milliseconds limit = std::chrono::milliseconds(3000));
  // Closes with SO_LINGER 0: the server sees a reset.
  void reset();
  void close();

 private:
  bool fill();  // one recv() into buffered_; false on end/timeout/error
  int fd_ = -1;
  std::string buffered_;
};

// Sends one request on a fresh connection and reads the response.
Response round_trip(std::uint16_t port, std::string_view request, bool head_request = false);

// A plain GET request for `target` with Host: test.
std::string get_request(std::string_view target, std::string_view extra_headers = {});

}  // namespace tenk::testing
