# The PostgreSQL server of a test run (scripts/pg-test-server): a CTest fixture starts it
# before the first test that needs it and stops it after the last, so one ctest run of any
# tree uses one server. Tests that need it call autobets_uses_pg_server(<test target>) and
# find its URL in AUTOBETS_PG_URL; without the server binaries the URL is unset and those
# tests are skipped, saying so.
file(GLOB autobets_pg_initdb /usr/lib/postgresql/*/bin/initdb)
find_program(AUTOBETS_PG_CTL pg_ctl)
if(autobets_pg_initdb OR AUTOBETS_PG_CTL)
  # A short directory of its own per build tree (a socket path has at most 107 bytes).
  if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
    set(autobets_pg_tmp "$ENV{TMPDIR}")
  else()
    set(autobets_pg_tmp "/tmp")
  endif()
  string(SHA1 autobets_pg_hash "${CMAKE_BINARY_DIR}")
  string(SUBSTRING "${autobets_pg_hash}" 0 12 autobets_pg_hash)
  set(AUTOBETS_PG_DIR "${autobets_pg_tmp}/autobets-pg-${autobets_pg_hash}")
  set(AUTOBETS_PG_TEST_URL "postgresql://autobets@/autobets?host=${AUTOBETS_PG_DIR}")
  add_test(NAME autobets_pg_server_start
           COMMAND ${CMAKE_SOURCE_DIR}/scripts/pg-test-server start ${AUTOBETS_PG_DIR})
  set_tests_properties(autobets_pg_server_start PROPERTIES FIXTURES_SETUP autobets_pg
                       TIMEOUT 120)
  add_test(NAME autobets_pg_server_stop
           COMMAND ${CMAKE_SOURCE_DIR}/scripts/pg-test-server stop ${AUTOBETS_PG_DIR})
  set_tests_properties(autobets_pg_server_stop PROPERTIES FIXTURES_CLEANUP autobets_pg
                       TIMEOUT 120)
else()
  message(STATUS "AutoBets: no PostgreSQL server binaries; the PostgreSQL tests will skip")
  set(AUTOBETS_PG_TEST_URL "")
endif()

# autobets_uses_pg_server(<target>), after project_test(NAME <target>): its tests require the
# server fixture and get AUTOBETS_PG_URL (added after discovery, like project_test's labels).
function(autobets_uses_pg_server target)
  if(NOT AUTOBETS_PG_TEST_URL)
    return()
  endif()
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${target}_pg.cmake)
  file(WRITE ${file}
       "if(${target}_TESTS)\n"
       "  set_tests_properties(\${${target}_TESTS} PROPERTIES FIXTURES_REQUIRED autobets_pg\n"
       "    ENVIRONMENT_MODIFICATION \"AUTOBETS_PG_URL=set:${AUTOBETS_PG_TEST_URL}\")\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()
