// Loading what FETCH needs of a stored message; see message_source.h.
#include "imapd/message_source.h"

#include <algorithm>
#include <vector>

#include "common/mail/mime_codec.h"
#include "storage/try.h"

namespace roost::imap {

store::StoreResult<mail::ParsedMessage> parse_blob(store::Db& db, std::int64_t blob_id) {
  ROOST_TRY_ASSIGN(blob, store::BlobStream::open(db, blob_id));
  mail::MimeParser parser;
  std::vector<char> chunk(kBlobChunkSize);
  std::int64_t offset = 0;
  while (offset < blob->size()) {
    ROOST_TRY_ASSIGN(n, blob->read(offset, chunk));
    if (n == 0) break;
    parser.feed(std::string_view(chunk.data(), n));
    offset += static_cast<std::int64_t>(n);
  }
  return parser.finish();
}

store::StoreResult<mail::ParsedMessage> load_parsed_message(store::Db& db, std::int64_t blob_id) {
  {
    // The body structure column alone (store::get_message_parts would copy the other columns too).
    ROOST_TRY_ASSIGN(q, db.query("SELECT parser_version, body_structure FROM message_parts WHERE blob_id = ?1"));
    q->bind(1, blob_id);
    ROOST_TRY_ASSIGN(row, q->step());
    if (row && q->col_int(0) == static_cast<std::int64_t>(mail::kMimeFormatVersion)) {
      auto decoded = mail::decode_parsed_message(q->col_blob(1));
      if (decoded.ok()) return std::move(*decoded);
      // A row that does not decode is read again from the bytes, like a row of another version.
    }
  }
  return parse_blob(db, blob_id);
}

store::StoreResult<mail::Envelope> load_envelope(store::Db& db, std::int64_t blob_id) {
  {
    ROOST_TRY_ASSIGN(q, db.query("SELECT parser_version, envelope FROM message_parts WHERE blob_id = ?1"));
    q->bind(1, blob_id);
    ROOST_TRY_ASSIGN(row, q->step());
    if (row && q->col_int(0) == static_cast<std::int64_t>(mail::kMimeFormatVersion)) {
      auto decoded = mail::decode_envelope(q->col_blob(1));
      if (decoded.ok()) return std::move(*decoded);
    }
  }
  ROOST_TRY_ASSIGN(parsed, parse_blob(db, blob_id));
  return parsed.root.envelope.value_or(mail::Envelope{});
}

store::StoreResult<std::string> read_blob_range(store::BlobStream& blob, std::uint64_t offset, std::uint64_t size) {
  std::uint64_t total = static_cast<std::uint64_t>(blob.size());
  if (offset >= total) return std::string();
  size = std::min(size, total - offset);
  std::string out(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ROOST_TRY_ASSIGN(n, blob.read(static_cast<std::int64_t>(offset + done),
                                  std::span<char>(out.data() + done, size - done)));
    if (n == 0) break;
    done += n;
  }
  out.resize(done);
  return out;
}

}  // namespace roost::imap
