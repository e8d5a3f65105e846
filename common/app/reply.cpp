#include "app/reply.hpp"

#include <unistd.h>

#include <cerrno>

namespace tenk::app {

namespace {

void set_memory_body(std::string_view text, Reply& out) {
  out.head.has_content_length = true;
  out.head.content_length = text.size();
  out.body = ResponseBody{};
  out.body.kind = ResponseBody::Kind::Memory;
  out.body.memory = text;
  out.body.length = text.size();
}

}  // namespace

void reply_with_error(int status, Reply& out, std::string_view allow) {
  // Static text from the status table: an error reply never allocates.
  out.head.status = status;
  out.head.content_type = "text/plain; charset=utf-8";
  out.head.allow = allow;
  set_memory_body(http::status_text(status), out);
}

void reply_with_echo(std::string_view body, Reply& out) {
  out.head.status = 200;
  out.head.content_type = "application/octet-stream";
  set_memory_body(body, out);
}

bool load_body(const ResponseBody& body, std::string& storage, std::string_view& bytes) {
  bytes = body.memory;  // empty for Kind::None
  if (body.kind != ResponseBody::Kind::File) return true;
  storage.resize(body.length);
  std::size_t done = 0;
  while (done < storage.size()) {
    ssize_t got = pread(body.file_fd, storage.data() + done, storage.size() - done,
                        static_cast<off_t>(body.file_offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  bytes = storage;
  return true;
}

std::string error_response(int status, std::string_view date) {
  Reply reply;
  reply_with_error(status, reply);
  reply.head.date = date;
  reply.head.connection = http::ConnectionHeader::Close;
  std::string response(http::composed_length(reply.head), '\0');
  http::compose(reply.head, response.data());
  response += reply.body.memory;
  return response;
}

void Reply::reset() {
  head = http::ResponseHead{};
  body = ResponseBody{};
  file = OpenFile{};
  location.clear();  // keeps its capacity; the char buffers are overwritten before each use
  prepared.reset();
  prepared_head_length = 0;
}

}  // namespace tenk::app
