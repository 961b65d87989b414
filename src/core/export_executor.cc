#include "export_executor.h"

#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/json_writer.h"
#include "kalam/filestore/sigv4.h"
#include "kalam/filestore/storage_directory.h"
#include "kalam/filestore/target_directory.h"
#include "kalam/tables/parquet_file_writer.h"
#include "user_data_reader.h"

namespace kalam::core {
namespace {

// What the manifest says of one written file.
struct WrittenTable {
  TableId table;
  TableType type = TableType::kUser;
  uint32_t schema_version = 1;
  std::vector<ResultColumn> columns;
  std::string file;
  uint64_t row_count = 0;
  uint64_t size_bytes = 0;
  std::string sha256;
};

std::string ManifestJson(const UserId& user, int64_t exported_at_us, const std::vector<WrittenTable>& tables) {
  std::string out;
  JsonWriter json(&out);
  json.StartObject().Key("format").Int(1).Key("user_id").String(user.str());
  json.Key("exported_at").Int(exported_at_us).Key("tables").StartArray();
  for (const WrittenTable& t : tables) {
    json.StartObject().Key("table").String(t.table.ToString()).Key("table_type").String(TableTypeName(t.type));
    json.Key("schema_version").Uint(t.schema_version).Key("file").String(t.file);
    json.Key("columns").StartArray();
    for (const ResultColumn& c : t.columns) {
      json.StartObject().Key("name").String(c.name).Key("data_type").String(c.type.SqlName()).EndObject();
    }
    json.EndArray();
    json.Key("row_count").Uint(t.row_count).Key("size_bytes").Uint(t.size_bytes).Key("sha256").String(t.sha256);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return out;
}

}  // namespace

Status ExportExecutor::Precheck(Role role, const dialect::KalamStatement& statement) {
  if (std::holds_alternative<dialect::ExportUserDataStmt>(statement)) {
    return auth::CheckAdminStatement(role, "export user data");
  }
  return Status::Ok();
}

Result<StatementResult> ExportExecutor::ExportUserData(ExecContext& ctx, const dialect::ExportUserDataStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_role, dialect::KalamStatement(s)));
  KALAM_ASSIGN_OR_RETURN(UserRecord subject, ExportSubject(engine_, s.user));
  // The statement's path passed the lexical rules; this applies them through symlinks too.
  KALAM_ASSIGN_OR_RETURN(std::string directory, filestore::ResolveLocalDirectory(s.directory, "Export directory"));
  KALAM_ASSIGN_OR_RETURN(auto target, filestore::OpenEmptyTargetDirectory(directory));
  const int64_t exported_at = NowMicros();
  tables::ParquetDb parquet;
  std::vector<WrittenTable> written;
  uint64_t rows = 0;
  auto write = [&](ExportedTable& table) -> Status {
    WrittenTable w;
    w.table = table.table;
    w.type = table.type;
    w.schema_version = table.schema_version;
    w.columns = table.rows.columns;
    w.row_count = table.rows.row_count;
    // Namespace and table names are identifiers (no '/'), so this is one file name.
    w.file = table.table.ToString() + ".parquet";
    std::vector<std::string> names;
    for (const ResultColumn& c : w.columns) names.push_back(c.name);
    KALAM_RETURN_IF_ERROR(tables::WriteParquetFile(parquet, *table.rows.rows, names, target->AbsolutePath(w.file)));
    KALAM_RETURN_IF_ERROR(target->SyncFile(w.file));
    KALAM_ASSIGN_OR_RETURN(std::string bytes, target->Read(w.file));
    w.size_bytes = bytes.size();
    w.sha256 = filestore::Sha256Hex(bytes);
    rows += w.row_count;
    written.push_back(std::move(w));
    table.rows.rows.reset();  // one table's rows in memory at a time
    return Status::Ok();
  };
  KALAM_RETURN_IF_ERROR(ReadUserData(engine_, subject, write));
  KALAM_RETURN_IF_ERROR(target->WriteAtomic("manifest.json", ManifestJson(subject.id, exported_at, written)));
  StatementResult out;
  out.row_count = rows;
  out.as_user = ctx.acting_user;
  out.message = "Exported " + std::to_string(rows) + " row(s) of user '" + subject.id.str() + "' from " +
                std::to_string(written.size()) + " table(s) to '" + s.directory + "'";
  return out;
}

}  // namespace kalam::core
