#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/status.h"

namespace kalam::filestore {

// Storage path templates (docs/sql-reference.md). A template is a relative, '/'-separated path
// whose segments may hold placeholders. Canonical placeholders are `{namespace}`,
// `{tableName}`, `{userId}`; `${namespace}`, `${table}`, `${user_id}` are accepted on input
// and normalised to them. A segment holds at most one placeholder, so distinct (namespace,
// table, user) triples can never resolve to the same directory.

inline constexpr std::string_view kNamespacePlaceholder = "{namespace}";
inline constexpr std::string_view kTableNamePlaceholder = "{tableName}";
inline constexpr std::string_view kUserIdPlaceholder = "{userId}";

// Checks a template and returns it in canonical form (placeholders normalised, one trailing
// '/' dropped). InvalidArgument when it is absolute, has an empty, '.' or '..' segment, a
// '\' or NUL, an unknown placeholder, a stray brace, or two placeholders in one segment.
Result<std::string> NormalizeTemplate(std::string_view tmpl);

// Extra rules for the two templates of a storage, on top of NormalizeTemplate: a USER
// template must hold `{tableName}` and `{userId}` (else two users, or two tables, would share
// a directory); a SHARED template must hold `{tableName}` and must not hold `{userId}`.
// Both return the canonical form.
Result<std::string> NormalizeUserTemplate(std::string_view tmpl);
Result<std::string> NormalizeSharedTemplate(std::string_view tmpl);

// Splits a storage PATH (docs/sql-reference.md) into {base directory, template}. The base is everything before
// the first segment holding a placeholder (trailing '/' removed, except for "/"); the template
// is the rest, canonical. A PATH without placeholders is all base, with an empty template
// (the caller then keeps the default templates). InvalidArgument when the PATH is empty, has
// nothing before its first placeholder, or its template part is invalid.
//   "/data/storage/${namespace}/${user_id}"     -> {"/data/storage", "{namespace}/{userId}"}
//   "s3://my-bucket/kalamdb/${namespace}/${user_id}" -> {"s3://my-bucket/kalamdb", ...}
Result<std::pair<std::string, std::string>> SplitStoragePath(std::string_view path);

struct StorageTemplates {
  std::string user_template;
  std::string shared_template;
};

// The two templates a PATH's template part T stands for (docs/sql-reference.md):
//  - user: T, with a `{tableName}` segment inserted before the first `{userId}` segment when T
//    has none (appended when T has no `{userId}` either), then `/{userId}` appended when
//    missing. `{tableName}` goes before the user so that all users of a table stay under one
//    table directory, as in the default `{namespace}/{tableName}/{userId}`.
//  - shared: T without the segments holding `{userId}`, plus `/{tableName}` when missing.
// An empty T gives `{tableName}/{userId}` and `{tableName}`.
Result<StorageTemplates> DeriveTemplates(std::string_view tmpl);

// The directory, relative to the storage base, that `tmpl` names for one table scope.
// `user` is null for SHARED tables. InvalidArgument unless: every substituted value is a safe
// path component (IsSafePathComponent: non-empty, no '/', '\' or NUL, not '.' or '..', no
// leading '.'); the template is valid and holds `{tableName}` (else tables would share a
// manifest); `user` is given exactly when the template holds `{userId}` (a user scope must
// never resolve to a directory shared with other users).
//   ResolveTemplate("{namespace}/{tableName}/{userId}", app, messages, &alice)
//     -> "app/messages/alice"
Result<std::string> ResolveTemplate(std::string_view tmpl, const NamespaceId& namespace_id,
                                    const TableName& table_name, const UserId* user);

// The directory that holds every user's data of one USER table (DROP TABLE, statistics over
// all users): the USER template resolved up to, not including, its first segment holding
// `{userId}`. InvalidArgument when that part lacks `{namespace}` or `{tableName}`: such a
// directory also holds other tables' files and must never be deleted or scanned as this
// table's (the caller then works user by user with ResolveTemplate).
//   "{namespace}/{tableName}/{userId}" -> "app/messages"
Result<std::string> ResolveUserTableRoot(std::string_view user_template,
                                         const NamespaceId& namespace_id,
                                         const TableName& table_name);

}  // namespace kalam::filestore
