// The shared command line (DESIGN §3): defaults, every flag, usage errors with exit status 2.
#include "net/options.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace tenk::net {
namespace {

Options parse(std::initializer_list<const char*> args, unsigned used = 0) {
  std::vector<char*> argv{const_cast<char*>("server")};
  for (const char* arg : args) argv.push_back(const_cast<char*>(arg));
  return parse_options(static_cast<int>(argv.size()), argv.data(), used);
}

TEST(Options, Defaults) {
  Options options = parse({});
  EXPECT_EQ(options.bind, "127.0.0.1");
  EXPECT_EQ(options.port, 8080);
  EXPECT_EQ(options.workers, 1);
  EXPECT_EQ(options.timeout_seconds, 30);
  EXPECT_EQ(options.fd_cache_seconds, 10);
  EXPECT_EQ(options.fd_cache_max, 0) << "0: derived from the open-files limit";
  EXPECT_FALSE(options.quiet);
  EXPECT_NE(options.root.find("bench/www"), std::string::npos);
}

TEST(Options, EveryFlagBothSpellings) {
  Options options =
      parse({"--bind", "0.0.0.0", "--port=0", "--root", "/tmp", "--workers", "4", "--threads=2",
             "--timeout", "5", "--fd-cache", "0", "--fd-cache-max=64", "--quiet"},
            kUsesWorkers | kUsesThreads | kUsesTimeout | kUsesFdCache);
  EXPECT_EQ(options.bind, "0.0.0.0");
  EXPECT_EQ(options.port, 0);
  EXPECT_EQ(options.root, "/tmp");
  EXPECT_EQ(options.workers, 4);
  EXPECT_EQ(options.threads, 2);
  EXPECT_EQ(options.timeout_seconds, 5);
  EXPECT_EQ(options.fd_cache_seconds, 0);
  EXPECT_EQ(options.fd_cache_max, 64);
  EXPECT_TRUE(options.quiet);
}

TEST(Options, UnusedFlagWarnsButIsAccepted) {
  ::testing::internal::CaptureStderr();
  Options options = parse({"--workers", "3"}, /*used=*/0);
  std::string warning = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(options.workers, 3);
  EXPECT_NE(warning.find("--workers is ignored"), std::string::npos) << warning;
  ::testing::internal::CaptureStderr();
  parse({"--timeout", "3", "--timeout", "4"}, /*used=*/0);
  std::string twice = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(twice.find("ignored"), twice.rfind("ignored")) << "one warning per flag: " << twice;
  ::testing::internal::CaptureStderr();
  parse({"--fd-cache", "5", "--fd-cache-max", "100"}, /*used=*/0);
  std::string both = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(both.find("--fd-cache is ignored"), std::string::npos) << both;
  EXPECT_NE(both.find("--fd-cache-max is ignored"), std::string::npos)
      << "two flags of one feature, two warnings: " << both;
}

TEST(OptionsDeathTest, UsageErrorsExitTwo) {
  EXPECT_EXIT(parse({"--nope"}), ::testing::ExitedWithCode(2), "unknown flag");
  EXPECT_EXIT(parse({"--port", "65536"}), ::testing::ExitedWithCode(2), "usage:");
  EXPECT_EXIT(parse({"--port", "80x"}), ::testing::ExitedWithCode(2), "usage:");
  EXPECT_EXIT(parse({"--workers", "0"}), ::testing::ExitedWithCode(2), "usage:");
  EXPECT_EXIT(parse({"--timeout"}), ::testing::ExitedWithCode(2), "missing value");
  EXPECT_EXIT(parse({"--fd-cache-max", "-1"}), ::testing::ExitedWithCode(2), "usage:");
  EXPECT_EXIT(parse({"--root", ""}), ::testing::ExitedWithCode(2), "usage:");
  EXPECT_EXIT(parse({"--bind", "1.2.3"}), ::testing::ExitedWithCode(2), "IPv4");
}

}  // namespace
}  // namespace tenk::net
