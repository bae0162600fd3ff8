// The POP3 server protocol state machine (RFC 1939 with CAPA and response codes, RFC 2449; STLS,
// RFC 2595; AUTH, RFC 5034; RFC 3206 codes), sans-I/O: fed command lines, it produces bytes to send
// and requests to the outside (start TLS, authenticate and lock the maildrop, fetch a message, commit
// deletions, close), and is resumed with their results. It never logs and never reads the clock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sasl/sasl_server.h"
#include "pop3d/dot_stuffer.h"

namespace roost::pop3 {

struct SessionLimits {
  std::size_t max_errors = 10;         // unknown or malformed commands before -ERR and a close
  std::size_t max_auth_failures = 3;   // failed logins in one session before -ERR and a close
  std::size_t max_pending_lines = 64;  // lines held while a request is outstanding (the server also
                                       // pauses its input then); more is a client error and a close
};

struct SessionConfig {
  std::string hostname;                 // in the greeting
  std::string implementation = "Roost"; // CAPA IMPLEMENTATION (RFC 2449 6.9)
  bool tls_available = false;           // a certificate is loaded and the listener allows STLS
  bool implicit_tls = false;            // the session starts inside TLS (port 995)
  bool plaintext_login = false;         // USER/PASS and AUTH allowed without TLS (loopback, by config)
  SessionLimits limits;
};

// One message of the maildrop snapshot taken at login; numbers are positions in this list (1-based).
struct MaildropMessage {
  std::uint32_t uid = 0;
  std::int64_t size = 0;  // octets as stored, which is what RETR sends before stuffing
  std::int64_t blob_id = 0;
};

struct Maildrop {
  std::int64_t account_id = 0;
  std::string account;  // canonical address
  std::int64_t mailbox_id = 0;  // INBOX
  std::uint32_t uidvalidity = 0;
  std::vector<MaildropMessage> messages;  // ascending UID
};

// The UIDL of a message (RFC 1939 7): UIDVALIDITY and UID, each as 8 hex digits. Unique and stable
// for as long as the message stays in INBOX, across sessions and restarts.
std::string unique_id(std::uint32_t uidvalidity, std::uint32_t uid);

// ---- Requests to the outside ----

// The "+OK" is already in the output: send it, call Connection::start_tls (which discards pipelined
// plaintext), and on success call tls_started(). On a failed handshake just close.
struct StartTls {};
// Check the credentials (with the login throttle), lock the account's maildrop and take its snapshot.
// Answer with AuthResult.
struct Authenticate {
  std::string user;  // as sent
  sasl::SecretString password;
};
// Open the message for RETR or TOP; answer with FetchResult, then (when ok) stream its bytes with
// message_data() and end with message_end().
struct Fetch {
  std::size_t number = 0;  // 1-based, for logs
  MaildropMessage message;
  std::optional<std::uint64_t> top_lines;  // TOP; nullopt for RETR
};
// QUIT in TRANSACTION state (RFC 1939 6, UPDATE state): expunge these UIDs in one durable write.
// Answer with CommitResult. The list may be empty (nothing to do but the answer is still needed).
struct Commit {
  std::vector<std::uint32_t> uids;
};
// Flush the output, then close. No completion.
struct Close {};

using Request = std::variant<StartTls, Authenticate, Fetch, Commit, Close>;

// ---- Results from the outside ----

enum class AuthVerdict {
  ok,
  bad_credentials,    // -ERR [AUTH]
  disabled,           // -ERR [AUTH]
  throttled,          // too many failures lately: -ERR [SYS/TEMP]
  in_use,             // another session holds the maildrop: -ERR [IN-USE]
  temporary_failure,  // the store failed: -ERR [SYS/TEMP]
};
struct AuthResult {
  AuthVerdict verdict = AuthVerdict::bad_credentials;
  Maildrop maildrop;  // when ok
};

enum class FetchVerdict {
  ok,
  expunged,           // removed meanwhile (IMAP): -ERR
  temporary_failure,  // -ERR [SYS/TEMP]
};
struct FetchResult {
  FetchVerdict verdict = FetchVerdict::ok;
};

struct CommitResult {
  bool ok = false;
  std::size_t expunged = 0;
};

enum class State { authorization, transaction, update, closed };

class Session {
 public:
  // The greeting is in the output at once.
  explicit Session(SessionConfig config);

  // One command line without its line ending. Lines that arrive while a request is outstanding are
  // kept and processed after its completion.
  void receive_line(std::string_view line);
  // A line went over the connection's limit (its rest was skipped): answered as an error.
  void line_too_long();

  // Bytes to send, in order; the session keeps nothing once taken.
  std::string take_output();
  // The next request to the outside, in order.
  std::optional<Request> next_request();

  void complete(AuthResult result);
  void complete(const FetchResult& result);
  void complete(const CommitResult& result);
  // After a FetchResult ok: the message bytes in chunks of any size, then the end. message_end with
  // failed=true (the read broke mid-way) closes the session: the response cannot be finished validly.
  void message_data(std::string_view bytes);
  void message_end(bool failed = false);
  // When the TOP limit was reached, more data is not needed.
  bool message_complete() const { return stuffer_ && stuffer_->done(); }

  // The STLS handshake finished (RFC 2595 4: the session starts over in AUTHORIZATION state).
  void tls_started();
  // The idle timer (or the session time limit) fired: RFC 1939 3, autologout without entering UPDATE.
  void timed_out(bool session_limit = false);
  // The server is stopping: -ERR and a close at the next point between commands.
  void stop();

  State state() const { return state_; }
  // A request is outstanding (or a message is being streamed): input should wait.
  bool busy() const { return awaiting_ != Awaiting::none; }
  bool tls_active() const { return tls_active_; }
  const std::string& user() const { return user_; }
  const Maildrop& maildrop() const { return maildrop_; }
  std::size_t retrieved() const { return retrieved_; }
  std::size_t deleted() const { return deleted_; }
  std::size_t auth_failures() const { return auth_failures_; }

 private:
  enum class Awaiting { none, start_tls, auth, fetch_open, fetch_data, commit };

  void process(std::string_view line);
  void process_pending();
  void on_command(std::string_view line);
  void on_sasl_line(std::string_view line);
  void handle_sasl_step(sasl::Step step);
  void reply(std::string_view text);
  void error(std::string_view text);
  void client_error(std::string_view text);
  void close();
  bool login_allowed() const { return tls_active_ || config_.plaintext_login; }
  void write_capabilities();
  void request_auth(std::string user, sasl::SecretString password);
  // The message for a number argument, or nullptr after answering -ERR.
  const MaildropMessage* message_for(std::string_view arg, std::size_t& number);
  std::size_t live_count() const;
  std::int64_t live_size() const;


  SessionConfig config_;
  State state_ = State::authorization;
  Awaiting awaiting_ = Awaiting::none;
  bool tls_active_ = false;
  bool stop_requested_ = false;
  std::string output_;
  std::deque<Request> requests_;
  std::deque<std::optional<std::string>> pending_lines_;  // nullopt: a line that was too long
  std::optional<std::string> user_name_;  // USER given, PASS expected next
  std::optional<sasl::SaslServer> sasl_;
  std::string user_;
  Maildrop maildrop_;
  std::vector<bool> marked_;  // DELE marks, by message index
  std::optional<DotStuffer> stuffer_;
  bool fetch_is_retr_ = false;
  std::int64_t fetch_size_ = 0;
  std::size_t errors_ = 0;
  std::size_t auth_failures_ = 0;
  std::size_t retrieved_ = 0;
  std::size_t deleted_ = 0;
};

}  // namespace roost::pop3
