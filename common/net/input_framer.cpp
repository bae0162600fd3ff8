// Input framing: lines with a length bound, exact-size raw data, data up to a terminator.
#include "common/net/input_framer.h"

#include <algorithm>

namespace roost::net {

void InputFramer::feed(std::string_view bytes) {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

void InputFramer::read_lines() {
  mode_ = Mode::line;
  scanned_ = 0;
  discarding_ = false;
}

void InputFramer::read_exactly(std::uint64_t count) {
  mode_ = Mode::exact;
  remaining_ = count;
}

void InputFramer::read_until(std::string terminator, std::size_t already_matched, std::size_t keep) {
  mode_ = Mode::until_terminator;
  terminator_ = std::move(terminator);
  virtual_matched_ = std::min(already_matched, terminator_.size() == 0 ? 0 : terminator_.size() - 1);
  keep_ = std::min(keep, terminator_.size());
  end_pending_ = false;
  end_skip_ = 0;
}

void InputFramer::read_stream() { mode_ = Mode::stream; }

std::size_t InputFramer::discard_buffered() {
  std::size_t dropped = buffered();
  buf_.clear();
  pos_ = 0;
  read_lines();
  return dropped;
}

InputEvent InputFramer::next() {
  switch (mode_) {
    case Mode::line:
      return next_line();
    case Mode::exact:
      return next_exact();
    case Mode::until_terminator:
      return next_until();
    case Mode::stream:
      return buffered() == 0 ? InputEvent{} : chunk(buffered());
  }
  return {};
}

InputEvent InputFramer::chunk(std::size_t length) {
  InputEvent ev{InputEvent::Kind::raw_chunk, std::string_view(buf_).substr(pos_, length)};
  pos_ += length;
  return ev;
}

InputEvent InputFramer::next_line() {
  std::string_view data = std::string_view(buf_).substr(pos_);
  if (discarding_) {
    auto lf = data.find('\n');
    if (lf == std::string_view::npos) {
      pos_ = buf_.size();
      return {};
    }
    pos_ += lf + 1;
    discarding_ = false;
    scanned_ = 0;
    data = std::string_view(buf_).substr(pos_);
  }
  auto lf = data.find('\n', std::min(scanned_, data.size()));
  if (lf == std::string_view::npos) {
    if (data.size() >= max_line_) {
      // Even the LF alone would take the line over the bound: report now, skip the rest as it comes.
      pos_ = buf_.size();
      scanned_ = 0;
      discarding_ = true;
      return {InputEvent::Kind::line_too_long, {}};
    }
    scanned_ = data.size();
    return {};
  }
  scanned_ = 0;
  pos_ += lf + 1;
  if (lf + 1 > max_line_) return {InputEvent::Kind::line_too_long, {}};
  std::string_view line = data.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return {InputEvent::Kind::line, line};
}

InputEvent InputFramer::next_exact() {
  if (remaining_ == 0) {
    read_lines();
    return {InputEvent::Kind::raw_end, {}};
  }
  std::size_t avail = buffered();
  if (avail == 0) return {};
  std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(avail, remaining_));
  remaining_ -= take;
  return chunk(take);
}

InputEvent InputFramer::next_until() {
  if (end_pending_) {
    pos_ += end_skip_;
    end_pending_ = false;
    read_lines();
    return {InputEvent::Kind::raw_end, {}};
  }
  std::string_view data = std::string_view(buf_).substr(pos_);
  const std::string_view term = terminator_;
  if (term.empty()) {
    read_lines();
    return {InputEvent::Kind::raw_end, {}};
  }
  if (virtual_matched_ > 0) {
    // The terminator may complete right at the start, using the bytes taken as already seen.
    std::string_view rest = term.substr(virtual_matched_);
    std::size_t n = std::min(rest.size(), data.size());
    if (data.substr(0, n) != rest.substr(0, n)) {
      virtual_matched_ = 0;
    } else if (n < rest.size()) {
      return {};
    } else {
      std::size_t kept_real = keep_ > virtual_matched_ ? keep_ - virtual_matched_ : 0;
      virtual_matched_ = 0;
      end_pending_ = true;
      end_skip_ = rest.size() - kept_real;
      if (kept_real > 0) return chunk(kept_real);
      return next_until();
    }
  }
  auto found = data.find(term);
  if (found != std::string_view::npos) {
    end_pending_ = true;
    end_skip_ = term.size() - keep_;
    std::size_t length = found + keep_;
    if (length > 0) return chunk(length);
    return next_until();
  }
  // Hold back the longest tail that could be the start of the terminator.
  std::size_t hold = std::min(data.size(), term.size() - 1);
  while (hold > 0 && data.substr(data.size() - hold) != term.substr(0, hold)) --hold;
  std::size_t length = data.size() - hold;
  if (length == 0) return {};
  return chunk(length);
}

}  // namespace roost::net
