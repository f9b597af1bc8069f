# -Wall -Wextra (and -Werror with ROLLGATE_WERROR) on rollgate's own targets only.
function(rollgate_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
    # GCC 12 at -O3 (Release, the bench build) reports -Wrestrict on "literal" + std::string
    # inside libstdc++ itself: a known false positive (GCC bug 105651), so it is off there.
    if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
  endif()
  if(ROLLGATE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
