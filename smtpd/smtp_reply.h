// SMTP replies as values: a reply code, an RFC 3463 enhanced status code and a text, plus who caused
// it. Parse and policy errors carry the reply they are answered with; storage errors are mapped here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/store_error.h"

namespace roost::smtp {

struct Reply {
  int code = 250;
  std::string enhanced;  // "2.1.0"; empty where RFC 2034 forbids one (greeting, EHLO/HELO, 334, 354)
  std::vector<std::string> lines{""};  // one text per line; a multi-line reply uses "250-" continuations
  // The client caused this (bad syntax, bad sequence, refused policy): it counts toward the error
  // limit and logs at info. False for our own failures (storage, resolver) and for success.
  bool client_error = false;

  // CRLF-terminated wire form: "250-a\r\n250 2.0.0 b\r\n". The enhanced code prefixes every line
  // (RFC 2034 3). Text never holds CR or LF: the constructors below strip them.
  std::string render() const;
  bool positive() const { return code < 400; }
  bool permanent() const { return code >= 500; }
};

// A one-line reply. `client_error` defaults to true for 5xx codes.
Reply reply(int code, std::string_view enhanced, std::string_view text);
// The same, marked as caused by the server (a failure of ours, not counted against the client).
Reply server_reply(int code, std::string_view enhanced, std::string_view text);

// The one mapping of store errors to the reply at the end of DATA / BDAT LAST (RFC 5321 4.3.2 lists
// 450, 451, 452, 550, 552, 554 there): temporary conditions are 4xx so the client retries.
Reply reply_for_store_error(store::StoreError error);

// Removes CR, LF and other control bytes from text that will be echoed in a reply or a header.
std::string sanitize_text(std::string_view text, std::size_t max_length = 200);

}  // namespace roost::smtp
