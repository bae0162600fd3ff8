// Session: the public surface over Session::Impl (imapd/imap_session_impl.h).
#include "imapd/imap_session.h"

#include "imapd/imap_session_impl.h"

namespace roost::imap {

Session::Session(SessionConfig config, store::Store& store, SessionEnv& env)
    : impl_(std::make_unique<Impl>(std::move(config), store, env)) {}
Session::~Session() = default;

void Session::receive(std::string_view bytes) { impl_->receive(bytes); }
bool Session::step(std::size_t output_budget) { return impl_->step(output_budget); }
std::string Session::take_output() { return std::exchange(impl_->out, {}); }
std::optional<Request> Session::next_request() {
  if (impl_->requests.empty()) return std::nullopt;
  Request r = std::move(impl_->requests.front());
  impl_->requests.pop_front();
  return r;
}
void Session::tls_started() { impl_->tls_started(); }
void Session::changes_notified() { impl_->changes_notified(); }
void Session::timed_out() { impl_->timed_out(); }
void Session::stop() { impl_->stop(); }
bool Session::input_full() const { return impl_->in.size() > impl_->config.limits.max_pending_input; }
bool Session::closed() const { return impl_->closed; }
bool Session::tls_active() const { return impl_->tls_active; }
const std::string& Session::user() const { return impl_->user; }

}  // namespace roost::imap
