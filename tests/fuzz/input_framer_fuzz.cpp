// Fuzz target for the connection input framer: the first bytes pick mode switches, the rest is fed in
// pieces; invariants: no line longer than max_line, no LF inside a line, raw exact mode yields exactly
// the announced count.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/net/input_framer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_line = 2 + data[0] % 64;
  const std::uint8_t script = data[1];
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  roost::net::InputFramer framer(max_line);
  std::uint64_t exact_left = 0;
  unsigned lines = 0;
  std::size_t pos = 0;
  std::size_t piece = 1 + script % 7;
  while (pos < input.size()) {
    framer.feed(input.substr(pos, piece));
    pos += piece;
    for (;;) {
      auto ev = framer.next();
      using Kind = roost::net::InputEvent::Kind;
      if (ev.kind == Kind::need_more) break;
      if (ev.kind == Kind::line) {
        if (ev.bytes.size() + 1 > max_line || ev.bytes.find('\n') != std::string_view::npos) __builtin_trap();
        // Switch modes the way the daemons do after a command line.
        switch ((script >> (lines++ % 4 * 2)) & 3) {
          case 1: exact_left = ev.bytes.size(); framer.read_exactly(exact_left); break;
          case 2: framer.read_message_data(); break;
          default: break;
        }
      } else if (ev.kind == Kind::raw_chunk) {
        if (framer.mode() == roost::net::InputFramer::Mode::exact) {
          if (ev.bytes.size() > exact_left) __builtin_trap();
          exact_left -= ev.bytes.size();
        }
      } else if (ev.kind == Kind::raw_end) {
        if (exact_left != 0) __builtin_trap();
      }
    }
  }
  return 0;
}
