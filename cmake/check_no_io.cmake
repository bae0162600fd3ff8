# Fails when a file of a daemon's protocol core includes libuv, OpenSSL/BoringSSL or the net/tls
# layers: the core is sans-I/O (STYLE.md "Shape"). Run with cmake -P, or included by
# roost_protocol_core(). Inputs: ROOST_CORE_NAME, ROOST_CORE_FILES (a list of paths).
foreach(file ${ROOST_CORE_FILES})
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](uv\\.h|uv/|openssl/|common/net/|common/tls/)")
  if(includes)
    message(FATAL_ERROR "${file} is part of the sans-I/O ${ROOST_CORE_NAME} core but includes: ${includes}")
  endif()
endforeach()
