#pragma once

#include <optional>
#include <string>
#include <variant>
#include <utility>
#include <vector>

#include "kalam/commons/column_definition.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_options.h"
#include "kalam/commons/table_type.h"

namespace kalam::dialect {

// A table reference as written: namespace is absent when the name was unqualified.
struct TableRef {
  std::optional<NamespaceId> namespace_id;
  TableName table_name;
};

struct CreateNamespaceStmt {
  NamespaceId name;
  bool if_not_exists = false;
};

struct DropNamespaceStmt {
  NamespaceId name;
  bool if_exists = false;
  bool cascade = false;
};

// USE app; USE NAMESPACE app; SET NAMESPACE app;
struct UseNamespaceStmt {
  NamespaceId name;
};

// Which option settings were written explicitly (for defaults and validation).
struct TableOptionsSet {
  bool flush = false;        // any flush trigger was given
  bool storage = false;
  bool access_level = false;
  bool deleted_retention = false;
  bool ttl = false;
  bool max_buffer = false;
};

struct CreateTableStmt {
  TableRef table;
  // Type from the prefix keyword or the TYPE option; nullopt when neither was written (the
  // table is SHARED then, subject to the downgrade rule of docs/http-api.md).
  std::optional<TableType> type;
  bool if_not_exists = false;
  // column_id is left 0; the registry assigns ids. PK columns have nullable = false.
  std::vector<ColumnDefinition> columns;
  TableOptions options;  // fields not written keep their defaults
  TableOptionsSet options_set;
};

// ALTER [USER|SHARED|STREAM] TABLE [ns.]t <one change> (docs/sql-reference.md).
struct AlterTableStmt {
  enum class Change {
    kAddColumn,      // column: the new column (column_id 0)
    kDropColumn,     // column_name
    kModifyColumn,   // column_name, column.type, column.nullable (+ nullability_written)
    kSetNotNull,     // column_name
    kDropNotNull,    // column_name
    kSetDefault,     // column_name, column.default_value
    kDropDefault,    // column_name
    kRenameColumn,   // column_name -> new_name
    kSetOptions,     // options / options_set / options_given (SET TBLPROPERTIES, SET ACCESS LEVEL)
  };
  TableRef table;
  std::optional<TableType> type;  // prefix keyword, if written
  Change change = Change::kAddColumn;
  std::string column_name;  // lowercase
  std::string new_name;     // kRenameColumn
  ColumnDefinition column;
  bool nullability_written = false;  // kModifyColumn: NULL or NOT NULL was written
  TableOptions options;
  TableOptionsSet options_set;
  std::vector<std::string> options_given;  // upper-case option names, in the order written
};

// ALTER NAMESPACE ns SET OPTIONS (k = 'v', k2 = 42, k3 = true): each option as its lowercase
// key and its value as JSON text (strings quoted; numbers, booleans and null bare).
struct AlterNamespaceStmt {
  NamespaceId name;
  std::vector<std::pair<std::string, std::string>> options;
};

struct DropTableStmt {
  TableRef table;
  std::optional<TableType> type;  // prefix keyword, if written
  bool if_exists = false;
};

struct ShowNamespacesStmt {};

struct ShowTablesStmt {
  std::optional<NamespaceId> in_namespace;
};

struct DescribeTableStmt {
  TableRef table;
  bool history = false;
};

struct ShowStatsStmt {
  TableRef table;
};

// EXECUTE AS USER 'alice' ( <one statement> )
struct ExecuteAsStmt {
  UserId user;
  std::string inner_sql;  // the statement inside the parentheses, trimmed
};

// CREATE USER [IF NOT EXISTS] name WITH PASSWORD '..' | OAUTH ... | INTERNAL [ROLE r] [EMAIL e]
struct CreateUserStmt {
  enum class Method { kPassword, kOAuth, kInternal };
  UserId user;
  bool if_not_exists = false;
  Method method = Method::kPassword;
  std::string password;    // kPassword
  std::string oauth_json;  // kOAuth: {"provider":"..","subject":".."}
  Role role = Role::kUser;
  std::optional<std::string> email;
};

// ALTER USER name SET PASSWORD '..' | SET ROLE r | SET EMAIL '..'
struct AlterUserStmt {
  enum class Change { kPassword, kRole, kEmail };
  UserId user;
  Change change = Change::kPassword;
  std::string text;  // the password or the email
  Role role = Role::kUser;
};

// DROP USER [IF EXISTS] name
struct DropUserStmt {
  UserId user;
  bool if_exists = false;
};

// FLUSH TABLE ns.t / STORAGE FLUSH TABLE ns.t
struct FlushTableStmt {
  TableRef table;
};

// FLUSH ALL TABLES [IN ns] / STORAGE FLUSH ALL [IN [NAMESPACE] ns]
struct FlushAllStmt {
  std::optional<NamespaceId> in_namespace;
};

// STORAGE COMPACT TABLE ns.t
struct CompactTableStmt {
  TableRef table;
};

// STORAGE COMPACT ALL [IN [NAMESPACE] ns]
struct CompactAllStmt {
  std::optional<NamespaceId> in_namespace;
};

// KILL JOB 'FL-...'
struct KillJobStmt {
  std::string job_id;
};

// KILL LIVE QUERY '<user>-<connection>-<subscription>' (quoted, or bare when a plain name)
struct KillLiveQueryStmt {
  LiveQueryId live_id;
};

// SUBSCRIBE TO [ns.]t [WHERE cond] [OPTIONS (last_rows=N, batch_size=N, from=SEQ)]
// The condition is kept as written; each option as its literal text (checked by its user).
struct SubscribeStmt {
  TableRef table;
  std::string where_text;  // empty when there is no WHERE
  bool options_given = false;
  std::vector<std::pair<std::string, std::string>> options;  // lowercase name, literal text
};

// CREATE STORAGE id TYPE t [NAME '..'] [DESCRIPTION '..'] PATH '..' | BASE_DIRECTORY '..'
//   [SHARED_TABLES_TEMPLATE '..'] [USER_TABLES_TEMPLATE '..'] [CREDENTIALS '{..}'] [CONFIG '{..}']
//   [BUCKET '..'] [REGION '..']   (clauses after the id in any order, each at most once)
// Texts are kept as written; the engine splits PATH, checks templates and JSON.
struct CreateStorageStmt {
  StorageId id;
  StorageType type = StorageType::kFilesystem;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> path;  // PATH or BASE_DIRECTORY (they are one setting)
  std::optional<std::string> shared_tables_template;
  std::optional<std::string> user_tables_template;
  std::optional<std::string> credentials_json;
  std::optional<std::string> config_json;
  std::optional<std::string> bucket;  // s3 only
  std::optional<std::string> region;  // s3 only
};

// ALTER STORAGE id SET NAME '..' [SET DESCRIPTION '..'] [SET SHARED_TABLES_TEMPLATE '..']
//   [SET USER_TABLES_TEMPLATE '..'] [SET CONFIG '{..}']   (at least one, each at most once)
struct AlterStorageStmt {
  StorageId id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> shared_tables_template;
  std::optional<std::string> user_tables_template;
  std::optional<std::string> config_json;
};

// DROP STORAGE [IF EXISTS] id
struct DropStorageStmt {
  StorageId id;
  bool if_exists = false;
};

// STORAGE CHECK id [EXTENDED]: probe a storage's access; EXTENDED also checks every manifest
// of the tables on it against the files it names.
struct StorageCheckStmt {
  StorageId id;
  bool extended = false;
};

// SHOW STORAGES
struct ShowStoragesStmt {};

// EXPORT USER DATA 'alice' TO '/exports/alice' (docs/user-data-export.md)
struct ExportUserDataStmt {
  UserId user;
  std::string directory;  // absolute; passed CheckTargetPath
};

// BACKUP DATABASE [ns] TO '<dir>': one namespace, or the whole server when absent. The path is
// kept as written; the engine applies the directory rules (docs/backup.md).
struct BackupDatabaseStmt {
  std::optional<NamespaceId> namespace_id;
  std::string path;
};

// RESTORE DATABASE [ns] FROM '<dir>'.
struct RestoreDatabaseStmt {
  std::optional<NamespaceId> namespace_id;
  std::string path;
};

using KalamStatement = std::variant<CreateNamespaceStmt, DropNamespaceStmt, UseNamespaceStmt,
                                    CreateTableStmt, DropTableStmt, ShowNamespacesStmt,
                                    ShowTablesStmt, DescribeTableStmt, ShowStatsStmt,
                                    ExecuteAsStmt, CreateUserStmt, AlterUserStmt, DropUserStmt, FlushTableStmt,
                                    FlushAllStmt, KillJobStmt, CreateStorageStmt, AlterStorageStmt, DropStorageStmt,
                                    ShowStoragesStmt, KillLiveQueryStmt, SubscribeStmt, AlterTableStmt,
                                    AlterNamespaceStmt, CompactTableStmt, CompactAllStmt, StorageCheckStmt,
                                    ExportUserDataStmt, BackupDatabaseStmt, RestoreDatabaseStmt>;

}  // namespace kalam::dialect
