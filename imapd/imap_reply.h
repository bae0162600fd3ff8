// IMAP status responses as values (RFC 9051 7.1): parse errors carry the reply they are answered
// with, tagged when the tag could be read, untagged ("*") otherwise.
#pragma once

#include <string>
#include <string_view>

namespace roost::imap {

enum class Condition { ok, no, bad, bye };

struct Reply {
  std::string tag = "*";  // "*" for an untagged response
  Condition condition = Condition::bad;
  std::string code;  // response code without brackets ("TOOBIG"); empty for none
  std::string text;
  // Wire form: "a1 NO [TOOBIG] Message too large\r\n". Text never holds CR, LF or NUL.
  std::string render() const;
  bool operator==(const Reply&) const = default;
};

// A tagged (or, with tag "*", untagged) BAD with a reason; control bytes in `text` are dropped.
Reply bad(std::string_view tag, std::string_view text);
Reply no(std::string_view tag, std::string_view code, std::string_view text);

}  // namespace roost::imap
