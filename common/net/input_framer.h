// Sans-I/O input framing for line-based mail protocols: fed the bytes read from a connection, it
// yields lines, raw chunks of an announced size (IMAP literals, SMTP BDAT) or of data up to a
// terminator (SMTP DATA), never holding more than one partial line or one partial terminator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace roost::net {

struct InputEvent {
  enum class Kind {
    need_more,      // nothing more can be framed until more bytes are fed
    line,           // `bytes` is one line without its LF or CRLF
    line_too_long,  // a line went over max_line; it is skipped up to its LF (reported once per line)
    raw_chunk,      // `bytes` is a piece of raw data (exact, until-terminator or stream mode)
    raw_end,        // the raw data is complete; the framer is back in line mode
  };
  Kind kind = Kind::need_more;
  // Points into the framer's buffer: valid until the next call to feed(), next() or discard_buffered().
  std::string_view bytes;
};

// Usage: feed(bytes) then call next() until it returns need_more. The mode may be changed between
// two next() calls (typically by the handler of a line); it applies to the bytes not yet returned.
class InputFramer {
 public:
  enum class Mode { line, exact, until_terminator, stream };

  explicit InputFramer(std::size_t max_line) : max_line_(max_line < 2 ? 2 : max_line) {}

  void feed(std::string_view bytes);
  InputEvent next();

  // Line mode (the default): lines end at LF, an optional CR before it is removed.
  void read_lines();
  // Exactly `count` bytes as raw chunks, then raw_end and line mode again (count 0: raw_end at once).
  void read_exactly(std::uint64_t count);
  // Raw chunks up to `terminator`, then raw_end and line mode. The first `already_matched` bytes of
  // the terminator count as seen just before the first byte; the first `keep` bytes of the
  // terminator belong to the data and end the last chunk when they came from the input.
  void read_until(std::string terminator, std::size_t already_matched = 0, std::size_t keep = 0);
  // SMTP DATA (RFC 5321 4.1.1.4): the data ends with CRLF "." CRLF; the CRLF before the dot belongs to
  // the message, and the DATA command's own CRLF counts, so ".\r\n" at once is an empty message.
  // Dot-stuffing is left to the caller.
  void read_message_data() { read_until("\r\n.\r\n", 2, 2); }
  // Every byte as a raw chunk until the mode changes: for a handler that parses the stream itself.
  void read_stream();

  Mode mode() const { return mode_; }
  std::size_t max_line() const { return max_line_; }
  // Bytes fed and not yet returned.
  std::size_t buffered() const { return buf_.size() - pos_; }
  // Drops every byte fed and not yet returned (STARTTLS: nothing sent before the handshake may be
  // taken as sent under TLS), resets to line mode, and returns how many bytes were dropped.
  std::size_t discard_buffered();

 private:
  InputEvent next_line();
  InputEvent next_exact();
  InputEvent next_until();
  InputEvent chunk(std::size_t length);

  std::size_t max_line_;
  Mode mode_ = Mode::line;
  std::string buf_;
  std::size_t pos_ = 0;            // first byte not yet returned
  std::size_t scanned_ = 0;        // line mode: bytes after pos_ known to hold no LF
  bool discarding_ = false;        // line mode: skipping the rest of an over-long line
  std::uint64_t remaining_ = 0;    // exact mode
  std::string terminator_;         // until mode
  std::size_t virtual_matched_ = 0;
  std::size_t keep_ = 0;
  std::size_t end_skip_ = 0;       // until mode: terminator found; skip this many bytes, then raw_end
  bool end_pending_ = false;
};

}  // namespace roost::net
