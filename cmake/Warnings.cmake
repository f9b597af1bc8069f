# -Wall -Wextra (and -Werror with ROLLGATE_WERROR) on rollgate's own targets only.
function(rollgate_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor)
  if(ROLLGATE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
