# Run by ctest (cmake -P) as install_into_a_prefix. Installs the build tree BUILD into a fresh
# prefix, then checks that every program of the built SYSTEMS and the documents are there, and
# that the installed programs work from another directory without the source or build tree:
# dorkgen finds its shipped presets by name, the dorky launcher finds its tools.
cmake_minimum_required(VERSION 3.25)
set(prefix ${BUILD}/install-test/prefix)
set(elsewhere ${BUILD}/install-test/elsewhere)
file(REMOVE_RECURSE ${BUILD}/install-test)
file(MAKE_DIRECTORY ${elsewhere}/home)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix}
                RESULT_VARIABLE failed OUTPUT_QUIET ERROR_VARIABLE error)
if(failed)
  message(FATAL_ERROR "cmake --install failed: ${error}")
endif()

set(expected share/doc/mikami-suite/README.md share/doc/mikami-suite/docs/exit-codes.md)
if("dorkgen" IN_LIST SYSTEMS)
  list(APPEND expected bin/dorkgen share/dorkgen/presets/templates
       share/doc/mikami-suite/dorkgen/docs/presets.md)
endif()
if("dorky" IN_LIST SYSTEMS)
  list(APPEND expected bin/dorky bin/dorky-dedup bin/dorky-check
       share/doc/mikami-suite/dorky/docs/tools.md)
endif()
if("autobets" IN_LIST SYSTEMS)
  list(APPEND expected bin/autobets share/doc/mikami-suite/autobets/docs/cli.md
       share/doc/mikami-suite/autobets/docs/autobets.service)
endif()
if("mikami" IN_LIST SYSTEMS)
  list(APPEND expected bin/mikami bin/mikami-sandbox
       share/doc/mikami-suite/mikami/app/doc/mikami.md
       share/doc/mikami-suite/mikami/app/doc/mikami.service)
endif()
foreach(path ${expected})
  if(NOT EXISTS ${prefix}/${path})
    message(FATAL_ERROR "cmake --install did not install ${path}")
  endif()
endforeach()
# Nothing of the tests or benchmarks is installed.
file(GLOB installed RELATIVE ${prefix}/bin ${prefix}/bin/*)
foreach(program ${installed})
  if(program MATCHES "_|fault")
    message(FATAL_ERROR "cmake --install installed ${program}, which is no program for users")
  endif()
endforeach()

# The installed programs, run elsewhere, with no preset or tool directory given.
set(clean_env ${CMAKE_COMMAND} -E env --unset=DORKGEN_PRESETS_DIR --unset=DORKY_PATH
              --unset=XDG_CONFIG_HOME HOME=${elsewhere}/home)
if("dorkgen" IN_LIST SYSTEMS)
  execute_process(COMMAND ${clean_env} ${prefix}/bin/dorkgen generate -t login-portals -n 5
                  WORKING_DIRECTORY ${elsewhere} RESULT_VARIABLE status
                  OUTPUT_VARIABLE queries ERROR_VARIABLE error)
  string(REGEX MATCHALL "\n" newlines "${queries}")
  list(LENGTH newlines lines)
  if(NOT status EQUAL 0 OR NOT lines EQUAL 5)
    message(FATAL_ERROR "the installed dorkgen, asked for 5 login-portals queries, exited "
                        "${status} with ${lines} lines: ${error}")
  endif()
endif()
if("dorky" IN_LIST SYSTEMS)
  execute_process(COMMAND ${clean_env} ${prefix}/bin/dorky list WORKING_DIRECTORY ${elsewhere}
                  RESULT_VARIABLE status OUTPUT_VARIABLE tools ERROR_VARIABLE error)
  if(NOT status EQUAL 0 OR NOT tools MATCHES "dedup")
    message(FATAL_ERROR "the installed dorky did not list its tools (${status}): ${error}")
  endif()
endif()
file(REMOVE_RECURSE ${BUILD}/install-test)
message(STATUS "installed and ran from ${prefix}")
