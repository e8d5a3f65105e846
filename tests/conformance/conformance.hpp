// The conformance suite's fixture, shared by its files (conformance_test.cpp, abort_test.cpp,
// ...): the step table, the document root every case serves, and the Conformance fixture that
// starts the step under test. One set of black-box cases, run against EVERY step binary over
// real sockets (DESIGN §6). The step table says what each step is expected to have; a case that
// needs a feature a step lacks is skipped with the reason, never passed silently.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "fiber/ring.hpp"
#include "server_process.hpp"

namespace tenk::testing {

// What each step binary is expected to do: declared by the step itself, in its CMakeLists.txt
// (tenk_add_step, see cmake/TenkStep.cmake).
struct StepTraits {
  const char* binary;           // build/bin/<binary>
  const char* label;            // test-name suffix; CTest labels by it
  int descriptor_wall = 0;      // select(): a connection whose fd >= this gets 503 (0: none)
  bool has_workers = false;     // --workers N forks worker processes (prefork)
  bool has_fd_cache = false;    // --fd-cache SECONDS keeps open files between requests
  bool has_timeout = false;     // --timeout SECONDS closes connections idle that long
  bool has_threads = false;     // --threads N I/O threads in one process, one acceptor
  bool needs_io_uring = false;  // its I/O is on io_uring: skipped where that is unavailable
  int many_connections = 1000;  // keep-alive connections held at once by ManyConnections
};

inline const StepTraits kSteps[] = {
#include "conformance_steps.inc"
};

// Test listings show the step's binary rather than the struct's bytes.
inline void PrintTo(const StepTraits& step, std::ostream* out) {
  *out << step.binary;
}

inline std::string step_name(const ::testing::TestParamInfo<StepTraits>& info) {
  return info.param.label;
}

// The document root every case serves, built once per test binary in a temp directory:
//   <base>/root     what the server may serve
//   <base>/outside  what it must never reach
class DocumentRoot {
 public:
  static const DocumentRoot& get() {
    static DocumentRoot root;
    return root;
  }
  std::string root;
  std::string big_file_contents;
  // huge.bin: kHugeSize bytes of 'h', far more than loopback's socket buffers hold (4 MiB at
  // most), so a response of it is still being sent while its reader dawdles.
  static constexpr std::size_t kHugeSize = 16 << 20;
  static constexpr std::string_view kIndex =
      "<!DOCTYPE html>\n<html><head><title>tenk</title></head>\n"
      "<body><h1>conformance</h1><p>The index page of the conformance root.</p></body></html>\n";

 private:
  DocumentRoot() {
    char pattern[] = "/tmp/tenk-conformance-XXXXXX";
    base_ = mkdtemp(pattern);
    root = base_ + "/root";
    std::filesystem::create_directories(root + "/sub");
    std::filesystem::create_directories(root + "/noindex");
    std::filesystem::create_directories(base_ + "/outside");
    write(root + "/index.html", kIndex);
    write(root + "/hello.txt", "hello, world\n");
    write(root + "/style.css", "body { color: black; }\n");
    write(root + "/a b.txt", "space in name\n");
    write(root + "/sub/index.html", "<p>sub</p>\n");
    write(root + "/noindex/file.txt", "no index here\n");
    write(root + "/.secret", "dotfile\n");
    write(base_ + "/outside/secret.txt", "outside the root\n");
    for (int i = 0; big_file_contents.size() < (1 << 20); ++i) {
      big_file_contents += "line " + std::to_string(i) + " of the big file\n";
    }
    big_file_contents.resize(1 << 20);
    write(root + "/big.bin", big_file_contents);
    write(root + "/huge.bin", std::string(kHugeSize, 'h'));
    std::filesystem::create_symlink("hello.txt", root + "/link-inside");
    std::filesystem::create_symlink("../outside/secret.txt", root + "/link-outside");
    std::filesystem::create_symlink("/etc/passwd", root + "/link-absolute");
    std::filesystem::create_directory_symlink("../outside", root + "/dir-outside");
  }
  ~DocumentRoot() { std::filesystem::remove_all(base_); }
  static void write(const std::string& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string base_;
};

inline std::string binary_path(const StepTraits& step) {
  return std::string(TENK_BIN_DIR) + "/" + step.binary;
}

class Conformance : public ::testing::TestWithParam<StepTraits> {
 protected:
  // The suite itself holds over a thousand client sockets in some cases.
  static void SetUpTestSuite() {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  std::unique_ptr<ServerProcess> start(std::vector<std::string> extra = {},
                                       long open_files_limit = 0) {
    ServerProcess::Launch launch;
    launch.binary = binary_path(GetParam());
    launch.args = {"--port", "0", "--root", DocumentRoot::get().root, "--quiet"};
    launch.args.insert(launch.args.end(), extra.begin(), extra.end());
    launch.open_files_limit = open_files_limit;
    auto server = std::make_unique<ServerProcess>(launch);
    EXPECT_NE(server->port(), 0) << "no startup line; got: '" << server->startup_line()
                                 << "' stderr: " << server->drain_stderr();
    return server;
  }

  // Why this machine cannot run the step ("" when it can): io_uring disabled, say. Its cases
  // are skipped with that reason rather than failed. The probe runs once, in a child process:
  // a ring's teardown ends asynchronously and can interrupt this process's blocking calls
  // (a client's recv() failing with EINTR).
  static std::string why_unrunnable(const StepTraits& step) {
    if (!step.needs_io_uring) return "";
    static const std::string reason = [] {
      int pipe_fds[2];
      if (pipe(pipe_fds) != 0) return std::string("pipe() failed");
      const pid_t child = fork();
      if (child == 0) {
        const std::string why = fiber::io_uring_unavailable_reason();
        _exit(write(pipe_fds[1], why.data(), why.size()) < 0 ? 1 : 0);
      }
      close(pipe_fds[1]);
      std::string why;
      char chunk[256];
      for (ssize_t got; (got = read(pipe_fds[0], chunk, sizeof chunk)) > 0;) why.append(chunk, got);
      close(pipe_fds[0]);
      waitpid(child, nullptr, 0);
      return why;
    }();
    return reason;
  }

  void SetUp() override {
    if (const std::string why = why_unrunnable(GetParam()); !why.empty()) {
      GTEST_SKIP() << GetParam().binary << ": " << why;
    }
    server_ = start();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  // The server still answers a plain GET on a new connection: bad input lost nothing.
  void expect_still_serving() {
    Response response = round_trip(port_, get_request("/hello.txt"));
    EXPECT_EQ(response.status, 200) << "server stopped serving";
    EXPECT_EQ(response.body, "hello, world\n");
  }

  // Sends `request` on a new connection; expects `status`, Connection: close, then a close.
  void expect_error_and_close(std::string_view request, int status) {
    Client client(port_);
    ASSERT_TRUE(client.send(request));
    Response response = client.read_response();
    EXPECT_EQ(response.status, status) << response.status_line;
    EXPECT_EQ(response.header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_server());
    expect_still_serving();
  }

  std::unique_ptr<ServerProcess> server_;
  std::uint16_t port_ = 0;
};

}  // namespace tenk::testing
