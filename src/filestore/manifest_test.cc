#include "kalam/filestore/manifest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/clock.h"
#include "kalam/filestore/local_file_backend.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The example manifest of docs/cold-tier.md, compact, keys in the documented order.
constexpr std::string_view kSpecJson =
    R"({"table_id":"app.messages","user_id":"alice","version":3,"created_at":1730000000000,)"
    R"("updated_at":1730000000500,"last_sequence_number":0,"segments":[{"id":"batch-0",)"
    R"("path":"batch-0.parquet","min_seq":274812739841982001,"max_seq":274812739841990200,)"
    R"("flushed_upto_seq":274812739841990200,"row_count":1000,"size_bytes":53211,)"
    R"("created_at":1730000000400,"schema_version":1,"status":"committed","column_stats":{)"
    R"("0":{"min":274812739841982001,"max":274812739841990200,"null_count":0},)"
    R"("1":{"min":"1","max":"999","null_count":0}}}]})";

// The same document as docs/cold-tier.md prints it: whitespace and line breaks.
constexpr std::string_view kSpecJsonPretty = R"({"table_id":"app.messages","user_id":"alice","version":3,"created_at":1730000000000,"updated_at":1730000000500,"last_sequence_number":0,
 "segments":[{"id":"batch-0","path":"batch-0.parquet","min_seq":274812739841982001,"max_seq":274812739841990200,"flushed_upto_seq":274812739841990200,
   "row_count":1000,"size_bytes":53211,"created_at":1730000000400,"schema_version":1,"status":"committed",
   "column_stats":{"0":{"min":274812739841982001,"max":274812739841990200,"null_count":0},"1":{"min":"1","max":"999","null_count":0}}}]}
)";

Segment MakeSegment(int64_t n, SeqId min_seq, SeqId max_seq) {
  Segment seg;
  seg.id = SegmentId(n);
  seg.path = SegmentFileName(n);
  seg.min_seq = min_seq;
  seg.max_seq = max_seq;
  seg.flushed_upto_seq = max_seq;
  seg.row_count = 10;
  seg.size_bytes = 1234;
  seg.created_at_ms = 1730000000400;
  seg.column_stats[ColumnStatsKey(kSeqColumnId)] =
      ColumnStats{std::to_string(min_seq), std::to_string(max_seq), 0};
  return seg;
}

Manifest SpecManifest() {
  Manifest m;
  m.table_id = "app.messages";
  m.user_id = "alice";
  m.version = 3;
  m.created_at_ms = 1730000000000;
  m.updated_at_ms = 1730000000500;
  m.last_sequence_number = 0;
  Segment seg = MakeSegment(0, 274812739841982001, 274812739841990200);
  seg.row_count = 1000;
  seg.size_bytes = 53211;
  seg.column_stats["1"] = ColumnStats{"\"1\"", "\"999\"", 0};
  m.segments.push_back(seg);
  return m;
}

Manifest DecodeOrDie(std::string_view json) {
  auto decoded = DecodeManifest(json);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : Manifest();
}

// ---- encoding -------------------------------------------------------------------------------

TEST(ManifestCodecTest, EncodesTheSpecExampleExactly) {
  EXPECT_EQ(EncodeManifest(SpecManifest()), kSpecJson);
}

TEST(ManifestCodecTest, DecodesTheSpecExample) {
  EXPECT_EQ(DecodeOrDie(kSpecJson), SpecManifest());
  EXPECT_EQ(DecodeOrDie(kSpecJsonPretty), SpecManifest());
  EXPECT_EQ(EncodeManifest(DecodeOrDie(kSpecJsonPretty)), kSpecJson);
}

TEST(ManifestCodecTest, SharedTableHasNullUser) {
  Manifest m;
  m.table_id = "app.config";
  m.version = 1;
  const std::string json = EncodeManifest(m);
  EXPECT_EQ(json,
            R"({"table_id":"app.config","user_id":null,"version":1,"created_at":0,"updated_at":0,)"
            R"("last_sequence_number":-1,"segments":[]})");
  EXPECT_EQ(DecodeOrDie(json), m);
  // An absent user_id reads as null too.
  Manifest no_user = DecodeOrDie(
      R"({"table_id":"app.config","version":1,"created_at":0,"updated_at":0,"last_sequence_number":-1,"segments":[]})");
  EXPECT_FALSE(no_user.user_id.has_value());
}

TEST(ManifestCodecTest, RoundTripsEveryKindOfStatistic) {
  Manifest m = SpecManifest();
  m.user_id = "bob \"the\" \\ builder\n\x01";  // escapes survive
  Segment seg = MakeSegment(7, -5, 42);
  seg.status = SegmentStatus::kTombstone;
  seg.schema_version = 4;
  seg.column_stats["2"] = ColumnStats{"true", "false", 3};
  seg.column_stats["3"] = ColumnStats{"null", "null", 10};
  seg.column_stats["4"] = ColumnStats{"[104,105]", "[255]", 0};  // Bytes encode as arrays
  seg.column_stats["5"] = ColumnStats{"-1.5", "2.25", 0};
  seg.column_stats["6"] = ColumnStats{R"("a\"b\\c\u0001")", R"("zürich ✓")", 1};
  seg.column_stats["7"] = ColumnStats{R"("9223372036854775807")", R"("-9223372036854775808")", 0};
  m.segments.push_back(seg);
  Segment in_progress = MakeSegment(8, 50, 60);
  in_progress.status = SegmentStatus::kInProgress;
  in_progress.column_stats.clear();
  m.segments.push_back(in_progress);

  const std::string json = EncodeManifest(m);
  const Manifest decoded = DecodeOrDie(json);
  EXPECT_EQ(decoded, m);
  EXPECT_EQ(EncodeManifest(decoded), json);
  EXPECT_THAT(json, HasSubstr(R"("status":"tombstone")"));
  EXPECT_THAT(json, HasSubstr(R"("status":"in_progress")"));
  EXPECT_THAT(json, HasSubstr(R"("column_stats":{})"));
}

TEST(ManifestCodecTest, StatisticsAreReadBackMinified) {
  Manifest m = DecodeOrDie(
      R"({"table_id":"a.b","version":1,"created_at":0,"updated_at":0,"last_sequence_number":0,"segments":[)"
      R"({"id":"batch-0","path":"batch-0.parquet","min_seq":1,"max_seq":2,"flushed_upto_seq":2,"row_count":1,)"
      R"("size_bytes":1,"created_at":0,"schema_version":1,"status":"committed",)"
      R"("column_stats":{"1":{"min":[ 1 , 2 ],"max":  "x" ,"null_count":0}}}]})");
  ASSERT_EQ(m.segments.size(), 1u);
  EXPECT_EQ(m.segments[0].column_stats.at("1").min_json, "[1,2]");
  EXPECT_EQ(m.segments[0].column_stats.at("1").max_json, "\"x\"");
}

TEST(ManifestCodecTest, ColumnKeysInNumericOrder) {
  Manifest m = SpecManifest();
  auto& stats = m.segments[0].column_stats;
  stats.clear();
  for (const char* key : {"10", "2", "0", "1", "x_custom", "11"}) stats[key] = ColumnStats{};
  const std::string json = EncodeManifest(m);
  const size_t p0 = json.find(R"("0":)"), p1 = json.find(R"("1":)"), p2 = json.find(R"("2":)"),
               p10 = json.find(R"("10":)"), p11 = json.find(R"("11":)"), px = json.find(R"("x_custom":)");
  EXPECT_LT(p0, p1);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p10);
  EXPECT_LT(p10, p11);
  EXPECT_LT(p11, px);
  EXPECT_EQ(DecodeOrDie(json), m);
}

TEST(ManifestCodecTest, IgnoresUnknownKeys) {
  std::string json(kSpecJson);
  json.insert(1, R"("future_field":{"a":[1,2]},)");
  json.insert(json.find(R"("id":"batch-0")"), R"("checksum":"abc",)");
  EXPECT_EQ(DecodeOrDie(json), SpecManifest());
}

TEST(ManifestCodecTest, RejectsMalformedManifests) {
  auto replaced = [](std::string_view from, std::string_view to) {
    std::string json(kSpecJson);
    const size_t at = json.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    json.replace(at, from.size(), to);
    return json;
  };
  const std::vector<std::string> bad = {
      "",
      "{",
      "[]",
      "null",
      std::string(kSpecJson.substr(0, kSpecJson.size() - 3)),            // truncated
      std::string(kSpecJson) + "x",                                        // trailing garbage
      replaced(R"("version":3)", R"("version":"3")"),                      // wrong type
      replaced(R"("version":3,)", ""),                                     // missing field
      replaced(R"("segments":[)", R"("segments":{"x":[)") + "}",           // segments not an array
      replaced(R"("status":"committed")", R"("status":"done")"),           // unknown status
      replaced(R"("id":"batch-0")", R"("id":"segment-0")"),                // id not batch-N
      replaced(R"("id":"batch-0")", R"("id":"batch-01")"),                 // non-canonical N
      replaced(R"("path":"batch-0.parquet")", R"("path":"../../etc/passwd")"),  // escapes its dir
      replaced(R"("path":"batch-0.parquet")", R"("path":"sub/batch-0.parquet")"),
      replaced(R"("path":"batch-0.parquet")", R"("path":"/tmp/x.parquet")"),
      replaced(R"("path":"batch-0.parquet")", R"("path":"")"),
      replaced(R"("table_id":"app.messages")", R"("table_id":"messages")"),  // no namespace
      replaced(R"("user_id":"alice")", R"("user_id":7)"),
      replaced(R"("row_count":1000,)", ""),                                // segment field missing
      replaced(R"("min_seq":274812739841982001,)", R"("min_seq":1.5,)"),   // not an integer
      replaced(R"("null_count":0},"1")", R"("null_count":-0.5},"1")"),
      replaced(R"(,"null_count":0},"1")", R"(},"1")"),                     // stats field missing
      replaced(R"("schema_version":1)", R"("schema_version":-1)"),
  };
  for (const std::string& json : bad) {
    auto decoded = DecodeManifest(json);
    EXPECT_FALSE(decoded.ok()) << json;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << json;
    }
  }
}

// ---- names and numbering --------------------------------------------------------------------

TEST(ManifestNamesTest, SegmentNames) {
  EXPECT_EQ(SegmentId(7), "batch-7");
  EXPECT_EQ(SegmentFileName(7), "batch-7.parquet");
  EXPECT_EQ(TempFileName(7), "batch-7.parquet.tmp");
  EXPECT_EQ(ParseSegmentFileName("batch-12.parquet"), 12);
  EXPECT_EQ(ParseSegmentFileName("batch-0.parquet"), 0);
  EXPECT_EQ(ParseSegmentId("batch-3"), 3);
  for (std::string_view bad : {"batch-012.parquet", "batch-.parquet", "batch--1.parquet", "batch-1.parquet.tmp",
                               "batch-1.PARQUET", "xbatch-1.parquet", "batch-1x.parquet",
                               "batch-99999999999999999999.parquet", "manifest.json"}) {
    EXPECT_FALSE(ParseSegmentFileName(bad).has_value()) << bad;
  }
  EXPECT_EQ(SegmentStatusName(SegmentStatus::kInProgress), "in_progress");
  EXPECT_EQ(ParseSegmentStatus("tombstone"), SegmentStatus::kTombstone);
  EXPECT_FALSE(ParseSegmentStatus("Committed").has_value());
}

TEST(ManifestNamesTest, NextBatchNumber) {
  Manifest m;
  EXPECT_EQ(NextBatchNumber(m), 0);
  m.last_sequence_number = 4;
  EXPECT_EQ(NextBatchNumber(m), 5);
  m.segments = {MakeSegment(2, 1, 2), MakeSegment(7, 3, 4)};
  EXPECT_EQ(NextBatchNumber(m), 8);
  // Compaction may drop listed segments; numbers are still never reused.
  m.segments.clear();
  m.last_sequence_number = 7;
  EXPECT_EQ(NextBatchNumber(m), 8);
}

// ---- load / save ----------------------------------------------------------------------------

class ManifestStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = LocalFileBackend::Open(tmp_.Sub("storage"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    files_ = std::move(opened).value();
  }

  std::string Abs(const std::string& rel) const { return files_->base() + "/" + rel; }

  void Touch(const std::string& rel, const std::string& content = "x") {
    std::filesystem::create_directories(std::filesystem::path(Abs(rel)).parent_path());
    std::ofstream(Abs(rel)) << content;
  }

  TestTempDir tmp_;
  std::unique_ptr<LocalFileBackend> files_;
};

TEST_F(ManifestStoreTest, LoadMissingIsNotFound) {
  EXPECT_EQ(LoadManifest(*files_, "app/messages/alice").status().code(), StatusCode::kNotFound);
}

TEST_F(ManifestStoreTest, SaveBumpsVersionAndLoadsBack) {
  Manifest m;
  m.table_id = "app.messages";
  m.user_id = "alice";
  const int64_t before_ms = NowMicros() / 1000;
  ASSERT_TRUE(SaveManifest(*files_, "app/messages/alice", m).ok());
  EXPECT_EQ(m.version, 1);
  EXPECT_GE(m.created_at_ms, before_ms);
  EXPECT_EQ(m.updated_at_ms, m.created_at_ms);
  EXPECT_EQ(m.last_sequence_number, -1);

  auto loaded = LoadManifest(*files_, "app/messages/alice");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, m);
  EXPECT_EQ(ValueOrDie(files_->Read("app/messages/alice/manifest.json")), EncodeManifest(m));

  const int64_t created = m.created_at_ms;
  m.segments.push_back(MakeSegment(NextBatchNumber(m), 100, 200));
  ASSERT_TRUE(SaveManifest(*files_, "app/messages/alice", m).ok());
  EXPECT_EQ(m.version, 2);
  EXPECT_EQ(m.created_at_ms, created);
  EXPECT_GE(m.updated_at_ms, created);
  EXPECT_EQ(m.last_sequence_number, 0);  // raised to the newest segment's N
  EXPECT_EQ(ValueOrDie(LoadManifest(*files_, "app/messages/alice")), m);
  // Only the manifest is in the directory: the temp file was renamed over it.
  EXPECT_THAT(ValueOrDie(files_->List("app/messages/alice")), ElementsAre("manifest.json"));
}

TEST_F(ManifestStoreTest, SaveRefusesWhatCouldNotBeReadBack) {
  Manifest m = SpecManifest();
  // Raw text that would splice a field into the document.
  m.segments[0].column_stats["1"].min_json = R"(1,"null_count":5)";
  const Manifest before = m;
  Status s = SaveManifest(*files_, "d", m);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m, before);  // untouched, so a fixed retry writes the same version
  EXPECT_FALSE(ValueOrDie(files_->Exists("d/manifest.json")));

  for (const char* bad_json : {"", "[1,", "nul", "1 2"}) {
    m = SpecManifest();
    m.segments[0].column_stats["1"].max_json = bad_json;
    EXPECT_EQ(SaveManifest(*files_, "d", m).code(), StatusCode::kInvalidArgument) << bad_json;
  }
  m = SpecManifest();
  m.segments[0].path = "../escape.parquet";
  EXPECT_EQ(SaveManifest(*files_, "d", m).code(), StatusCode::kInvalidArgument);
  m = SpecManifest();
  m.table_id = "nodot";
  EXPECT_EQ(SaveManifest(*files_, "d", m).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ValueOrDie(files_->Exists("d/manifest.json")));
}

TEST_F(ManifestStoreTest, SaveFailureLeavesManifestUnchanged) {
  Touch("blocked");  // a file where the directory should be
  Manifest m = SpecManifest();
  const Manifest before = m;
  EXPECT_FALSE(SaveManifest(*files_, "blocked/dir", m).ok());
  EXPECT_EQ(m, before);
}

TEST_F(ManifestStoreTest, LoadCorruptIsCorruption) {
  Touch("d/manifest.json", "{\"table_id\":");
  auto loaded = LoadManifest(*files_, "d");
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(loaded.status().message(), HasSubstr("d/manifest.json"));
}

TEST_F(ManifestStoreTest, ManifestAtTheBase) {
  Manifest m = SpecManifest();
  ASSERT_TRUE(SaveManifest(*files_, "", m).ok());
  EXPECT_EQ(ValueOrDie(LoadManifest(*files_, "")), m);
}

// ---- crash recovery -------------------------------------------------------------------------

TEST_F(ManifestStoreTest, CleanupRemovesTempAndUnlistedSegments) {
  const std::string dir = "app/messages/alice";
  Manifest m;
  m.table_id = "app.messages";
  m.user_id = "alice";
  m.segments = {MakeSegment(0, 1, 10), MakeSegment(1, 11, 20)};
  ASSERT_TRUE(SaveManifest(*files_, dir, m).ok());
  Touch(dir + "/batch-0.parquet");
  Touch(dir + "/batch-1.parquet");
  Touch(dir + "/batch-2.parquet");                 // renamed, but the manifest never listed it
  Touch(dir + "/batch-3.parquet.tmp");             // Parquet write cut short
  Touch(dir + "/.manifest.json.1-2-3.tmp");        // manifest write cut short
  Touch(dir + "/notes.txt");                       // not ours: kept
  Touch(dir + "/batch-x.parquet");                 // not a segment name: kept
  Touch(dir + "/sub/batch-9.parquet");             // other directories are not touched

  std::vector<std::string> removed;
  ASSERT_TRUE(CleanupUncommitted(*files_, dir, m, &removed).ok());
  EXPECT_THAT(removed, UnorderedElementsAre("batch-2.parquet", "batch-3.parquet.tmp", ".manifest.json.1-2-3.tmp"));
  EXPECT_THAT(ValueOrDie(files_->List(dir)),
              ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-x.parquet", "manifest.json", "notes.txt"));
  EXPECT_TRUE(ValueOrDie(files_->Exists(dir + "/sub/batch-9.parquet")));

  removed.clear();
  ASSERT_TRUE(CleanupUncommitted(*files_, dir, m, &removed).ok());  // idempotent
  EXPECT_THAT(removed, IsEmpty());
}

TEST_F(ManifestStoreTest, CleanupWithoutManifestKeepsParquet) {
  // A lost manifest is rebuilt from the Parquet footers; deleting the files would lose rows.
  Touch("d/batch-0.parquet");
  Touch("d/batch-1.parquet.tmp");
  std::vector<std::string> removed;
  ASSERT_TRUE(CleanupUncommitted(*files_, "d", Manifest{}, &removed).ok());
  EXPECT_THAT(removed, ElementsAre("batch-1.parquet.tmp"));
  EXPECT_THAT(ValueOrDie(files_->List("d")), ElementsAre("batch-0.parquet"));
}

TEST_F(ManifestStoreTest, CleanupOfMissingDirectoryIsOk) {
  EXPECT_TRUE(CleanupUncommitted(*files_, "no/such/dir", Manifest{}).ok());
  EXPECT_EQ(CleanupUncommitted(*files_, "../x", Manifest{}).code(), StatusCode::kInvalidArgument);
}

// The flush sequence of docs/cold-tier.md (write tmp, fsync, rename, save manifest), cut at each step; after
// recovery the directory holds exactly the committed segments, and the retried flush reuses N.
// A flush stopped at each of its steps is tested on the real flush code: step failpoints in
// src/core/step_failpoints_test.cc (engine reopened) and tests/crash_recovery_test.cc (the
// server killed there).

}  // namespace
}  // namespace kalam::filestore
