# Warnings as errors everywhere, and the sanitizer build kinds used by scripts/test.
set(PROJECT_SANITIZE "none" CACHE STRING "none, address (ASan + UBSan) or thread (TSan)")
set_property(CACHE PROJECT_SANITIZE PROPERTY STRINGS none address thread)

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
                    -Wimplicit-fallthrough -Werror
                    # g++ 12 reports false -Wrestrict positives inside std::string at -O3
                    # (GCC bug 105329); the warning is useless to us until g++ 13.
                    -Wno-restrict)

if(PROJECT_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(PROJECT_SANITIZED=1)
elseif(PROJECT_SANITIZE STREQUAL "thread")
  # -Wno-tsan: g++ 12 warns that the atomic_thread_fence inside Boost.Asio's handlers is
  # invisible to TSan. That is a limit of the tool on third-party code, not a finding.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(PROJECT_SANITIZED=1 PROJECT_TSAN=1)
elseif(NOT PROJECT_SANITIZE STREQUAL "none")
  message(FATAL_ERROR "PROJECT_SANITIZE must be none, address or thread")
endif()

# A compiler cache, when the machine has one: rebuilding the same sources (another build
# tree, another checkout, CI right after a local build) then costs little. Paths are hashed
# relative to the source tree so checkouts in different folders share entries.
find_program(PROJECT_CCACHE ccache)
if(PROJECT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(project_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
                       CCACHE_NOHASHDIR=true ${PROJECT_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${project_launcher})
  set(CMAKE_C_COMPILER_LAUNCHER ${project_launcher})
endif()
