# project_check_cross_system()
#   The rule between systems (README.md, "Layout"): a system may use another system only
#   through the public libraries listed in PROJECT_PUBLIC_LIBRARIES, and what their interfaces
#   expose (their PUBLIC links); every system may use core. Configuration fails when a target
#   of one system links a library of another that the rule does not allow, and the test
#   cross_system_<system> checks the same links again, plus every #include of another system's
#   header in the system's sources. Called once from the root, after every system was added.
#   bench/ is no system: a benchmark may measure anything.
set(PROJECT_SYSTEM_NAMES autobets dorkgen dorky mikami)
# <user>:<library>,<library>... : what each system may use of the others.
set(PROJECT_PUBLIC_LIBRARIES "dorky:dorkgen_profiles" "mikami:autobets_engine,autobets_store_open")

function(project_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  set(all ${${out}} ${targets})
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    project_collect_targets(${subdir} all)
  endforeach()
  set(${out} ${all} PARENT_SCOPE)
endfunction()

# The system a target belongs to: the first folder of its source directory ("" for core,
# bench and the root).
function(project_system_of target out)
  get_target_property(dir ${target} SOURCE_DIR)
  file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${dir})
  string(REGEX REPLACE "/.*" "" system "${relative}")
  if(NOT system IN_LIST PROJECT_SYSTEM_NAMES)
    set(system "")
  endif()
  set(${out} ${system} PARENT_SCOPE)
endfunction()

# `library` and every target its interface exposes (INTERFACE_LINK_LIBRARIES, transitively).
function(project_interface_closure library out)
  set(seen ${${out}})
  if(NOT TARGET ${library} OR library IN_LIST seen)
    return()
  endif()
  list(APPEND seen ${library})
  get_target_property(links ${library} INTERFACE_LINK_LIBRARIES)
  if(links)
    foreach(link ${links})
      if(NOT link MATCHES "^\\$<LINK_ONLY:")
        project_interface_closure(${link} seen)
      endif()
    endforeach()
  endif()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(project_check_cross_system)
  set(targets)
  project_collect_targets(${PROJECT_SOURCE_DIR} targets)
  foreach(user ${PROJECT_SYSTEM_NAMES})
    if(NOT user IN_LIST PROJECT_SYSTEMS)
      continue()
    endif()
    # What `user` may use of other systems.
    set(allowed)
    foreach(entry ${PROJECT_PUBLIC_LIBRARIES})
      if(entry MATCHES "^${user}:(.*)$")
        string(REPLACE "," ";" libraries "${CMAKE_MATCH_1}")
        foreach(library ${libraries})
          project_interface_closure(${library} allowed)
        endforeach()
      endif()
    endforeach()
    # The headers of those libraries, as #include names them.
    set(headers)
    foreach(library ${allowed})
      get_target_property(dir ${library} SOURCE_DIR)
      file(GLOB_RECURSE found RELATIVE ${dir}/include ${dir}/include/*.h)
      list(APPEND headers ${found})
    endforeach()
    list(TRANSFORM headers REPLACE "([.+])" "\\\\\\1")
    string(JOIN "|" allowed_headers ${headers})
    # The links of `user`'s targets into other systems, and the libraries they must not link.
    set(cross_links)
    set(forbidden)
    foreach(target ${targets})
      project_system_of(${target} system)
      if(system STREQUAL user)
        project_direct_links(${target} links)
        foreach(link ${links})
          project_system_of(${link} link_system)
          if(link_system AND NOT link_system STREQUAL user)
            list(APPEND cross_links ${link})
            if(NOT link IN_LIST allowed)
              message(FATAL_ERROR "${user} may use only ${allowed} of another system "
                                  "(README.md, \"Layout\"), but ${target} links ${link}")
            endif()
          endif()
        endforeach()
      elseif(system)
        get_target_property(type ${target} TYPE)
        if(type MATCHES "LIBRARY$" AND NOT target IN_LIST allowed)
          list(APPEND forbidden ${target})
        endif()
      endif()
    endforeach()
    list(REMOVE_DUPLICATES cross_links)
    string(JOIN "," links_text ${cross_links})
    string(JOIN "|" forbidden_text ${forbidden})
    set(others ${PROJECT_SYSTEM_NAMES})
    list(REMOVE_ITEM others ${user})
    string(JOIN "|" others_text ${others})
    if(allowed_headers)
      set(allowed_regex "^#include \"(${allowed_headers})\"")
    else()
      set(allowed_regex "^$")
    endif()
    add_test(NAME cross_system_${user}
             COMMAND ${CMAKE_COMMAND} "-DLINKS=${links_text}" "-DFORBIDDEN=^(${forbidden_text})$"
                     "-DWHAT=${user} may use another system only through its public libraries"
                     "-DSOURCES=${PROJECT_SOURCE_DIR}/${user}"
                     "-DINCLUDES=^#include \"(${others_text})/" "-DALLOWED=${allowed_regex}"
                     -P ${PROJECT_SOURCE_DIR}/cmake/CheckIsolation.cmake)
  endforeach()
endfunction()
