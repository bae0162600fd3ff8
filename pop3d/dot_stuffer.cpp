// DotStuffer: byte stuffing and TOP cutting for POP3 multi-line responses.
#include "pop3d/dot_stuffer.h"

namespace roost::pop3 {

void DotStuffer::feed(std::string_view chunk, std::string& out) {
  out.reserve(out.size() + chunk.size() + 16);
  for (char c : chunk) {
    if (done_) return;
    // RFC 1939 3: "If any line of the multi-line response begins with the termination octet, the line
    // is byte-stuffed by pre-pending the termination octet to that line of the response."
    if (at_line_start_ && c == '.') out += '.';
    if (c == '\n') {
      // A bare LF (possible in mail appended over IMAP; SMTP refuses it) goes out as CRLF, so that
      // CRLF "." CRLF is the only end a client can see (RFC 1939 3). CRLF mail stays byte-exact.
      out += last_was_cr_ ? "\n" : "\r\n";
      end_of_line();
    } else {
      out += c;
      at_line_start_ = false;
      ++line_length_;
      last_was_cr_ = c == '\r';
    }
  }
}

void DotStuffer::end_of_line() {
  bool empty = line_length_ == 0 || (line_length_ == 1 && last_was_cr_);
  if (in_header_) {
    if (empty) {
      in_header_ = false;
      if (body_lines_left_ && *body_lines_left_ == 0) done_ = true;
    }
  } else if (body_lines_left_) {
    if (*body_lines_left_ > 0) --*body_lines_left_;
    if (*body_lines_left_ == 0) done_ = true;
  }
  at_line_start_ = true;
  line_length_ = 0;
  last_was_cr_ = false;
}

void DotStuffer::finish(std::string& out) {
  if (!at_line_start_) out += "\r\n";
  out += ".\r\n";
  done_ = true;
}

}  // namespace roost::pop3
