# project_install(<dir>)
#   `cmake --install <build> --prefix PREFIX` puts every program in PREFIX/bin and the
#   documents in PREFIX/share/doc/mikami-suite (the repository's paths kept: docs/, README.md,
#   autobets/docs/, mikami/app/doc/, ...). A program is an executable below <dir> that is not a
#   test and that the build puts in bin/: helpers and benchmarks are named with underscores
#   (autobets_sim_worker, *_fuzz_replay, *_bench) or built elsewhere (dorky-test-tools/,
#   bench-bin/), and stay out. Systems install their own data (dorkgen's presets). Called once
#   from the root, after every system was added.
include(GNUInstallDirs)

function(project_install_programs dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(is_test ${target} PROJECT_TEST)
    get_target_property(output ${target} RUNTIME_OUTPUT_DIRECTORY)
    if(type STREQUAL "EXECUTABLE" AND NOT is_test AND NOT target MATCHES "_" AND
       (NOT output OR output STREQUAL "${CMAKE_BINARY_DIR}/bin"))
      install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    project_install_programs(${subdir})
  endforeach()
endfunction()

function(project_install dir)
  project_install_programs(${dir})
  set(docs ${CMAKE_INSTALL_DATADIR}/doc/mikami-suite)
  install(FILES ${dir}/README.md DESTINATION ${docs})
  file(GLOB doc_dirs LIST_DIRECTORIES true RELATIVE ${dir} ${dir}/docs ${dir}/*/docs
       ${dir}/*/*/doc ${dir}/*/*/docs)
  foreach(doc_dir ${doc_dirs})
    string(REGEX REPLACE "/.*" "" system "${doc_dir}")
    if(IS_DIRECTORY ${dir}/${doc_dir} AND
       (system STREQUAL "docs" OR system IN_LIST PROJECT_SYSTEMS))
      get_filename_component(parent ${doc_dir} DIRECTORY)
      install(DIRECTORY ${dir}/${doc_dir} DESTINATION ${docs}/${parent})
    endif()
  endforeach()
endfunction()

# The test install_into_a_prefix: installs the build tree into a fresh prefix and runs the
# installed programs from another directory (cmake/CheckInstall.cmake).
function(project_add_install_test)
  add_test(NAME install_into_a_prefix
           COMMAND ${CMAKE_COMMAND} -DBUILD=${CMAKE_BINARY_DIR} "-DSYSTEMS=${PROJECT_SYSTEMS}"
                   -P ${PROJECT_SOURCE_DIR}/cmake/CheckInstall.cmake)
  set_tests_properties(install_into_a_prefix PROPERTIES LABELS integration TIMEOUT 300)
endfunction()
