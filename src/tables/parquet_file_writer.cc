#include "kalam/tables/parquet_file_writer.h"

#include "sql_text.h"

namespace kalam::tables {

Status WriteParquetFile(ParquetDb& db, const duckdb::ColumnDataCollection& rows, const std::vector<std::string>& names,
                        const std::string& absolute_path) {
  const auto& types = rows.Types();
  if (names.size() != types.size()) return Status::Internal("column names and types differ in count");
  auto con = db.Connect();
  std::string create = "CREATE TEMP TABLE export_rows (";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) create += ", ";
    create += QuoteIdent(names[i]) + " " + types[i].ToString();
  }
  create += ")";
  try {
    auto created = con->Query(create);
    if (created->HasError()) return Status::IoError(created->GetError());
    {
      duckdb::Appender appender(*con, "export_rows");
      for (auto& chunk : rows.Chunks()) appender.AppendDataChunk(chunk);
      appender.Close();
    }
    auto copied =
        con->Query("COPY export_rows TO " + QuoteLiteral(absolute_path) + " (FORMAT parquet, COMPRESSION zstd)");
    if (copied->HasError()) return Status::IoError(copied->GetError());
  } catch (const std::exception& e) {
    return Status::IoError(std::string("writing ") + absolute_path + " failed: " + e.what());
  }
  return Status::Ok();
}

}  // namespace kalam::tables
