#include "table_writer.h"

#include <algorithm>

#include "json_read.h"

namespace kalam::cli {
namespace {

constexpr std::string_view kNull = "NULL";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";

// Columns a text takes on a terminal: code points, not bytes.
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

void EscapeControls(std::string* text) {
  if (std::none_of(text->begin(), text->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) return;
  std::string escaped;
  for (char c : *text) {
    switch (c) {
      case '\n': escaped += "\\n"; break;
      case '\r': escaped += "\\r"; break;
      case '\t': escaped += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          escaped += '?';
        } else {
          escaped += c;
        }
    }
  }
  *text = std::move(escaped);
}

void Border(const std::vector<size_t>& widths, std::string* line) {
  line->push_back('+');
  for (size_t w : widths) {
    line->append(w + 2, '-');
    line->push_back('+');
  }
  line->push_back('\n');
}

void Cell(std::string_view text, size_t width, bool right, std::string_view style, std::string* line) {
  const size_t pad = width - DisplayWidth(text);
  line->append(" ");
  if (right) line->append(pad, ' ');
  if (!style.empty()) line->append(style);
  line->append(text);
  if (!style.empty()) line->append(kReset);
  if (!right) line->append(pad, ' ');
  line->append(" |");
}

}  // namespace

TableColumn SchemaColumn(simdjson::dom::element entry) {
  TableColumn column;
  column.name = std::string(JsonString(entry["name"]));
  simdjson::dom::element data_type;
  if (entry["data_type"].get(data_type) == simdjson::SUCCESS) {
    column.kind = KindOfDataType(data_type);
    column.type_label = DataTypeLabel(data_type);
  }
  return column;
}

void WriteTable(const std::vector<TableColumn>& columns, size_t rows, const CellText& cell,
                const PrintOptions& options, std::FILE* out) {
  std::vector<size_t> widths;
  for (const auto& column : columns) {
    widths.push_back(std::max(DisplayWidth(column.name), options.show_types ? DisplayWidth(column.type_label) : 0));
  }
  std::string text;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      text.clear();
      const bool present = cell(r, c, &text);
      EscapeControls(&text);
      widths[c] = std::max(widths[c], present ? DisplayWidth(text) : kNull.size());
    }
  }
  std::string line;
  Border(widths, &line);
  line.push_back('|');
  for (size_t c = 0; c < columns.size(); ++c) {
    Cell(columns[c].name, widths[c], false, options.color ? kBold : "", &line);
  }
  line.push_back('\n');
  if (options.show_types) {
    line.push_back('|');
    for (size_t c = 0; c < columns.size(); ++c) Cell(columns[c].type_label, widths[c], false, options.color ? kDim : "", &line);
    line.push_back('\n');
  }
  Border(widths, &line);
  std::fwrite(line.data(), 1, line.size(), out);
  for (size_t r = 0; r < rows; ++r) {
    line.assign("|");
    for (size_t c = 0; c < columns.size(); ++c) {
      text.clear();
      if (cell(r, c, &text)) {
        EscapeControls(&text);
        Cell(text, widths[c], IsNumeric(columns[c].kind), "", &line);
      } else {
        Cell(kNull, widths[c], false, options.color ? kDim : "", &line);
      }
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), out);
  }
  line.clear();
  Border(widths, &line);
  std::fwrite(line.data(), 1, line.size(), out);
}

}  // namespace kalam::cli
