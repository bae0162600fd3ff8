// Result<T, E>: the value of an operation that can fail in an expected way (bad input, a refused
// login, a full disk). Exceptions are kept for start-up and programming errors.
#pragma once

#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace roost {

// The default error: a sentence that says what went wrong, for a log line or an admin.
struct Error {
  std::string message;
};

// Wraps an error value so Result's constructors stay unambiguous when T and E are alike.
template <typename E>
struct Failure {
  E error;
};

template <typename E>
Failure<std::decay_t<E>> fail(E&& error) {
  return {std::forward<E>(error)};
}

inline Failure<Error> fail(std::string message) { return {Error{std::move(message)}}; }
inline Failure<Error> fail(const char* message) { return {Error{message}}; }

template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <typename F>
  Result(Failure<F> failure) : v_(std::in_place_index<1>, E(std::move(failure.error))) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Accessing the wrong alternative is a programming error: abort rather than corrupt data.
  T& value() & { check(ok()); return std::get<0>(v_); }
  const T& value() const& { check(ok()); return std::get<0>(v_); }
  T&& value() && { check(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { check(!ok()); return std::get<1>(v_); }
  E& error() { check(!ok()); return std::get<1>(v_); }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  static void check(bool cond) {
    if (!cond) std::abort();
  }
  std::variant<T, E> v_;
};

// Result<void>: success carries nothing.
struct Ok {};

template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(Ok) {}
  template <typename F>
  Result(Failure<F> failure) : error_(E(std::move(failure.error))), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const E& error() const {
    if (!failed_) std::abort();
    return error_;
  }

 private:
  E error_{};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace roost
