#include "cache/response_cache.hpp"

#include <cstdint>
#include <cstring>

#include "cache/fd_cache.hpp"
#include "http/date.hpp"
#include "http/parser.hpp"
#include "http/response.hpp"

namespace tenk::cache {

ResponseCache::ResponseCache(int root_fd, app::FileOpener& files, std::chrono::seconds period,
                             std::size_t capacity, std::size_t body_limit)
    : root_fd_(root_fd),
      files_(files),
      timer_(period),
      capacity_(capacity),
      body_limit_(body_limit) {}

bool ResponseCache::find(const std::string& relative_path, std::string_view date, app::Reply& out) {
  if (timer_.off()) return false;
  auto found = entries_.find(std::string_view(relative_path));
  if (found == entries_.end()) {
    if (entries_.size() >= capacity_) return false;  // full until the next prune
    // A miss: prepared once (allocates: the entry, its bytes), then served from memory.
    found = entries_.emplace(relative_path, prepare(relative_path, date)).first;
    if (found->second.response) bytes_ += found->second.response->size();
  }
  Entry& entry = found->second;
  entry.active = true;
  if (!entry.response) return false;  // a 404, a redirect...: the usual path answers
  set_date(entry, date);

  if (!entry.body_in_memory) {
    // The body leaves by sendfile() from the fd cache's descriptor (a hit: no system call). Its
    // stat must still be the one the prepared header describes: if the fd cache has moved on to
    // a newer version of the file, this entry is stale.
    if (files_.open(entry.file_path, out.file) != 0) return false;
    if (!same_file_version(out.file.info, entry.identity)) {
      files_.release(out.file);
      out.file = app::OpenFile{};
      drop(found);
      return false;
    }
    out.body.kind = app::ResponseBody::Kind::File;
    out.body.file_fd = out.file.fd;
    out.body.file_offset = 0;
    out.body.length = static_cast<std::uint64_t>(entry.identity.st_size);
  }
  out.prepared = entry.response;
  out.prepared_head_length = entry.head_length;
  return true;
}

ResponseCache::Entry ResponseCache::prepare(const std::string& relative_path,
                                            std::string_view date) {
  // Ask the usual path what it answers to a plain GET: the prepared bytes are its answer.
  Entry entry;
  http::Request plain;
  plain.method = http::Method::Get;
  app::Reply reply;
  std::string scratch;
  app::reply_with_file(plain, relative_path, files_, scratch, reply);
  const bool preparable =
      reply.head.status == 200 && reply.body.kind == app::ResponseBody::Kind::File;
  if (preparable) {
    reply.head.date = date;
    reply.head.connection = http::ConnectionHeader::None;  // HTTP/1.1 keep-alive: none needed
    std::string response(http::composed_length(reply.head), '\0');
    http::compose(reply.head, response.data());
    entry.head_length = response.size();
    constexpr std::string_view kDateField = "\r\nDate: ";
    entry.date_offset = response.find(kDateField);  // then 29 bytes, patched in place
    if (entry.date_offset != std::string::npos) entry.date_offset += kDateField.size();
    entry.identity = reply.file.info;
    entry.file_path = scratch.empty() ? relative_path : scratch;  // scratch: "dir/index.html"
    std::string body_storage;
    std::string_view body;
    if (reply.body.length <= body_limit_ && app::load_body(reply.body, body_storage, body)) {
      response.append(body);
      entry.body_in_memory = true;
    }
    if (entry.date_offset != std::string::npos) {
      entry.response = std::make_shared<std::string>(std::move(response));
    }
  }
  files_.release(reply.file);
  return entry;
}

namespace {

// The 29 bytes of two Date values compared as four 8-byte words (the last two overlap): a few
// instructions inline, where a call to memcmp costs more than the compare. Most calls find the
// same second.
bool same_date(const char* a, const char* b) {
  static_assert(http::kHttpDateLength > 24 && http::kHttpDateLength <= 32);
  constexpr std::size_t kLast = http::kHttpDateLength - 8;
  std::uint64_t words_a[4], words_b[4];
  for (std::size_t word = 0; word < 3; ++word) {
    std::memcpy(&words_a[word], a + word * 8, 8);
    std::memcpy(&words_b[word], b + word * 8, 8);
  }
  std::memcpy(&words_a[3], a + kLast, 8);
  std::memcpy(&words_b[3], b + kLast, 8);
  return ((words_a[0] ^ words_b[0]) | (words_a[1] ^ words_b[1]) | (words_a[2] ^ words_b[2]) |
          (words_a[3] ^ words_b[3])) == 0;
}

}  // namespace

void ResponseCache::set_date(Entry& entry, std::string_view date) {
  char* at = entry.response->data() + entry.date_offset;
  if (same_date(at, date.data())) return;  // the same second
  // A reply may still be sending these bytes (a slow reader): patching them under it could
  // send half of one Date and half of another. Such a buffer is copied first, and the copy
  // patched; the reply keeps the old one. At most once a second, per file in flight.
  if (entry.response.use_count() > 1) {
    entry.response = std::make_shared<std::string>(*entry.response);
    at = entry.response->data() + entry.date_offset;
  }
  std::memcpy(at, date.data(), http::kHttpDateLength);
}

void ResponseCache::prune_if_due() {
  timer_.prune_if_due([this] { prune(); });
}

int ResponseCache::milliseconds_until_prune() const {
  return timer_.milliseconds_until_prune();
}

void ResponseCache::prune() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto current = it++;  // drop() erases `current`; `it` stays valid
    Entry& entry = current->second;
    // What could not be prepared is asked again after every prune: the file may exist now.
    if (!entry.active || !entry.response ||
        changed_on_disk(root_fd_, entry.file_path, entry.identity)) {
      drop(current);
    } else {
      entry.active = false;  // used in the last period: one more period to be used again
    }
  }
}

void ResponseCache::drop(Map::iterator entry) {
  if (entry->second.response) bytes_ -= entry->second.response->size();
  entries_.erase(entry);  // a reply still sending the bytes keeps its own reference
}

}  // namespace tenk::cache
