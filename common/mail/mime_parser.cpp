// The streaming MIME structure parser: a line-driven state machine over a stack of open parts.
#include "common/mail/mime_parser.h"

#include <algorithm>
#include <cstring>

namespace roost::mail {

struct MimeParser::Frame {
  MimePart part;
  bool in_header = true;
  bool is_message_root = false;   // the header is a message header: it yields an envelope
  bool digest_parent = false;     // default type is message/rfc822 (RFC 2046 5.1.5)
  std::string header;             // the header bytes kept so far (at most max_header_size)
  std::string delimiter;          // multipart: "--" boundary; empty otherwise
  bool closed = false;            // multipart: the close delimiter was seen, the epilogue follows
  std::uint64_t body_lf_start = 0;
};

namespace {

// Room for "--", the boundary, "--" and some transport padding (RFC 2046 5.1.1).
constexpr std::size_t kMaxLinePrefix = 2 + kMaxBoundaryLength + 2 + 64;

bool is_lwsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::optional<std::string> unfolded(const std::vector<HeaderField>& fields, std::string_view name) {
  const HeaderField* f = find_header_field(fields, name);
  if (!f) return std::nullopt;
  return unfold_header_value(f->value);
}

}  // namespace

MimeParser::MimeParser(MimeLimits limits) : limits_(limits) {
  if (limits_.max_depth == 0) limits_.max_depth = 1;
  if (limits_.max_parts == 0) limits_.max_parts = 1;
  begin_part(0, true, false);
}

MimeParser::~MimeParser() = default;

void MimeParser::begin_part(std::uint64_t offset, bool is_message_root, bool digest_parent) {
  Frame f;
  f.part.header_offset = offset;
  f.is_message_root = is_message_root;
  f.digest_parent = digest_parent;
  ++parts_;
  stack_.push_back(std::move(f));
}

void MimeParser::feed(std::string_view bytes) {
  if (finished_) return;
  while (!bytes.empty()) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1 : bytes.size();
    std::string_view piece = bytes.substr(0, n);
    if (line_size_ == 0) {
      line_start_ = offset_;
      line_prefix_.clear();
      header_mark_ = stack_.back().header.size();
    }
    if (line_prefix_.size() < kMaxLinePrefix) {
      line_prefix_.append(piece.substr(0, std::min(piece.size(), kMaxLinePrefix - line_prefix_.size())));
    }
    Frame& top = stack_.back();
    if (top.in_header) {
      std::size_t room = std::min(limits_.max_header_size - std::min(limits_.max_header_size, top.header.size()),
                                  limits_.max_total_header_size - header_bytes_kept_);
      std::size_t take = std::min(piece.size(), room);
      if (take < piece.size()) result_.header_truncated = true;
      top.header.append(piece.substr(0, take));
      header_bytes_kept_ += take;
    }
    byte_before_last_ = n >= 2 ? piece[n - 2] : (line_size_ > 0 ? last_byte_ : '\0');
    last_byte_ = piece.back();
    line_size_ += n;
    offset_ += n;
    bytes.remove_prefix(n);
    if (nl) {
      ++lf_count_;
      end_line();
    }
  }
}

// A boundary line (RFC 2046 5.1.1): "--" boundary, then "--" for the close delimiter, then optional
// transport padding. Open multiparts are searched innermost first; any match closes the parts inside
// it, which is how a missing close delimiter of an inner multipart is tolerated.
std::optional<std::size_t> MimeParser::match_boundary(bool& closing) const {
  std::string_view line = line_prefix_;
  if (line.size() < 3 || line[0] != '-' || line[1] != '-') return std::nullopt;
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const Frame& f = stack_[i];
    if (f.delimiter.empty() || f.closed || f.in_header) continue;
    if (line.substr(0, f.delimiter.size()) != f.delimiter) continue;
    std::string_view rest = line.substr(f.delimiter.size());
    bool close = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
    if (close) rest.remove_prefix(2);
    // Transport padding only; close delimiters may be followed by anything some mailers add.
    if (!close && !std::all_of(rest.begin(), rest.end(), is_lwsp)) continue;
    closing = close;
    return i;
  }
  return std::nullopt;
}

void MimeParser::end_line() {
  std::size_t eol = 0;
  if (last_byte_ == '\n') eol = (line_size_ >= 2 && byte_before_last_ == '\r') ? 2 : 1;
  std::uint64_t line_end = line_start_ + line_size_;
  std::uint64_t lf_before = lf_count_ - (last_byte_ == '\n' ? 1 : 0);

  bool closing = false;
  auto match = match_boundary(closing);
  if (match) {
    // The line end before the boundary belongs to the boundary (RFC 2046 5.1.1).
    Frame& top = stack_.back();
    if (top.in_header && top.header.size() > header_mark_) {
      header_bytes_kept_ -= top.header.size() - header_mark_;
      top.header.resize(header_mark_);
    }
    std::uint64_t end = line_start_ - prev_eol_;
    std::uint64_t end_lf = lf_before - (prev_eol_ > 0 ? 1 : 0);
    std::uint64_t floor = top.in_header ? top.part.header_offset : top.part.body_offset;
    if (end < floor) {
      // The previous line was the empty line ending the innermost header, or the boundary line that
      // began the innermost part: its line end stays where it is, and every part closed here ends
      // after it so that enclosing parts still contain their children.
      end = floor;
      end_lf = lf_before;
    }
    while (stack_.size() > *match + 1) close_top(end, end_lf);
    Frame& mp = stack_.back();
    if (closing) {
      mp.closed = true;
    } else if (parts_ < limits_.max_parts) {
      begin_part(line_end, false, mp.part.subtype == "digest");
    } else {
      result_.parts_limited = true;
    }
  } else if (stack_.back().in_header && line_size_ == eol) {
    end_header(line_end);  // RFC 5322 2.1: the empty line ends the header
  }
  prev_eol_ = eol;
  line_size_ = 0;
}

void MimeParser::end_header(std::uint64_t header_end) {
  Frame& f = stack_.back();
  f.in_header = false;
  MimePart& p = f.part;
  p.header_size = header_end - p.header_offset;
  p.body_offset = header_end;
  f.body_lf_start = lf_count_;

  std::vector<HeaderField> fields = split_header_fields(f.header);
  f.header.clear();
  f.header.shrink_to_fit();
  if (f.is_message_root) p.envelope = build_envelope(fields);

  const HeaderField* ct = find_header_field(fields, "Content-Type");
  if (ct) {
    ContentType t = parse_content_type(ct->value);
    p.type = t.type;
    p.subtype = t.subtype;
    p.params = std::move(t.params);
  } else if (f.digest_parent) {
    p.type = "message";
    p.subtype = "rfc822";
  }
  p.id = unfolded(fields, "Content-ID");
  p.description = unfolded(fields, "Content-Description");
  if (const HeaderField* e = find_header_field(fields, "Content-Transfer-Encoding")) {
    p.encoding = parse_header_token(e->value);
  }
  p.md5 = unfolded(fields, "Content-MD5");
  if (const HeaderField* d = find_header_field(fields, "Content-Disposition")) {
    ContentDisposition cd = parse_content_disposition(d->value);
    if (!cd.type.empty()) {
      p.disposition = std::move(cd.type);
      p.disposition_params = std::move(cd.params);
    }
  }
  if (const HeaderField* l = find_header_field(fields, "Content-Language")) {
    p.language = parse_content_language(l->value);
  }
  p.location = unfolded(fields, "Content-Location");

  // stack_ holds this part and its ancestors: its depth is stack_.size().
  bool deep_ok = stack_.size() < limits_.max_depth;
  if (p.is_multipart()) {
    const MimeParam* b = find_param(p.params, "boundary");
    if (b && !b->value.empty() && b->value.size() <= kMaxBoundaryLength) {
      if (deep_ok) {
        f.delimiter = "--" + b->value;
      } else {
        result_.depth_limited = true;
      }
    }
  } else if (p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global")) {
    // RFC 2046 5.2.1: only 7bit, 8bit or binary; an encoded message is left as an opaque body.
    bool plain = !p.encoding || *p.encoding == "7bit" || *p.encoding == "8bit" || *p.encoding == "binary";
    if (plain && deep_ok && parts_ < limits_.max_parts) {
      begin_part(header_end, true, false);
    } else if (plain && !deep_ok) {
      result_.depth_limited = true;
    } else if (plain) {
      result_.parts_limited = true;
    }
  }
}

void MimeParser::close_top(std::uint64_t end, std::uint64_t end_lf) {
  if (stack_.back().in_header) {
    Frame& f = stack_.back();
    std::uint64_t header_end = std::max(end, f.part.header_offset);
    // end_header() takes the LF count at the end of the header; no LF lies in the empty body.
    std::uint64_t saved = lf_count_;
    lf_count_ = std::max(end_lf, f.body_lf_start);
    end_header(header_end);
    lf_count_ = saved;
    // A message/rfc822 header cut short pushes an empty enclosed message: close it as well.
    if (stack_.back().in_header) close_top(end, end_lf);
  }
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  MimePart& p = f.part;
  p.body_size = end > p.body_offset ? end - p.body_offset : 0;
  p.body_lines = end_lf > f.body_lf_start && p.body_size > 0 ? end_lf - f.body_lf_start : 0;
  if (stack_.empty()) {
    result_.root = std::move(p);
  } else {
    stack_.back().part.children.push_back(std::move(p));
  }
}

ParsedMessage MimeParser::finish() {
  if (finished_) return {};
  finished_ = true;
  if (line_size_ > 0) end_line();  // a last line without a line end
  // Everything still open ends with the message; a missing close delimiter is no error.
  while (!stack_.empty()) close_top(offset_, lf_count_);
  result_.size = offset_;
  return std::move(result_);
}

ParsedMessage parse_mime_message(std::string_view message, MimeLimits limits) {
  MimeParser parser(limits);
  parser.feed(message);
  return parser.finish();
}

const MimePart* find_section(const MimePart& root, std::span<const std::uint32_t> section) {
  const MimePart* cur = &root;
  bool at_message = true;  // `cur` is a message: numbers name the parts of its body
  for (std::uint32_t n : section) {
    if (n == 0) return nullptr;
    const MimePart* message = nullptr;
    if (at_message) {
      message = cur;
    } else if (cur->is_multipart()) {
      if (n > cur->children.size()) return nullptr;
      cur = &cur->children[n - 1];
      continue;
    } else if (cur->has_message()) {
      message = &cur->children[0];
    } else {
      return nullptr;
    }
    at_message = false;
    if (message->is_multipart()) {
      if (n > message->children.size()) return nullptr;
      cur = &message->children[n - 1];
    } else if (n == 1) {
      cur = message;
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace roost::mail
