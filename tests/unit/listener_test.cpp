// The listening socket, the startup line and the stop signal, on real sockets and signals.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/listener.hpp"
#include "net/signals.hpp"

namespace tenk::net {
namespace {

TEST(Listener, EphemeralPortAcceptsConnections) {
  Options options;
  options.port = 0;
  int listen_fd = open_listener(options);
  std::uint16_t port = bound_port(listen_fd);
  EXPECT_NE(port, 0);

  int client = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  int accepted = accept(listen_fd, nullptr, nullptr);
  EXPECT_GE(accepted, 0);
  close(accepted);
  close(client);
  close(listen_fd);
}

TEST(Listener, StartupLineNamesTheRealPort) {
  Options options;
  options.port = 0;
  int listen_fd = open_listener(options);
  ::testing::internal::CaptureStdout();
  announce_listening(options, listen_fd);
  std::string line = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(line, "listening on http://127.0.0.1:" + std::to_string(bound_port(listen_fd)) + "/\n");
  close(listen_fd);
}

TEST(Listener, OpenFilesLimitIsRaisedToTheHardLimit) {
  EXPECT_GE(raise_open_files_limit(), 1024);
}

TEST(StopSignals, SigtermMakesStopFdReadableAndSigpipeIsIgnored) {
  install_stop_signals();
  EXPECT_FALSE(stop_requested());
  raise(SIGPIPE);  // ignored: we are still here
  raise(SIGTERM);
  EXPECT_TRUE(stop_requested());
  pollfd ready{stop_fd(), POLLIN, 0};
  EXPECT_EQ(poll(&ready, 1, 1000), 1);
  install_stop_signals();  // as a forked worker would: a pipe of its own...
  EXPECT_NE(stop_fd(), -1);
  EXPECT_TRUE(stop_requested());  // ...that still remembers the stop that already came
  pollfd again{stop_fd(), POLLIN, 0};
  EXPECT_EQ(poll(&again, 1, 0), 1);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
}

}  // namespace
}  // namespace tenk::net
