// The session core: framing and dispatch by state (RFC 9051 3), the commands valid in any state,
// ENABLE, IDLE, the error counters and the untagged updates of the selected mailbox.
#include <fmt/format.h>

#include <utility>

#include "common/base/ascii.h"
#include "imapd/imap_fetch.h"
#include "imapd/imap_session_impl.h"

namespace roost::imap {
namespace {

enum class Allowed { any, not_authenticated, authenticated, selected };

// Which state a command needs (RFC 9051 6.1-6.4). "authenticated" also covers the selected state.
Allowed allowed_state(const CommandBody& body) {
  return std::visit(
      [](const auto& cmd) -> Allowed {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, Capability> || std::is_same_v<T, Noop> || std::is_same_v<T, Logout> ||
                      std::is_same_v<T, Id>) {
          return Allowed::any;
        } else if constexpr (std::is_same_v<T, StartTls> || std::is_same_v<T, Authenticate> ||
                             std::is_same_v<T, Login>) {
          return Allowed::not_authenticated;
        } else if constexpr (std::is_same_v<T, Check> || std::is_same_v<T, Close> || std::is_same_v<T, Unselect> ||
                             std::is_same_v<T, Expunge> || std::is_same_v<T, Search> || std::is_same_v<T, Fetch> ||
                             std::is_same_v<T, Store> || std::is_same_v<T, Copy>) {
          return Allowed::selected;
        } else {
          return Allowed::authenticated;
        }
      },
      body);
}

// RFC 9051 7.5.1: no EXPUNGE while answering FETCH, STORE or SEARCH; their UID forms may get one.
bool allows_expunge(const CommandBody& body) {
  if (const auto* f = std::get_if<Fetch>(&body)) return f->uid;
  if (const auto* s = std::get_if<Store>(&body)) return s->uid;
  if (const auto* s = std::get_if<Search>(&body)) return s->uid;
  return true;
}

}  // namespace

Session::Impl::Impl(SessionConfig config_in, store::Store& store_in, SessionEnv& env_in)
    : config(std::move(config_in)), store(store_in), env(env_in), framer(config.framer) {
  tls_active = config.implicit_tls;
  out += fmt::format("* OK [CAPABILITY {}] {} Roost IMAP ready\r\n", capabilities(), config.hostname);
}

Session::Impl::~Impl() = default;

std::string Session::Impl::capabilities() const {
  std::string caps = "IMAP4rev1 IMAP4rev2";
  if (state == SessionState::not_authenticated) {
    if (config.tls_available && !tls_active) caps += " STARTTLS";
    if (login_allowed()) {
      caps += " AUTH=PLAIN AUTH=LOGIN";
    } else {
      caps += " LOGINDISABLED";
    }
  }
  caps += " SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE"
          " UIDPLUS MOVE CONDSTORE QRESYNC ESEARCH SEARCHRES STATUS=SIZE BINARY MULTIAPPEND QUOTA"
          " QUOTA=RES-STORAGE";
  caps += fmt::format(" APPENDLIMIT={}", config.framer.append_limit);
  return caps;
}

void Session::Impl::receive(std::string_view bytes) {
  // After STARTTLS, plaintext pipelined behind it is dropped (RFC 9051 6.2.1, the STARTTLS injection).
  if (closed || awaiting_tls) return;
  in.append(bytes);
}

bool Session::Impl::step(std::size_t output_budget) {
  while (!closed) {
    if (!requests.empty() || out.size() >= output_budget) return fetch.has_value() || !in.empty();
    if (fetch) {
      continue_fetch(output_budget);
      continue;
    }
    if (stop_requested) {
      bye("Server shutting down");
      close();
      break;
    }
    if (awaiting_tls) return false;
    CommandFramer::Step s = framer.next(in);
    in.erase(0, s.consumed);
    switch (s.kind) {
      case CommandFramer::Kind::need_more:
        return false;
      case CommandFramer::Kind::continuation:
        out += s.reply_text;
        break;
      case CommandFramer::Kind::command:
        on_framed_command(s.command);
        break;
      case CommandFramer::Kind::line:
        on_line(s.line);
        break;
      case CommandFramer::Kind::error:
        if (s.reply.condition == Condition::bad) {
          client_error(s.reply);
          abort_exchange();
        } else {
          out += s.reply.render();
        }
        break;
    }
  }
  return false;
}

void Session::Impl::on_framed_command(const RawCommand& raw) {
  auto parsed = parse_command(raw, config.grammar);
  if (!parsed.ok()) return client_error(parsed.error());
  dispatch(*parsed);
}

void Session::Impl::on_line(std::string_view line) {
  if (sasl) return on_sasl_line(line);
  if (idle_tag) return end_idle(line);
  // The framer only hands out lines after expect_line(), which only the two exchanges above ask for.
  client_error(bad("*", "Unexpected line"));
}

// A line of a SASL exchange or the DONE of IDLE was refused by the framer (too long), which is back
// to framing commands: the exchange ends with a BAD for its command.
void Session::Impl::abort_exchange() {
  if (closed) return;
  if (sasl) {
    std::string tag = std::move(sasl->tag);
    sasl.reset();
    client_error(bad(tag, "Authentication aborted"));
  } else if (idle_tag) {
    std::string tag = std::move(*idle_tag);
    idle_tag.reset();
    requests.push_back(IdleEnded{});
    client_error(bad(tag, "IDLE aborted"));
  }
}

void Session::Impl::dispatch(const Command& c) {
  Allowed needed = allowed_state(c.body);
  bool authenticated = state == SessionState::authenticated || state == SessionState::selected;
  if (needed == Allowed::not_authenticated && state != SessionState::not_authenticated) {
    return client_error(bad(c.tag, "Already authenticated"));
  }
  if (needed == Allowed::authenticated && !authenticated) {
    return client_error(bad(c.tag, "Not authenticated"));
  }
  if (needed == Allowed::selected && state != SessionState::selected) {
    return client_error(bad(c.tag, authenticated ? "No mailbox selected" : "Not authenticated"));
  }
  expunge_allowed = allows_expunge(c.body);
  std::visit(
      [&](const auto& cmd) {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, Capability>) do_capability(c);
        else if constexpr (std::is_same_v<T, Noop>) do_noop(c);
        else if constexpr (std::is_same_v<T, Logout>) do_logout(c);
        else if constexpr (std::is_same_v<T, Id>) do_id(c, cmd);
        else if constexpr (std::is_same_v<T, StartTls>) do_starttls(c);
        else if constexpr (std::is_same_v<T, Login>) do_login(c, cmd);
        else if constexpr (std::is_same_v<T, Authenticate>) do_authenticate(c, cmd);
        else if constexpr (std::is_same_v<T, Enable>) do_enable(c, cmd);
        else if constexpr (std::is_same_v<T, Select>) do_select(c, cmd);
        else if constexpr (std::is_same_v<T, Create>) do_create(c, cmd);
        else if constexpr (std::is_same_v<T, Delete>) do_delete(c, cmd);
        else if constexpr (std::is_same_v<T, Rename>) do_rename(c, cmd);
        else if constexpr (std::is_same_v<T, Subscribe>) do_subscribe(c, cmd);
        else if constexpr (std::is_same_v<T, List>) do_list(c, cmd);
        else if constexpr (std::is_same_v<T, Namespace>) do_namespace(c);
        else if constexpr (std::is_same_v<T, Status>) do_status(c, cmd);
        else if constexpr (std::is_same_v<T, Append>) do_append(c, cmd);
        else if constexpr (std::is_same_v<T, GetQuota>) do_getquota(c, cmd);
        else if constexpr (std::is_same_v<T, GetQuotaRoot>) do_getquotaroot(c, cmd);
        else if constexpr (std::is_same_v<T, Idle>) do_idle(c);
        else if constexpr (std::is_same_v<T, Check>) do_check(c);
        else if constexpr (std::is_same_v<T, Close>) do_close(c);
        else if constexpr (std::is_same_v<T, Unselect>) do_unselect(c);
        else if constexpr (std::is_same_v<T, Expunge>) do_expunge(c, cmd);
        else if constexpr (std::is_same_v<T, Store>) do_store(c, cmd);
        else if constexpr (std::is_same_v<T, Copy>) do_copy(c, cmd);
        else if constexpr (std::is_same_v<T, Fetch>) do_fetch(c, cmd);
        else if constexpr (std::is_same_v<T, Search>) do_search(c, cmd);
        // RFC 4978 is not offered (not in CAPABILITY): the command is refused, the stream stays plain.
        else if constexpr (std::is_same_v<T, Compress>) tagged_no(c.tag, "CANNOT", "Compression is not offered");
      },
      c.body);
}

void Session::Impl::client_error(const Reply& reply) {
  out += reply.render();
  if (++errors >= config.limits.max_errors) {
    bye("Too many errors");
    close();
  }
}

void Session::Impl::tagged_ok(const std::string& tag, std::string_view text, std::string_view code) {
  errors = 0;
  send_updates(expunge_allowed);
  out += Reply{tag, Condition::ok, std::string(code), std::string(text)}.render();
}

void Session::Impl::tagged_no(const std::string& tag, std::string_view code, std::string_view text) {
  errors = 0;
  send_updates(expunge_allowed);
  out += no(tag, code, text).render();
}

void Session::Impl::store_failure(const std::string& tag, store::StoreError error) {
  using store::StoreError;
  switch (error) {
    case StoreError::not_found: return tagged_no(tag, "NONEXISTENT", "No such mailbox");
    case StoreError::exists: return tagged_no(tag, "ALREADYEXISTS", "Mailbox already exists");
    case StoreError::over_quota: return tagged_no(tag, "OVERQUOTA", "Quota exceeded");
    case StoreError::invalid: return tagged_no(tag, "CANNOT", "Operation not permitted");
    case StoreError::account_disabled: return tagged_no(tag, "AUTHORIZATIONFAILED", "Account disabled");
    case StoreError::auth_failed: return tagged_no(tag, "AUTHENTICATIONFAILED", "Authentication failed");
    case StoreError::busy:
    case StoreError::io: return tagged_no(tag, "UNAVAILABLE", "Temporary failure, try again later");
    case StoreError::corrupt:
    case StoreError::schema_too_new: return tagged_no(tag, "SERVERBUG", "Internal error");
  }
  tagged_no(tag, "SERVERBUG", "Internal error");
}

void Session::Impl::bye(std::string_view text) { out += fmt::format("* BYE {}\r\n", text); }

void Session::Impl::close() {
  if (closed) return;
  closed = true;
  state = SessionState::logout;
  sasl.reset();
  idle_tag.reset();
  fetch.reset();
  view.reset();
  in.clear();
  requests.push_back(Close{});
}

UpdateOptions Session::Impl::update_options(bool allow_expunge) const {
  return UpdateOptions{allow_expunge, condstore, qresync};
}

void Session::Impl::send_updates(bool allow_expunge) {
  if (!view || state != SessionState::selected) return;
  auto refreshed = view->refresh(store, update_options(allow_expunge), out);
  if (!refreshed.ok() && refreshed.error() == store::StoreError::not_found) {
    // The selected mailbox was deleted or renamed away by another session (RFC 9051 7.1.5).
    bye("Selected mailbox no longer exists");
    close();
  }
  // Other failures are temporary: the next refresh reads the same changes again.
}

void Session::Impl::do_capability(const Command& c) {
  out += "* CAPABILITY " + capabilities() + "\r\n";
  tagged_ok(c.tag, "Capability completed");
}

void Session::Impl::do_noop(const Command& c) { tagged_ok(c.tag, "NOOP completed"); }

void Session::Impl::do_logout(const Command& c) {
  bye("Logging out");
  out += Reply{c.tag, Condition::ok, "", "Logout completed"}.render();
  close();
}

void Session::Impl::do_id(const Command& c, const Id&) {
  // RFC 2971 3.1: the client's values are not needed; the server names itself.
  out += "* ID (\"name\" \"Roost\")\r\n";
  tagged_ok(c.tag, "ID completed");
}

void Session::Impl::do_enable(const Command& c, const Enable& e) {
  std::string enabled;
  for (const std::string& name : e.capabilities) {
    if (name == "CONDSTORE" && !condstore) {
      condstore = true;
      enabled += " CONDSTORE";
    } else if (name == "QRESYNC" && !qresync) {
      // RFC 7162 3.2.3: QRESYNC implies CONDSTORE.
      qresync = true;
      condstore = true;
      enabled += " QRESYNC";
    } else if (name == "IMAP4REV2" && !rev2) {
      rev2 = true;
      enabled += " IMAP4rev2";
    }
  }
  // RFC 5161 3.2: only what this command newly enabled; unknown names are ignored.
  out += "* ENABLED" + enabled + "\r\n";
  tagged_ok(c.tag, "Enabled");
}

void Session::Impl::do_idle(const Command& c) {
  // RFC 2177 3: updates go out while idling, until the client sends DONE.
  out += "+ idling\r\n";
  idle_tag = c.tag;
  framer.expect_line();
  requests.push_back(IdleStarted{});
  send_updates(true);
}

void Session::Impl::end_idle(std::string_view line) {
  std::string tag = std::move(*idle_tag);
  idle_tag.reset();
  requests.push_back(IdleEnded{});
  expunge_allowed = true;
  if (!iequals(line, "DONE")) return client_error(bad(tag, "Expected DONE to end IDLE"));
  tagged_ok(tag, "IDLE terminated");
}

void Session::Impl::changes_notified() {
  if (closed || !idle_tag) return;
  send_updates(true);
}

void Session::Impl::timed_out() {
  if (closed) return;
  bye("Autologout; idle for too long");
  close();
}

void Session::Impl::stop() {
  if (closed) return;
  // A FETCH in progress finishes its responses first; otherwise nothing runs between two calls.
  if (fetch) {
    stop_requested = true;
    return;
  }
  bye("Server shutting down");
  close();
}

void Session::Impl::tls_started() {
  if (closed) return;
  // RFC 9051 6.2.1: the session starts over in the not authenticated state; nothing received in
  // plaintext is kept.
  tls_active = true;
  awaiting_tls = false;
  framer.reset();
  in.clear();
}

}  // namespace roost::imap
