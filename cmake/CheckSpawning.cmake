# Run by ctest (cmake -P) as processes_start_only_in_core_process: fails when C or C++ source
# outside core/process starts a process its own way (fork, exec*, forkpty, popen, posix_spawn,
# system) instead of through core::Child (core/process.h). ROOT is the source tree. Comments
# are not code: what follows // on a line is left out.
cmake_minimum_required(VERSION 3.20)
set(calls "v?fork|forkpty|exec[lv]p?e?|popen|posix_spawnp?|system")
include(${CMAKE_CURRENT_LIST_DIR}/RepositoryFiles.cmake)
project_repository_files(${ROOT} files)
list(FILTER files INCLUDE REGEX "\\.(c|cc|cpp|h|hpp)$")
list(FILTER files EXCLUDE REGEX "^core/process/")

set(found)
foreach(file ${files})
  if(NOT EXISTS ${ROOT}/${file})
    continue()
  endif()
  file(STRINGS ${ROOT}/${file} lines ENCODING UTF-8)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    string(REGEX REPLACE "//.*" "" code "${line}")
    # A call of the C library's function: bare, ::name or std::name, not a member (a.fork(),
    # Child::fork()) and not a longer name (std::system_error).
    if(code MATCHES "(^|[^A-Za-z0-9_:.>])(::|std::)?(${calls})[ \t]*\\(")
      list(APPEND found "${file}:${number}: ${CMAKE_MATCH_3}")
    endif()
  endforeach()
endforeach()

list(LENGTH files checked)
if(found)
  list(JOIN found "\n  " text)
  message(FATAL_ERROR "processes started outside core::Child (core/process.h):\n  ${text}")
endif()
message(STATUS "${checked} source files start processes only through core::Child")
