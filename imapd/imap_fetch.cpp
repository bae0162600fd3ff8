// FetchJob: renders FETCH responses item by item, streaming body literals from the store in chunks.
#include "imapd/imap_fetch.h"

#include <algorithm>
#include <span>

#include "imapd/fetch_job_state.h"
#include "imapd/message_source.h"
#include "storage/try.h"

namespace roost::imap {

namespace {

using Kind = FetchItem::Kind;

bool reads_body(const FetchItem& item) {
  switch (item.kind) {
    case Kind::rfc822:
    case Kind::rfc822_header:
    case Kind::rfc822_text:
    case Kind::body_section:
    case Kind::binary:
    case Kind::binary_size:
      return true;
    default:
      return false;
  }
}

bool needs_structure(const FetchItem& item) {
  switch (item.kind) {
    case Kind::body_structure:
    case Kind::body_structure_basic:
    case Kind::rfc822_header:
    case Kind::rfc822_text:
      return true;
    case Kind::body_section:
    case Kind::binary:
    case Kind::binary_size:
      return section_needs_structure(item.section);
    default:
      return false;
  }
}

}  // namespace

bool fetch_sets_seen(const Fetch& fetch) {
  return std::any_of(fetch.items.begin(), fetch.items.end(), [](const FetchItem& item) {
    switch (item.kind) {
      case Kind::body_section:
      case Kind::binary:
        return !item.peek;
      case Kind::rfc822:
      case Kind::rfc822_text:
        return true;
      default:
        return false;
    }
  });
}

FetchJob::State::State(store::Store& s, const Fetch& fetch, std::vector<FetchTarget> t, FetchOptions o)
    : store(s), targets(std::move(t)), options(o) {
  bool has_uid = false, has_flags = false, has_modseq = false;
  for (const auto& item : fetch.items) {
    has_uid |= item.kind == Kind::uid;
    has_flags |= item.kind == Kind::flags;
    has_modseq |= item.kind == Kind::modseq;
    body |= reads_body(item);
    structure |= needs_structure(item);
    envelope |= item.kind == Kind::envelope;
  }
  // RFC 3501 6.4.8: UID FETCH answers with the UID, as Dovecot does first.
  if (options.uid_command && !has_uid) items.push_back(FetchItem{Kind::uid, false, {}, {}});
  items.insert(items.end(), fetch.items.begin(), fetch.items.end());
  // RFC 7162 3.1.4.1: with CONDSTORE every FETCH response carries MODSEQ.
  if (options.modseq && !has_modseq) items.push_back(FetchItem{Kind::modseq, false, {}, {}});
  flags_implied = !has_flags;
}

store::StoreResult<bool> FetchJob::State::begin_target() {
  const FetchTarget& target = targets[next];
  blob.reset();
  parsed.reset();
  target_envelope.reset();
  if (structure) {
    auto loaded = load_parsed_message(lease->db(), target.info.blob_id);
    if (!loaded.ok()) {
      if (loaded.error() == store::StoreError::not_found) return false;
      return fail(loaded.error());
    }
    parsed = std::move(*loaded);
  } else if (envelope) {
    // ENVELOPE alone reads the envelope column only.
    auto loaded = load_envelope(lease->db(), target.info.blob_id);
    if (!loaded.ok()) {
      if (loaded.error() == store::StoreError::not_found) return false;
      return fail(loaded.error());
    }
    target_envelope = std::move(*loaded);
  }
  // Opened after a possible parse of the blob: a connection reads one blob stream at a time.
  if (body) {
    auto opened = store::BlobStream::open(lease->db(), target.info.blob_id);
    if (!opened.ok()) {
      if (opened.error() == store::StoreError::not_found) return false;
      return fail(opened.error());
    }
    blob = std::move(*opened);
  }
  ROOST_TRY(check_binary_encodings());
  return true;
}

// Streams the current literal until it is done (true) or `out` grew past the budget (false).
store::StoreResult<bool> FetchJob::State::stream(std::string& out, std::size_t start, std::size_t budget) {
  while (streaming) {
    if (out.size() - start >= budget) return false;
    if (!decoder) {
      std::uint64_t left = std::min<std::uint64_t>(stream_size - stream_read, budget - (out.size() - start));
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), left));
      std::size_t old = out.size();
      out.resize(old + want);
      auto n = blob->read(static_cast<std::int64_t>(stream_offset + stream_read), std::span<char>(out.data() + old, want));
      if (!n.ok() || *n == 0) {
        out.resize(old);
        return fail(n.ok() ? store::StoreError::corrupt : n.error());
      }
      out.resize(old + *n);
      stream_read += *n;
      if (stream_read == stream_size) streaming = false;
      continue;
    }
    // BINARY: decode the next chunk, drop the bytes before the partial's offset, send the rest.
    if (decoded.empty()) {
      if (stream_read < stream_size) {
        std::uint64_t left = std::min<std::uint64_t>(stream_size - stream_read, budget - (out.size() - start));
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), left));
        ROOST_TRY_ASSIGN(n, blob->read(static_cast<std::int64_t>(stream_offset + stream_read),
                                       std::span<char>(chunk.data(), want)));
        if (n == 0) return fail(store::StoreError::corrupt);
        stream_read += n;
        decoder->feed(std::string_view(chunk.data(), n), decoded);
      } else {
        decoder->finish(decoded);
        // The size was counted from the same bytes, so this cannot end short unless the blob changed.
        if (decoded.empty()) return fail(store::StoreError::corrupt);
      }
    }
    std::size_t drop = static_cast<std::size_t>(std::min<std::uint64_t>(skip, decoded.size()));
    skip -= drop;
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(emit - emitted, decoded.size() - drop));
    out.append(decoded, drop, take);
    emitted += take;
    decoded.clear();
    if (emitted == emit) {
      streaming = false;
      decoder.reset();
    }
  }
  return true;
}

void FetchJob::State::end_target() {
  in_target = false;
  streaming = false;
  decoder.reset();
  blob.reset();
  parsed.reset();
  target_envelope.reset();
  ++next;
}

store::StoreResult<bool> FetchJob::State::run(std::string& out, std::size_t budget) {
  const std::size_t start = out.size();
  budget = std::max<std::size_t>(budget, 1);  // every call makes progress
  started_this_call = false;
  if (!lease) {
    auto acquired = store.readers().acquire();
    if (!acquired.ok()) return fail(acquired.error());
    lease.emplace(std::move(*acquired));
    chunk.resize(kBlobChunkSize);
  }
  if (!txn) {
    auto begun = store::Txn::begin(lease->db(), store::Txn::Kind::read);
    if (!begun.ok()) return fail(begun.error());
    txn.emplace(std::move(*begun));
  }
  while (next < targets.size()) {
    if (!in_target) {
      // Between responses is the place to pause: no literal is open.
      if (out.size() - start >= budget) {
        // The read snapshot is let go between steps: a slow client does not pin old database pages.
        txn.reset();
        return false;
      }
      ROOST_TRY_ASSIGN(present, begin_target());
      if (!present) {
        end_target();
        continue;
      }
      in_target = true;
      item_index = 0;
      response_start = out.size();
      started_this_call = true;
      out += "* ";
      out += std::to_string(targets[next].seq);
      out += " FETCH (";
    }
    if (streaming) {
      ROOST_TRY_ASSIGN(done, stream(out, start, budget));
      if (!done) return false;
      ++item_index;
    }
    const bool add_flags = flags_implied && targets[next].seen_set;
    const std::size_t count = items.size() + (add_flags ? 1 : 0);
    while (item_index < count) {
      // RFC 3501 6.4.5: a FETCH that set \Seen reports the new FLAGS even when not asked.
      static const FetchItem kFlags{Kind::flags, false, {}, {}};
      const FetchItem& item = item_index < items.size() ? items[item_index] : kFlags;
      if (item_index > 0) out += ' ';
      ROOST_TRY_ASSIGN(complete, render_item(out, item));
      if (!complete) {
        ROOST_TRY_ASSIGN(done, stream(out, start, budget));
        if (!done) return false;
      }
      ++item_index;
    }
    out += ")\r\n";
    end_target();
  }
  txn.reset();
  lease.reset();
  return true;
}

FetchJob::FetchJob(store::Store& store, const Fetch& fetch, std::vector<FetchTarget> targets, FetchOptions options)
    : state_(std::make_unique<State>(store, fetch, std::move(targets), options)) {}

FetchJob::~FetchJob() {
  if (state_) {
    // The blob stream must close before its read transaction ends.
    state_->blob.reset();
    state_->txn.reset();
  }
}

store::StoreResult<bool> FetchJob::run(std::string& out, std::size_t budget) {
  auto result = state_->run(out, budget);
  if (!result.ok()) {
    State& s = *state_;
    if (s.in_target) {
      if (s.started_this_call) {
        out.resize(s.response_start);  // the unfinished response never left: drop it
      } else {
        s.broken = true;
      }
    }
    s.streaming = false;
    s.decoder.reset();
    s.blob.reset();
    s.txn.reset();
    s.in_target = false;
  }
  return result;
}

bool FetchJob::broken() const { return state_->broken; }

bool FetchJob::unknown_cte() const { return state_->unknown_cte; }

}  // namespace roost::imap
