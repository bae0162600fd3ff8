// Reply rendering and the one store-error-to-reply mapping of roost-smtpd.
#include "smtpd/smtp_reply.h"

namespace roost::smtp {

std::string Reply::render() const {
  std::string out;
  const std::string code_text = std::to_string(code);
  const std::vector<std::string> fallback{""};
  const auto& texts = lines.empty() ? fallback : lines;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out += code_text;
    out += (i + 1 < texts.size()) ? '-' : ' ';
    if (!enhanced.empty()) {
      out += enhanced;
      if (!texts[i].empty()) out += ' ';
    }
    out += texts[i];
    out += "\r\n";
  }
  return out;
}

std::string sanitize_text(std::string_view text, std::size_t max_length) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_length) break;
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    out += c;
  }
  return out;
}

Reply reply(int code, std::string_view enhanced, std::string_view text) {
  Reply r;
  r.code = code;
  r.enhanced = std::string(enhanced);
  r.lines = {sanitize_text(text, 400)};
  r.client_error = code >= 500;
  return r;
}

Reply server_reply(int code, std::string_view enhanced, std::string_view text) {
  Reply r = reply(code, enhanced, text);
  r.client_error = false;
  return r;
}

Reply reply_for_store_error(store::StoreError error) {
  using store::StoreError;
  switch (error) {
    case StoreError::over_quota:
      // RFC 3463 4.2.2 mailbox full; temporary so the sender retries once the owner makes room.
      return server_reply(452, "4.2.2", "Mailbox full");
    case StoreError::account_disabled:
      return server_reply(450, "4.2.1", "Mailbox disabled, not accepting messages");
    case StoreError::io:
      // RFC 5321 4.2.2 452 insufficient system storage; RFC 3463 4.3.1 mail system full.
      return server_reply(452, "4.3.1", "Insufficient system storage");
    case StoreError::invalid:
      return server_reply(554, "5.6.0", "Message refused by the mail store");
    case StoreError::not_found:
    case StoreError::exists:
    case StoreError::auth_failed:
    case StoreError::busy:
    case StoreError::corrupt:
    case StoreError::schema_too_new:
      break;
  }
  // Everything else is ours and may pass: local error in processing (RFC 5321 4.2.2 451).
  return server_reply(451, "4.3.0", "Local error in processing, try again later");
}

}  // namespace roost::smtp
