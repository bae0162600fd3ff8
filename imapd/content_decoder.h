// Streaming Content-Transfer-Encoding decoders for FETCH BINARY (RFC 3516): a part's body is read from
// the store in chunks of any size and decoded chunk by chunk, never held whole. Sans-I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roost::imap {

enum class ContentEncoding { identity, base64, quoted_printable, unknown };

// RFC 2045 6.1: 7bit, 8bit and binary (and no header) mean the bytes are as they are.
ContentEncoding content_encoding(const std::optional<std::string>& cte);

// Decodes base64 (RFC 2045 6.8: characters outside the alphabet are ignored, decoding stops at '=')
// or quoted-printable (RFC 2045 6.7: soft line breaks removed, trailing whitespace of a line dropped,
// a malformed '=' kept as written). Identity passes bytes through.
class ContentDecoder {
 public:
  explicit ContentDecoder(ContentEncoding encoding) : encoding_(encoding) {}
  // Appends the decoded form of the next bytes to `out`; any split is fine.
  void feed(std::string_view in, std::string& out);
  // Flushes what the last bytes left pending.
  void finish(std::string& out);

 private:
  void feed_base64(std::string_view in, std::string& out);
  void feed_qp(std::string_view in, std::string& out);
  void flush_qp_line(std::string& out, bool at_line_end);

  ContentEncoding encoding_;
  // base64: the bits not yet forming a byte.
  unsigned quad_ = 0;
  int quad_count_ = 0;
  bool base64_done_ = false;
  // quoted-printable: the current line, up to a bound (a longer line is decoded in pieces).
  std::string qp_line_;
};

// Bytes of a quoted-printable line kept before decoding a piece of it; only trailing whitespace at
// the split point can be read differently (it is kept).
inline constexpr std::size_t kMaxQpLinePending = 8192;

}  // namespace roost::imap
