// DKIM signing of submitted mail (RFC 6376): runs on a worker thread, before the message is stored
// or queued, so local copies and relayed copies carry the same signature.
#include <ctime>

#include "common/base/log.h"
#include "common/dkim/key_store.h"
#include "common/dkim/signer.h"
#include "smtpd/smtp_server.h"

namespace roost::smtp {

std::string dkim_signed(const std::string& data_dir, const std::string& domain, std::string message,
                        std::uint64_t conn_id, const std::string& queue_id) {
  if (domain.empty()) return message;  // the null sender: no domain to sign for
  // The key is read for each message: a personal server signs a few messages a minute, and a key
  // rotated with `roostctl dkim activate` takes effect at once, with no reload.
  auto key = dkim::load_active_key(data_dir, domain);
  if (!key) {
    if (key.error().kind != dkim::KeyErrorKind::no_key) {
      log::error(conn_id, "smtp.dkim_key_unusable").kv("queue_id", queue_id).kv("domain", domain).kv("error", key.error().message);
    }
    return message;
  }
  auto field = dkim::sign_message(*key, message, static_cast<std::int64_t>(std::time(nullptr)));
  if (!field) {
    // A message without a From: field cannot be signed (RFC 6376 5.4); it goes out unsigned.
    log::warn(conn_id, "smtp.dkim_not_signed").kv("queue_id", queue_id).kv("domain", domain).kv("error", field.error().message);
    return message;
  }
  message.insert(0, *field);
  return message;
}

}  // namespace roost::smtp
