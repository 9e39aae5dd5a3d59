# Run by ctest (cmake -P) as repository_references_exist: fails when a comment or document
# names a repository file or folder that is not in the repository. ROOT is the source tree.
#
# A reference is a path starting with a top-level folder (`docs/exit-codes.md`,
# `autobets/docs/ledger.md`, `scripts/test`) or a Markdown link (`[x](tools.md)`). It exists
# when it names something under ROOT, under the referring file's folder or system (a system's
# documents name their own documents from the system's folder), or a public header under some
# `include/` folder (`core/status.h`). Generated paths (build trees, installed node modules) are not checked.
set(top "core|autobets|dorkgen|dorky|mikami|bench|scripts|docs|cmake")
include(${CMAKE_CURRENT_LIST_DIR}/RepositoryFiles.cmake)
project_repository_files(${ROOT} files)

# Paths below include/ folders, as #include and comments name public headers.
set(headers)
foreach(file ${files})
  if(file MATCHES "/include/(.+)$")
    list(APPEND headers ${CMAKE_MATCH_1})
  endif()
endforeach()

function(reference_exists path from out)
  get_filename_component(dir ${from} DIRECTORY)
  string(REGEX REPLACE "/.*" "" system "${from}")
  string(REGEX REPLACE "/$" "" path "${path}")
  foreach(base "${ROOT}" "${ROOT}/${dir}" "${ROOT}/${system}")
    if(EXISTS "${base}/${path}")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
  endforeach()
  foreach(header ${headers})
    if(header STREQUAL path OR header MATCHES "^${path}/")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} FALSE PARENT_SCOPE)
endfunction()

set(missing)
set(checked 0)
foreach(file ${files})
  if(NOT file MATCHES "\\.(h|cc|md|txt|cmake|sh|toml|conf|service)$" AND NOT file MATCHES
                                                                            "^scripts/")
    continue()
  endif()
  if(file MATCHES "(^|/)(fuzz/corpus|fuzz/dict|testdata|presets)/" OR NOT EXISTS ${ROOT}/${file})
    continue()
  endif()
  file(STRINGS ${ROOT}/${file} lines ENCODING UTF-8)
  foreach(line IN LISTS lines)
    set(found)
    string(REGEX MATCHALL "(^|[^A-Za-z0-9_./:~$<{-])(${top})/[A-Za-z0-9_./-]*[A-Za-z0-9_]" paths
                 "${line}")
    foreach(path ${paths})
      string(REGEX REPLACE "^[^A-Za-z]" "" path "${path}")
      list(APPEND found "${path}")
    endforeach()
    if(file MATCHES "\\.md$")
      string(REGEX MATCHALL "\\]\\([^):# ]+[)#]" links "${line}")
      foreach(link ${links})
        string(REGEX REPLACE "^\\]\\(|[)#]$" "" link "${link}")
        list(APPEND found "${link}")
      endforeach()
    endif()
    foreach(path ${found})
      if(path MATCHES "(^|/)(build[^/]*|node_modules)(/|$)")
        continue()
      endif()
      # Two bare words (`dorkgen/crunch`, a ratio; `dorkgen/dorkgen-pro`, a settings key) are
      # as often a name as a folder: a path counts when it has a file extension, three parts,
      # or starts with scripts/.
      if(NOT path MATCHES "\\.[A-Za-z0-9]+$" AND NOT path MATCHES "/.*/" AND
         NOT path MATCHES "^scripts/")
        continue()
      endif()
      math(EXPR checked "${checked} + 1")
      reference_exists("${path}" "${file}" exists)
      if(NOT exists)
        list(APPEND missing "${file}: ${path}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(missing)
  string(REPLACE ";" "\n  " text "${missing}")
  message(FATAL_ERROR "references to files that are not in the repository:\n  ${text}")
endif()
message(STATUS "${checked} references, every one found")
