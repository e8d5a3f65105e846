#include "app/session.hpp"

#include <cstring>
#include <vector>

#include "http/response.hpp"

namespace tenk::app {

using http::Method;

// What a session needs only while it is busy with a request. The parsed Request alone is
// ~3.5 KiB (its table of 100 header fields); with the receive buffer a workspace is ~21 KiB,
// which is why an idle connection must not keep one.
struct HttpSession::Workspace {
  Workspace() {
    // Reserved once per workspace, so that serving a file never allocates.
    header.reserve(512);
    path.reserve(http::kMaxRequestLine);
    scratch.reserve(http::kMaxRequestLine + 16);
  }

  char receive[kReceiveBufferSize];  // not zero-filled: untouched pages cost no memory
  http::Request request;             // views into `receive`
  Reply reply;
  std::string header;    // the composed response header
  std::string path;      // the decoded target path
  std::string scratch;   // path + "index.html"
  std::string gathered;  // answers a step collects before one write (step 13)
};

namespace {

// The free workspaces of one thread. A session takes one when bytes arrive and gives it back
// when it goes idle, so in the steady state a request costs a pop and a push, no allocation.
// Per thread, so no lock: a session is only ever driven by the thread that created it.
class WorkspacePool {
 public:
  // Free workspaces kept for reuse. More than this are freed: after a burst of thousands of
  // busy connections the pool shrinks back instead of holding their memory forever. An event
  // loop runs one connection at a time, so few workspaces are busy at once; but under io_uring
  // (step 14) a fiber keeps its workspace until its send completes, at the end of the turn, so
  // a turn that serves a thousand connections has a thousand busy. Keeping 1,024 free (about
  // 20 MiB per thread at most) spares those an allocation and a free per request.
  static constexpr std::size_t kMaxFree = 1024;

  std::unique_ptr<HttpSession::Workspace> take() {
    if (free_.empty()) {
      // `new T`, not std::make_unique<T>(): make_unique value-initializes, which would zero
      // the whole receive buffer and touch every page of it.
      return std::unique_ptr<HttpSession::Workspace>(new HttpSession::Workspace);
    }
    std::unique_ptr<HttpSession::Workspace> workspace = std::move(free_.back());
    free_.pop_back();
    return workspace;
  }

  // `workspace` must be clean: its reply reset (see ~HttpSession).
  void give_back(std::unique_ptr<HttpSession::Workspace> workspace) {
    if (free_.size() < kMaxFree) free_.push_back(std::move(workspace));
  }

 private:
  std::vector<std::unique_ptr<HttpSession::Workspace>> free_;
};

thread_local WorkspacePool workspace_pool;

// Errors after which the byte stream can no longer be trusted (or the client asked for
// something we will never do): the response says "Connection: close" and the connection ends.
bool closes_connection(int status) {
  switch (status) {
    case 400:
    case 413:
    case 414:
    case 417:
    case 431:
    case 501:
    case 505:
      return true;
    default:
      return false;
  }
}

}  // namespace

HttpSession::HttpSession(FileOpener& files, http::DateSource& dates, PreparedResponses* prepared)
    : files_(files), dates_(dates), prepared_(prepared) {}

HttpSession::~HttpSession() {
  release_file();
  if (!workspace_) return;
  // A workspace goes back to the pool on two paths. From receive_would_block() it is clean: the
  // session is idle, so sent() has reset the reply. Here it may not be: a session destroyed in
  // the middle of a response (its client reset, a send failed) never called sent(). So this is
  // the one place that cleans it, for every step: the next session on this thread must not
  // inherit a half-written reply (a Content-Range, a Location, a 304's missing Content-Length).
  workspace_->reply.reset();
  workspace_->gathered.clear();  // answers never written: the connection is gone
  workspace_pool.give_back(std::move(workspace_));
}

void HttpSession::release_file() {
  if (workspace_) files_.release(workspace_->reply.file);
}

std::string_view HttpSession::unparsed() const {
  return {workspace_->receive + begin_, end_ - begin_};
}

std::span<char> HttpSession::receive_space() {
  if (!workspace_) workspace_ = workspace_pool.take();
  // Only called between requests, inside one not yet parsed, or while reading a body (when the
  // reply no longer needs the request's bytes), so no string_view points into the buffer now:
  // moving the unconsumed tail to the front is safe.
  if (begin_ > 0) {
    std::memmove(workspace_->receive, workspace_->receive + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  return {workspace_->receive + end_, kReceiveBufferSize - end_};
}

void HttpSession::received(std::size_t bytes) {
  end_ += bytes;
}

void HttpSession::peer_closed() {
  peer_closed_ = true;
}

void HttpSession::receive_would_block() {
  if (!idle() || !workspace_) return;
  workspace_pool.give_back(std::move(workspace_));
  begin_ = end_ = 0;
}

void HttpSession::stop() {
  stopping_ = true;
}

bool HttpSession::idle() const {
  return phase_ == Phase::Head && begin_ == end_ && !responding_ &&
         (!workspace_ || workspace_->gathered.empty());
}

std::string& HttpSession::gathered() {
  if (!workspace_) workspace_ = workspace_pool.take();
  return workspace_->gathered;
}

std::string_view HttpSession::header() const {
  return interim_ ? http::kContinueResponse : header_out_;
}

const ResponseBody& HttpSession::body() const {
  static const ResponseBody kNothing;
  return interim_ ? kNothing : workspace_->reply.body;
}

HttpSession::Action HttpSession::next() {
  for (;;) {
    switch (phase_) {
      case Phase::Closed:
        return Action::Close;

      case Phase::Head: {
        if (begin_ == end_) {
          if (peer_closed_ || stopping_) {
            phase_ = Phase::Closed;
            continue;
          }
          return Action::Receive;
        }
        switch (parser_.parse(unparsed(), workspace_->request)) {
          case http::ParseStatus::Complete:
            return answer_request();
          case http::ParseStatus::Error:
            return respond(parser_.error_status());
          case http::ParseStatus::Incomplete:
            if (peer_closed_) {  // a truncated request: nobody is left to answer
              phase_ = Phase::Closed;
              continue;
            }
            if (end_ - begin_ == kReceiveBufferSize) return respond(400);  // cannot happen:
            // the parser refuses a head before it outgrows the buffer; kept as a guard.
            return Action::Receive;
        }
        break;
      }

      case Phase::Body: {
        // The reply is already chosen; the body is read (for /echo) or skipped before it is
        // sent, so that a malformed body is answered 400 instead of a 200 and then a close.
        auto result = body_.feed(unparsed(), echo_ ? &echo_body_ : nullptr);
        consume(result.consumed);
        if (result.error_status != 0) return respond(result.error_status);
        if (result.done) {
          phase_ = Phase::Head;
          if (echo_) reply_with_echo(echo_body_, workspace_->reply);
          return respond(0);
        }
        if (peer_closed_) {  // the body was cut short: nobody is left to answer
          phase_ = Phase::Closed;
          continue;
        }
        return Action::Receive;
      }
    }
  }
}

HttpSession::Action HttpSession::answer_request() {
  Workspace& workspace = *workspace_;
  const http::Request& request = workspace.request;
  // The head's bytes stay in the buffer until the next receive_space(), so `request` remains
  // valid while the reply is chosen; we only advance past them.
  consume(parser_.head_length());
  parser_.reset();
  http10_ = request.version == http::Version::Http10;
  head_request_ = request.method == Method::Head;
  keep_alive_ = request.keep_alive && !stopping_;
  client_ends_ = !request.keep_alive;
  echo_ = false;

  // Requests refused outright end the connection, so their body is never read.
  if (request.method == Method::Unknown) return respond(501);
  if (request.expect_unsupported) return respond(417);

  Reply& reply = workspace.reply;
  if (request.path == "*") {  // "OPTIONS *": the only method allowed this form; not served
    reply_with_error(405, reply, "GET, HEAD");
  } else if (int status = decode_target_path(request.path, workspace.path); status != 0) {
    if (closes_connection(status)) return respond(status);
    reply_with_error(status, reply);
  } else if (workspace.path == "echo") {
    if (request.method == Method::Post) {
      echo_ = true;
      echo_body_.clear();
    } else {
      reply_with_error(405, reply, "POST");
    }
  } else if (request.method == Method::Get || request.method == Method::Head) {
    // A plain request may take a response prepared ahead (step 12); any other, the usual path.
    if (prepared_ == nullptr || !plain(request) ||
        !prepared_->find(workspace.path, dates_.now(), reply)) {
      reply_with_file(request, workspace.path, files_, workspace.scratch, reply);
    }
  } else {
    reply_with_error(405, reply, "GET, HEAD");
  }

  // From here on the reply owns everything it says: the request's bytes may move.
  const bool has_body = request.framing != http::BodyFraming::None;
  if (has_body && request.expect_continue && !echo_) {
    // The client waits for "100 Continue" before it sends a body we do not want. We answer
    // now instead; whether the body follows anyway cannot be told, so the connection ends.
    keep_alive_ = false;
    return respond(0);
  }
  body_.start(request.framing, request.content_length);
  phase_ = Phase::Body;
  if (echo_ && has_body && request.expect_continue && !http10_) {
    // Tell the client to go ahead before it sends the body (HTTP/1.1 clients only).
    interim_ = true;
    responding_ = true;
    return Action::Respond;
  }
  return next();
}

bool HttpSession::plain(const http::Request& request) const {
  return request.framing == http::BodyFraming::None && keep_alive_ && !http10_ &&
         request.if_none_match.empty() && request.if_modified_since.empty() &&
         request.range.empty();
}

HttpSession::Action HttpSession::respond(int error_status) {
  Reply& reply = workspace_->reply;
  if (error_status != 0) {
    release_file();
    reply.reset();
    reply_with_error(error_status, reply);
    if (closes_connection(error_status)) keep_alive_ = false;
  }
  const bool close_after = !keep_alive_ || stopping_;  // this response is the last one
  if (close_after) phase_ = Phase::Closed;

  if (reply.prepared) {
    // Composed ahead, Date included. Only a plain request (keep-alive, asked before any stop)
    // gets one, so close_after is false and no Connection header is missing. HEAD gets the
    // header part only; GET gets the whole prepared bytes, body included when it is in them.
    const std::string& prepared = *reply.prepared;
    header_out_ = head_request_ ? std::string_view(prepared).substr(0, reply.prepared_head_length)
                                : std::string_view(prepared);
    if (head_request_) reply.body = ResponseBody{};
    responding_ = true;
    return Action::Respond;
  }

  http::ResponseHead& head = reply.head;
  head.date = dates_.now();
  head.connection = close_after ? http::ConnectionHeader::Close
                    : http10_   ? http::ConnectionHeader::KeepAlive
                                : http::ConnectionHeader::None;
  // HEAD gets the head GET would get, Content-Length included, and no body (RFC 9110 §9.3.2).
  if (head_request_) reply.body = ResponseBody{};

  std::string& header = workspace_->header;
  header.resize(http::composed_length(head));
  http::compose(head, header.data());
  header_out_ = header;
  responding_ = true;
  return Action::Respond;
}

void HttpSession::sent() {
  responding_ = false;
  if (interim_) {  // "100 Continue" is out; the real answer comes after the body
    interim_ = false;
    return;
  }
  release_file();
  workspace_->reply.reset();
  head_request_ = false;
  if (echo_) {
    std::string().swap(echo_body_);  // up to 1 MiB: not kept by a connection that goes idle
    echo_ = false;
  }
}

}  // namespace tenk::app
