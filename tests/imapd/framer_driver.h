// Test helper: feeds bytes to a CommandFramer whole or one byte at a time and records what comes
// out, so a test can check that both give the same events.
#pragma once

#include <string>
#include <vector>

#include "imapd/imap_parser.h"

namespace roost::imap::test {

struct Event {
  enum class Kind { continuation, command, line, error };
  Kind kind;
  std::string text;       // command text, line, reply or continuation as sent
  std::size_t offset = 0; // input bytes consumed when the event came out
  bool operator==(const Event&) const = default;
};

inline std::string show(const Event& e) {
  switch (e.kind) {
    case Event::Kind::continuation: return "+";
    case Event::Kind::command: return "CMD " + e.text;
    case Event::Kind::line: return "LINE " + e.text;
    case Event::Kind::error: return "ERR " + e.text;
  }
  return "";
}

// Runs `input` through a framer. `expect_line_after`: call expect_line() after this many commands.
struct Run {
  std::vector<Event> events;
  std::vector<RawCommand> commands;
  std::size_t buffered_max = 0;  // the most bytes left unconsumed between calls
  std::vector<std::string> shown() const {
    std::vector<std::string> out;
    for (const Event& e : events) out.push_back(show(e));
    return out;
  }
};

inline Run run_framer(const std::string& input, bool bytewise, FramerLimits limits = {},
                      int expect_line_after = -1) {
  CommandFramer framer(limits);
  Run run;
  std::string buffer;
  std::size_t fed = 0;
  int commands = 0;
  if (expect_line_after == 0) framer.expect_line();
  auto drain = [&] {
    while (true) {
      CommandFramer::Step step = framer.next(buffer);
      buffer.erase(0, step.consumed);
      std::size_t offset = fed - buffer.size();
      using K = CommandFramer::Kind;
      if (step.kind == K::need_more) break;
      if (step.kind == K::continuation) run.events.push_back({Event::Kind::continuation, step.reply_text, offset});
      if (step.kind == K::line) run.events.push_back({Event::Kind::line, step.line, offset});
      if (step.kind == K::error) run.events.push_back({Event::Kind::error, step.reply.render(), offset});
      if (step.kind == K::command) {
        run.events.push_back({Event::Kind::command, step.command.text, offset});
        run.commands.push_back(step.command);
        if (++commands == expect_line_after) framer.expect_line();
      }
    }
    run.buffered_max = std::max(run.buffered_max, buffer.size());
  };
  if (bytewise) {
    for (char c : input) {
      buffer += c;
      ++fed;
      drain();
    }
  } else {
    buffer = input;
    fed = input.size();
    drain();
  }
  return run;
}

}  // namespace roost::imap::test
