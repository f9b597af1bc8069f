// `rollgate-server`: every command, the server commands parsed and run in process
// (server_commands.cc).
#include "cli/app.h"

int main(int argc, char** argv) {
  return rollgate::cli::RunMain(argc, argv, rollgate::cli::AddServerCommands);
}
