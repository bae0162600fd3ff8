# Small helpers shared by the folders' CMakeLists.

# roost_glob(VAR dir...): the .cpp files directly in each dir (relative to the current source dir).
function(roost_glob out)
  set(files)
  foreach(dir ${ARGN})
    file(GLOB found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND files ${found})
  endforeach()
  list(SORT files)
  set(${out} ${files} PARENT_SCOPE)
endfunction()

# roost_protocol_core(NAME LIBS...): the library roost_NAME from the daemon folder's .cpp files except
# main.cpp and *_server.cpp (the protocol core without I/O), linked to LIBS. The build fails if one of
# its files includes libuv or a TLS header: checked at configure time and before every build of it.
function(roost_protocol_core name)
  set(io_regex "/(main|[^/]*_server)\\.(h|cpp)$")
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "${io_regex}")
  list(SORT sources)
  add_library(roost_${name} STATIC ${sources})
  target_link_libraries(roost_${name} PUBLIC ${ARGN})

  file(GLOB core_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.h ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER core_files EXCLUDE REGEX "${io_regex}")
  set(ROOST_CORE_NAME ${name})
  set(ROOST_CORE_FILES ${core_files})
  include(${PROJECT_SOURCE_DIR}/cmake/check_no_io.cmake)
  add_custom_target(roost_${name}_no_io_check
    COMMAND ${CMAKE_COMMAND} -DROOST_CORE_NAME=${name} "-DROOST_CORE_FILES=${core_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/check_no_io.cmake
    COMMENT "Checking that the ${name} protocol core includes no I/O headers"
    VERBATIM)
  add_dependencies(roost_${name} roost_${name}_no_io_check)
endfunction()
