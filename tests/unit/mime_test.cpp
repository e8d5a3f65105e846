// Content-Type by extension.
#include "http/mime.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace tenk::http {
namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

TEST(Mime, EveryTableEntry) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"pdf", "application/pdf"},
      {"wasm", "application/wasm"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"map", "application/json"},
      {"csv", "text/csv; charset=utf-8"},
      {"gz", "application/gzip"},
      {"zip", "application/zip"},
  };
  for (const auto& [extension, type] : cases) {
    const std::string path = "/dir/file." + std::string(extension);
    EXPECT_EQ(mime_type_for(path), type) << path;
    EXPECT_EQ(mime_type_for("file." + std::string(extension)), type) << extension;
  }
}

TEST(Mime, ExtensionIsCaseInsensitive) {
  EXPECT_EQ(mime_type_for("/INDEX.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("/photo.JpEg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("/font.WOFF2"), "font/woff2");
  EXPECT_EQ(mime_type_for("/ARCHIVE.Gz"), "application/gzip");
}

TEST(Mime, OnlyTheLastExtensionCounts) {
  EXPECT_EQ(mime_type_for("/release.tar.gz"), "application/gzip");
  EXPECT_EQ(mime_type_for("/page.html.txt"), "text/plain; charset=utf-8");
}

TEST(Mime, NoExtension) {
  EXPECT_EQ(mime_type_for(""), kOctetStream);
  EXPECT_EQ(mime_type_for("/"), kOctetStream);
  EXPECT_EQ(mime_type_for("/README"), kOctetStream);
  EXPECT_EQ(mime_type_for("Makefile"), kOctetStream);
}

TEST(Mime, DotInDirectoryDoesNotCount) {
  EXPECT_EQ(mime_type_for("/v1.2/readme"), kOctetStream);
  EXPECT_EQ(mime_type_for("/site.html/index"), kOctetStream);
  EXPECT_EQ(mime_type_for("/site.html/"), kOctetStream);
  EXPECT_EQ(mime_type_for("/v1.2/style.css"), "text/css; charset=utf-8");
}

TEST(Mime, TrailingOrLeadingDot) {
  EXPECT_EQ(mime_type_for("/file."), kOctetStream);
  EXPECT_EQ(mime_type_for("/file.html."), kOctetStream);
  EXPECT_EQ(mime_type_for("/.hidden"), kOctetStream);
  EXPECT_EQ(mime_type_for(".html"), kOctetStream);  // a file named ".html" has no extension
  EXPECT_EQ(mime_type_for("/dir/.css"), kOctetStream);
  EXPECT_EQ(mime_type_for("/.config.json"), "application/json");
}

TEST(Mime, UnknownExtensions) {
  EXPECT_EQ(mime_type_for("/setup.exe"), kOctetStream);
  EXPECT_EQ(mime_type_for("/a.htmlx"), kOctetStream);  // longer than any table entry
  EXPECT_EQ(mime_type_for("/a.woff22"), kOctetStream);
  EXPECT_EQ(mime_type_for("/a.ht"), kOctetStream);           // a prefix of an entry
  EXPECT_EQ(mime_type_for("/a.a"), kOctetStream);            // before the first entry
  EXPECT_EQ(mime_type_for("/a.zzz"), kOctetStream);          // after the last entry
  EXPECT_EQ(mime_type_for("/a.h\xc3\xa9ml"), kOctetStream);  // non-ASCII is never lowered
}

}  // namespace
}  // namespace tenk::http
