// Error propagation for code that calls the store: ROOST_TRY returns a failed StoreResult early,
// ROOST_TRY_ASSIGN also names the value of a successful one.
#pragma once

#include "common/base/result.h"

// Evaluates expr (a Result); on failure returns its error from the enclosing function.
#define ROOST_TRY(expr)                                   \
  do {                                                    \
    auto roost_try_r_ = (expr);                           \
    if (!roost_try_r_.ok()) return ::roost::fail(roost_try_r_.error()); \
  } while (0)

// Declares `var` as a reference to the value of expr (a Result), or returns its error.
#define ROOST_TRY_ASSIGN(var, expr)                          \
  auto var##_result_ = (expr);                               \
  if (!var##_result_.ok()) return ::roost::fail(var##_result_.error()); \
  auto& var = *var##_result_
