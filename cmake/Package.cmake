# Installation and the Debian package (docs/install.md). `make install` (cmake --install, with
# DESTDIR and --prefix) and `make package` (CPack's DEB generator over the same install rules)
# lay out the same tree, from the build that is already there:
#
#   <prefix>/bin/rollgate                        the command everybody types
#   <prefix>/lib/rollgate/rollgate-server        what rollgate execs for mock, demo, rehearse, serve
#   <prefix>/share/man/man1/rollgate.1.gz        generated from --help by help2man at build time
#   <prefix>/share/doc/rollgate/                 README.md, docs/, examples/, ci/, copyright, changelog.gz
include(GNUInstallDirs)

# Installing (and so CPack) takes the build as it is and builds nothing: `make package` and
# `make install` run `make build` first, and the package test must not rebuild while other tests run.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# An internal binary no user runs by name: /usr/lib/<package>/ (Debian policy 9.1.1). rollgate
# finds it at this path relative to its own directory (src/cli/server_forward.cc).
set(ROLLGATE_INSTALL_PKGLIBDIR "lib/rollgate" CACHE STRING
    "Where rollgate-server is installed, relative to the prefix")
file(RELATIVE_PATH ROLLGATE_SERVER_RELDIR "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${ROLLGATE_INSTALL_PKGLIBDIR}")
set_property(SOURCE src/cli/server_forward.cc APPEND PROPERTY
  COMPILE_DEFINITIONS ROLLGATE_SERVER_RELDIR="${ROLLGATE_SERVER_RELDIR}")

# Directories the install creates are 0755 whatever the umask (lintian: non-standard-dir-perm).
set(ROLLGATE_DIR_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${ROLLGATE_DIR_PERMISSIONS})

install(TARGETS rollgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS rollgate-server RUNTIME DESTINATION ${ROLLGATE_INSTALL_PKGLIBDIR})

# --- the man page: help2man over `rollgate --help`, every command's --help, and
# packaging/rollgate.h2m (exit status, environment, files, see also) -----------------------------
find_program(ROLLGATE_HELP2MAN help2man)
set(ROLLGATE_MANPAGE ${PROJECT_BINARY_DIR}/man/rollgate.1.gz)
if(ROLLGATE_HELP2MAN)
  add_custom_command(
    OUTPUT ${ROLLGATE_MANPAGE}
    COMMAND ${PROJECT_SOURCE_DIR}/packaging/make-manpage.sh $<TARGET_FILE:rollgate>
            ${PROJECT_SOURCE_DIR}/packaging ${ROLLGATE_MANPAGE}
    DEPENDS rollgate rollgate-server packaging/make-manpage.sh packaging/rollgate.h2m packaging/changelog
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    COMMENT "Generating rollgate(1) from --help (help2man)"
    VERBATIM)
  add_custom_target(rollgate_man ALL DEPENDS ${ROLLGATE_MANPAGE})
  install(FILES ${ROLLGATE_MANPAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  # An install without the man page would not be the tree the package has: refuse, clearly.
  install(CODE "message(FATAL_ERROR \"help2man is missing, so rollgate(1) was not generated: run scripts/bootstrap.sh --package (or apt-get install help2man), then build again\")")
endif()

# --- documentation ------------------------------------------------------------------------------
# The Debian changelog of a native package is changelog.gz; gzip -n keeps it reproducible.
set(ROLLGATE_CHANGELOG_GZ ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(
  OUTPUT ${ROLLGATE_CHANGELOG_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND sh -c "gzip -9nc '${PROJECT_SOURCE_DIR}/packaging/changelog' > '${ROLLGATE_CHANGELOG_GZ}'"
  DEPENDS packaging/changelog
  VERBATIM)
add_custom_target(rollgate_changelog ALL DEPENDS ${ROLLGATE_CHANGELOG_GZ})

install(FILES README.md packaging/copyright ${ROLLGATE_CHANGELOG_GZ} DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The same layout as the repository, so the documents' relative links keep working.
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md")
# node_modules: what `npm ci` (bootstrap) installs for the Node app; the package ships its
# package.json and lockfile, never the dependencies (thousands of files).
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples PATTERN node_modules EXCLUDE)
install(DIRECTORY ci/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/ci)

# --- the Debian package: `make package` (cpack -G DEB) ------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rollgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${ROLLGATE_DIR_PERMISSIONS})
set(CPACK_PACKAGE_CONTACT "rollgate maintainers <maintainers@rollgate.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "release gate: can a release and its rollback still call the LLM API")
# The extended description: lines under 80 characters (Debian policy 3.4.1).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "rollgate proves, before traffic moves, that a release and its rollback can\n"
  "both still make a minimal, documented Chat Completions call through the same\n"
  "configuration path the application uses: the same secret source, base URL,\n"
  "model alias, timeout, retry policy and streaming flag. It writes evidence for\n"
  "a change ticket (gate.json, junit.xml, summary.md, probes.jsonl) and speaks\n"
  "GitHub Actions and GitLab CI natively.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)              # rollgate_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)               # Depends: from the binaries (dpkg-shlibdeps)
# ca-certificates: providers are called over HTTPS. libpq5: a PostgreSQL history
# (docs/fleet.md) loads it with dlopen only when one is configured, so dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates, libpq5")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
