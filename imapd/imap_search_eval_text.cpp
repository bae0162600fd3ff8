// Lazy loading of a message's header and text parts for SEARCH, from the store in bounded chunks.
#include "imapd/imap_search_eval_text.h"

#include <algorithm>

#include "common/mail/mime_codec.h"
#include "common/mail/rfc2047.h"

namespace roost::imap {
namespace {

// The size of the header section, including its empty line, when `bytes` holds all of it.
std::optional<std::size_t> header_end(std::string_view bytes) {
  if (bytes.starts_with("\r\n")) return 2;
  if (bytes.starts_with("\n")) return 1;
  std::size_t lf = bytes.find('\n');
  while (lf != std::string_view::npos) {
    if (lf + 1 < bytes.size() && bytes[lf + 1] == '\n') return lf + 2;
    if (lf + 2 < bytes.size() && bytes[lf + 1] == '\r' && bytes[lf + 2] == '\n') return lf + 3;
    lf = bytes.find('\n', lf + 1);
  }
  return std::nullopt;
}

bool is_text(const mail::MimePart& part) { return part.type == "text"; }

bool has_line_end(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

bool is_ascii(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

MessageText::~MessageText() = default;

store::StoreResult<store::BlobStream*> MessageText::stream() {
  if (!stream_) {
    auto opened = store::BlobStream::open(db_, info_.blob_id);
    if (!opened.ok()) return fail(opened.error());
    stream_ = std::move(*opened);
  }
  return stream_.get();
}

store::StoreResult<std::string> MessageText::read_range(std::uint64_t offset, std::uint64_t size) {
  auto s = stream();
  if (!s.ok()) return fail(s.error());
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    auto n = (*s)->read(static_cast<std::int64_t>(offset + got), std::span<char>(out.data() + got, out.size() - got));
    if (!n.ok()) return fail(n.error());
    if (*n == 0) break;
    got += *n;
  }
  out.resize(got);
  return out;
}

store::StoreResult<const std::vector<mail::HeaderField>*> MessageText::fields() {
  if (!fields_) {
    // Header keys read only the header: the blob's first bytes up to the empty line.
    auto s = stream();
    if (!s.ok()) return fail(s.error());
    std::string header;
    // Most headers fit in the first read; longer ones take reads of growing size.
    std::size_t step = 4 * 1024;
    while (header.size() < kMaxSearchHeaderSize) {
      std::size_t old = header.size();
      header.resize(std::min(old + step, kMaxSearchHeaderSize));
      step *= 2;
      auto n = (*s)->read(static_cast<std::int64_t>(old), std::span<char>(header.data() + old, header.size() - old));
      if (!n.ok()) return fail(n.error());
      header.resize(old + *n);
      if (auto end = header_end(header)) {
        header.resize(*end);
        break;
      }
      if (*n == 0) break;
    }
    fields_ = mail::split_header_fields(header);
  }
  return &*fields_;
}

store::StoreResult<const std::vector<std::string>*> MessageText::decoded_values() {
  if (!decoded_) {
    auto f = fields();
    if (!f.ok()) return fail(f.error());
    std::vector<std::string> values;
    values.reserve((*f)->size());
    for (const auto& field : **f) {
      std::string_view raw = field.value;
      std::string value;
      if (raw.find("=?") == std::string_view::npos && !has_line_end(raw) && is_ascii(raw)) {
        value.assign(raw);  // nothing to decode or unfold: most fields of most messages
      } else {
        value = mail::decode_rfc2047(raw);
      }
      std::size_t start = value.find_first_not_of(" \t");
      value.erase(0, start == std::string::npos ? value.size() : start);
      values.push_back(std::move(value));
    }
    decoded_ = std::move(values);
  }
  return &*decoded_;
}

store::StoreResult<bool> MessageText::header_contains(const TextMatcher& needle) {
  if (!header_text_) {
    // The header as "Name: decoded value" lines, built once per message.
    auto f = fields();
    if (!f.ok()) return fail(f.error());
    auto values = decoded_values();
    if (!values.ok()) return fail(values.error());
    std::string text;
    for (std::size_t i = 0; i < (*f)->size(); ++i) {
      text += (**f)[i].name;
      text += ": ";
      text += (**values)[i];
      text += '\n';
    }
    header_text_ = std::move(text);
  }
  return needle.found_in(*header_text_);
}

store::StoreResult<const mail::MimePart*> MessageText::structure() {
  if (!parsed_) {
    auto parts = store::get_message_parts(db_, info_.blob_id);
    if (parts.ok() && parts->parser_version == static_cast<int>(mail::kMimeFormatVersion)) {
      auto decoded = mail::decode_parsed_message(parts->body_structure);
      if (decoded.ok()) parsed_ = std::move(*decoded);
    } else if (!parts.ok() && parts.error() != store::StoreError::not_found) {
      return fail(parts.error());
    }
  }
  if (!parsed_) {
    // No usable row (written before the parts were stored, or by another parser version): parse the
    // message streaming it from the store.
    auto s = stream();
    if (!s.ok()) return fail(s.error());
    mail::MimeParser parser;
    std::string& chunk = buffers_.chunk;
    if (chunk.size() < kSearchChunkSize) chunk.resize(kSearchChunkSize);
    std::int64_t offset = 0;
    for (;;) {
      auto n = (*s)->read(offset, std::span<char>(chunk.data(), chunk.size()));
      if (!n.ok()) return fail(n.error());
      if (*n == 0) break;
      parser.feed(std::string_view(chunk.data(), *n));
      offset += static_cast<std::int64_t>(*n);
    }
    parsed_ = parser.finish();
  }
  return &parsed_->root;
}

store::StoreResult<bool> MessageText::body_contains(const TextMatcher& needle) {
  auto root = structure();
  if (!root.ok()) return fail(root.error());
  StreamMatcher matcher(needle);
  return part_contains(**root, needle, matcher);
}

store::StoreResult<bool> MessageText::part_contains(const mail::MimePart& part, const TextMatcher& needle,
                                                    StreamMatcher& matcher) {
  if (part.is_multipart()) {
    for (const auto& child : part.children) {
      auto found = part_contains(child, needle, matcher);
      if (!found.ok() || *found) return found;
    }
    return false;
  }
  if (part.has_message()) {
    // An attached message: its header is text of this body too, then its own body.
    const auto& inner = part.children.front();
    auto header = read_range(inner.header_offset, std::min<std::uint64_t>(inner.header_size, kMaxSearchHeaderSize));
    if (!header.ok()) return fail(header.error());
    for (const auto& field : mail::split_header_fields(*header)) {
      if (needle.found_in(field.name) || needle.found_in(mail::decode_rfc2047(field.value))) return true;
    }
    return part_contains(inner, needle, matcher);
  }
  if (!is_text(part)) return false;  // images, archives and other attachments are not text
  matcher.restart();
  return text_part_contains(part, matcher);
}

store::StoreResult<bool> MessageText::text_part_contains(const mail::MimePart& part, StreamMatcher& matcher) {
  auto s = stream();
  if (!s.ok()) return fail(s.error());
  std::string encoding = part.encoding.value_or("");
  bool base64 = encoding == "base64";
  bool quoted_printable = encoding == "quoted-printable";
  const mail::MimeParam* charset_param = mail::find_param(part.params, "charset");
  CharsetStream charset(charset_param ? std::string_view(charset_param->value) : std::string_view(),
                        matcher.ascii_needle());
  Base64Stream base64_stream;
  QuotedPrintableStream qp_stream;
  std::string& decoded = buffers_.decoded;
  std::string& converted = buffers_.converted;
  std::string& chunk = buffers_.chunk;

  if (chunk.size() < kSearchChunkSize) chunk.resize(kSearchChunkSize);
  std::uint64_t done = 0;
  while (done < part.body_size) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), part.body_size - done));
    auto n = (*s)->read(static_cast<std::int64_t>(part.body_offset + done), std::span<char>(chunk.data(), want));
    if (!n.ok()) return fail(n.error());
    if (*n == 0) break;
    done += *n;
    std::string_view text(chunk.data(), *n);
    if (base64) text = base64_stream.decode(text, decoded);
    if (quoted_printable) text = qp_stream.decode(text, decoded);
    if (!charset.passthrough()) text = charset.convert(text, converted);
    if (matcher.feed(text)) return true;
  }
  if (quoted_printable) {
    std::string_view text = qp_stream.finish(decoded);
    if (!charset.passthrough()) text = charset.convert(text, converted);
    if (matcher.feed(text)) return true;
  }
  return matcher.feed(charset.finish(converted));
}

}  // namespace roost::imap
