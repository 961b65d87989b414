#include "kalam/filestore/path_template.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kalam/filestore/file_backend.h"

namespace kalam::filestore {

namespace {

enum class Placeholder { kNone, kNamespace, kTableName, kUserId };

// One '/'-separated piece of a template: literal text around at most one placeholder.
struct Segment {
  std::string before;
  Placeholder placeholder = Placeholder::kNone;
  std::string after;
};

std::string_view CanonicalText(Placeholder p) {
  switch (p) {
    case Placeholder::kNamespace: return kNamespacePlaceholder;
    case Placeholder::kTableName: return kTableNamePlaceholder;
    case Placeholder::kUserId: return kUserIdPlaceholder;
    case Placeholder::kNone: break;
  }
  return {};
}

std::optional<Placeholder> ParsePlaceholderName(std::string_view name, bool dollar) {
  // The `${…}` spellings are the ones docs/sql-reference.md lists for PATH; the `{…}` ones are canonical.
  if (name == "namespace") return Placeholder::kNamespace;
  if (dollar) {
    if (name == "table") return Placeholder::kTableName;
    if (name == "user_id") return Placeholder::kUserId;
  } else {
    if (name == "tableName") return Placeholder::kTableName;
    if (name == "userId") return Placeholder::kUserId;
  }
  return std::nullopt;
}

Result<Segment> ParseSegment(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("storage template has an empty path segment");
  Segment seg;
  bool seen = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') return Status::InvalidArgument("storage template must not contain NUL");
    if (c == '\\') return Status::InvalidArgument("storage template must not contain '\\'");
    if (c == '}') return Status::InvalidArgument("storage template has a stray '}'");
    const bool dollar = c == '$' && i + 1 < text.size() && text[i + 1] == '{';
    if (c != '{' && !dollar) {
      (seen ? seg.after : seg.before).push_back(c);
      continue;
    }
    const size_t open = dollar ? i + 1 : i;
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("storage template has an unclosed '{'");
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    const std::optional<Placeholder> p = ParsePlaceholderName(name, dollar);
    if (!p) {
      return Status::InvalidArgument("storage template has an unknown placeholder '" +
                                     std::string(text.substr(i, close - i + 1)) +
                                     "'; known: {namespace}, {tableName}, {userId}");
    }
    if (seen) {
      return Status::InvalidArgument(
          "storage template segment holds more than one placeholder: '" + std::string(text) + "'");
    }
    seen = true;
    seg.placeholder = *p;
    i = close;
  }
  if (seg.placeholder == Placeholder::kNone && (seg.before == "." || seg.before == "..")) {
    return Status::InvalidArgument("storage template must not contain '.' or '..' segments");
  }
  if (!seg.before.empty() && seg.before.front() == '.') {
    // Hidden names belong to temp and probe files; a data directory never starts with '.'.
    return Status::InvalidArgument("storage template segment must not start with '.'");
  }
  return seg;
}

// Parses a template, tolerating one trailing '/' (written by hand in config files often).
Result<std::vector<Segment>> ParseTemplate(std::string_view tmpl) {
  std::vector<Segment> segments;
  if (!tmpl.empty() && tmpl.back() == '/') tmpl.remove_suffix(1);
  if (tmpl.empty()) return segments;
  if (tmpl.front() == '/') {
    return Status::InvalidArgument("storage template must be relative to the base directory");
  }
  size_t start = 0;
  while (start <= tmpl.size()) {
    size_t end = tmpl.find('/', start);
    if (end == std::string_view::npos) end = tmpl.size();
    KALAM_ASSIGN_OR_RETURN(Segment seg, ParseSegment(tmpl.substr(start, end - start)));
    segments.push_back(std::move(seg));
    start = end + 1;
  }
  return segments;
}

std::string Render(const std::vector<Segment>& segments) {
  std::string out;
  for (const Segment& seg : segments) {
    if (!out.empty()) out.push_back('/');
    out += seg.before;
    out += CanonicalText(seg.placeholder);
    out += seg.after;
  }
  return out;
}

bool Holds(const std::vector<Segment>& segments, Placeholder p) {
  for (const Segment& seg : segments) {
    if (seg.placeholder == p) return true;
  }
  return false;
}

Segment Only(Placeholder p) {
  Segment seg;
  seg.placeholder = p;
  return seg;
}

// Fills in `segments`; every value has been checked by the caller.
Result<std::string> Substitute(const std::vector<Segment>& segments, const NamespaceId& ns,
                               const TableName& table, const UserId* user) {
  std::string out;
  for (const Segment& seg : segments) {
    if (!out.empty()) out.push_back('/');
    out += seg.before;
    switch (seg.placeholder) {
      case Placeholder::kNamespace: out += ns.str(); break;
      case Placeholder::kTableName: out += table.str(); break;
      case Placeholder::kUserId: out += user->str(); break;
      case Placeholder::kNone: break;
    }
    out += seg.after;
  }
  // Defence in depth: literal text next to a value must not form a segment the backend would
  // refuse (or worse, interpret).
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(out, /*allow_base=*/false));
  return out;
}

Status CheckValue(std::string_view value, std::string_view what) {
  if (IsSafePathComponent(value)) return Status::Ok();
  // The value is not echoed: it may hold bytes (NUL, control characters) unfit for a message.
  return Status::InvalidArgument(std::string(what) +
                                 " cannot be used in a storage path: it must be 1-255 bytes "
                                 "without '/', '\\' or NUL, and must not start with '.'");
}

Status CheckNamespaceAndTable(const NamespaceId& ns, const TableName& table) {
  KALAM_RETURN_IF_ERROR(CheckValue(ns.str(), "Namespace"));
  return CheckValue(table.str(), "Table name");
}

}  // namespace

Result<std::string> NormalizeTemplate(std::string_view tmpl) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(tmpl));
  return Render(segments);
}

Result<std::string> NormalizeUserTemplate(std::string_view tmpl) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(tmpl));
  if (!Holds(segments, Placeholder::kTableName) || !Holds(segments, Placeholder::kUserId)) {
    return Status::InvalidArgument("USER_TABLES_TEMPLATE must contain {tableName} and {userId}");
  }
  return Render(segments);
}

Result<std::string> NormalizeSharedTemplate(std::string_view tmpl) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(tmpl));
  if (!Holds(segments, Placeholder::kTableName)) {
    return Status::InvalidArgument("SHARED_TABLES_TEMPLATE must contain {tableName}");
  }
  if (Holds(segments, Placeholder::kUserId)) {
    return Status::InvalidArgument("SHARED_TABLES_TEMPLATE must not contain {userId}");
  }
  return Render(segments);
}

Result<std::pair<std::string, std::string>> SplitStoragePath(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("storage PATH must not be empty");
  if (path.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("storage PATH must not contain NUL");
  }
  // The first segment holding a brace starts the template; everything before it is the base.
  size_t template_start = std::string_view::npos;
  size_t segment_start = 0;
  while (segment_start <= path.size()) {
    size_t end = path.find('/', segment_start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(segment_start, end - segment_start);
    if (segment.find_first_of("{}") != std::string_view::npos) {
      template_start = segment_start;
      break;
    }
    segment_start = end + 1;
  }

  std::string base(template_start == std::string_view::npos ? path
                                                            : path.substr(0, template_start));
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  if (base.empty()) {
    return Status::InvalidArgument(
        "storage PATH needs a base directory before its first placeholder");
  }
  if (template_start == std::string_view::npos) return std::make_pair(std::move(base), std::string());

  KALAM_ASSIGN_OR_RETURN(std::string tmpl, NormalizeTemplate(path.substr(template_start)));
  return std::make_pair(std::move(base), std::move(tmpl));
}

Result<StorageTemplates> DeriveTemplates(std::string_view tmpl) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(tmpl));

  std::vector<Segment> user = segments;
  if (!Holds(user, Placeholder::kTableName)) {
    auto pos = user.begin();
    while (pos != user.end() && pos->placeholder != Placeholder::kUserId) ++pos;
    user.insert(pos, Only(Placeholder::kTableName));
  }
  if (!Holds(user, Placeholder::kUserId)) user.push_back(Only(Placeholder::kUserId));

  std::vector<Segment> shared;
  for (const Segment& seg : segments) {
    if (seg.placeholder != Placeholder::kUserId) shared.push_back(seg);
  }
  if (!Holds(shared, Placeholder::kTableName)) shared.push_back(Only(Placeholder::kTableName));

  return StorageTemplates{Render(user), Render(shared)};
}

Result<std::string> ResolveTemplate(std::string_view tmpl, const NamespaceId& namespace_id,
                                    const TableName& table_name, const UserId* user) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(tmpl));
  if (!Holds(segments, Placeholder::kTableName)) {
    return Status::InvalidArgument("storage template must contain {tableName}");
  }
  const bool wants_user = Holds(segments, Placeholder::kUserId);
  if (wants_user && user == nullptr) {
    return Status::InvalidArgument("storage template contains {userId} but no user was given");
  }
  if (!wants_user && user != nullptr) {
    return Status::InvalidArgument(
        "storage template has no {userId}: a user's rows would share a directory with others");
  }
  KALAM_RETURN_IF_ERROR(CheckNamespaceAndTable(namespace_id, table_name));
  if (user != nullptr) KALAM_RETURN_IF_ERROR(CheckValue(user->str(), "User id"));
  return Substitute(segments, namespace_id, table_name, user);
}

Result<std::string> ResolveUserTableRoot(std::string_view user_template,
                                         const NamespaceId& namespace_id,
                                         const TableName& table_name) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Segment> segments, ParseTemplate(user_template));
  if (!Holds(segments, Placeholder::kUserId)) {
    return Status::InvalidArgument("USER_TABLES_TEMPLATE must contain {userId}");
  }
  std::vector<Segment> prefix;
  for (const Segment& seg : segments) {
    if (seg.placeholder == Placeholder::kUserId) break;
    prefix.push_back(seg);
  }
  if (!Holds(prefix, Placeholder::kNamespace) || !Holds(prefix, Placeholder::kTableName)) {
    return Status::InvalidArgument(
        "USER_TABLES_TEMPLATE has no per-table directory: {namespace} and {tableName} must "
        "come before {userId}");
  }
  KALAM_RETURN_IF_ERROR(CheckNamespaceAndTable(namespace_id, table_name));
  return Substitute(prefix, namespace_id, table_name, nullptr);
}

}  // namespace kalam::filestore
