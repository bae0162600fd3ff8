// The tokens of the IMAP grammar (RFC 9051 9) read from a framed command: atoms, quoted strings with
// escapes, literals, numbers, flags, sequence sets, with a nesting bound. Used by parse_command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imapd/sequence_set.h"

namespace roost::imap {

// Each reader returns nullopt (or false) on a syntax error and records the first error's reason;
// the position is then unspecified and the command is answered with BAD.
class Lexer {
 public:
  Lexer(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume(char c);
  // Exactly one SP (RFC 9051 9 has no optional whitespace).
  bool sp();
  bool expect(char c);
  bool expect_end();
  // Case-insensitive keyword followed by a non-atom character (or the end).
  bool keyword(std::string_view word);

  std::optional<std::string_view> atom();         // 1*ATOM-CHAR
  std::optional<std::string> upper_atom();        // the same, upper-cased
  std::optional<std::string> astring();           // 1*ASTRING-CHAR / string
  // quoted / literal; literal8 (~{n}) only when `allow_literal8`, reported through `binary`.
  std::optional<std::string> string(bool allow_literal8 = false, bool* binary = nullptr);
  bool nil_or_string(std::optional<std::string>& out);  // nstring
  std::optional<std::string> list_mailbox();      // 1*list-char / string (RFC 9051 9)
  std::optional<std::uint32_t> number();          // 32-bit
  std::optional<std::uint32_t> nz_number();
  std::optional<std::uint64_t> number64();        // RFC 9051 9: up to 2^63-1
  std::optional<std::uint64_t> mod_sequence_value();   // RFC 7162 7: 1..2^63-1
  std::optional<SequenceSet> sequence_set(bool allow_saved = true);
  std::optional<std::string> flag();              // "\Seen", "$Junk"; system flags case-folded
  // "(" [flag *(SP flag)] ")"
  std::optional<std::vector<std::string>> flag_list();

  // Nesting bound for parentheses and recursive keys: enter() fails past the limit.
  bool enter();
  void leave() { --depth_; }

  bool fail(std::string reason);
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::optional<std::string> quoted();
  std::optional<std::string> literal(bool allow_literal8, bool* binary);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::string error_;
};

bool is_atom_char(char c);
std::string to_upper(std::string_view text);

}  // namespace roost::imap
