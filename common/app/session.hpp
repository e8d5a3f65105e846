// The protocol side of one HTTP connection, the same in every step.
//
// A step owns the socket and decides HOW bytes move (a blocking thread, a select/epoll state
// machine, a fiber). HttpSession decides WHAT is said: it owns the receive buffer, parses
// requests out of it, reads or skips bodies, picks the reply and composes its header, and says
// when the connection must close. The step runs this loop, in whatever shape it teaches:
//
//   for (;;) switch (session.next()) {
//     case Action::Receive: n = recv(fd, session.receive_space());
//                           n > 0 → session.received(n); n == 0 → session.peer_closed();
//                           EAGAIN → session.receive_would_block(), wait for input; break;
//     case Action::Respond: send session.header(), then session.body(); session.sent(); break;
//     case Action::Close:   close(fd); return;
//   }
//
// Memory: a session that waits between requests holds no buffer. Everything it needs only
// while busy with a request (the receive buffer, the parsed Request and its header table, the
// Reply, the composed header) lives in a Workspace taken from a per-thread pool when bytes
// arrive and handed back when the connection goes idle, so 10,000 idle keep-alive connections
// cost a few hundred bytes each instead of ~20 KiB. The pool keeps its free workspaces, so the
// steady state allocates nothing per request; the only allocations are /echo's body and a
// 301's Location.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "app/files.hpp"
#include "app/reply.hpp"
#include "http/date.hpp"
#include "http/parser.hpp"

namespace tenk::app {

class HttpSession {
 public:
  // The receive buffer holds one maximal request head (request line + header section) plus
  // room for the start of the next pipelined request.
  static constexpr std::size_t kReceiveBufferSize =
      http::kMaxRequestLine + http::kMaxHeaderBytes + 1024;

  // `prepared` (step 12's response cache, or null) answers the plain GETs and HEADs it can;
  // `files` and the usual path answer the rest.
  HttpSession(FileOpener& files, http::DateSource& dates, PreparedResponses* prepared = nullptr);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  enum class Action : unsigned char {
    Receive,  // recv() into receive_space(), then received(n), peer_closed() or
              // receive_would_block()
    Respond,  // send header() then body(), then call sent()
    Close,    // nothing more to say: close the socket
  };

  // What the connection should do now. Call again after doing it.
  Action next();

  // Free space at the end of the receive buffer (never empty when next() said Receive). Takes a
  // workspace from the thread's pool if the session holds none.
  std::span<char> receive_space();
  void received(std::size_t bytes);
  // The peer closed its side (recv returned 0) or the connection failed: answer what is
  // complete, then Close.
  void peer_closed();
  // recv() found nothing to read (EAGAIN) and the step is about to wait for input: a session
  // with nothing buffered hands its workspace back to the pool, so a waiting connection costs
  // no buffer. Steps that block in recv() (a thread per connection) never call it.
  void receive_would_block();

  // Valid after next() returned Respond, until sent(): the response header, then what to send
  // after it (nothing for HEAD, 304 and "100 Continue"; memory; or a range of an open file).
  std::string_view header() const;
  const ResponseBody& body() const;
  // The response (header and body) is out: release the file, drop the request's bytes.
  void sent();

  // A buffer in which a step may gather several answers (copies of header() and of a body in
  // memory) to write them with one system call (step 13). It lives in the workspace, so an idle
  // connection holds none and the steady state allocates nothing; while it holds bytes the
  // session is not idle() (a stop lets them be written) and keeps its workspace. The step
  // clears it once it is written.
  std::string& gathered();
  // Bytes of a next request are already in the receive buffer (a client that pipelines): the
  // answer being sent is not the last one known, so a step may gather it (step 13).
  bool input_buffered() const { return begin_ != end_; }

  // Valid with header(): the client said this request is its last (Connection: close, or
  // HTTP/1.0 without keep-alive) and nothing of it or after it waits to be read, so the
  // connection closes right after this response. A step may then hold the answer back and let
  // close() send it with the FIN, one segment instead of two (step 13). Never true for
  // "100 Continue" (more follows), nor when the server chose to close (an error, a stop): that
  // client may have pipelined more requests, and close() with unread input resets the
  // connection, dropping whatever was held back. Known limit: bytes a client sends after its
  // own "close" request, against RFC 9112 section 9.6, have the same effect.
  bool client_ends_after() const { return client_ends_ && !interim_ && !input_buffered(); }

  // The server is shutting down: every response composed from now on says "Connection:
  // close" and is the last one; an idle connection closes at once. A response already composed
  // (its header may be partly on the wire) is sent as it is, and the connection closes after
  // it: its header may still promise keep-alive, which the close then overrides (RFC 9112
  // §9.6 lets a server close after any response).
  void stop();
  // No request is partly received or being answered, and no gathered answer waits to be
  // written: safe to close without losing anything.
  bool idle() const;
  // True while the session holds a workspace (a receive buffer and the rest): false for a
  // connection waiting between requests once receive_would_block() was called.
  bool holds_workspace() const { return workspace_ != nullptr; }

  struct Workspace;  // defined in session.cpp

 private:
  enum class Phase : unsigned char { Head, Body, Closed };

  Action answer_request();  // after a complete head: choose the reply
  // Nothing in the request can change the answer (no body, no conditional, no range), and the
  // answer needs no Connection header (HTTP/1.1 keep-alive, no stop): what a prepared
  // response may answer.
  bool plain(const http::Request& request) const;
  // Composes the header for the reply. A non-zero error_status first replaces the reply with
  // that error.
  Action respond(int error_status);
  std::string_view unparsed() const;
  void consume(std::size_t bytes) { begin_ += bytes; }
  void release_file();

  FileOpener& files_;
  http::DateSource& dates_;
  PreparedResponses* prepared_;

  std::unique_ptr<Workspace> workspace_;  // null while idle (see receive_would_block)
  std::size_t begin_ = 0;                 // first unconsumed byte of the receive buffer
  std::size_t end_ = 0;                   // one past the last received byte

  Phase phase_ = Phase::Head;
  http::RequestParser parser_;
  http::BodyDecoder body_;
  std::string echo_body_;  // POST /echo only; released after its response

  std::string_view header_out_;  // what header() returns: the composed or the prepared head
  bool responding_ = false;      // a Respond is out and sent() has not been called
  bool interim_ = false;         // the response out is "100 Continue"
  bool echo_ = false;            // the current request is POST /echo: its body is the reply
  bool keep_alive_ = true;       // the current request allows another after it
  bool client_ends_ = false;     // the current request said it is the client's last
  bool http10_ = false;          // the current request is HTTP/1.0 (echo "Connection: keep-alive")
  bool head_request_ = false;    // the current request is HEAD: send the head only
  bool peer_closed_ = false;     // no more input will arrive
  bool stopping_ = false;        // stop() was called
};

}  // namespace tenk::app
