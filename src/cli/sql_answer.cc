#include "sql_answer.h"

#include <simdjson.h>

#include "kalam_client.h"
#include "table_writer.h"
#include "json_read.h"
#include "value_text.h"

namespace kalam::cli {
namespace {

struct RowResult {
  std::vector<TableColumn> columns;
  std::vector<size_t> index;  // position of each column in a row array
  simdjson::dom::array rows;
  size_t row_count = 0;
};

bool ReadRowResult(simdjson::dom::element result, RowResult* out) {
  simdjson::dom::array schema;
  if (result["schema"].get_array().get(schema) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element entry : schema) {
    TableColumn column = SchemaColumn(entry);
    uint64_t index = out->columns.size();
    index = static_cast<uint64_t>(JsonInt(entry["index"], static_cast<int64_t>(index)));
    out->columns.push_back(std::move(column));
    out->index.push_back(static_cast<size_t>(index));
  }
  if (result["rows"].get_array().get(out->rows) != simdjson::SUCCESS) return false;
  out->row_count = out->rows.size();
  return true;
}

// Fills `text` with a cell's human text; false for NULL.
bool CellOf(simdjson::dom::array row, const RowResult& result, size_t column, std::string* text) {
  simdjson::dom::element value;
  if (row.at(result.index[column]).get(value) != simdjson::SUCCESS || value.is_null()) return false;
  AppendValueText(value, result.columns[column].kind, text);
  return true;
}

void PrintError(simdjson::dom::element root, const HttpAnswer& answer, std::FILE* err) {
  const auto [code, message] = AnswerError(answer);
  std::fprintf(err, "ERROR %s: %s\n", code.c_str(), message.c_str());
  std::string_view details;
  if (root["error"]["details"].get_string().get(details) == simdjson::SUCCESS) {
    std::fprintf(err, "STATEMENT: %.*s\n", static_cast<int>(details.size()), details.data());
  }
}

void PrintCsv(const RowResult& result, std::FILE* out) {
  std::string line;
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (c > 0) line.push_back(',');
    AppendCsvField(result.columns[c].name, &line);
  }
  line.append("\r\n");
  std::fwrite(line.data(), 1, line.size(), out);
  std::string text;
  for (simdjson::dom::element row_element : result.rows) {
    simdjson::dom::array row = row_element.get_array().value_unsafe();
    line.clear();
    for (size_t c = 0; c < result.columns.size(); ++c) {
      if (c > 0) line.push_back(',');
      text.clear();
      if (CellOf(row, result, c, &text)) AppendCsvField(text, &line);
    }
    line.append("\r\n");
    std::fwrite(line.data(), 1, line.size(), out);
  }
}

void PrintTable(const RowResult& result, const PrintOptions& options, std::FILE* out) {
  // Rows are reached by position: iterate once into a vector of arrays (pointers into the
  // DOM, not copies).
  std::vector<simdjson::dom::array> rows;
  rows.reserve(result.row_count);
  for (simdjson::dom::element row : result.rows) rows.push_back(row.get_array().value_unsafe());
  WriteTable(result.columns, rows.size(),
             [&](size_t r, size_t c, std::string* text) { return CellOf(rows[r], result, c, text); }, options, out);
}

// Parses in place when the body has the padding simdjson needs (it always has, from
// HttpClient), instead of copying a large answer once more.
simdjson::error_code ParseAnswer(simdjson::dom::parser& parser, const HttpAnswer& answer,
                                 simdjson::dom::element* root) {
  static_assert(kAnswerPadding >= simdjson::SIMDJSON_PADDING);
  const bool padded = answer.body.capacity() - answer.body.size() >= simdjson::SIMDJSON_PADDING;
  return parser.parse(answer.body.data(), answer.body.size(), !padded).get(*root);
}

}  // namespace

bool PrintSqlAnswer(const HttpAnswer& answer, const PrintOptions& options, std::FILE* out, std::FILE* err) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const bool parsed = ParseAnswer(parser, answer, &root) == simdjson::SUCCESS;
  std::string_view status;
  const bool success = parsed && answer.status == 200 && root["status"].get_string().get(status) == simdjson::SUCCESS &&
                       status == "success";
  if (options.format == OutputFormat::kJson) {
    std::fwrite(answer.body.data(), 1, answer.body.size(), success ? out : err);
    std::fputc('\n', success ? out : err);
    return success;
  }
  if (!success) {
    if (parsed) {
      PrintError(root, answer, err);
    } else {
      std::fprintf(err, "ERROR HTTP %d: %s\n", answer.status, answer.body.c_str());
    }
    return false;
  }
  simdjson::dom::array results;
  if (root["results"].get_array().get(results) != simdjson::SUCCESS) return true;
  bool first = true;
  for (simdjson::dom::element result : results) {
    RowResult rows;
    const bool has_rows = ReadRowResult(result, &rows);
    if (options.format == OutputFormat::kCsv) {
      if (!has_rows) continue;
      if (!first) std::fputs("\r\n", out);
      PrintCsv(rows, out);
      first = false;
      continue;
    }
    if (has_rows) {
      PrintTable(rows, options, out);
      std::fprintf(out, "(%zu rows)\n", rows.row_count);
      bool truncated = false;
      if (result["truncated"].get_bool().get(truncated) == simdjson::SUCCESS && truncated) {
        std::fputs("(truncated: the server returns at most this many rows)\n", out);
      }
    } else {
      std::string_view message;
      message = JsonString(result["message"]);
      std::fprintf(out, "%.*s\n", static_cast<int>(message.size()), message.data());
    }
    std::string_view as_user;
    if (result["as_user"].get_string().get(as_user) == simdjson::SUCCESS) {
      std::fprintf(out, "As: %.*s\n", static_cast<int>(as_user.size()), as_user.data());
    }
  }
  if (options.format == OutputFormat::kTable) {
    double took = 0;
    took = JsonDouble(root["took"]);
    std::fprintf(out, "Took: %.3f ms\n", took);
  }
  return true;
}

std::vector<std::vector<std::string>> FirstResultRows(const HttpAnswer& answer) {
  std::vector<std::vector<std::string>> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (answer.status != 200 || ParseAnswer(parser, answer, &root) != simdjson::SUCCESS) return out;
  simdjson::dom::array results;
  if (root["results"].get_array().get(results) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element result : results) {
    RowResult rows;
    if (!ReadRowResult(result, &rows)) continue;
    for (simdjson::dom::element row_element : rows.rows) {
      simdjson::dom::array row = row_element.get_array().value_unsafe();
      auto& cells = out.emplace_back();
      for (size_t c = 0; c < rows.columns.size(); ++c) {
        std::string text;
        CellOf(row, rows, c, &text);
        cells.push_back(std::move(text));
      }
    }
    break;
  }
  return out;
}

}  // namespace kalam::cli
