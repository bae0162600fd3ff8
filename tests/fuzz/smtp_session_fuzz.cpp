// Fuzz target for the SMTP session core: arbitrary client bytes in arbitrary pieces, every request
// answered (alternating verdicts); the session must never crash, abort or grow output without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtpd/smtp_session.h"

using namespace roost::smtp;

namespace {

Outcome answer(const Request& request, unsigned n) {
  return std::visit(
      [n](const auto& body) -> Outcome {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Authenticate>) {
          return AuthResult{n % 2 ? AuthVerdict::ok : AuthVerdict::bad_credentials, "user@example.org"};
        } else if constexpr (std::is_same_v<T, ResolveRecipient>) {
          return RecipientResult{static_cast<RecipientVerdict>(n % 8), {"user@example.org"}};
        } else if constexpr (std::is_same_v<T, CheckSender>) {
          return SenderResult{n % 3 ? SenderVerdict::owned : SenderVerdict::not_owned};
        } else {
          return DeliverResult{std::string("Q1")};
        }
      },
      request.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  SessionConfig config;
  config.hostname = "mx.example.org";
  config.listener = static_cast<ListenerKind>(data[0] % 3);
  config.plaintext_auth = data[0] & 0x10;
  config.limits.max_message_size = 4096;
  Environment env{[] { return roost::mail::DateTime{1795000000, 0}; }, [] { return std::uint64_t{42}; }};
  std::optional<TlsInfo> tls;
  if (config.listener == ListenerKind::submissions) tls = TlsInfo{"TLSv1.3", "TLS_AES_128_GCM_SHA256"};
  Session session(config, PeerInfo{"192.0.2.1", ""}, env, tls);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t piece = 1 + data[0] % 13;
  unsigned n = 0;
  for (std::size_t pos = 0; pos < input.size() && !session.closed(); pos += piece) {
    session.receive(input.substr(pos, piece));
    while (auto request = session.next_request()) {
      if (std::holds_alternative<Close>(request->body)) break;
      if (std::holds_alternative<StartTls>(request->body)) {
        session.tls_started(TlsInfo{"TLSv1.3", "TLS_AES_128_GCM_SHA256"});
        continue;
      }
      session.complete(request->id, answer(*request, n++));
    }
    if (session.take_output().size() > (1u << 20)) __builtin_trap();
  }
  return 0;
}
