#include "kalam/commons/json_writer.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace kalam {
namespace {

std::string Str(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

std::string Dbl(double value) {
  std::string out;
  AppendJsonDouble(value, &out);
  return out;
}

std::string Flt(float value) {
  std::string out;
  AppendJsonFloat(value, &out);
  return out;
}

std::string Millis(double value) {
  std::string out;
  AppendJsonMillis(value, &out);
  return out;
}

TEST(JsonStringTest, PlainAndEmpty) {
  EXPECT_EQ(Str(""), R"("")");
  EXPECT_EQ(Str("hello world"), R"("hello world")");
}

TEST(JsonStringTest, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(Str("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(Str("a\\b"), R"("a\\b")");
  EXPECT_EQ(Str("l1\nl2\r\t\b\f"), R"("l1\nl2\r\t\b\f")");
  EXPECT_EQ(Str(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Str("\x7f/"), "\"\x7f/\"");  // DEL and slash need no escape
}

TEST(JsonStringTest, KeepsValidUtf8) {
  EXPECT_EQ(Str("héllo"), "\"héllo\"");
  EXPECT_EQ(Str("日本語"), "\"日本語\"");
  EXPECT_EQ(Str("emoji 😀!"), "\"emoji 😀!\"");
  EXPECT_EQ(Str("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"");  // U+FFFF, U+10FFFF
  EXPECT_EQ(Str("\u2028"), "\"\u2028\"");
}

TEST(JsonStringTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Str("a\xFF" "b"), "\"a" + fffd + "b\"");
  EXPECT_EQ(Str("\x80"), "\"" + fffd + "\"");                    // lone continuation byte
  EXPECT_EQ(Str("\xC0\xAF"), "\"" + fffd + fffd + "\"");          // overlong lead: each byte
  EXPECT_EQ(Str("\xE2\x82"), "\"" + fffd + "\"");                 // truncated at the end: one
  EXPECT_EQ(Str("\xE2\x82" "A"), "\"" + fffd + "A\"");            // truncated before ASCII: one
  EXPECT_EQ(Str("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // UTF-16 surrogate
  EXPECT_EQ(Str("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // above U+10FFFF
  EXPECT_EQ(Str("\xF0\x9F\x98"), "\"" + fffd + "\"");             // 3 of 4 bytes
  EXPECT_EQ(Str("ok\xC3"), "\"ok" + fffd + "\"");
}

TEST(JsonNumberTest, Integers) {
  std::string out;
  AppendJsonInt(0, &out);
  out += ' ';
  AppendJsonInt(std::numeric_limits<int64_t>::min(), &out);
  out += ' ';
  AppendJsonUint(std::numeric_limits<uint64_t>::max(), &out);
  out += ' ';
  AppendJsonQuotedInt(-42, &out);
  out += ' ';
  AppendJsonQuotedUint(18446744073709551615ull, &out);
  EXPECT_EQ(out, R"(0 -9223372036854775808 18446744073709551615 "-42" "18446744073709551615")");
}

TEST(JsonNumberTest, DoublesRoundTripShortest) {
  EXPECT_EQ(Dbl(2.25), "2.25");
  EXPECT_EQ(Dbl(0.1), "0.1");
  EXPECT_EQ(Dbl(2.0), "2.0");
  EXPECT_EQ(Dbl(-0.0), "-0.0");
  EXPECT_EQ(Dbl(1e21), "1e+21");
  EXPECT_EQ(Dbl(5e-324), "5e-324");
  EXPECT_EQ(Dbl(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(std::stod(Dbl(0.1 + 0.2)), 0.1 + 0.2);
}

TEST(JsonNumberTest, FloatsUseTheirOwnShortestForm) {
  EXPECT_EQ(Flt(1.1f), "1.1");
  EXPECT_EQ(Flt(1.5f), "1.5");
  EXPECT_EQ(Flt(3.0f), "3.0");
}

TEST(JsonNumberTest, NonFiniteBecomeStrings) {
  EXPECT_EQ(Dbl(std::nan("")), R"("NaN")");
  EXPECT_EQ(Dbl(std::numeric_limits<double>::infinity()), R"("Infinity")");
  EXPECT_EQ(Dbl(-std::numeric_limits<double>::infinity()), R"("-Infinity")");
  EXPECT_EQ(Flt(std::numeric_limits<float>::quiet_NaN()), R"("NaN")");
  EXPECT_EQ(Flt(-std::numeric_limits<float>::infinity()), R"("-Infinity")");
}

TEST(JsonNumberTest, MillisRoundToThreeDecimals) {
  EXPECT_EQ(Millis(1.2344), "1.234");
  EXPECT_EQ(Millis(1.2346), "1.235");
  EXPECT_EQ(Millis(0.42), "0.42");
  EXPECT_EQ(Millis(12.0), "12.0");
  EXPECT_EQ(Millis(0.0001), "0.0");
  EXPECT_EQ(Millis(-3), "0.0");
  EXPECT_EQ(Millis(std::nan("")), "0.0");
  EXPECT_EQ(Millis(123456789.1234), "123456789.123");
}

TEST(JsonWriterTest, InsertsCommasAndColons) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("a").Int(1);
  w.Key("b").StartArray().Int(1).String("x").Null().Bool(false).StartObject().EndObject().StartArray().EndArray().EndArray();
  w.Key("c").StartObject().Key("d").Double(0.5).Key("e").Raw(R"({"Decimal":{"precision":10,"scale":2}})").EndObject();
  w.Key("f").Uint(7);
  w.Key("g").Float(1.25f);
  w.Key("h").Millis(1.5);
  w.EndObject();
  EXPECT_EQ(out,
            R"({"a":1,"b":[1,"x",null,false,{},[]],"c":{"d":0.5,"e":{"Decimal":{"precision":10,"scale":2}}},)"
            R"("f":7,"g":1.25,"h":1.5})");
}

TEST(JsonWriterTest, EscapesKeysAndAppendsToExistingText) {
  std::string out = "prefix:";
  JsonWriter w(&out);
  w.StartObject().Key("we\"ird").String("v").EndObject();
  EXPECT_EQ(out, R"(prefix:{"we\"ird":"v"})");
}

TEST(JsonWriterTest, RawValuesTakeSeparators) {
  std::string out;
  JsonWriter w(&out);
  w.StartArray();
  for (int i = 0; i < 3; ++i) {
    std::string* raw = w.BeginRawValue();
    raw->push_back('[');
    raw->append(std::to_string(i));
    raw->push_back(']');
  }
  w.EndArray();
  EXPECT_EQ(out, "[[0],[1],[2]]");
}

TEST(JsonWriterTest, TopLevelScalarsAndEmptyContainers) {
  std::string out;
  JsonWriter(&out).StartArray().EndArray();
  EXPECT_EQ(out, "[]");
  out.clear();
  JsonWriter(&out).String("solo");
  EXPECT_EQ(out, R"("solo")");
}

}  // namespace
}  // namespace kalam
