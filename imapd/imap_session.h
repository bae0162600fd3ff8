// The IMAP4rev1 / IMAP4rev2 server session (RFC 3501, RFC 9051 and the extensions in CAPABILITY),
// sans-I/O: fed bytes, it frames and runs each command synchronously against the store on the
// calling worker thread, and produces bytes to send plus requests to the server (start TLS, close,
// watch a mailbox, IDLE). It never touches sockets, TLS or the event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "imapd/imap_command.h"
#include "imapd/imap_parser.h"
#include "storage/store.h"

namespace roost::imap {

struct SessionLimits {
  std::size_t max_errors = 10;          // BAD commands in a row before "* BYE" and a close
  std::size_t max_auth_failures = 3;    // failed logins in one session before "* BYE" and a close
  // Bytes buffered by receive() not yet framed; beyond it the server stops reading.
  std::size_t max_pending_input = 256 * 1024;
};

struct SessionConfig {
  std::string hostname;
  bool tls_available = false;     // a certificate is loaded and this is a STARTTLS listener
  bool implicit_tls = false;      // port 993: the session starts inside TLS
  bool plaintext_login = false;   // LOGIN/AUTHENTICATE allowed without TLS (loopback, by config)
  FramerLimits framer;            // imapd/imap_parser.h; framer.append_limit is APPENDLIMIT
  GrammarLimits grammar;          // imapd/imap_command.h
  SessionLimits limits;
};

// What the session needs from its server. Called on the session's worker thread: must be thread-safe.
class SessionEnv {
 public:
  virtual ~SessionEnv() = default;
  // Failed-login throttling (common/base/login_throttle.h, per client IP and per account): the server
  // knows the client IP and guards the shared LoginThrottle with a mutex.
  virtual bool login_locked_out(std::string_view account) = 0;
  virtual std::chrono::milliseconds login_failed(std::string_view account) = 0;  // delay before the NO
  virtual void login_succeeded(std::string_view account) = 0;
  virtual std::int64_t now_unix() = 0;  // seconds; for APPEND's internal date and Date checks
};

// Requests to the server, taken with next_request() after each call. StartTls and Close are the
// empty structs of imap_command.h (the command and the request carry nothing):
//   StartTls: "OK Begin TLS" is already in the output: flush it, start TLS on the connection, then
//             call tls_started() (a failed handshake: just close).
//   Close:    flush the output, then close the connection (after LOGOUT, BYE, too many errors).
// A mailbox is selected (0: none): the server listens for store changes (storage/notify.h) so IDLE
// can be woken.
struct WatchMailbox {
  std::int64_t mailbox_id = 0;
};
// "+ idling" is out: on any store change (or every second as a fallback) call changes_notified().
struct IdleStarted {};
struct IdleEnded {};
// Hold the output taken next for this long (failed login).
struct DelayOutput {
  std::chrono::milliseconds delay{0};
};
using Request = std::variant<StartTls, Close, WatchMailbox, IdleStarted, IdleEnded, DelayOutput>;

class Session {
 public:
  // The greeting is in the output at once.
  Session(SessionConfig config, store::Store& store, SessionEnv& env);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Bytes from the client (after TLS/decompression). Cheap: only buffers; step() does the work.
  void receive(std::string_view bytes);
  // Processes buffered input: frames commands and runs them, until the input is used up, a request is
  // pending, or the output holds at least `output_budget` bytes (a FETCH of 10,000 messages goes on in
  // the next call). Returns true when there is more work to do right away (call again once the output
  // drained).
  bool step(std::size_t output_budget = 256 * 1024);
  std::string take_output();
  std::optional<Request> next_request();
  // RFC 9051 6.2.1: the session starts over; the framer already discarded plaintext pipelined behind
  // STARTTLS.
  void tls_started();
  // In IDLE: refresh the selected mailbox's view and send untagged updates.
  void changes_notified();
  // Idle timer: "* BYE Autologout; idle for too long" then Close.
  void timed_out();
  // Shutdown: "* BYE Server shutting down" then Close (at the next point between commands).
  void stop();
  // receive() buffered more than limits.max_pending_input: stop reading until step() drains it.
  bool input_full() const;
  bool closed() const;
  bool tls_active() const;
  // The authenticated account ("" before).
  const std::string& user() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace roost::imap
