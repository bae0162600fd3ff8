// The notAfter time of the first certificate in a PEM file (roostctl status), read with a small DER
// walk so roostctl needs no TLS library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::admin {

// Unix seconds of the certificate's notAfter (RFC 5280 4.1.2.5). An error sentence when the file
// cannot be read or holds no certificate this can parse.
Result<std::int64_t> certificate_not_after(const std::string& pem_path);
// The same from PEM text.
Result<std::int64_t> certificate_not_after_pem(std::string_view pem);

}  // namespace roost::admin
