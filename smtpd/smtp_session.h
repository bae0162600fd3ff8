// The SMTP server protocol state machine (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
// ENHANCEDSTATUSCODES, CHUNKING, STARTTLS, AUTH), sans-I/O: fed raw bytes, it produces bytes to send
// and requests to the outside (start TLS, authenticate, resolve a recipient, check a sender,
// deliver, close), and is resumed with their results. It never logs and never reads the clock itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/mail/address.h"
#include "common/mail/date.h"
#include "common/sasl/sasl_server.h"
#include "smtpd/smtp_data_receiver.h"
#include "smtpd/smtp_parser.h"
#include "smtpd/smtp_reply.h"
#include "storage/store_error.h"

namespace roost::smtp {

enum class ListenerKind {
  mx,           // port 25: mail from the world for local recipients; STARTTLS offered
  submission,   // port 587: STARTTLS required before AUTH and MAIL; AUTH required before MAIL
  submissions,  // port 465: implicit TLS (RFC 8314); AUTH required before MAIL
};

// Every limit with its default. The server glue fills them from the configuration.
struct SessionLimits {
  std::uint64_t max_message_size = 50ull << 20;  // SIZE advertised and enforced (RFC 1870)
  std::size_t max_recipients = 100;              // RFC 5321 4.5.3.1.8: at least 100
  // A command or SASL line including CRLF. RFC 5321 4.5.3.1.4 allows 512, but AUTH lines carry
  // base64 credentials (RFC 4954 4 allows up to 12288); 4096 covers the SASL limits with room.
  std::size_t max_line_length = 4096;
  std::size_t max_errors = 20;  // client errors before 421 4.7.0 and a close (Postfix's hard limit)
  std::size_t max_received_fields = 100;     // RFC 5321 6.3: a mail loop; 554 5.4.6
  // Bytes held while a request is outstanding before wants_input() turns false.
  std::size_t input_high_watermark = 64 << 10;
};

struct SessionConfig {
  std::string hostname;  // in the greeting, EHLO reply, Received and Message-ID
  ListenerKind listener = ListenerKind::mx;
  bool tls_available = true;   // a certificate is loaded: STARTTLS may be offered
  bool auth_on_mx = false;     // offer AUTH on the MX listener too (after TLS only)
  bool plaintext_auth = false; // allow AUTH without TLS (loopback tests only)
  bool received_shows_user = false;  // name the authenticated user in Received
  SessionLimits limits;
};

struct PeerInfo {
  std::string ip;          // the client's address, for Received
  std::string host_name;   // its verified reverse DNS name, or empty
};

struct TlsInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
};

// Injected time and randomness, so tests are reproducible.
struct Environment {
  std::function<mail::DateTime()> now;        // the current instant and local zone offset
  std::function<std::uint64_t()> random;      // unpredictable 64-bit values (ids)
};

// ---- Requests to the outside ----

// Start the TLS handshake. The 220 reply is already in the output: send it, discard any plaintext
// received after the STARTTLS line (the session discards what it holds), handshake, then call
// tls_started(). On a failed handshake just close the connection.
struct StartTls {};

// Verify credentials (throttling is the outside's). Answer with AuthResult.
struct Authenticate {
  std::string user;             // authcid as sent
  sasl::SecretString password;
};

// Decide what a recipient is. Answer with RecipientResult.
struct ResolveRecipient {
  mail::Address address;  // source route already dropped (RFC 5321 4.1.2 / Appendix C)
  bool authenticated = false;
  std::string account;    // the authenticated account, or empty
};

// Does the authenticated account own this address? Asked for MAIL FROM on submission and for every
// address of the From: header field. Answer with SenderResult.
struct CheckSender {
  std::string account;
  mail::Address address;
  bool from_header = false;  // asked for the From: field rather than MAIL FROM
};

enum class RecipientVerdict {
  local,              // a local account (or an alias of some): accept
  remote,             // not ours, and relaying is allowed (authenticated submission): accept
  unknown,            // in a local domain but no such account: 550 5.1.1
  relay_denied,       // not a local domain and no relay right: 554 5.7.1
  disabled,           // the account is disabled: 450 4.2.1
  mailbox_full,       // over quota, may clear: 452 4.2.2
  over_quota,         // the account cannot take mail at all: 552 5.2.2
  temporary_failure,  // the store or resolver failed: 451 4.3.0
};

struct EnvelopeRecipient {
  mail::Address address;
  RecipientVerdict verdict = RecipientVerdict::local;  // local or remote
  std::vector<std::string> local_accounts;             // for local: the accounts it expands to
};

struct Envelope {
  std::string id;  // the transaction id, also in the Received field
  mail::Address sender;
  std::vector<EnvelopeRecipient> recipients;
  BodyType body = BodyType::seven_bit;
  bool smtputf8 = false;
  ListenerKind listener = ListenerKind::mx;
  std::string helo;
  std::string account;  // authenticated account, or empty
  std::optional<TlsInfo> tls;
  PeerInfo peer;
};

// Store the message (local delivery and/or queue). Only after it is durable answer DeliverResult;
// the client gets 250 with the queue id.
struct Deliver {
  Envelope envelope;
  std::string message;  // the whole message, CRLF lines, Received (and Message-ID/Date) prepended
};

// Flush the output, then close the connection. No completion.
struct Close {};

struct Request {
  std::uint64_t id = 0;
  std::variant<StartTls, Authenticate, ResolveRecipient, CheckSender, Deliver, Close> body;
};

// ---- Results from the outside ----

enum class AuthVerdict { ok, bad_credentials, temporary_failure };
struct AuthResult {
  AuthVerdict verdict = AuthVerdict::bad_credentials;
  std::string account;  // the canonical account name when ok
};

struct RecipientResult {
  RecipientVerdict verdict = RecipientVerdict::unknown;
  std::vector<std::string> local_accounts;
};

enum class SenderVerdict { owned, not_owned, temporary_failure };
struct SenderResult {
  SenderVerdict verdict = SenderVerdict::not_owned;
};

struct DeliverResult {
  store::StoreResult<std::string> queue_id;  // the queue id, or why storing failed
};

using Outcome = std::variant<AuthResult, RecipientResult, SenderResult, DeliverResult>;

// A transaction that ended without reaching the store, for the glue's one log line per transaction:
// refused by the session at the end of the message (bare CR/LF, size overrun, mail loop, From: not
// owned, ...; `code` is the reply), or abandoned after MAIL (RSET, a new EHLO, QUIT, a timeout, the
// connection lost; `code` is 0). A message that reaches Deliver is not summarised here: the glue
// logs it with its delivery result.
struct TransactionSummary {
  mail::Address sender;
  std::vector<mail::Address> recipients;
  std::uint64_t size = 0;  // message bytes received (counting those past the limit)
  int code = 0;            // the reply the client got
  std::string enhanced;    // its enhanced status code
  std::string reason;      // a short name: "bare_line_ending", "too_big", "mail_loop", "reset", ...
  bool refused() const { return code != 0; }
};

class Session {
 public:
  // The greeting (220) is in the output at once. With implicit TLS (submissions) pass `tls`.
  Session(SessionConfig config, PeerInfo peer, Environment env, std::optional<TlsInfo> tls = std::nullopt);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Bytes from the client, any split. Processes as far as it can without an answer from outside;
  // bytes behind an outstanding request are kept and processed after complete(). Ignored once
  // closed and while a TLS handshake is pending.
  void receive(std::string_view bytes);
  // The bytes to send, in order; empties the buffer.
  std::string take_output();
  // The request the session waits for, handed out once; nullopt when there is none.
  std::optional<Request> next_request();
  // The answer to request `id` (which must be outstanding, with the matching result type: a
  // mismatch is a bug and aborts).
  void complete(std::uint64_t id, Outcome outcome);
  // The TLS handshake after STARTTLS succeeded: the session starts again after the greeting and
  // the client must send EHLO again (RFC 3207 4.2). Everything said before is forgotten.
  void tls_started(TlsInfo info);
  // The client stayed silent too long: 421 4.4.2, then Close (RFC 5321 4.5.3.2).
  void timeout();
  // The server is stopping: 421 4.3.2, then Close (RFC 5321 3.8).
  void shutdown();

  bool closed() const { return input_ == Input::closed; }
  // False while a request is outstanding and the held input is over the high watermark: the glue
  // stops reading until it turns true again (after complete()).
  bool wants_input() const;
  bool tls_active() const { return tls_.has_value(); }
  bool authenticated() const { return !account_.empty(); }
  // The transactions that ended without a Deliver since the last call, oldest first (pipelining can
  // end several between two calls); empties the list. Open transactions and those handed out as
  // Deliver never appear.
  std::vector<TransactionSummary> take_finished_transactions();
  // The connection is gone (the peer closed it, or the glue had to): an open transaction ends
  // abandoned. Nothing is sent.
  void connection_lost();

 private:
  // Where the SMTP dialogue is (OpenSMTPD-style named states).
  enum class State { initial, ready, mail, rcpt, bdat };
  // How the next input bytes are read (a receiver per input mode).
  enum class Input { command, data, bdat_chunk, sasl, tls_handshake, closed };
  // What an outstanding request continues with.
  enum class Waiting { none, starttls, auth, rcpt, mail_sender, header_sender, deliver };

  // The mail transaction from MAIL to the end of the message (RFC 5321 3.3).
  struct Transaction {
    MailFrom mail;
    std::vector<EnvelopeRecipient> recipients;
    mail::Address pending_rcpt;             // the RCPT being resolved
    std::unique_ptr<MessageBuffer> chunks;  // BDAT content so far
    std::string message;                    // the complete message, once received
    std::vector<mail::Address> header_senders;  // From: addresses still to check (submission)
    std::size_t next_header_sender = 0;
    bool has_message_id = false;
    bool has_date = false;
    bool settled = false;  // handed out as Deliver or summarised as refused: no "abandoned" summary
  };

  void process();
  void on_command_line(std::string_view line);
  void dispatch(const Command& cmd);
  void reject(const Reply& r);
  void send(const Reply& r);
  void close_with(const Reply& r);
  void post(Waiting waiting, decltype(Request::body) body);
  void reset_transaction();
  // Summarises the open transaction, if any and not settled, as abandoned for `reason`.
  void record_abandoned(std::string_view reason);
  void reset_to_greeted(bool forget_helo);

  void do_helo(const Command& cmd, bool extended);
  void do_mail(const Command& cmd);
  void do_rcpt(const Command& cmd);
  void do_data(const Command& cmd);
  void do_bdat(const BdatArgs& args);
  void do_auth(const Command& cmd);
  void do_starttls(const Command& cmd);
  void on_sasl_line(std::string_view line);
  void on_sasl_step(sasl::Step step);
  void on_bdat_chunk_done();
  void finish_message(MessageBuffer& message, bool bare_line_ending);
  void skip_chunk(std::uint64_t size, Reply r);
  void check_next_header_sender();
  void deliver();
  // Refuses the message of the current transaction with `r`, records its summary and ends it.
  void refuse_message(const Reply& r, std::string_view reason, std::uint64_t size);

  void on_auth_result(const AuthResult& r);
  void on_recipient_result(const RecipientResult& r);
  void on_sender_result(const SenderResult& r);
  void on_deliver_result(const DeliverResult& r);

  std::vector<std::string> ehlo_lines() const;
  bool auth_offered() const;
  bool tls_required() const;
  std::string protocol_name() const;

  SessionConfig config_;
  PeerInfo peer_;
  Environment env_;
  std::optional<TlsInfo> tls_;
  State state_ = State::initial;
  Input input_ = Input::command;
  std::string in_;          // received, not yet consumed
  std::size_t in_pos_ = 0;  // consumed prefix of in_
  std::string out_;
  LineReader lines_;
  std::size_t errors_ = 0;
  std::string helo_;
  bool extended_ = false;  // EHLO rather than HELO
  std::string account_;    // authenticated account
  std::string auth_user_;  // the user name of the AUTH being verified
  std::unique_ptr<Transaction> tx_;
  std::vector<TransactionSummary> finished_;  // refused transactions not yet taken
  std::unique_ptr<DataReceiver> data_;
  std::optional<sasl::SaslServer> sasl_;
  // BDAT chunk being read: bytes left, whether they are kept, and the reply once read.
  std::uint64_t chunk_left_ = 0;
  std::uint64_t chunk_size_ = 0;
  bool chunk_keep_ = false;
  bool chunk_last_ = false;
  std::optional<Reply> chunk_reply_;
  // Requests.
  std::uint64_t next_id_ = 1;
  std::optional<Request> queued_;      // not yet handed out
  std::uint64_t outstanding_ = 0;      // id of the request waited for (0: none)
  Waiting waiting_ = Waiting::none;
  bool in_process_ = false;
};

}  // namespace roost::smtp
