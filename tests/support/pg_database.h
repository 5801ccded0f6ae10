// A private schema on the throw-away PostgreSQL cluster the test run started
// (scripts/pg_cluster.sh, run by the ctest fixture `postgres`), for one test: tests running
// in parallel never see each other's tables. Dropped with everything in it at the end.
#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace hark::testing {

// The cluster's URL: $HARK_TEST_DATABASE_URL, else the first line of the file named by
// $HARK_TEST_DATABASE_FILE (the fixture's state file). Throws when neither is there.
inline std::string test_database_url() {
  if (const char* url = std::getenv("HARK_TEST_DATABASE_URL"); url && *url) return url;
  const char* file = std::getenv("HARK_TEST_DATABASE_FILE");
  std::string url;
  if (file && *file) {
    std::ifstream in(file);
    std::getline(in, url);
  }
  if (url.empty()) {
    throw std::runtime_error(
        "no test PostgreSQL: run through ctest (fixture `postgres`), or set HARK_TEST_DATABASE_URL "
        "(scripts/pg_cluster.sh start STATE prints one)");
  }
  return url;
}

class PgSchema {
 public:
  PgSchema() : server_url_(test_database_url()) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(rd() % 100000);
    pqxx::connection c(server_url_);
    pqxx::nontransaction tx(c);
    tx.exec0("CREATE SCHEMA " + tx.quote_name(name_));
  }
  ~PgSchema() {
    try {
      pqxx::connection c(server_url_);
      pqxx::nontransaction tx(c);
      tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name(name_) + " CASCADE");
    } catch (const std::exception&) {
      // The cluster is thrown away after the run anyway.
    }
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  const std::string& name() const { return name_; }
  // The cluster's URL with this schema first on the search path, for the code under test.
  std::string url() const {
    return server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-c%20search_path%3D" + name_ + "&application_name=" + name_;
  }
  // A connection of the test's own, to look at what the store left or to break it.
  pqxx::connection connect() const { return pqxx::connection(url()); }

 private:
  std::string server_url_;
  std::string name_;
};

}  // namespace hark::testing
