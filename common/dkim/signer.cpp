// Building and signing the DKIM-Signature field (RFC 6376 3.5, 3.7, 5).
#include "common/dkim/signer.h"

#include <fmt/format.h>

#include "common/dkim/header_selection.h"
#include "common/mail/base64.h"

namespace roost::dkim {
namespace {

// Writes a header field as pieces of text, starting a new folded line (CRLF SP) before a piece that
// would pass kFoldColumn. Folding only happens where the piece boundaries allow FWS.
class FieldWriter {
 public:
  explicit FieldWriter(std::string_view start) : text_(start) {
    std::size_t lf = text_.rfind('\n');
    line_length_ = lf == std::string::npos ? text_.size() : text_.size() - lf - 1;
  }

  // `separator` goes between the piece and the line's previous text when both stay on one line.
  void add(std::string_view piece, std::string_view separator) {
    if (line_length_ + separator.size() + piece.size() > kFoldColumn && line_length_ > 1) {
      text_ += "\r\n ";
      line_length_ = 1;
    } else {
      text_ += separator;
      line_length_ += separator.size();
    }
    text_ += piece;
    line_length_ += piece.size();
  }

  // A base64 value (FWS may go anywhere in it, RFC 6376 3.5 b= and bh=), filling each line.
  void add_base64(std::string_view value) {
    while (!value.empty()) {
      if (line_length_ >= kFoldColumn) {
        text_ += "\r\n ";
        line_length_ = 1;
      }
      std::size_t room = kFoldColumn - line_length_;
      std::string_view piece = value.substr(0, room);
      text_ += piece;
      line_length_ += piece.size();
      value.remove_prefix(piece.size());
    }
  }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::size_t line_length_;
};

// The field up to and including "b=": what is hashed, and what the signature value is appended to.
std::string unsigned_field(const DomainKey& key, std::int64_t now, const std::vector<std::string>& names,
                           std::string_view body_hash_base64) {
  FieldWriter field("DKIM-Signature:");
  field.add("v=1;", " ");
  field.add(fmt::format("a={};", algorithm_tag(key.key.algorithm())), " ");
  field.add("c=relaxed/relaxed;", " ");
  field.add(fmt::format("d={};", key.domain), " ");
  field.add(fmt::format("s={};", key.selector), " ");
  field.add(fmt::format("t={};", now), " ");
  // RFC 6376 3.5 h=: FWS is allowed around each ':', so the list folds between names.
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string piece = (i == 0 ? "h=" : "") + names[i] + (i + 1 < names.size() ? ":" : ";");
    field.add(piece, i == 0 ? " " : "");
  }
  field.add(fmt::format("bh={};", body_hash_base64), " ");
  field.add("b=", " ");
  return field.text();
}

}  // namespace

std::string header_hash_input(Canonicalization c, std::string_view header, const std::vector<std::string>& names,
                              std::string_view signature_field) {
  std::string input;
  for (std::string_view field : select_fields(header, names)) input += canonical_header_field(c, field);
  std::string own = canonical_header_field(c, signature_field);
  own.resize(own.size() - 2);  // RFC 6376 3.7: the signature field is hashed without its CRLF
  input += own;
  return input;
}

MessageSigner::MessageSigner(const DomainKey& key, std::int64_t now) : key_(key), now_(now) {}

void MessageSigner::update(std::string_view chunk) {
  if (in_body_) {
    feed_body(chunk);
    return;
  }
  header_.append(chunk);
  // Search from the start of the last incomplete line, which the chunk boundary may have cut.
  std::size_t end = header_end(std::string_view(header_).substr(line_start_));
  if (end == std::string_view::npos) {
    std::size_t lf = header_.rfind('\n');
    if (lf != std::string::npos && lf >= line_start_) line_start_ = lf + 1;
    return;
  }
  end += line_start_;
  in_body_ = true;
  std::string body_start = header_.substr(end);
  header_.resize(end);
  feed_body(body_start);
}

Result<std::string> MessageSigner::finish() {
  // A message that is all header has an empty body (RFC 6376 3.4.3).
  std::string bh = mail::base64_encode(body_.finish());
  auto names = signed_field_names(header_);
  if (names.empty()) return fail("the message has no From field, which a DKIM signature must cover");
  std::string field = unsigned_field(key_, now_, names, bh);
  auto signature = key_.key.sign(header_hash_input(Canonicalization::relaxed, header_, names, field));
  if (!signature) return fail(signature.error());
  FieldWriter signed_field(field);
  signed_field.add_base64(mail::base64_encode(*signature));
  return signed_field.text() + "\r\n";
}

Result<std::string> sign_message(const DomainKey& key, std::string_view message, std::int64_t now) {
  MessageSigner signer(key, now);
  signer.update(message);
  return signer.finish();
}

}  // namespace roost::dkim
