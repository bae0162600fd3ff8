// pop3_store_tool: test-only helper that changes a mailbox through the store API, as smtpd and imapd
// would: `deliver ADDR FILE...` stores each file as one message in ADDR's INBOX (printing its UID),
// `expunge ADDR UID` removes one message from INBOX as an IMAP EXPUNGE would.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "common/base/config.h"
#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "storage/options_from_settings.h"
#include "storage/store.h"

namespace {

using namespace roost;

int usage() {
  std::cerr << "usage: pop3_store_tool CONFIG deliver ADDR FILE... | CONFIG expunge ADDR UID\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return usage();
  auto settings = load_config(argv[1]);
  if (!settings) {
    std::cerr << settings.error().message << "\n";
    return 1;
  }
  auto store = store::Store::open(store::options_from(*settings));
  if (!store) {
    std::cerr << "cannot open the store: " << store::store_error_name(store.error()) << "\n";
    return 1;
  }
  std::string command = argv[2];
  auto recipients = (*store)->resolve(argv[3]);
  if (!recipients || recipients->empty() || !recipients->front().local()) {
    std::cerr << "unknown account " << argv[3] << "\n";
    return 1;
  }
  const std::int64_t account_id = recipients->front().account_id;

  if (command == "deliver") {
    for (int i = 4; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      if (!in) {
        std::cerr << "cannot read " << argv[i] << "\n";
        return 1;
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string bytes = buffer.str();
      store::Delivery delivery;
      delivery.bytes = bytes;
      delivery.local.push_back(store::LocalTarget{account_id, "", {}, ""});
      auto result = (*store)->deliver_sync(delivery);
      if (!result || result->local.empty() || result->local[0].error) {
        std::cerr << "delivery failed for " << argv[i] << "\n";
        return 1;
      }
      std::printf("%u\n", result->local[0].uid);
    }
    return 0;
  }
  if (command == "expunge" && argc == 5) {
    const auto uid = static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10));
    auto inbox = (*store)->read<store::Mailbox>(
        [&](store::Db& db) { return store::find_mailbox(db, account_id, "INBOX"); });
    if (!inbox) return 1;
    const std::int64_t mailbox_id = inbox->id;
    auto done = (*store)->write_sync<std::vector<std::uint32_t>>(
        [&](store::WriteCtx& w) -> store::StoreResult<std::vector<std::uint32_t>> {
          store::Flags deleted;
          deleted.system = store::kDeleted;
          store::UidSet set{store::UidRange{uid, uid}};
          auto flagged = store::store_flags(w, mailbox_id, set, store::FlagOp::add, deleted);
          if (!flagged) return fail(flagged.error());
          return store::expunge(w, mailbox_id, set);
        });
    if (!done) return 1;
    std::printf("%zu\n", done->size());
    return 0;
  }
  return usage();
}
