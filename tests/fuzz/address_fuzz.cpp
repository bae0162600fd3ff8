// Fuzz target for the envelope address parser: splits and parses MAIL/RCPT arguments with and
// without SMTPUTF8 and exercises the formatting of whatever parses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/mail/address.h"
#include "common/mail/domain.h"

namespace {

void check_round_trip(const roost::mail::Address& a, roost::mail::ParseOptions options) {
  if (a.null_path || (a.postmaster && a.domain.empty())) return;
  // What to_path() prints must parse again to the same lookup key.
  auto again = roost::mail::parse_forward_path(a.to_path(), options);
  if (!again || again->lookup_key() != a.lookup_key()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool utf8 : {false, true}) {
    roost::mail::ParseOptions options{utf8};
    if (auto args = roost::mail::split_path_args(text)) {
      auto params = roost::mail::parse_esmtp_params(args->params);
      (void)params;
      if (auto a = roost::mail::parse_reverse_path(args->path, options)) {
        (void)a->lookup_key();
        (void)a->local_part_has_routing_chars();
        check_round_trip(*a, options);
      }
      if (auto a = roost::mail::parse_forward_path(args->path, options)) check_round_trip(*a, options);
    }
    if (auto a = roost::mail::parse_mailbox(text, options)) check_round_trip(*a, options);
  }
  (void)roost::mail::normalize_domain(text);
  (void)roost::mail::domain_to_unicode(text);
  return 0;
}
