#include "server_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "http/parser.hpp"  // http::iequals: the same ASCII case folding the server uses

namespace tenk::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<int> decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}

pid_t spawn(const std::string& binary, const std::vector<std::string>& args, long nofile,
            const std::vector<std::string>& env, int* stdout_fd, int* stderr_fd) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (nofile > 0) {
      rlimit limit{static_cast<rlim_t>(nofile), static_cast<rlim_t>(nofile)};
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    // putenv() keeps the string itself, which lives in this process until execv().
    for (const std::string& entry : env) putenv(const_cast<char*>(entry.c_str()));
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    std::fprintf(stderr, "exec %s: %s\n", binary.c_str(), std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  *stdout_fd = out[0];
  *stderr_fd = err[0];
  return pid;
}

// The whole of a small /proc file, or nullopt when it cannot be read. A process can exit at
// any moment between finding its pid and reading its files (open fails with ENOENT, read with
// ESRCH); that is not an error, the process is simply gone. Plain open/read: no iostream, so
// nothing here throws.
std::optional<std::string> read_proc_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char chunk[4096];
  ssize_t got;
  while ((got = ::read(fd, chunk, sizeof chunk)) != 0) {
    if (got < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    text.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return text;
}

// Field `index` (1-based, as in proc(5)) of /proc/PID/stat as a number, for index >= 3: the
// fields after the command name, which may itself hold spaces and parentheses.
std::optional<unsigned long long> stat_field(const std::string& stat, int index) {
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  const char* at = stat.c_str() + close_paren + 1;
  for (int field = 3; field < index; ++field) {
    at += std::strspn(at, " ");
    at += std::strcspn(at, " ");
  }
  at += std::strspn(at, " ");
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(at, &end, 10);
  if (end == at || errno != 0) return std::nullopt;
  return value;
}

// utime + stime (fields 14 and 15 of /proc/PID/stat, clock ticks; they cover all threads), in
// seconds; 0 for a process that is gone.
double process_cpu_seconds(pid_t pid) {
  auto stat = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  auto utime = stat_field(*stat, 14);
  auto stime = stat_field(*stat, 15);
  if (!utime || !stime) return 0;
  return static_cast<double>(*utime + *stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The pids in a /proc/PID/task/TID/children file ("12 34 "); malformed text ends the list.
void append_pids(const std::string& text, std::vector<pid_t>* pids) {
  const char* at = text.c_str();
  for (;;) {
    char* end = nullptr;
    long pid = std::strtol(at, &end, 10);
    if (end == at || pid <= 0) return;
    pids->push_back(static_cast<pid_t>(pid));
    at = end;
  }
}

// The direct children of `pid`: the union of /proc/PID/task/*/children (each thread lists the
// processes it forked). nullopt when the process is gone or the kernel has no children files
// (CONFIG_PROC_CHILDREN off); an empty vector when it has no children.
std::optional<std::vector<pid_t>> children_of(pid_t pid) {
  std::string tasks_path = "/proc/" + std::to_string(pid) + "/task";
  DIR* tasks = opendir(tasks_path.c_str());
  if (!tasks) return std::nullopt;
  std::vector<pid_t> children;
  bool read_any = false;
  while (dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    auto text = read_proc_file(tasks_path + "/" + entry->d_name + "/children");
    if (!text) continue;  // the thread exited, or there are no children files
    read_any = true;
    append_pids(*text, &children);
  }
  closedir(tasks);
  if (!read_any) return std::nullopt;
  return children;
}

bool kernel_has_children_files() {
  static const bool present = access("/proc/thread-self/children", R_OK) == 0;
  return present;
}

// The tree below `root` for kernels without children files: the parent (field 4) of every
// process in /proc. Processes that exit meanwhile are skipped.
std::vector<pid_t> tree_by_scanning_proc(pid_t root) {
  std::vector<pid_t> tree{root};
  DIR* proc = opendir("/proc");
  if (!proc) return tree;
  std::vector<std::pair<pid_t, pid_t>> parents;  // (pid, parent)
  while (dirent* entry = readdir(proc)) {
    pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    auto stat = read_proc_file(std::string("/proc/") + entry->d_name + "/stat");
    if (!stat) continue;
    if (auto parent = stat_field(*stat, 4)) parents.emplace_back(pid, static_cast<pid_t>(*parent));
  }
  closedir(proc);
  for (std::size_t i = 0; i < tree.size(); ++i) {
    for (auto [pid, parent] : parents) {
      if (parent == tree[i]) tree.push_back(pid);
    }
  }
  return tree;
}

}  // namespace

ServerProcess::ServerProcess(const Launch& launch) {
  pid_ = spawn(launch.binary, launch.args, launch.open_files_limit, launch.env, &stdout_fd_,
               &stderr_fd_);
  if (pid_ < 0) return;
  // Read stdout byte by byte until the first newline, with a deadline.
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    pollfd ready{stdout_fd_, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) continue;
    char c;
    if (read(stdout_fd_, &c, 1) != 1) break;
    if (c == '\n') break;
    startup_line_ += c;
  }
  constexpr std::string_view kPrefix = "listening on http://";
  if (startup_line_.rfind(kPrefix, 0) == 0 && startup_line_.back() == '/') {
    auto colon = startup_line_.rfind(':');
    port_ = static_cast<std::uint16_t>(std::atoi(startup_line_.c_str() + colon + 1));
  }
}

ServerProcess::~ServerProcess() {
  if (running()) {
    for (pid_t child : process_tree()) kill(child, SIGKILL);
    wait_exit(std::chrono::seconds(5));
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

bool ServerProcess::running() {
  if (exit_code_ || pid_ < 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = decode_wait_status(status);
    return false;
  }
  return true;
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (running()) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::optional<int> ServerProcess::stop(int signal, std::chrono::milliseconds limit) {
  if (running()) kill(pid_, signal);
  return wait_exit(limit);
}

std::vector<pid_t> ServerProcess::process_tree() const {
  if (pid_ <= 0) return {};
  // Walks down from the server only: no other process on the machine is read.
  std::vector<pid_t> tree{pid_};
  for (std::size_t i = 0; i < tree.size(); ++i) {
    auto children = children_of(tree[i]);
    if (!children) {
      // No children files at all (CONFIG_PROC_CHILDREN off): the slow way, still race-free.
      if (!kernel_has_children_files()) return tree_by_scanning_proc(pid_);
      continue;  // this process exited meanwhile: simply absent, and so are its children
    }
    for (pid_t child : *children) {
      if (std::find(tree.begin(), tree.end(), child) == tree.end()) tree.push_back(child);
    }
  }
  return tree;
}

double ServerProcess::cpu_seconds() const {
  double total = 0;
  for (pid_t pid : process_tree()) total += process_cpu_seconds(pid);
  return total;
}

int ServerProcess::open_fds() const {
  int count = 0;
  for (pid_t pid : process_tree()) {
    DIR* fds = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!fds) continue;
    while (dirent* entry = readdir(fds)) {
      if (entry->d_name[0] != '.') ++count;
    }
    closedir(fds);
  }
  return count;
}

std::string ServerProcess::drain_stderr() {
  std::string text;
  char chunk[4096];
  ssize_t got;
  while ((got = read(stderr_fd_, chunk, sizeof chunk)) > 0) text.append(chunk, got);
  return text;
}

std::pair<int, std::string> run_to_exit(const std::string& binary,
                                        const std::vector<std::string>& args) {
  int out = -1, err = -1;
  pid_t pid = spawn(binary, args, 0, {}, &out, &err);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string text;
  char chunk[4096];
  ssize_t got;
  while ((got = read(err, chunk, sizeof chunk)) > 0) text.append(chunk, got);
  ::close(out);
  ::close(err);
  return {decode_wait_status(status).value_or(-1), text};
}

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (http::iequals(key, name)) return value;
  }
  return {};
}

bool Response::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (http::iequals(key, name)) return true;
  }
  return false;
}

Client::Client(std::uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{5, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  int on = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) close();
}

Client::~Client() {
  close();
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::reset() {
  linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close();
}

bool Client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool Client::fill() {
  char chunk[65536];
  ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) return false;
  buffered_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

Response Client::read_response(bool head_request) {
  Response response;
  std::size_t end;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return response;
  }
  std::string head = buffered_.substr(0, end + 2);
  buffered_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  response.status_line = head.substr(0, line_end);
  for (std::size_t at = line_end + 2; at < head.size();) {
    std::size_t next = head.find("\r\n", at);
    std::string line = head.substr(at, next - at);
    auto colon = line.find(':');
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers.emplace_back(line.substr(0, colon), value);
    at = next + 2;
  }
  int status = 0;
  if (std::sscanf(response.status_line.c_str(), "HTTP/1.%*d %d", &status) != 1) return response;
  bool bodiless = head_request || status / 100 == 1 || status == 204 || status == 304;
  std::size_t length =
      bodiless ? 0 : std::strtoull(response.header("Content-Length").c_str(), nullptr, 10);
  while (buffered_.size() < length) {
    if (!fill()) return response;  // short body: status stays 0
  }
  response.body = buffered_.substr(0, length);
  buffered_.erase(0, length);
  response.status = status;
  return response;
}

bool Client::closed_by_server(std::chrono::milliseconds limit) {
  timeval timeout{static_cast<time_t>(limit.count() / 1000),
                  static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char byte;
  ssize_t got = recv(fd_, &byte, 1, 0);
  return buffered_.empty() && (got == 0 || (got < 0 && errno == ECONNRESET));
}

Response round_trip(std::uint16_t port, std::string_view request, bool head_request) {
  Client client(port);
  client.send(request);
  return client.read_response(head_request);
}

std::string get_request(std::string_view target, std::string_view extra_headers) {
  std::string request = "GET ";
  request.append(target).append(" HTTP/1.1\r\nHost: test\r\n").append(extra_headers);
  request.append("\r\n");
  return request;
}

}  // namespace tenk::testing
