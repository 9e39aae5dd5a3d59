# Fuzz targets (docs/fuzzing.md). Included from the root before any system is added.
#
# project_fuzz_target(NAME <name> SOURCES ... [LINKS ...] CORPUS <dir> [DICT <file>])
#   <name> is what scripts/fuzz calls the target (e.g. dorkgen_template). SOURCES define
#   LLVMFuzzerTestOneInput over a real parser (they may include fuzz_support.h, from
#   cmake/fuzz/). Every tree, GCC or clang, builds <name>_fuzz_replay (SOURCES linked with
#   cmake/fuzz/fuzz_replay.cc) and registers the test <name>_fuzz_corpus (label "fuzz"),
#   which runs the input function on every file of CORPUS: the AddressSanitizer tree thus
#   replays each corpus under ASan + UBSan. With -DPROJECT_FUZZ=ON (clang only) the tree
#   also builds the libFuzzer binary <name>_fuzz in <build>/fuzz/ and lists it, with its
#   corpus, DICT and the source directories of the repository's libraries among LINKS (the
#   parser the target fuzzes, whose lines `scripts/fuzz --line-coverage` counts), in
#   <build>/fuzz/targets.tsv for scripts/fuzz.
option(PROJECT_FUZZ "build libFuzzer binaries (needs clang; see docs/fuzzing.md)" OFF)

set(PROJECT_FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz)
if(PROJECT_FUZZ)
  # clang 14 cannot compile libstdc++ 12's std::expected (core::Result): it lacks
  # conditionally trivial special members (P0848), which clang 16 has.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
    message(FATAL_ERROR "PROJECT_FUZZ=ON needs clang 16 or later (-DCMAKE_CXX_COMPILER=clang++-16)")
  endif()
  if(NOT PROJECT_SANITIZE STREQUAL "none")
    message(FATAL_ERROR "PROJECT_FUZZ=ON brings its own sanitizers: keep PROJECT_SANITIZE=none")
  endif()
  # Every library gets coverage feedback and the sanitizers; only fuzz binaries link
  # libFuzzer's main. PROJECT_SANITIZED lets tests and targets scale sizes down as elsewhere.
  # Warnings stay errors in the GCC trees; this tree only hunts crashes, so clang's own
  # warnings (and GCC-only flags such as -Wno-restrict) do not stop it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -Wno-error -Wno-unknown-warning-option)
  # libstdc++ 12 offers <expected> only when __cpp_concepts says 202002L; clang 16 implements
  # what that needs but still reports 201907L.
  add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined)
  # clang 16 sees Beast's ssl_stream async_teardown friend and definition, both constrained by
  # an Asio concept, as two functions (boostorg/beast#2648): without the concepts they agree.
  add_compile_definitions(BOOST_ASIO_DISABLE_CONCEPTS)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(PROJECT_SANITIZED=1 PROJECT_FUZZING=1)
  file(MAKE_DIRECTORY ${PROJECT_FUZZ_DIR})
  file(WRITE ${PROJECT_FUZZ_DIR}/targets.tsv "")
endif()

function(project_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME;CORPUS;DICT" "SOURCES;LINKS" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SOURCES OR NOT ARG_CORPUS)
    message(FATAL_ERROR "project_fuzz_target needs NAME, SOURCES and CORPUS")
  endif()
  get_filename_component(corpus ${ARG_CORPUS} ABSOLUTE)
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "fuzz target ${ARG_NAME}: no corpus directory ${corpus}")
  endif()
  set(dict "")
  if(ARG_DICT)
    get_filename_component(dict ${ARG_DICT} ABSOLUTE)
  endif()

  add_executable(${ARG_NAME}_fuzz_replay ${ARG_SOURCES}
                 ${PROJECT_SOURCE_DIR}/cmake/fuzz/fuzz_replay.cc)
  target_link_libraries(${ARG_NAME}_fuzz_replay PRIVATE ${ARG_LINKS})
  target_include_directories(${ARG_NAME}_fuzz_replay PRIVATE ${PROJECT_SOURCE_DIR}/cmake/fuzz)
  # A test program: the ThreadSanitizer tree (concurrency_tests) does not build it.
  set_target_properties(${ARG_NAME}_fuzz_replay PROPERTIES PROJECT_TEST TRUE)
  add_test(NAME ${ARG_NAME}_fuzz_corpus COMMAND ${ARG_NAME}_fuzz_replay ${corpus})
  set_tests_properties(${ARG_NAME}_fuzz_corpus PROPERTIES LABELS fuzz TIMEOUT 300)

  if(PROJECT_FUZZ)
    add_executable(${ARG_NAME}_fuzz ${ARG_SOURCES})
    target_link_libraries(${ARG_NAME}_fuzz PRIVATE ${ARG_LINKS})
    target_include_directories(${ARG_NAME}_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/cmake/fuzz)
    target_link_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer)
    set_target_properties(${ARG_NAME}_fuzz PROPERTIES PROJECT_TEST TRUE
                          RUNTIME_OUTPUT_DIRECTORY ${PROJECT_FUZZ_DIR})
    # The parser: the repository's own libraries among LINKS (imported ones such as
    # Boost::json are not ours), by the directory of their component.
    set(parser_dirs "")
    foreach(link IN LISTS ARG_LINKS)
      if(TARGET ${link})
        get_target_property(imported ${link} IMPORTED)
        if(NOT imported)
          get_target_property(dir ${link} SOURCE_DIR)
          list(APPEND parser_dirs ${dir})
        endif()
      endif()
    endforeach()
    list(REMOVE_DUPLICATES parser_dirs)
    list(JOIN parser_dirs "," parser_dirs)
    file(APPEND ${PROJECT_FUZZ_DIR}/targets.tsv
         "${ARG_NAME}\t${corpus}\t${dict}\t${parser_dirs}\n")
  endif()
endfunction()
