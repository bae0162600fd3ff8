// A streaming MIME structure parser (RFC 2045, RFC 2046, RFC 5322): fed a message in chunks of any
// size, it yields the tree of parts with the byte offsets, sizes and line counts IMAP FETCH needs
// (BODYSTRUCTURE, BODY[1.2], ENVELOPE), so a message is parsed once at delivery or APPEND.
// It holds the current line's first bytes, the header of the part being read (bounded) and the stack
// of open parts, never the message. Sans-I/O, never logs, never fails: broken mail gets the reading
// Dovecot gives it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/mail/header_fields.h"
#include "common/mail/mime_envelope.h"

namespace roost::mail {

struct MimeLimits {
  std::size_t max_depth = 100;             // nested multiparts and message/rfc822; deeper ones are leaves
  std::size_t max_parts = 10000;           // parts in the whole tree; later boundaries are body text
  std::size_t max_header_size = 256 * 1024;  // header bytes kept per part; the rest is counted only
  std::size_t max_total_header_size = 4 * 1024 * 1024;  // header bytes kept over all parts, which
                                                        // bounds the size of the tree
};

// Boundaries longer than this are not honoured (RFC 2046 5.1.1 allows 70; some mailers write more).
inline constexpr std::size_t kMaxBoundaryLength = 200;

// One part of the tree. Offsets are from the first byte of the message. A part's header includes
// its terminating empty line; its body excludes the line end before the next boundary, which belongs
// to that boundary (RFC 2046 5.1.1).
struct MimePart {
  std::string type = "text";       // lower-cased (RFC 2045 5.1); text/plain by default (RFC 2045 5.2),
  std::string subtype = "plain";   // message/rfc822 inside multipart/digest (RFC 2046 5.1.5)
  std::vector<MimeParam> params;   // Content-Type parameters
  std::optional<std::string> id;           // Content-ID, unfolded, as written
  std::optional<std::string> description;  // Content-Description, unfolded, encoded-words kept
  std::optional<std::string> encoding;     // Content-Transfer-Encoding, lower-cased token
  std::optional<std::string> md5;          // Content-MD5 (RFC 1864)
  std::optional<std::string> disposition;  // Content-Disposition type, lower-cased (RFC 2183)
  std::vector<MimeParam> disposition_params;
  std::vector<std::string> language;       // Content-Language tags (RFC 3282)
  std::optional<std::string> location;     // Content-Location (RFC 2557 4.2), unfolded

  std::uint64_t header_offset = 0;
  std::uint64_t header_size = 0;
  std::uint64_t body_offset = 0;
  std::uint64_t body_size = 0;
  std::uint64_t body_lines = 0;  // LF bytes in the body

  // A message's root part and the part inside a message/rfc822 body carry the message's envelope.
  std::optional<Envelope> envelope;
  // multipart: its parts in order (none when no boundary was found). message/rfc822 that was parsed:
  // exactly one, the enclosed message (whose header starts at this part's body_offset).
  std::vector<MimePart> children;

  bool is_multipart() const { return type == "multipart"; }
  // message/rfc822 (or message/global, RFC 6532 3.7) whose enclosed message was parsed.
  bool has_message() const { return type == "message" && children.size() == 1; }
  bool operator==(const MimePart&) const = default;
};

struct ParsedMessage {
  MimePart root;              // the message; root.envelope is its ENVELOPE
  std::uint64_t size = 0;     // bytes fed
  bool depth_limited = false;     // some part was too deep to be opened
  bool parts_limited = false;     // max_parts was reached
  bool header_truncated = false;  // some header was longer than max_header_size, or all headers
                                  // together than max_total_header_size
  bool operator==(const ParsedMessage&) const = default;
};

class MimeParser {
 public:
  explicit MimeParser(MimeLimits limits = {});
  ~MimeParser();
  MimeParser(const MimeParser&) = delete;
  MimeParser& operator=(const MimeParser&) = delete;

  // Takes the next bytes of the message; any split is fine.
  void feed(std::string_view bytes);
  // Ends the message (a last line without line end counts as a line) and returns the tree. The parser
  // must not be fed again.
  ParsedMessage finish();

 private:
  struct Frame;
  void end_line();
  void begin_part(std::uint64_t offset, bool is_message_root, bool digest_parent);
  void end_header(std::uint64_t header_end);
  void close_top(std::uint64_t end, std::uint64_t end_lf);
  std::optional<std::size_t> match_boundary(bool& closing) const;

  MimeLimits limits_;
  std::vector<Frame> stack_;
  std::string line_prefix_;         // the first bytes of the current line, for boundary checks
  std::uint64_t offset_ = 0;        // bytes consumed
  std::uint64_t lf_count_ = 0;      // LF bytes consumed
  std::uint64_t line_start_ = 0;
  std::uint64_t line_size_ = 0;
  std::size_t header_mark_ = 0;     // the header buffer's size at the start of the line
  char last_byte_ = 0;              // of the current line so far
  char byte_before_last_ = 0;
  std::size_t prev_eol_ = 0;        // length of the previous line's end (0: none)
  std::size_t parts_ = 0;
  std::size_t header_bytes_kept_ = 0;
  ParsedMessage result_;
  bool finished_ = false;
};

// Parses a whole message at once.
ParsedMessage parse_mime_message(std::string_view message, MimeLimits limits = {});

// The part an IMAP section number names (RFC 3501 6.4.5 section-part: "1", "1.2", "4.2.2.1"), or
// nullptr. For a message that is not multipart, part 1 is its body; numbers step into the parts of a
// multipart and into the message of a message/rfc822 part.
const MimePart* find_section(const MimePart& root, std::span<const std::uint32_t> section);

}  // namespace roost::mail
