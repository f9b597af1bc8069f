// `rollgate`: the probe commands run here; the server commands go to `rollgate-server`
// (server_forward.cc).
#include "cli/app.h"

int main(int argc, char** argv) {
  return rollgate::cli::RunMain(argc, argv, rollgate::cli::AddForwardedServerCommands);
}
