# Fails when a file of the imapd protocol core includes libuv, OpenSSL/BoringSSL or the net/tls
# layers: the core is sans-I/O (STYLE.md "Shape"). Input: ROOST_IMAPD_CORE_FILES (a list of paths).
foreach(file ${ROOST_IMAPD_CORE_FILES})
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](uv\\.h|uv/|openssl/|common/net/|common/tls/)")
  if(includes)
    message(FATAL_ERROR "${file} is part of the sans-I/O imapd core but includes: ${includes}")
  endif()
endforeach()
