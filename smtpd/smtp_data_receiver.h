// Receivers for message content: DATA (dot-stuffed text ended by CRLF.CRLF) and BDAT chunks
// (counted bytes), accumulating the message up to the size limit and remembering an overrun.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace roost::smtp {

// The message as it is received. Bytes past `max_size` are discarded and the overrun remembered,
// so the caller keeps reading to the real end and answers then (the OpenSMTPD habit).
class MessageBuffer {
 public:
  explicit MessageBuffer(std::uint64_t max_size) : max_(max_size) {}
  void append(std::string_view bytes);
  bool overflow() const { return overflow_; }
  std::uint64_t received() const { return received_; }  // counts discarded bytes too
  std::string& text() { return text_; }

 private:
  std::uint64_t max_;
  std::uint64_t received_ = 0;
  bool overflow_ = false;
  std::string text_;
};

// True when `text` holds a CR not followed by LF or an LF not preceded by CR.
bool has_bare_line_ending(std::string_view text);

// The DATA receiver (RFC 5321 4.1.1.4, 4.5.2). It ends only on <CRLF>.<CRLF>, where the first CRLF
// may be the one that ended the DATA command. A leading dot is removed from every other line
// (dot-unstuffing). A CR not followed by LF, or an LF not preceded by CR, never ends a line for this
// purpose: "\n.\n", "\r\n.\n", "\n.\r\n" and "\r.\r" are content, and bare_line_ending() is set so
// the session can refuse the message (see smtp_session.cpp for why).
class DataReceiver {
 public:
  explicit DataReceiver(std::uint64_t max_size) : message_(max_size) {}

  // Consumes bytes from the front of `input`, up to and including the end-of-data line when it is
  // there. Returns the count consumed; bytes after the end belong to the next command.
  std::size_t feed(std::string_view input);
  bool done() const { return done_; }
  bool bare_line_ending() const { return bare_; }
  MessageBuffer& message() { return message_; }

 private:
  MessageBuffer message_;
  bool at_line_start_ = true;  // after a CRLF (or at the start of the data)
  bool after_dot_ = false;     // a leading dot was seen at the start of this line
  bool pending_cr_ = false;    // a CR whose successor is not yet known
  bool bare_ = false;
  bool done_ = false;
  std::string out_;            // content produced by one feed call, appended to message_ in one go
};

}  // namespace roost::smtp
