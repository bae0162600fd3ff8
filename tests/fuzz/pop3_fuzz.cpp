// Fuzz target for roost-pop3d's parsing and output: every input line through the command parser, and
// the whole input through the dot-stuffer in pieces; invariant: a stuffed message holds CRLF "." CRLF
// only at its very end (otherwise a client would stop reading early).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pop3d/dot_stuffer.h"
#include "pop3d/pop3_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::size_t start = 0; start < text.size();) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    auto command = roost::pop3::parse_command(text.substr(start, nl - start));
    for (auto arg : command.args) (void)roost::pop3::parse_number(arg);
    start = nl + 1;
  }
  roost::pop3::DotStuffer stuffer;
  std::string out;
  std::size_t piece = size ? 1 + data[0] % 11 : 1;
  for (std::size_t pos = 0; pos < text.size(); pos += piece) stuffer.feed(text.substr(pos, piece), out);
  stuffer.finish(out);
  auto end = out.find("\r\n.\r\n");
  bool only_at_end = (out == ".\r\n") || (end != std::string::npos && end + 5 == out.size());
  if (!only_at_end) __builtin_trap();
  return 0;
}
