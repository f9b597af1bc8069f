# ROLLGATE_SANITIZE=address,undefined builds everything with those sanitizers (make test-asan).
if(ROLLGATE_SANITIZE)
  add_compile_options(-fsanitize=${ROLLGATE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ROLLGATE_SANITIZE})
endif()
