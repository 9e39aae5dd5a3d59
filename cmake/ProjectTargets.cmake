# project_library(NAME <target> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
#   A component library whose public headers live in <dir>/include.
# project_collect_links(<target> <out-var>)
#   Appends every target in <target>'s link graph (direct and transitive) to <out-var>, for
#   build-level isolation checks ("the framework links no module").
# project_test(NAME <target> SOURCES ... [DEPS ...] [LABELS ...])
#   A GoogleTest executable registered with CTest. Labels used by scripts/test:
#   "concurrency" (also run under ThreadSanitizer), "integration" (runs real binaries).
#   A "concurrency" test joins the target concurrency_tests, which is what the
#   ThreadSanitizer tree builds (see project_add_programs_to_concurrency_tests).
function(project_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  if(ARG_SOURCES)
    add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
    target_include_directories(${ARG_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  else()
    add_library(${ARG_NAME} INTERFACE)
    target_include_directories(${ARG_NAME} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

function(project_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  set_target_properties(${ARG_NAME} PROPERTIES PROJECT_TEST TRUE)
  if("concurrency" IN_LIST ARG_LABELS)
    add_dependencies(concurrency_tests ${ARG_NAME})
  endif()
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "PROJECT_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
  if(ARG_LABELS)
    # Labels go on after discovery, from the test list it leaves in <target>_TESTS:
    # gtest_discover_tests' PROPERTIES would keep only the first of several labels.
    set(label_file ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake)
    file(WRITE ${label_file}
         "if(${ARG_NAME}_TESTS)\n"
         "  set_tests_properties(\${${ARG_NAME}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
         "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_file})
  endif()
endfunction()

# Adds every program (an executable that is not a test) below DIR to concurrency_tests:
# integration tests run real binaries (the sandbox, the CLIs), so the ThreadSanitizer tree
# builds them too. Called once from the root, after every system was added.
function(project_add_programs_to_concurrency_tests dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(is_test ${target} PROJECT_TEST)
    if(type STREQUAL "EXECUTABLE" AND NOT is_test)
      add_dependencies(concurrency_tests ${target})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    project_add_programs_to_concurrency_tests(${subdir})
  endforeach()
endfunction()

# project_collect_links(<target> <out-var>)
#   Appends to <out-var> every target <target> links, directly or through other targets
#   (private and interface links alike): what the isolation checks (the dorky launcher, the
#   Mikami framework) compare against the targets they must never link.
function(project_collect_links target out)
  set(seen ${${out}})
  project_direct_links(${target} links)
  foreach(link ${links})
    if(NOT link IN_LIST seen)
      list(APPEND seen ${link})
      set(${out} ${seen})
      project_collect_links(${link} ${out})
      set(seen ${${out}})
    endif()
  endforeach()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# project_direct_links(<target> <out-var>)
#   Sets <out-var> to the targets <target> links directly (private and interface links alike).
function(project_direct_links target out)
  set(direct)
  foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(links ${target} ${property})
    if(NOT links)
      continue()
    endif()
    foreach(link ${links})
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(TARGET ${link})
        list(APPEND direct ${link})
      endif()
    endforeach()
  endforeach()
  set(${out} ${direct} PARENT_SCOPE)
endfunction()

# project_check_isolation(TARGET <t> FORBIDDEN <regex> WHAT <sentence> TEST <name>
#                         SOURCES <dir> INCLUDES <regex> [ALLOWED <regex>] [SKIP <regex>])
#   Build-level proof that <t> never links code it must not know: configuration fails when a
#   target in <t>'s link graph matches FORBIDDEN. The same check runs as test <name>, which
#   also fails when a source under SOURCES (except files matching SKIP) has an #include line
#   matching INCLUDES that does not match ALLOWED. WHAT says the rule ("the framework must not
#   link a module").
function(project_check_isolation)
  cmake_parse_arguments(ARG "" "TARGET;FORBIDDEN;WHAT;TEST;SOURCES;INCLUDES;ALLOWED;SKIP" ""
                        ${ARGN})
  set(links)
  project_collect_links(${ARG_TARGET} links)
  foreach(link ${links})
    if(link MATCHES "${ARG_FORBIDDEN}")
      message(FATAL_ERROR "${ARG_WHAT}, but ${ARG_TARGET} links ${link}")
    endif()
  endforeach()
  string(JOIN "," links_text ${links})
  add_test(NAME ${ARG_TEST}
           COMMAND ${CMAKE_COMMAND} "-DLINKS=${links_text}" "-DFORBIDDEN=${ARG_FORBIDDEN}"
                   "-DWHAT=${ARG_WHAT}" "-DSOURCES=${ARG_SOURCES}" "-DINCLUDES=${ARG_INCLUDES}"
                   "-DALLOWED=${ARG_ALLOWED}" "-DSKIP=${ARG_SKIP}"
                   -P ${PROJECT_SOURCE_DIR}/cmake/CheckIsolation.cmake)
endfunction()
