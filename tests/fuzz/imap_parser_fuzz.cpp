// Fuzz target for the IMAP command framer and grammar: arbitrary client bytes framed whole and in
// pieces must give the same events; every command is parsed; mailbox names round-trip. The framer
// must never buffer past its bounds, crash or abort.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imapd/imap_command.h"
#include "imapd/imap_parser.h"
#include "imapd/mailbox_name.h"

using namespace roost::imap;

namespace {

struct Event {
  int kind;
  std::string text;
  bool operator==(const Event&) const = default;
};

std::vector<Event> frame(std::string_view input, std::size_t piece, const FramerLimits& limits, bool line_every_3rd) {
  CommandFramer framer(limits);
  std::vector<Event> events;
  std::string buffer;
  int commands = 0;
  for (std::size_t pos = 0; pos < input.size(); pos += piece) {
    buffer.append(input.substr(pos, piece));
    while (true) {
      CommandFramer::Step step = framer.next(buffer);
      if (step.consumed > buffer.size()) __builtin_trap();
      buffer.erase(0, step.consumed);
      if (step.kind == CommandFramer::Kind::need_more) break;
      std::string text;
      switch (step.kind) {
        case CommandFramer::Kind::continuation: text = step.reply_text; break;
        case CommandFramer::Kind::line: text = step.line; break;
        case CommandFramer::Kind::error: text = step.reply.render(); break;
        case CommandFramer::Kind::command: {
          text = step.command.text;
          if (text.size() > limits.max_command_size + limits.append_limit) __builtin_trap();
          auto parsed = parse_command(step.command);
          if (!parsed.ok()) text += " -> " + parsed.error().render();
          if (line_every_3rd && ++commands % 3 == 0) framer.expect_line();
          break;
        }
        default: break;
      }
      events.push_back({static_cast<int>(step.kind), std::move(text)});
    }
    if (!buffer.empty()) __builtin_trap();  // the framer takes in every byte it is given
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  FramerLimits limits;
  limits.max_line_length = 64 + (data[0] & 0x3f) * 16;
  limits.max_command_size = 4096;
  limits.append_limit = 8192;
  bool line_mode = data[0] & 0x40;
  std::size_t piece = 1 + data[0] % 7;
  if (frame(input, input.size() + 1, limits, line_mode) != frame(input, piece, limits, line_mode)) __builtin_trap();

  // Modified UTF-7: what decodes re-encodes to a name that decodes to the same.
  if (auto decoded = decode_mutf7(input)) {
    auto again = decode_mutf7(encode_mutf7(*decoded));
    if (!again || *again != *decoded) __builtin_trap();
  }
  if (is_valid_utf8(input)) {
    auto back = decode_mutf7(encode_mutf7(input));
    if (!back || *back != input) __builtin_trap();
  }
  return 0;
}
