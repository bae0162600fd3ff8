// Internal to the command grammar: the readers of each command group, sharing one Lexer. Each one
// reads the arguments after the command name (the leading SP included) and returns nullopt on a
// syntax error, whose reason the Lexer holds.
#pragma once

#include <optional>
#include <string_view>

#include "imapd/imap_command.h"
#include "imapd/imap_lexer.h"

namespace roost::imap::detail {

// Also the fallback for names no reader knows: fails with "Unknown command".
std::optional<CommandBody> parse_mailbox_command(std::string_view name, Lexer& lx, const GrammarLimits& limits);
std::optional<CommandBody> parse_fetch(Lexer& lx, bool uid, const GrammarLimits& limits);
std::optional<CommandBody> parse_store(Lexer& lx, bool uid, const GrammarLimits& limits);
std::optional<CommandBody> parse_copy(Lexer& lx, bool uid, bool move);
std::optional<CommandBody> parse_search(Lexer& lx, bool uid, const GrammarLimits& limits);

// Reads a status-att list "(" att *(SP att) ")" (RFC 9051 6.3.11, RFC 8438, RFC 7162, RFC 7889).
std::optional<std::vector<StatusItem>> parse_status_items(Lexer& lx, const GrammarLimits& limits);

}  // namespace roost::imap::detail
