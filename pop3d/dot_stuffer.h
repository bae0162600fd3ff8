// Encodes message bytes as the body of a POP3 multi-line response (RFC 1939 3): a line that starts
// with '.' gets one more '.', and the response ends with CRLF "." CRLF. Works on chunks split at any
// byte, so a large message is streamed without being held whole. Also cuts a message for TOP.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roost::pop3 {

class DotStuffer {
 public:
  // body_lines: for TOP (RFC 1939 7), the header, the blank line after it and at most this many body
  // lines; nullopt sends everything.
  explicit DotStuffer(std::optional<std::uint64_t> body_lines = std::nullopt) : body_lines_left_(body_lines) {}

  // Appends the stuffed form of `chunk` to `out` (a bare LF becomes CRLF). Bytes after the TOP limit
  // are ignored.
  void feed(std::string_view chunk, std::string& out);
  // Appends CRLF when the last line was not terminated, then the terminating ".\r\n".
  void finish(std::string& out);
  // The TOP limit was reached: more input would be ignored.
  bool done() const { return done_; }

 private:
  void end_of_line();

  std::optional<std::uint64_t> body_lines_left_;
  bool at_line_start_ = true;
  bool in_header_ = true;
  bool done_ = false;
  std::size_t line_length_ = 0;  // bytes of the current line before its LF
  bool last_was_cr_ = false;
};

}  // namespace roost::pop3
