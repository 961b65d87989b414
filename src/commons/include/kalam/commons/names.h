#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/status.h"

namespace kalam {

// Identifier rules of docs/sql-reference.md for namespaces, tables, columns and storages.
std::string ToLower(std::string_view text);
bool IsReservedWord(std::string_view lowercase_word);
bool IsReservedNamespace(std::string_view lowercase_name);
bool IsReservedColumnName(std::string_view lowercase_name);

// Checks an already-lowercased identifier; `what` names it in the error ("Namespace", "Column").
Status ValidateIdentifier(std::string_view name, std::string_view what);
// User ids: 1..128 chars of [A-Za-z0-9_.@+-], not starting with '.', never containing "..".
Status ValidateUserId(std::string_view id);

inline constexpr std::string_view kDefaultNamespace = "default";
inline constexpr std::string_view kSystemNamespace = "system";
inline constexpr std::string_view kSeqColumn = "_seq";
inline constexpr std::string_view kDeletedColumn = "_deleted";
inline constexpr std::string_view kRowIdColumn = "_row_id";
inline constexpr std::string_view kRootUser = "root";

}  // namespace kalam
