// `rollgate history`: the runs the history holds, newest first, and the last known good state
// of each release; or, with --fleet, the newest verdict of every service. Read-only; exit 2 when
// there is no history to read. The library does the work (include/rollgate/history.h).
#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/history.h"

namespace rollgate::cli {

int RunHistoryCommand(const HistoryArgs& args) {
  HistoryRequest request = args.request;
  request.json = args.format == "json";
  std::string text;
  Status st = ShowHistory(request, &text);
  if (!st.ok()) return ReportError(st);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace rollgate::cli
