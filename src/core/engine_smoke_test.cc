#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;

class SmokeTest : public EngineFixture {};

TEST_F(SmokeTest, BasicRoundTrip) {
  Run(Root(), "CREATE NAMESPACE app");
  Run(Root(), "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, content TEXT)");
  Run(As("alice"), "INSERT INTO app.messages VALUES (1, 'hi'), (2, 'there')");
  Run(As("bob"), "INSERT INTO app.messages VALUES (1, 'bob')");
  EXPECT_THAT(Query(As("alice"), "SELECT id, content FROM app.messages ORDER BY id"), ElementsAre("1|hi", "2|there"));
  EXPECT_THAT(Query(As("bob"), "SELECT id, content FROM app.messages"), ElementsAre("1|bob"));
}

}  // namespace
}  // namespace kalam::core::testing
