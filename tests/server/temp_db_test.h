// TempDbTest: a fixture owning a real Db in a fresh temporary directory,
// opened without background threads and removed after the test.
//
//   class Federate : public TempDbTest {
//     void SetUp() override {
//       TempDbTest::SetUp();
//       auto app = db_->NewAppender(); ...
//     }
//   };
//
// The database lives in dir_ + "/db".
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tsdb/db.h"

namespace pharos::server {

class TempDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pharos_db_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    tsdb::DbOptions options;
    options.path = dir_ + "/db";
    options.background = false;
    auto db = tsdb::Db::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    if (db_) {
      EXPECT_TRUE(db_->Close().ok());
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  std::unique_ptr<tsdb::Db> db_;
};

}  // namespace pharos::server
