// FetchJob: rendering each FETCH data item (RFC 9051 7.5.2, RFC 3516 4.2, RFC 7162 3.1.4.1), and
// opening the literal of a body section.
#include <algorithm>
#include <span>

#include "common/mail/date.h"
#include "common/mail/mime_imap.h"
#include "imapd/fetch_job_state.h"
#include "imapd/message_source.h"
#include "storage/try.h"

namespace roost::imap {

namespace {

using Kind = FetchItem::Kind;

// Header sections read whole for HEADER.FIELDS(.NOT); the bytes past this bound are not searched for
// fields (the parser keeps no more than 256 KiB of a header either).
constexpr std::uint64_t kMaxFilteredHeaderSize = 1024 * 1024;

void append_flags(std::string& out, const store::Flags& flags) {
  static constexpr std::pair<std::uint32_t, const char*> kNames[] = {
      {store::kAnswered, "\\Answered"}, {store::kFlagged, "\\Flagged"}, {store::kDeleted, "\\Deleted"},
      {store::kSeen, "\\Seen"},         {store::kDraft, "\\Draft"},
  };
  out += "FLAGS (";
  bool first = true;
  for (const auto& [bit, name] : kNames) {
    if (!(flags.system & bit)) continue;
    if (!first) out += ' ';
    out += name;
    first = false;
  }
  for (const auto& keyword : flags.keywords) {
    if (!first) out += ' ';
    out += keyword;
    first = false;
  }
  out += ')';
}

// The section as RFC822.HEADER / RFC822.TEXT ask for it (RFC 3501 6.4.5).
BodySection text_section(BodySection::Text text) {
  BodySection s;
  s.text = text;
  return s;
}

}  // namespace

// RFC 3516 4.1: BINARY of a part in an encoding the server cannot decode fails the command with
// [UNKNOWN-CTE]; checked before the response starts so no half response goes out.
store::StoreResult<void> FetchJob::State::check_binary_encodings() {
  for (const auto& item : items) {
    if (item.kind != Kind::binary && item.kind != Kind::binary_size) continue;
    SectionRange range = resolve_section(parsed ? &*parsed : nullptr, static_cast<std::uint64_t>(blob->size()),
                                         item.section);
    const mail::MimePart* part = binary_part(range);
    if (part && content_encoding(part->encoding) == ContentEncoding::unknown) {
      unknown_cte = true;
      return fail(store::StoreError::invalid);
    }
  }
  return {};
}

store::StoreResult<FetchJob::State::Content> FetchJob::State::scan_content(std::uint64_t offset, std::uint64_t size,
                                                                         ContentEncoding encoding, bool want_nul) {
  if (encoding == ContentEncoding::identity && !want_nul) return Content{size, false};
  ContentDecoder decoder_pass(encoding);
  Content content;
  std::string piece;
  auto count = [&](std::string_view bytes) {
    content.size += bytes.size();
    if (!content.has_nul && want_nul) content.has_nul = bytes.find('\0') != std::string_view::npos;
  };
  for (std::uint64_t done = 0; done < size;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - done));
    ROOST_TRY_ASSIGN(n, blob->read(static_cast<std::int64_t>(offset + done), std::span<char>(chunk.data(), want)));
    if (n == 0) break;
    done += n;
    if (encoding == ContentEncoding::identity) {
      count(std::string_view(chunk.data(), n));
      continue;
    }
    piece.clear();
    decoder_pass.feed(std::string_view(chunk.data(), n), piece);
    count(piece);
  }
  piece.clear();
  decoder_pass.finish(piece);
  count(piece);
  return content;
}

store::StoreResult<void> FetchJob::State::begin_literal(std::string& out, std::string_view name,
                                                        const SectionRange& range, const FetchItem& item,
                                                        bool binary) {
  out += name;
  std::uint64_t offset = range.offset;
  std::uint64_t size = range.size;
  const mail::MimePart* part = binary ? binary_part(range) : nullptr;
  ContentEncoding encoding = part ? content_encoding(part->encoding) : ContentEncoding::identity;
  std::uint64_t total = size;
  bool literal8 = false;
  if (binary) {
    ROOST_TRY_ASSIGN(content, scan_content(offset, size, encoding, true));
    total = content.size;
    literal8 = content.has_nul;
  }
  std::uint64_t first = 0;
  std::uint64_t length = total;
  if (item.partial) {
    // RFC 9051 6.4.5: "<offset>" in the answer; an offset past the end gives an empty string.
    out += '<';
    out += std::to_string(item.partial->offset);
    out += '>';
    first = std::min<std::uint64_t>(item.partial->offset, total);
    length = std::min<std::uint64_t>(item.partial->length, total - first);
  }
  if (length == 0) {
    out += " \"\"";
    return {};
  }
  // RFC 3516 4.3: BINARY content with NUL is a literal8; other content SHOULD be a plain literal.
  out += literal8 ? " ~{" : " {";
  out += std::to_string(length);
  out += "}\r\n";
  streaming = true;
  stream_read = 0;
  emitted = 0;
  if (encoding == ContentEncoding::identity) {
    decoder.reset();
    stream_offset = offset + first;
    stream_size = length;
  } else {
    decoder.emplace(encoding);
    decoded.clear();
    stream_offset = offset;
    stream_size = size;
    skip = first;
    emit = length;
  }
  return {};
}

store::StoreResult<bool> FetchJob::State::render_item(std::string& out, const FetchItem& item) {
  const FetchTarget& target = targets[next];
  const std::uint64_t message_size = blob ? static_cast<std::uint64_t>(blob->size()) : 0;
  const mail::ParsedMessage* structure_ptr = parsed ? &*parsed : nullptr;
  switch (item.kind) {
    case Kind::uid:
      out += "UID ";
      out += std::to_string(target.info.uid);
      return true;
    case Kind::flags: {
      store::Flags flags = target.info.flags;
      if (target.seen_set) flags.system |= store::kSeen;
      append_flags(out, flags);
      return true;
    }
    case Kind::internal_date:
      // The zone the message arrived in is not stored; the instant is shown in UTC.
      out += "INTERNALDATE \"";
      out += mail::format_imap_date_time(target.info.internal_date, 0);
      out += '"';
      return true;
    case Kind::rfc822_size:
      out += "RFC822.SIZE ";
      out += std::to_string(target.info.size);
      return true;
    case Kind::modseq:
      out += "MODSEQ (";
      out += std::to_string(target.info.modseq);
      out += ')';
      return true;
    case Kind::envelope:
      out += "ENVELOPE ";
      if (parsed) {
        out += mail::render_envelope(parsed->root.envelope ? *parsed->root.envelope : mail::Envelope{});
      } else {
        out += mail::render_envelope(*target_envelope);
      }
      return true;
    case Kind::body_structure_basic:
    case Kind::body_structure:
      out += item.kind == Kind::body_structure ? "BODYSTRUCTURE " : "BODY ";
      out += mail::render_body_structure(parsed->root, item.kind == Kind::body_structure);
      return true;
    case Kind::rfc822:
      ROOST_TRY(begin_literal(out, "RFC822", resolve_section(structure_ptr, message_size, {}), item, false));
      return !streaming;
    case Kind::rfc822_header:
      ROOST_TRY(begin_literal(out, "RFC822.HEADER",
                              resolve_section(structure_ptr, message_size, text_section(BodySection::Text::header)),
                              item, false));
      return !streaming;
    case Kind::rfc822_text:
      ROOST_TRY(begin_literal(out, "RFC822.TEXT",
                              resolve_section(structure_ptr, message_size, text_section(BodySection::Text::text)),
                              item, false));
      return !streaming;
    case Kind::body_section:
    case Kind::binary: {
      const bool binary = item.kind == Kind::binary;
      std::string name = binary ? "BINARY[" : "BODY[";
      append_section_spec(name, item.section);
      name += ']';
      SectionRange range = resolve_section(structure_ptr, message_size, item.section);
      if (!range.header_filter) {
        ROOST_TRY(begin_literal(out, name, range, item, binary));
        return !streaming;
      }
      // HEADER.FIELDS(.NOT): a header is small; filter it in memory.
      ROOST_TRY_ASSIGN(header, read_blob_range(*blob, range.offset, std::min(range.size, kMaxFilteredHeaderSize)));
      std::string filtered = filter_header_fields(
          header, item.section.fields, item.section.text == BodySection::Text::header_fields_not);
      std::string_view value = filtered;
      out += name;
      if (item.partial) {
        out += '<';
        out += std::to_string(item.partial->offset);
        out += '>';
        value = value.substr(std::min<std::size_t>(item.partial->offset, value.size()));
        value = value.substr(0, std::min<std::size_t>(item.partial->length, value.size()));
      }
      out += ' ';
      if (value.empty()) {
        out += "\"\"";
      } else {
        out += '{';
        out += std::to_string(value.size());
        out += "}\r\n";
        out += value;
      }
      return true;
    }
    case Kind::binary_size: {
      // RFC 3516 4.3: the size of the part after decoding.
      SectionRange range = resolve_section(structure_ptr, message_size, item.section);
      const mail::MimePart* part = binary_part(range);
      std::uint64_t size = range.size;
      if (part) {
        ROOST_TRY_ASSIGN(content, scan_content(range.offset, range.size, content_encoding(part->encoding), false));
        size = content.size;
      }
      out += "BINARY.SIZE[";
      append_section_spec(out, item.section);
      out += "] ";
      out += std::to_string(size);
      return true;
    }
  }
  return true;
}

}  // namespace roost::imap
