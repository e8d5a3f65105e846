// The protocol side of one HTTP connection, the same in every step.
//
// A step owns the socket and decides HOW bytes move (a blocking thread, a select/epoll state
// machine, a fiber). HttpSession decides WHAT is said: it owns the receive buffer, parses
// requests out of it, skips or collects bodies, picks the reply and composes its header, and
// says when the connection must close. The step runs this loop, in whatever shape it teaches:
//
//   for (;;) switch (session.next()) {
//     case Action::Receive: n = recv(fd, session.receive_space()); session.received(n) or
//                           session.peer_closed(); break;
//     case Action::Respond: send session.header(), then session.body(); session.sent(); break;
//     case Action::Close:   close(fd); return;
//   }
//
// Nothing here allocates per request, except what /echo needs for its body and a 301's Location.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "app/files.hpp"
#include "http/date.hpp"
#include "http/parser.hpp"

namespace tenk::app {

class HttpSession {
 public:
  // The receive buffer holds one maximal request head (request line + header section) plus
  // room for the start of the next pipelined request.
  static constexpr std::size_t kReceiveBufferSize =
      http::kMaxRequestLine + http::kMaxHeaderBytes + 1024;

  HttpSession(FileOpener& files, http::DateSource& dates);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  enum class Action : unsigned char {
    Receive,  // recv() into receive_space(), then received(n) or peer_closed()
    Respond,  // send header() then body(), then call sent()
    Close,    // nothing more to say: close the socket
  };

  // What the connection should do now. Call again after doing it.
  Action next();

  // Free space at the end of the receive buffer (never empty when next() said Receive).
  std::span<char> receive_space();
  void received(std::size_t bytes);
  // The peer closed its side (recv returned 0) or the connection failed: answer what is
  // complete, then Close.
  void peer_closed();

  // Valid after next() returned Respond, until sent().
  std::string_view header() const { return header_; }
  const Reply& reply() const { return reply_; }
  // Convenience: the body to send after the header (Body::None for HEAD, 304, 100 Continue).
  Reply::Body body_kind() const { return interim_ ? Reply::Body::None : reply_.body; }
  // The response (header and body) is out: release the file, drop the request's bytes.
  void sent();

  // The server is shutting down: the response in progress (if any) is the last one and says
  // "Connection: close"; an idle connection closes at once.
  void stop();
  // No request is partly received or being answered: safe to close without losing anything.
  bool idle() const;
  // True when the response being sent is the connection's last (Connection: close).
  bool closing_after_response() const { return close_after_; }

 private:
  enum class Phase : unsigned char { Head, EchoBody, SkipBody, Closed };

  Action answer_request();          // after a complete head: choose the reply
  // Composes header_ for reply_. A non-zero error_status first replaces reply_ with that error.
  Action respond(int error_status);
  std::string_view unparsed() const { return {buffer_.get() + begin_, end_ - begin_}; }
  void consume(std::size_t bytes) { begin_ += bytes; }

  FileOpener& files_;
  http::DateSource& dates_;

  std::unique_ptr<char[]> buffer_;  // not zero-filled: untouched pages cost no memory
  std::size_t begin_ = 0;           // first unconsumed byte
  std::size_t end_ = 0;             // one past the last received byte

  Phase phase_ = Phase::Head;
  http::RequestParser parser_;
  http::Request request_;
  http::BodyDecoder body_;
  std::string echo_body_;
  std::string path_;     // decoded target path (reserved once)
  std::string scratch_;  // path + "index.html"

  Reply reply_;
  std::string header_;  // composed response header (reserved once)
  bool responding_ = false;    // a Respond is out and sent() has not been called
  bool interim_ = false;       // the response out is "100 Continue"
  bool keep_alive_ = true;     // the current request allows another after it
  bool http10_ = false;        // the current request is HTTP/1.0 (echo "Connection: keep-alive")
  bool head_request_ = false;  // the current request is HEAD: send the head only
  bool close_after_ = false;   // close once the current response is sent
  bool peer_closed_ = false;   // no more input will arrive
  bool stopping_ = false;      // stop() was called
};

}  // namespace tenk::app
