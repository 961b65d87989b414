#pragma once

// Read-only access to one parsed JSON text for tests (simdjson DOM): WebSocket messages
// (docs/live-queries.md) and SQL endpoint bodies (docs/http-api.md). Paths are JSON pointers (RFC 6901):
// "/type", "/batch_control/status", "/rows/0/id", "/results/0/rows/0/1". Missing paths and
// type mismatches give the fallback value (empty / nullopt / false), never throw.
//
//   JsonDoc msg(*ws->Receive(5s));
//   EXPECT_EQ(msg.Type(), "initial_data_batch");
//   EXPECT_EQ(msg.Str("/batch_control/status"), "ready");
//   auto rows = msg.Rows();                    // [{"id" -> "\"1\"", "v" -> "\"a\"", "_seq" -> "\"27...\""}]
//   EXPECT_EQ(JsonUnquote(rows[0]["id"]), "1");
//
// Link with simdjson::simdjson (header <simdjson.h>).

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kalam::testing {

class JsonDoc {
 public:
  using Row = std::map<std::string, std::string>;  // column name -> raw JSON text of the value

  explicit JsonDoc(std::string_view text) : parser_(std::make_unique<simdjson::dom::parser>()) {
    simdjson::padded_string padded(text);
    auto result = parser_->parse(padded);  // the parser keeps its own copy of the document
    ok_ = result.error() == simdjson::SUCCESS;
    if (ok_) root_ = result.value_unsafe();
  }

  // Whether the text parsed as JSON.
  bool ok() const { return ok_; }
  bool Has(std::string_view pointer) const { return At(pointer).has_value(); }

  // The string at `pointer` (decoded), or "" when absent or not a string.
  std::string Str(std::string_view pointer) const {
    auto e = At(pointer);
    if (!e) return "";
    std::string_view s;
    if (e->get(s) != simdjson::SUCCESS) return "";
    return std::string(s);
  }
  // An integer value; a string holding an integer (BIGINT encoding, docs/value-encoding.md) is accepted too.
  std::optional<int64_t> Int(std::string_view pointer) const {
    auto e = At(pointer);
    if (!e) return std::nullopt;
    int64_t v = 0;
    if (e->get(v) == simdjson::SUCCESS) return v;
    std::string_view s;
    if (e->get(s) == simdjson::SUCCESS && !s.empty()) {
      size_t used = 0;
      try {
        const long long parsed = std::stoll(std::string(s), &used);
        if (used == s.size()) return parsed;
      } catch (...) {
      }
    }
    return std::nullopt;
  }
  std::optional<bool> Bool(std::string_view pointer) const {
    auto e = At(pointer);
    bool v = false;
    if (!e || e->get(v) != simdjson::SUCCESS) return std::nullopt;
    return v;
  }
  bool IsNull(std::string_view pointer) const {
    auto e = At(pointer);
    return e && e->is_null();
  }
  // The minified JSON text at `pointer` ("" when absent): "\"abc\"", "12", "null", "[1,2]".
  std::string Raw(std::string_view pointer = "") const {
    auto e = At(pointer);
    return e ? simdjson::to_string(*e) : "";
  }
  // Number of elements of an array (or members of an object); 0 when absent.
  size_t Size(std::string_view pointer) const {
    auto e = At(pointer);
    if (!e) return 0;
    simdjson::dom::array a;
    if (e->get(a) == simdjson::SUCCESS) return a.size();
    simdjson::dom::object o;
    if (e->get(o) == simdjson::SUCCESS) return o.size();
    return 0;
  }
  // The member names of an object, in document order.
  std::vector<std::string> Keys(std::string_view pointer = "") const {
    std::vector<std::string> out;
    auto e = At(pointer);
    simdjson::dom::object o;
    if (!e || e->get(o) != simdjson::SUCCESS) return out;
    for (auto field : o) out.emplace_back(field.key);
    return out;
  }

  // An array of row objects (WebSocket `rows` / `old_values`), each as column -> raw JSON text.
  std::vector<Row> Rows(std::string_view pointer = "/rows") const {
    std::vector<Row> out;
    auto e = At(pointer);
    simdjson::dom::array a;
    if (!e || e->get(a) != simdjson::SUCCESS) return out;
    for (auto item : a) {
      Row row;
      simdjson::dom::object o;
      if (item.get(o) == simdjson::SUCCESS) {
        for (auto field : o) row[std::string(field.key)] = simdjson::to_string(field.value);
      }
      out.push_back(std::move(row));
    }
    return out;
  }
  // An array of row arrays (SQL endpoint `results/N/rows`), each as raw JSON texts.
  std::vector<std::vector<std::string>> ArrayRows(std::string_view pointer = "/results/0/rows") const {
    std::vector<std::vector<std::string>> out;
    auto e = At(pointer);
    simdjson::dom::array a;
    if (!e || e->get(a) != simdjson::SUCCESS) return out;
    for (auto item : a) {
      std::vector<std::string> row;
      simdjson::dom::array cells;
      if (item.get(cells) == simdjson::SUCCESS) {
        for (auto cell : cells) row.push_back(simdjson::to_string(cell));
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  // Shorthands for WebSocket server messages (docs/live-queries.md).
  std::string Type() const { return Str("/type"); }
  std::string SubscriptionId() const { return Str("/subscription_id"); }
  std::string Code() const { return Str("/code"); }  // type "error"
  std::string Message() const { return Str("/message"); }
  std::string ChangeType() const { return Str("/change_type"); }
  std::string Seq() const { return Str("/seq"); }
  std::string BatchStatus() const { return Str("/batch_control/status"); }
  std::string LastSeqId() const { return Str("/batch_control/last_seq_id"); }
  std::optional<bool> HasMore() const { return Bool("/batch_control/has_more"); }
  std::optional<int64_t> BatchNum() const { return Int("/batch_control/batch_num"); }
  // Column names of the ack's `schema`, in order.
  std::vector<std::string> SchemaNames() const {
    std::vector<std::string> out;
    for (size_t i = 0, n = Size("/schema"); i < n; ++i) out.push_back(Str("/schema/" + std::to_string(i) + "/name"));
    return out;
  }

 private:
  std::optional<simdjson::dom::element> At(std::string_view pointer) const {
    if (!ok_) return std::nullopt;
    if (pointer.empty()) return root_;
    auto r = root_.at_pointer(pointer);
    if (r.error() != simdjson::SUCCESS) return std::nullopt;
    return r.value_unsafe();
  }

  std::unique_ptr<simdjson::dom::parser> parser_;  // owns the document root_ points into
  simdjson::dom::element root_;
  bool ok_ = false;
};

// The decoded content of a raw JSON string ("\"a\\\"b\"" -> "a\"b"); any other raw text
// (numbers, null, arrays) is returned unchanged.
inline std::string JsonUnquote(const std::string& raw) {
  if (raw.size() < 2 || raw.front() != '"') return raw;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(raw);
  std::string_view s;
  if (parser.parse(padded).get(s) != simdjson::SUCCESS) return raw;
  return std::string(s);
}

}  // namespace kalam::testing
