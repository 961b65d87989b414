#include "ws_client_message.h"

#include <gtest/gtest.h>

namespace kalam::api {
namespace {

ClientMessage Parse(std::string_view text) {
  simdjson::dom::parser parser;
  return ParseClientMessage(parser, text);
}

TEST(WsClientMessageTest, NotAnObjectOrNoTypeIsMalformed) {
  for (std::string_view text : {"", "[]", "\"ping\"", "{", "{\"type\":1}", "{\"kind\":\"ping\"}", "nul\0l"}) {
    EXPECT_TRUE(std::holds_alternative<MalformedMessage>(Parse(text))) << text;
  }
}

TEST(WsClientMessageTest, PingAndUnknownType) {
  EXPECT_TRUE(std::holds_alternative<PingMessage>(Parse(R"({"type":"ping"})")));
  const ClientMessage unknown = Parse(R"({"type":"pong"})");
  ASSERT_TRUE(std::holds_alternative<UnknownMessage>(unknown));
  EXPECT_EQ(std::get<UnknownMessage>(unknown).type, "pong");
}

TEST(WsClientMessageTest, AuthenticateMethods) {
  const auto jwt = std::get<AuthenticateMessage>(Parse(R"({"type":"authenticate","method":"jwt","token":"a.b.c"})"));
  EXPECT_EQ(jwt.method, AuthenticateMessage::Method::kJwt);
  EXPECT_EQ(jwt.token, "a.b.c");
  const auto basic = std::get<AuthenticateMessage>(
      Parse(R"({"type":"authenticate","method":"basic","user":"alice","password":"p\"w"})"));
  EXPECT_EQ(basic.method, AuthenticateMessage::Method::kBasic);
  EXPECT_EQ(basic.user, "alice");
  EXPECT_EQ(basic.password, "p\"w");
  const auto other = std::get<AuthenticateMessage>(Parse(R"({"type":"authenticate","method":"oauth"})"));
  EXPECT_EQ(other.method, AuthenticateMessage::Method::kOther);
  const auto mistyped = std::get<AuthenticateMessage>(Parse(R"({"type":"authenticate","method":"jwt","token":7})"));
  EXPECT_EQ(mistyped.token, "");
}

TEST(WsClientMessageTest, SubscribeWithOptions) {
  const auto message = std::get<SubscribeMessage>(
      Parse(R"({"type":"subscribe","subscription":{"id":"s1","sql":"SELECT * FROM app.t",)"
            R"("options":{"batch_size":100,"last_rows":"5","from_seq_id":1000.0,"other":[1]}}})"));
  EXPECT_EQ(message.request.id, "s1");
  EXPECT_EQ(message.request.sql, "SELECT * FROM app.t");
  EXPECT_TRUE(message.request.options_given);
  EXPECT_FALSE(message.request.options_malformed);
  EXPECT_EQ(message.request.batch_size, "100");
  EXPECT_EQ(message.request.last_rows, "5");
  EXPECT_EQ(message.request.from, "1000");
}

TEST(WsClientMessageTest, SubscribeWithMalformedOptions) {
  const auto not_object =
      std::get<SubscribeMessage>(Parse(R"({"type":"subscribe","subscription":{"id":"s","options":[1]}})"));
  EXPECT_TRUE(not_object.request.options_malformed);
  const auto bad_value =
      std::get<SubscribeMessage>(Parse(R"({"type":"subscribe","subscription":{"options":{"batch_size":true}}})"));
  EXPECT_TRUE(bad_value.request.options_malformed);
  const auto fraction =
      std::get<SubscribeMessage>(Parse(R"({"type":"subscribe","subscription":{"options":{"from":1.5}}})"));
  EXPECT_EQ(fraction.request.from, "x");
  const auto null_options =
      std::get<SubscribeMessage>(Parse(R"({"type":"subscribe","subscription":{"options":null}})"));
  EXPECT_FALSE(null_options.request.options_given);
}

TEST(WsClientMessageTest, NextBatchAndUnsubscribe) {
  EXPECT_EQ(std::get<NextBatchMessage>(Parse(R"({"type":"next_batch","subscription_id":"s1"})")).subscription_id, "s1");
  EXPECT_EQ(std::get<UnsubscribeMessage>(Parse(R"({"type":"unsubscribe","subscription_id":"s2"})")).subscription_id,
            "s2");
}

TEST(WsClientMessageTest, ParserIsReusedAcrossMessages) {
  simdjson::dom::parser parser;
  const ClientMessage first = ParseClientMessage(parser, R"({"type":"next_batch","subscription_id":"first"})");
  const ClientMessage second = ParseClientMessage(parser, R"({"type":"unsubscribe","subscription_id":"second"})");
  EXPECT_EQ(std::get<NextBatchMessage>(first).subscription_id, "first");
  EXPECT_EQ(std::get<UnsubscribeMessage>(second).subscription_id, "second");
}

}  // namespace
}  // namespace kalam::api
