// The IMAP command framer: lines, literals, continuation requests and bounded refusal.
#include "imapd/imap_parser.h"

#include <algorithm>
#include <limits>

namespace roost::imap {
namespace {

// RFC 9051 7.5: the continuation request that lets a client send a synchronising literal.
constexpr std::string_view kContinuation = "+ Ready for literal data\r\n";

// tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 9).
bool is_tag_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\' && c != '+';
}

std::string tag_of(std::string_view line) {
  std::size_t sp = line.find(' ');
  std::string_view tag = line.substr(0, sp);
  if (tag.empty() || tag.size() > 64 || !std::all_of(tag.begin(), tag.end(), is_tag_char)) return "";
  return std::string(tag);
}

bool second_word_is_append(std::string_view line) {
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view rest = line.substr(sp + 1);
  std::string_view word = rest.substr(0, rest.find(' '));
  if (word.size() != 6) return false;
  constexpr std::string_view kAppend = "APPEND";
  for (std::size_t i = 0; i < 6; ++i) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != kAppend[i]) return false;
  }
  return true;
}

struct LiteralAnnouncement {
  bool found = false;
  bool sync = true;
  std::uint64_t size = 0;  // saturates at the maximum: a size that overflows is simply too large
};

// A line that ends with "{n}", "{n+}", "~{n}" or "~{n+}" announces a literal (RFC 9051 4.3,
// RFC 7888 3, RFC 3516 4.3). The announcement is always the end of its line.
LiteralAnnouncement literal_at_end(std::string_view line) {
  LiteralAnnouncement a;
  if (line.empty() || line.back() != '}') return a;
  std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return a;
  std::string_view inner = line.substr(open + 1, line.size() - open - 2);
  if (!inner.empty() && inner.back() == '+') {
    a.sync = false;
    inner.remove_suffix(1);
  }
  if (inner.empty()) return a;
  for (char c : inner) {
    if (c < '0' || c > '9') return a;
  }
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : inner) {
    auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  a.found = true;
  a.size = value;
  return a;
}

}  // namespace

void CommandFramer::reset() {
  state_ = State::line;
  line_mode_ = false;
  discarding_ = false;
  line_.clear();
  command_.clear();
  tag_.clear();
  is_append_ = false;
  command_size_ = append_size_ = literal_left_ = 0;
}

void CommandFramer::start_skip_line() {
  line_.clear();
  command_.clear();
  state_ = State::skip_line;
}

CommandFramer::Step CommandFramer::next(std::string_view input) {
  std::size_t pos = 0;
  while (pos < input.size()) {
    switch (state_) {
      case State::literal: {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, input.size() - pos));
        command_.append(input.substr(pos, n));
        pos += n;
        literal_left_ -= n;
        if (literal_left_ == 0) state_ = State::line;
        break;
      }
      case State::skip_literal: {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, input.size() - pos));
        pos += n;
        literal_left_ -= n;
        if (literal_left_ == 0) state_ = State::line;
        break;
      }
      case State::skip_line: {
        std::size_t lf = input.find('\n', pos);
        if (lf == std::string_view::npos) {
          pos = input.size();
        } else {
          pos = lf + 1;
          reset();
        }
        break;
      }
      case State::line: {
        std::size_t lf = input.find('\n', pos);
        std::size_t end = lf == std::string_view::npos ? input.size() : lf;
        std::size_t chunk = end - pos;
        // The bound counts the line ending; a line that cannot end within it is refused as soon
        // as that is certain, whatever the split of the input.
        if (line_.size() + chunk + 1 > limits_.max_line_length) {
          // Refused at the byte that makes the line certain to exceed the bound, so the reply comes
          // at the same point of the stream however it was split; the rest is skipped to the LF.
          std::size_t take = limits_.max_line_length - line_.size();
          line_.append(input.substr(pos, take));
          pos += take;
          Step step;
          step.kind = Kind::error;
          bool first_line = command_.empty() && !line_mode_;
          std::string tag = tag_;
          if (first_line) tag = line_.find(' ') == std::string::npos ? std::string() : tag_of(line_);
          step.reply = bad(line_mode_ ? "*" : tag, "Line too long");
          bool silent = discarding_;
          start_skip_line();
          if (silent) break;
          step.consumed = pos;
          return step;
        }
        line_.append(input.substr(pos, chunk));
        if (lf == std::string_view::npos) {
          pos = input.size();
          break;
        }
        pos = lf + 1;
        Step step = finish_line(pos);
        if (step.kind != Kind::need_more) return step;
        break;
      }
    }
  }
  Step step;
  step.consumed = pos;
  return step;
}

CommandFramer::Step CommandFramer::finish_line(std::size_t consumed) {
  Step step;
  step.consumed = consumed;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_mode_) {
    line_mode_ = false;
    step.kind = Kind::line;
    step.line = std::move(line_);
    line_.clear();
    return step;
  }
  if (command_.empty()) {
    tag_ = tag_of(line_);
    is_append_ = second_word_is_append(line_);
  }
  LiteralAnnouncement literal = literal_at_end(line_);
  if (discarding_) {
    // RFC 7888 4: the octets of a refused non-synchronising literal are read and dropped. A
    // synchronising one is never sent: the client waits for a "+" that does not come.
    line_.clear();
    if (literal.found && !literal.sync) {
      literal_left_ = literal.size;
      if (literal_left_ > 0) state_ = State::skip_literal;
    } else {
      reset();
    }
    return step;
  }
  command_size_ += line_.size() + 2;
  command_ += line_;
  line_.clear();
  auto refuse = [&](Reply reply) {
    step.kind = Kind::error;
    step.reply = std::move(reply);
    if (literal.found && !literal.sync) {
      std::string tag = tag_;
      reset();
      tag_ = tag;
      discarding_ = true;
      literal_left_ = literal.size;
      if (literal_left_ > 0) state_ = State::skip_literal;
    } else {
      reset();
    }
    return step;
  };
  if (command_size_ > limits_.max_command_size) return refuse(bad(tag_, "Command too long"));
  if (!literal.found) {
    step.kind = Kind::command;
    step.command = RawCommand{tag_, std::move(command_)};
    reset();
    return step;
  }
  // The literal is refused before any of its octets is accepted (RFC 7889 4, RFC 9051 7.1 TOOBIG):
  // a message over APPENDLIMIT gets NO [TOOBIG], any other literal over the command bound BAD.
  if (is_append_) {
    if (literal.size > limits_.append_limit - std::min(append_size_, limits_.append_limit)) {
      return refuse(no(tag_, "TOOBIG", "Message exceeds the APPENDLIMIT"));
    }
    append_size_ += literal.size;
  } else {
    if (literal.size > limits_.max_command_size - command_size_) {
      return refuse(bad(tag_, "Literal too large"));
    }
    command_size_ += literal.size;
  }
  command_ += "\r\n";
  literal_left_ = literal.size;
  if (literal_left_ > 0) state_ = State::literal;
  if (literal.sync) {
    step.kind = Kind::continuation;
    step.reply_text = std::string(kContinuation);
  }
  return step;
}

}  // namespace roost::imap
