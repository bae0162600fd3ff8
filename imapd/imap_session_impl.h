// Session::Impl: the state of an IMAP session and the command handlers, split by area over
// imap_session_core.cpp (framing, dispatch, any-state commands, IDLE, untagged updates),
// imap_session_auth.cpp, imap_session_mailbox.cpp, imap_list.cpp, imap_session_append.cpp and
// imap_session_selected.cpp / imap_session_fetch.cpp. Internal to imapd.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sasl/sasl_server.h"
#include "imapd/imap_command.h"
#include "imapd/imap_parser.h"
#include "imapd/imap_session.h"
#include "imapd/selected_view.h"
#include "storage/quota.h"
#include "storage/store.h"

namespace roost::imap {

class FetchJob;

// A quoted string (RFC 9051 9 "quoted"): mailbox names never hold CR, LF or NUL.
inline std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// RFC 9051 3: the connection states.
enum class SessionState { not_authenticated, authenticated, selected, logout };

struct Session::Impl {
  Impl(SessionConfig config, store::Store& store, SessionEnv& env);
  ~Impl();

  // --- the public surface
  void receive(std::string_view bytes);
  bool step(std::size_t output_budget);
  void tls_started();
  void changes_notified();
  void timed_out();
  void stop();

  // --- core (imap_session_core.cpp)
  void on_framed_command(const RawCommand& raw);
  void on_line(std::string_view line);
  void abort_exchange();
  void dispatch(const Command& command);
  // A BAD for the client's mistake; max_errors of them in a row end the session.
  void client_error(const Reply& reply);
  void tagged_ok(const std::string& tag, std::string_view text, std::string_view code = {});
  void tagged_no(const std::string& tag, std::string_view code, std::string_view text);
  // The one place store errors become IMAP replies.
  void store_failure(const std::string& tag, store::StoreError error);
  void bye(std::string_view text);
  void close();
  std::string capabilities() const;
  // Refreshes the selected view and sends its untagged updates (RFC 9051 7.5.1).
  void send_updates(bool allow_expunge);
  UpdateOptions update_options(bool allow_expunge) const;
  bool utf8_names() const { return rev2; }
  void do_capability(const Command& c);
  void do_noop(const Command& c);
  void do_logout(const Command& c);
  void do_id(const Command& c, const Id& id);
  void do_enable(const Command& c, const Enable& e);
  void do_idle(const Command& c);
  void end_idle(std::string_view line);

  // --- auth (imap_session_auth.cpp)
  bool login_allowed() const { return tls_active || config.plaintext_login; }
  void do_starttls(const Command& c);
  void do_login(const Command& c, const Login& login);
  void do_authenticate(const Command& c, const Authenticate& auth);
  void on_sasl_line(std::string_view line);
  void handle_sasl_step(sasl::Step step);
  void verify_login(const std::string& tag, std::string_view user, const sasl::SecretString& password);

  // --- mailboxes (imap_session_mailbox.cpp, imap_list.cpp, imap_session_append.cpp)
  // The internal name of a mailbox argument, or nullopt after answering BAD/NO.
  std::optional<std::string> mailbox_name(const std::string& tag, std::string_view wire);
  void do_select(const Command& c, const Select& s);
  void do_create(const Command& c, const Create& cr);
  void do_delete(const Command& c, const Delete& d);
  void do_rename(const Command& c, const Rename& r);
  void do_subscribe(const Command& c, const Subscribe& s);
  void do_list(const Command& c, const List& l);
  void do_namespace(const Command& c);
  void do_status(const Command& c, const Status& s);
  void do_append(const Command& c, const Append& a);
  void do_getquota(const Command& c, const GetQuota& q);
  void do_getquotaroot(const Command& c, const GetQuotaRoot& q);
  std::string quota_response(const store::QuotaUsage& usage) const;
  std::string status_items(const store::MailboxStatus& status, const std::vector<StatusItem>& items) const;
  void unselect(bool expunge);

  // --- selected state (imap_session_selected.cpp, imap_session_fetch.cpp)
  // Message indexes named by a set, or nullopt after answering BAD.
  std::optional<std::vector<std::size_t>> resolve(const std::string& tag, const SequenceSet& set, bool uid);
  void do_check(const Command& c);
  void do_close(const Command& c);
  void do_unselect(const Command& c);
  void do_expunge(const Command& c, const Expunge& e);
  void do_store(const Command& c, const Store& s);
  void do_copy(const Command& c, const Copy& cp);
  void do_fetch(const Command& c, const Fetch& f);
  void do_search(const Command& c, const Search& s);
  // RFC 7162 3.1: the first CONDSTORE enabling command turns CONDSTORE on and announces HIGHESTMODSEQ.
  void enable_condstore();
  // Runs the FETCH in progress within the output budget; finishes it with its tagged reply.
  void continue_fetch(std::size_t output_budget);

  SessionConfig config;
  store::Store& store;
  SessionEnv& env;
  CommandFramer framer;
  std::string in;
  std::string out;
  std::deque<Request> requests;

  SessionState state = SessionState::not_authenticated;
  bool tls_active = false;
  bool awaiting_tls = false;  // STARTTLS answered; plaintext is discarded until tls_started()
  bool closed = false;
  bool stop_requested = false;
  std::string user;
  std::int64_t account_id = 0;
  std::size_t errors = 0;
  std::size_t auth_failures = 0;

  // ENABLE (RFC 5161)
  bool condstore = false;
  bool qresync = false;
  bool rev2 = false;

  struct SaslExchange {
    std::string tag;
    sasl::SaslServer server;
  };
  std::optional<SaslExchange> sasl;
  std::optional<std::string> idle_tag;

  std::optional<SelectedView> view;
  std::optional<std::vector<std::uint32_t>> saved_uids;  // SEARCHRES (RFC 5182), reset on SELECT

  struct RunningFetch {
    std::string tag;
    bool uid = false;
    std::unique_ptr<FetchJob> job;
  };
  std::optional<RunningFetch> fetch;
  bool expunge_allowed = true;  // false while a FETCH, STORE or SEARCH (not UID) runs: RFC 9051 7.5.1
};

}  // namespace roost::imap
