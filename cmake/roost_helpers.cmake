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
