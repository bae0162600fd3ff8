// Reading a stored message for FETCH: its parsed structure from the message_parts row (or, when the
// row is missing or was written by another parser version, a parse of the blob streamed in chunks),
// its envelope alone, and byte ranges of the blob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/mail/mime_parser.h"
#include "storage/db.h"
#include "storage/messages.h"

namespace roost::imap {

// Bytes read from a blob at a time (parsing, streaming a body, decoding).
inline constexpr std::size_t kBlobChunkSize = 64 * 1024;

// The structure of the message in `blob_id`. not_found when both the row and the blob are gone.
store::StoreResult<mail::ParsedMessage> load_parsed_message(store::Db& db, std::int64_t blob_id);

// The envelope alone: reads only the envelope column (FETCH ENVELOPE over a whole mailbox reads no
// body structure), or parses the blob when the row is unusable.
store::StoreResult<mail::Envelope> load_envelope(store::Db& db, std::int64_t blob_id);

// Parses the blob with mail::MimeParser, reading it in chunks.
store::StoreResult<mail::ParsedMessage> parse_blob(store::Db& db, std::int64_t blob_id);

// Bytes [offset, offset + size) of an open blob, clipped to its end; for small ranges such as a header.
store::StoreResult<std::string> read_blob_range(store::BlobStream& blob, std::uint64_t offset, std::uint64_t size);

}  // namespace roost::imap
