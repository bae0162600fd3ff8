// DATA and BDAT content receivers: dot-unstuffing, the end-of-data sequence, size limits.
#include "smtpd/smtp_data_receiver.h"

namespace roost::smtp {

void MessageBuffer::append(std::string_view bytes) {
  // Overflow-safe: the limit check never adds two large numbers.
  if (!overflow_ && bytes.size() <= max_ - text_.size()) {
    text_.append(bytes);
  } else if (!overflow_) {
    overflow_ = true;
    text_.clear();
    text_.shrink_to_fit();
  }
  received_ += bytes.size();
}

bool has_bare_line_ending(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return true;
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return true;
  }
  return false;
}

std::size_t DataReceiver::feed(std::string_view input) {
  out_.clear();
  std::size_t i = 0;
  for (; i < input.size() && !done_; ++i) {
    char c = input[i];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        if (after_dot_) {
          // RFC 5321 4.1.1.4: <CRLF>.<CRLF> ends the mail data; the final CRLF is not content.
          done_ = true;
          continue;
        }
        out_ += "\r\n";
        at_line_start_ = true;
        continue;
      }
      // A CR alone: content, and never a line start.
      bare_ = true;
      out_ += '\r';
      after_dot_ = false;
      at_line_start_ = false;
    }
    if (c == '\r') {
      pending_cr_ = true;
      continue;
    }
    if (c == '\n') {
      // An LF alone: content, and never a line start.
      bare_ = true;
      out_ += '\n';
      after_dot_ = false;
      at_line_start_ = false;
      continue;
    }
    if (at_line_start_ && c == '.') {
      // RFC 5321 4.5.2: a leading dot is removed; if the line is only the dot, this is the end.
      at_line_start_ = false;
      after_dot_ = true;
      continue;
    }
    after_dot_ = false;
    at_line_start_ = false;
    out_ += c;
  }
  if (!out_.empty()) message_.append(out_);
  return i;
}

}  // namespace roost::smtp
