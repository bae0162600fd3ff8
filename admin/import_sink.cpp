// ImportSink (see import_sink.h).
#include "admin/import_sink.h"

#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "admin/arguments.h"
#include "storage/accounts.h"
#include "storage/mailboxes.h"

namespace roost::admin {
namespace {

constexpr std::size_t kCompareChunk = 64 * 1024;

// True when the blob holds exactly `bytes`, read in chunks (a stored message is never loaded whole).
store::StoreResult<bool> blob_equals(store::Db& db, std::int64_t blob_id, std::string_view bytes) {
  auto stream = store::BlobStream::open(db, blob_id);
  if (!stream.ok()) return fail(stream.error());
  if ((*stream)->size() != static_cast<std::int64_t>(bytes.size())) return false;
  std::string chunk(kCompareChunk, '\0');
  std::int64_t offset = 0;
  while (offset < (*stream)->size()) {
    auto got = (*stream)->read(offset, chunk);
    if (!got.ok()) return fail(got.error());
    if (*got == 0) return false;
    if (std::memcmp(chunk.data(), bytes.data() + offset, *got) != 0) return false;
    offset += static_cast<std::int64_t>(*got);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<ImportSink>> ImportSink::open(Session& session, std::string_view user) {
  auto account = session.find_user(user);
  if (!account) return fail(account.error());
  return std::unique_ptr<ImportSink>(new ImportSink(session, account->id, account->address()));
}

Status ImportSink::select_mailbox(std::string_view typed) {
  auto name = store::normalize_mailbox_name(typed);
  if (!name.ok()) return fail(fmt::format("'{}' is not a valid mailbox name", typed));
  if (*name == mailbox_name_ && mailbox_id_ != 0) return {};
  auto found = store::find_mailbox(session_.db(), account_id_, *name);
  std::int64_t id = 0;
  if (found.ok() && !found->noselect) {
    id = found->id;
  } else if (found.ok() || found.error() == store::StoreError::not_found) {
    // RFC 3501 6.3.3: creating also creates missing parents, and revives a \Noselect name.
    auto created = session_.write<std::int64_t>(
        [&](store::WriteCtx& w) { return store::create_mailbox(w, account_id_, *name); });
    if (!created.ok()) {
      return fail(fmt::format("cannot create the mailbox {}: {}", *name, session_.describe(created.error())));
    }
    id = *created;
  } else {
    return fail(session_.describe(found.error()));
  }
  mailbox_name_ = *name;
  mailbox_id_ = id;
  ++counts_.mailboxes;
  return load_existing(id);
}

Status ImportSink::load_existing(std::int64_t mailbox_id) {
  existing_.clear();
  auto messages = store::list_messages(session_.db(), mailbox_id);
  if (!messages.ok()) return fail(session_.describe(messages.error()));
  for (const auto& m : *messages) existing_.emplace(std::make_pair(m.size, m.internal_date), m.blob_id);
  return {};
}

Result<bool> ImportSink::already_there(std::string_view bytes, std::int64_t internal_date) {
  auto [first, last] = existing_.equal_range({static_cast<std::int64_t>(bytes.size()), internal_date});
  for (auto it = first; it != last; ++it) {
    auto equal = blob_equals(session_.db(), it->second, bytes);
    if (!equal.ok()) return fail(session_.describe(equal.error()));
    if (*equal) {
      existing_.erase(it);
      return true;
    }
  }
  return false;
}

Status ImportSink::add(std::string bytes, const store::Flags& flags, std::int64_t internal_date) {
  auto seen = already_there(bytes, internal_date);
  if (!seen) return fail(seen.error());
  if (*seen) {
    ++counts_.already_there;
  } else {
    batch_bytes_ += bytes.size();
    batch_.push_back({mailbox_id_, std::move(bytes), flags, internal_date});
    if (batch_.size() >= kImportBatchMessages || batch_bytes_ >= kImportBatchBytes) {
      if (auto st = flush(); !st) return st;
    }
  }
  progress_.update(counts_.imported + static_cast<std::int64_t>(batch_.size()), counts_.already_there);
  return {};
}

void ImportSink::skip_too_large(std::string_view what, std::int64_t size) {
  ++counts_.too_large;
  progress_.finish();
  std::fprintf(stderr, "roostctl: skipped %.*s: %lld bytes is over the message size limit\n",
               static_cast<int>(what.size()), what.data(), static_cast<long long>(size));
}

Status ImportSink::flush() {
  if (batch_.empty()) return {};
  // One write for the whole batch; a write may run again on a retry, so it counts from zero.
  auto appended = session_.write<std::size_t>([this](store::WriteCtx& w) -> store::StoreResult<std::size_t> {
    std::size_t n = 0;
    for (const auto& m : batch_) {
      auto r = store::append(w, m.mailbox_id, m.bytes, m.flags, m.internal_date);
      if (!r.ok()) {
        if (r.error() == store::StoreError::over_quota) return n;  // commit what fits
        return fail(r.error());
      }
      ++n;
    }
    return n;
  });
  if (!appended.ok()) return fail(session_.describe(appended.error()));
  for (std::size_t i = 0; i < *appended; ++i) counts_.bytes += static_cast<std::int64_t>(batch_[i].bytes.size());
  counts_.imported += static_cast<std::int64_t>(*appended);
  bool quota_full = *appended < batch_.size();
  batch_.clear();
  batch_bytes_ = 0;
  if (quota_full) {
    progress_.finish();
    return fail(fmt::format(
        "the quota of {} is full after {} imported messages; raise it with 'roostctl user quota' and run the "
        "same import again (what is already there is skipped)",
        address_, counts_.imported));
  }
  return {};
}

Status ImportSink::finish() {
  auto st = flush();
  progress_.update(counts_.imported, counts_.already_there);
  progress_.finish();
  return st;
}

}  // namespace roost::admin

namespace roost::admin {

std::string with_crlf_line_ends(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 32);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) out += '\r';
    out += bytes[i];
  }
  return out;
}

}  // namespace roost::admin
