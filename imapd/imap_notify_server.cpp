// ImapServer's change watching: the notify socket (storage/notify.h) polled by the loop, and the
// once-a-second fallback check for sessions in IDLE, so a delivery by another process (smtpd) or
// another session shows up in IDLE within a second.
#include "imapd/imap_server.h"

#include "common/base/log.h"

namespace roost::imap {

void ImapServer::start_watching() {
  if (watching_) return;
  watching_ = true;
  auto listener = store::NotifyListener::open(store_.notify_dir());
  if (!listener) {
    log::warn("cannot listen for store changes; IDLE relies on the periodic check")
        .kv("dir", store_.notify_dir())
        .kv("error", store::store_error_name(listener.error()));
  } else {
    notify_ = std::move(*listener);
    int fd = notify_->fd();
    int rc = notify_poll_.open(this, [&](uv_poll_t* poll) { return uv_poll_init(loop_.get(), poll, fd); });
    if (rc == 0) {
      rc = uv_poll_start(notify_poll_.get(), UV_READABLE, [](uv_poll_t* handle, int, int) {
        auto* self = net::Handle<uv_poll_t>::owner<ImapServer>(handle);
        if (self) net::run_guarded("store change", [self] { self->on_notify_readable(); });
      });
    }
    if (rc < 0) {
      log::warn("cannot watch the notify socket; IDLE relies on the periodic check").kv("error", uv_strerror(rc));
      notify_poll_.close();
      notify_.reset();
    }
  }
  auto probe = store::ChangeProbe::open(store_.options());
  if (probe) {
    probe_ = std::move(*probe);
  } else {
    log::warn("cannot open the change probe; sessions in IDLE re-check every interval")
        .kv("error", store::store_error_name(probe.error()));
  }
  idle_check_.start(config_.idle_check_interval, [this] { on_idle_check(); });
}

void ImapServer::stop_watching() {
  watching_ = false;
  idle_check_.stop();
  notify_poll_.close();  // stops polling at once, so the socket may close now
  notify_.reset();
}

void ImapServer::on_notify_readable() {
  if (!notify_) return;
  auto changes = notify_->drain();
  if (changes.empty()) return;
  wake_idling([&changes](std::int64_t mailbox_id) {
    for (const auto& change : changes) {
      if (change.mailbox_id == mailbox_id) return true;
    }
    return false;
  });
}

// The fallback for lost datagrams: while a session idles, one cheap PRAGMA data_version a second (on
// a worker) says whether anything committed; if so, every idling session re-checks its mailbox.
void ImapServer::on_idle_check() {
  if (!watching_) return;
  idle_check_.start(config_.idle_check_interval, [this] { on_idle_check(); });
  if (!any_idling()) return;
  auto everyone = [](std::int64_t) { return true; };
  if (!probe_) return wake_idling(everyone);
  if (probe_in_flight_) return;
  probe_in_flight_ = true;
  auto poster = post_.poster();
  store::ChangeProbe* probe = probe_.get();
  bool queued = run_on_worker([this, probe, poster] {
    auto changed = probe->changed();
    bool wake = !changed || *changed;  // an error: re-check rather than miss a change
    // Runs only while the LoopPost is open, so the server is alive.
    poster([this, wake] {
      probe_in_flight_ = false;
      if (wake) wake_idling([](std::int64_t) { return true; });
    });
  });
  if (!queued) probe_in_flight_ = false;
}

}  // namespace roost::imap
