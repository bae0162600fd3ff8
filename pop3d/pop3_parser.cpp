// POP3 command parsing.
#include "pop3d/pop3_parser.h"

#include <array>
#include <utility>

namespace roost::pop3 {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, Verb>, 15> kVerbs{{
    {"USER", Verb::user}, {"PASS", Verb::pass}, {"APOP", Verb::apop}, {"AUTH", Verb::auth},
    {"STLS", Verb::stls}, {"CAPA", Verb::capa}, {"STAT", Verb::stat}, {"LIST", Verb::list},
    {"RETR", Verb::retr}, {"DELE", Verb::dele}, {"NOOP", Verb::noop}, {"RSET", Verb::rset},
    {"QUIT", Verb::quit}, {"TOP", Verb::top},   {"UIDL", Verb::uidl},
}};

}  // namespace

Command parse_command(std::string_view line) {
  Command cmd;
  std::size_t space = line.find(' ');
  cmd.keyword = line.substr(0, space);
  if (space != std::string_view::npos) cmd.rest = line.substr(space + 1);
  for (const auto& [name, verb] : kVerbs) {
    if (iequals(cmd.keyword, name)) {
      cmd.verb = verb;
      break;
    }
  }
  std::string_view rest = cmd.rest;
  while (!rest.empty()) {
    std::size_t end = rest.find(' ');
    std::string_view arg = rest.substr(0, end);
    if (!arg.empty()) cmd.args.push_back(arg);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return cmd;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace roost::pop3
