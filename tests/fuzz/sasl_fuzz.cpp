// Fuzz target for the SASL server: the input is split at newlines into an initial response and the
// client lines of PLAIN and LOGIN exchanges.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sasl/sasl_server.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  for (const char* mech : {"PLAIN", "login"}) {
    for (bool with_initial : {false, true}) {
      auto server = roost::sasl::SaslServer::create(mech);
      if (!server) return 0;
      std::size_t next = 0;
      std::optional<std::string_view> initial;
      if (with_initial) initial = lines[next++];
      roost::sasl::Step step = server->start(initial);
      while (std::holds_alternative<roost::sasl::Challenge>(step) && next < lines.size()) {
        step = server->receive(lines[next++]);
      }
      if (auto* done = std::get_if<roost::sasl::Done>(&step)) {
        // Invariants the daemon relies on.
        const auto& c = done->credentials;
        if (c.authcid.empty() || c.password.empty()) __builtin_trap();
        if (!c.authzid.empty() && c.authzid != c.authcid) __builtin_trap();
      }
    }
  }
  return 0;
}
