// ENVELOPE construction from header fields (RFC 3501 7.4.2).
#include "common/mail/mime_envelope.h"

namespace roost::mail {
namespace {

// IMAP strings may not hold CR or LF; folding becomes the whitespace that followed it.
std::optional<std::string> envelope_string(const std::vector<HeaderField>& fields, std::string_view name) {
  const HeaderField* f = find_header_field(fields, name);
  if (!f) return std::nullopt;
  std::string out;
  for (char c : f->value) {
    if (c != '\r' && c != '\n') out += c;
  }
  std::size_t b = out.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b);
}

std::vector<ImapAddress> addresses(const std::vector<HeaderField>& fields, std::string_view name) {
  const HeaderField* f = find_header_field(fields, name);
  if (!f) return {};
  return parse_address_list(f->value);
}

}  // namespace

Envelope build_envelope(const std::vector<HeaderField>& fields) {
  Envelope e;
  e.date = envelope_string(fields, "Date");
  e.subject = envelope_string(fields, "Subject");
  e.from = addresses(fields, "From");
  e.sender = addresses(fields, "Sender");
  e.reply_to = addresses(fields, "Reply-To");
  e.to = addresses(fields, "To");
  e.cc = addresses(fields, "Cc");
  e.bcc = addresses(fields, "Bcc");
  e.in_reply_to = envelope_string(fields, "In-Reply-To");
  e.message_id = envelope_string(fields, "Message-ID");
  // RFC 3501 7.4.2: "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or are
  // present but empty, the server sets the corresponding member of the envelope to be the same value
  // as the from member (the client is not expected to know to do this)."
  if (e.sender.empty()) e.sender = e.from;
  if (e.reply_to.empty()) e.reply_to = e.from;
  return e;
}

}  // namespace roost::mail
