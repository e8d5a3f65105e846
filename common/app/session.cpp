#include "app/session.hpp"

#include <cstring>

#include "http/response.hpp"

namespace tenk::app {

using http::Method;

namespace {

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

HttpSession::HttpSession(FileOpener& files, http::DateSource& dates)
    : files_(files), dates_(dates), buffer_(new char[kReceiveBufferSize]) {
  // Reserved once so that serving a file never allocates.
  path_.reserve(http::kMaxRequestLine);
  scratch_.reserve(http::kMaxRequestLine + 16);
  header_.reserve(512);
}

HttpSession::~HttpSession() {
  files_.release(reply_.file);
}

std::span<char> HttpSession::receive_space() {
  // Only called between requests or inside one not yet parsed, so no string_view points into
  // the buffer now: moving the unconsumed tail to the front is safe.
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  return {buffer_.get() + end_, kReceiveBufferSize - end_};
}

void HttpSession::received(std::size_t bytes) {
  end_ += bytes;
}

void HttpSession::peer_closed() {
  peer_closed_ = true;
}

void HttpSession::stop() {
  stopping_ = true;
  if (responding_) close_after_ = true;
}

bool HttpSession::idle() const {
  return phase_ == Phase::Head && begin_ == end_ && !responding_;
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
        switch (parser_.parse(unparsed(), request_)) {
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

      case Phase::EchoBody:
      case Phase::SkipBody: {
        bool echo = phase_ == Phase::EchoBody;
        auto result = body_.feed(unparsed(), echo ? &echo_body_ : nullptr);
        consume(result.consumed);
        if (result.error_status != 0) {
          // A bad body of a request already answered (SkipBody) gets no second response: the
          // client would take it for the answer to its next request. The stream is lost, so
          // the connection just ends.
          if (!echo) {
            phase_ = Phase::Closed;
            continue;
          }
          return respond(result.error_status);
        }
        if (result.done) {
          phase_ = Phase::Head;
          if (!echo) continue;
          reply_with_echo(echo_body_, reply_);
          return respond(0);
        }
        if (peer_closed_) {
          phase_ = Phase::Closed;
          continue;
        }
        return Action::Receive;
      }
    }
  }
}

HttpSession::Action HttpSession::answer_request() {
  const http::Request& request = request_;
  // The head's bytes stay in the buffer until the next receive_space(), so `request` remains
  // valid while we answer; we only advance past them.
  consume(parser_.head_length());
  parser_.reset();
  http10_ = request.version == http::Version::Http10;
  head_request_ = request.method == Method::Head;
  keep_alive_ = request.keep_alive && !stopping_;

  if (request.method == Method::Unknown) return respond(501);
  if (request.expect_unsupported) return respond(417);
  if (request.path == "*") {  // "OPTIONS *": the only method allowed this form; not served
    reply_with_error(405, reply_, "GET, HEAD");
    return respond(0);
  }
  if (int status = decode_target_path(request.path, path_); status != 0) return respond(status);

  const bool has_body = request.framing != http::BodyFraming::None;
  body_.start(request.framing, request.content_length);
  if (path_ == "echo") {
    if (request.method != Method::Post) {
      reply_with_error(405, reply_, "POST");
    } else {
      echo_body_.clear();
      phase_ = Phase::EchoBody;
      // Tell the client to go ahead before it sends the body (HTTP/1.1 clients only).
      if (request.expect_continue && has_body && !http10_) {
        interim_ = true;
        responding_ = true;
        header_.assign(http::kContinueResponse);
        return Action::Respond;
      }
      return next();
    }
  } else if (request.method == Method::Get || request.method == Method::Head) {
    reply_with_file(request, path_, files_, scratch_, reply_);
  } else {
    reply_with_error(405, reply_, "GET, HEAD");
  }

  if (has_body) {
    // A client that waits for "100 Continue" may never send the body we would have to skip;
    // we cannot tell, so this connection ends after the answer.
    if (request.expect_continue) keep_alive_ = false;
    phase_ = Phase::SkipBody;
  }
  return respond(0);
}

HttpSession::Action HttpSession::respond(int error_status) {
  if (error_status != 0) {
    files_.release(reply_.file);
    reply_.reset();
    reply_with_error(error_status, reply_);
    if (closes_connection(error_status)) keep_alive_ = false;
  }
  close_after_ = !keep_alive_ || stopping_;
  if (close_after_) phase_ = Phase::Closed;

  http::ResponseHead& head = reply_.head;
  head.date = dates_.now();
  head.connection = close_after_ ? http::ConnectionHeader::Close
                    : http10_    ? http::ConnectionHeader::KeepAlive
                                 : http::ConnectionHeader::None;
  if (head_request_) reply_.body = Reply::Body::None;  // HEAD: the GET head, no body

  header_.resize(http::composed_length(head));
  http::compose(head, header_.data());
  responding_ = true;
  return Action::Respond;
}

void HttpSession::sent() {
  responding_ = false;
  if (interim_) {  // "100 Continue" is out; the real answer comes after the body
    interim_ = false;
    return;
  }
  files_.release(reply_.file);
  reply_.reset();
  head_request_ = false;
}

}  // namespace tenk::app
