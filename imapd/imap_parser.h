// Bytes to complete IMAP commands, sans-I/O: the framer reads command lines and the literals inside
// them ({n}, {n+} from LITERAL+, ~{n} from BINARY), asks for continuation on synchronising literals,
// and refuses an oversize literal before its bytes arrive, staying in step with the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "imapd/imap_reply.h"

namespace roost::imap {

struct FramerLimits {
  std::size_t max_line_length = 8192;        // one line of a command, CRLF included
  std::uint64_t max_command_size = 64 << 10;  // a whole command except APPEND message literals
  std::uint64_t append_limit = 50ULL << 20;   // APPENDLIMIT (RFC 7889): message literals of APPEND
};

// A complete command: the bytes as sent without the final CRLF. Every literal keeps its announcement
// followed by CRLF ("{3}\r\nabc", "{3+}\r\nabc", "~{3}\r\nabc"), so parse_command can read it again.
struct RawCommand {
  std::string tag;   // the first word; may be empty or invalid (parse_command answers that)
  std::string text;  // the whole command, tag included
  bool operator==(const RawCommand&) const = default;
};

class CommandFramer {
 public:
  explicit CommandFramer(FramerLimits limits = {}) : limits_(limits) {}

  enum class Kind {
    need_more,     // all of `input` was taken in; call again with more bytes
    continuation,  // send `reply_text` ("+ ...") now: a synchronising literal was accepted
    command,       // `command` is complete
    line,          // after expect_line(): `line` holds one line without its line ending
    error,         // send `reply`; the framer skips what it must by itself and stays in step
  };
  struct Step {
    Kind kind = Kind::need_more;
    std::size_t consumed = 0;  // bytes of `input` used up; drop them before the next call
    RawCommand command;
    std::string line;
    std::string reply_text;  // for continuation
    Reply reply;             // for error
  };

  // `input`: the bytes not yet consumed. Bytes are taken in as far as the next step; the result
  // never depends on how the input was split across calls. Memory held is bounded by the limits.
  Step next(std::string_view input);

  // The next complete line is returned as Kind::line rather than framed as a command (a SASL
  // response after AUTHENTICATE, DONE after IDLE). A line over max_line_length is an untagged BAD,
  // after which the framer is back to framing commands.
  void expect_line() { line_mode_ = true; }
  // Forgets everything pending (after STARTTLS the plaintext buffered behind it is discarded).
  void reset();
  void set_append_limit(std::uint64_t limit) { limits_.append_limit = limit; }
  const FramerLimits& limits() const { return limits_; }

 private:
  enum class State { line, literal, skip_literal, skip_line };
  Step finish_line(std::size_t consumed);
  void start_skip_line();

  FramerLimits limits_;
  State state_ = State::line;
  bool line_mode_ = false;
  bool discarding_ = false;   // the command was refused; its remaining bytes are dropped
  std::string line_;          // the current line, without its ending
  std::string command_;       // the command so far
  std::string tag_;
  bool is_append_ = false;
  std::uint64_t command_size_ = 0;  // counted against max_command_size
  std::uint64_t append_size_ = 0;   // APPEND literal bytes, counted against append_limit
  std::uint64_t literal_left_ = 0;
  bool literal_counts_as_append_ = false;
};

}  // namespace roost::imap
