// DKIM canonicalisation (RFC 6376 3.4): the "simple" and "relaxed" forms of header fields and of the
// body. The body form is produced incrementally, so a large message can be hashed chunk by chunk.
// Line ends: CRLF and a bare LF both end a line (stored mail is CRLF; a bare LF is read as one).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace roost::dkim {

enum class Canonicalization { simple, relaxed };

// The tag value for c= ("simple" or "relaxed").
std::string_view canonicalization_name(Canonicalization c);

// One header field in canonical form, ending with CRLF.
// simple (RFC 6376 3.4.1): the field exactly as written (`raw_field`, its final line end included),
//   with bare LFs written as CRLF.
// relaxed (RFC 6376 3.4.2): lower-case name, unfolded value, runs of WSP as one SP, no WSP at the
//   ends of the value or around the colon: "name:value\r\n".
std::string canonical_header_field(Canonicalization c, std::string_view raw_field);

// Feeds the canonical form of a body, in pieces, to `sink`. Trailing empty lines are held back until
// more content shows they are not at the end (RFC 6376 3.4.3 and 3.4.4), so the output equals the
// canonical form of the concatenated input however the input is cut.
class BodyCanonicalizer {
 public:
  using Sink = std::function<void(std::string_view)>;

  BodyCanonicalizer(Canonicalization c, Sink sink) : relaxed_(c == Canonicalization::relaxed), sink_(std::move(sink)) {}

  void update(std::string_view chunk);
  // Ends the body: emits the final CRLF where one is due. An empty body is "" for relaxed and "\r\n"
  // for simple (RFC 6376 3.4.3, 3.4.4). Call once.
  void finish();

 private:
  void ordinary_byte(char c);
  void end_line();
  void flush_line_ends();

  bool relaxed_;
  Sink sink_;
  std::string out_;                 // batched output, handed to the sink per update
  bool cr_pending_ = false;         // a CR ended the last chunk; an LF may follow
  bool wsp_pending_ = false;        // relaxed: WSP seen, emitted as one SP if the line goes on
  std::size_t line_ends_pending_ = 0;
  bool any_content_ = false;        // a non-empty line has been emitted
};

// The canonical form of a whole body at once (for tests and small inputs).
std::string canonical_body(Canonicalization c, std::string_view body);

}  // namespace roost::dkim
