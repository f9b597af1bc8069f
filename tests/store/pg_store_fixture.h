// A test with its own throw-away PostgreSQL 15 (pg_fixture.h) that opens history stores on it
// and appends runs: the fixture of the PostgreSQL store's tests and of the both-engines tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "evidence/evidence.h"
#include "store/history_store.h"
#include "store/pg_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {

class PgStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_PG_STARTED(pg_); }

  HistoryLocation Location(const std::string& db = testing::PgServer::kDatabase) const {
    return pg_.Location(db);
  }

  std::unique_ptr<HistoryStore> Open(const std::string& db = testing::PgServer::kDatabase) const {
    Result<std::unique_ptr<HistoryStore>> store = OpenHistoryStore(Location(db));
    EXPECT_OK(store);
    return store.ok() ? std::move(*store) : nullptr;
  }

  /// Appends `run` with its rendered gate.json, started by `trigger`.
  static void Append(HistoryStore& store, const RunReport& run,
                     const std::string& trigger = "cli") {
    AppendOptions options;
    options.trigger = trigger;
    Result<int64_t> id = store.Append(run, RenderGateJson(run), options);
    ASSERT_OK(id);
  }

  testing::PgServer pg_;
  testing::TempDir dir_;
};

}  // namespace rollgate::internal
