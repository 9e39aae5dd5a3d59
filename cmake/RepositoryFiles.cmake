# project_repository_files(ROOT OUT)
#   The repository's files under ROOT, relative to it: what git tracks, or, outside a git
#   checkout (an unpacked archive), every file but build trees, installed node modules and
#   .git. For the checks run by ctest in script mode (cmake -P).
function(project_repository_files root out)
  execute_process(COMMAND git ls-files WORKING_DIRECTORY ${root} OUTPUT_VARIABLE listed
                  RESULT_VARIABLE git_failed ERROR_QUIET)
  if(git_failed)
    file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${root} ${root}/*)
    list(FILTER files EXCLUDE REGEX "(^|/)(build[^/]*|node_modules|\\.git)/")
  else()
    string(REPLACE "\n" ";" files "${listed}")
  endif()
  set(${out} ${files} PARENT_SCOPE)
endfunction()
