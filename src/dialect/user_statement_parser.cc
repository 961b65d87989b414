#include "user_statement_parser.h"

#include "kalam/commons/json_text.h"
#include "kalam/commons/names.h"

namespace kalam::dialect {
namespace {

// A quoted string or a bare word (roles and OAuth providers may be written either way).
Result<std::string> ParseWordOrString(Cursor& cur, std::string_view what) {
  const Token& t = cur.Peek();
  if (t.kind == TokenKind::kString || t.kind == TokenKind::kQuotedIdent || t.kind == TokenKind::kWord) {
    std::string text = t.text;
    cur.Next();
    return text;
  }
  return SyntaxError(what, t);
}

Result<std::string> ParseString(Cursor& cur, std::string_view what) {
  const Token& t = cur.Peek();
  if (t.kind != TokenKind::kString) return SyntaxError(what, t);
  std::string text = t.text;
  cur.Next();
  return text;
}

Result<Role> ParseRoleName(Cursor& cur) {
  KALAM_ASSIGN_OR_RETURN(std::string text, ParseWordOrString(cur, "a role"));
  auto role = ParseRole(text);
  if (!role) {
    return Status::InvalidArgument("Invalid role '" + text + "': expected user, service, dba or system");
  }
  return *role;
}


// ROLE r and EMAIL e, in any order, each at most once.
Status ParseRoleAndEmail(Cursor& cur, CreateUserStmt& stmt) {
  bool role_seen = false;
  while (!cur.AtEnd()) {
    if (cur.MatchKeyword("ROLE")) {
      if (role_seen) return Status::InvalidArgument("ROLE given more than once");
      role_seen = true;
      KALAM_ASSIGN_OR_RETURN(stmt.role, ParseRoleName(cur));
    } else if (cur.MatchKeyword("EMAIL")) {
      if (stmt.email) return Status::InvalidArgument("EMAIL given more than once");
      KALAM_ASSIGN_OR_RETURN(std::string email, ParseString(cur, "an email in quotes"));
      stmt.email = std::move(email);
    } else {
      return SyntaxError("ROLE, EMAIL or the end of the statement", cur.Peek());
    }
  }
  return Status::Ok();
}

Result<KalamStatement> ParseCreateUser(Cursor& cur) {
  CreateUserStmt stmt;
  stmt.if_not_exists = cur.MatchKeywords({"IF", "NOT", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(std::string name, ParseUserName(cur));
  stmt.user = UserId(std::move(name));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("WITH"));
  if (cur.MatchKeyword("PASSWORD")) {
    stmt.method = CreateUserStmt::Method::kPassword;
    KALAM_ASSIGN_OR_RETURN(stmt.password, ParseString(cur, "a password in quotes"));
  } else if (cur.MatchKeyword("OAUTH")) {
    stmt.method = CreateUserStmt::Method::kOAuth;
    if (cur.Peek().kind == TokenKind::kString) {
      // The JSON form: '{"provider":"google","subject":"1234"}'; the engine validates it.
      KALAM_ASSIGN_OR_RETURN(stmt.oauth_json, ParseString(cur, "OAuth JSON in quotes"));
    } else {
      KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("PROVIDER"));
      KALAM_ASSIGN_OR_RETURN(std::string provider, ParseWordOrString(cur, "an OAuth provider"));
      KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("SUBJECT"));
      KALAM_ASSIGN_OR_RETURN(std::string subject, ParseString(cur, "an OAuth subject in quotes"));
      stmt.oauth_json = "{\"provider\":" + JsonQuote(provider) + ",\"subject\":" + JsonQuote(subject) + "}";
    }
  } else if (cur.MatchKeyword("INTERNAL")) {
    stmt.method = CreateUserStmt::Method::kInternal;
  } else {
    return SyntaxError("PASSWORD, OAUTH or INTERNAL", cur.Peek());
  }
  KALAM_RETURN_IF_ERROR(ParseRoleAndEmail(cur, stmt));
  return KalamStatement(std::move(stmt));
}

Result<KalamStatement> ParseAlterUser(Cursor& cur) {
  AlterUserStmt stmt;
  KALAM_ASSIGN_OR_RETURN(std::string name, ParseUserName(cur));
  stmt.user = UserId(std::move(name));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("SET"));
  if (cur.MatchKeyword("PASSWORD")) {
    stmt.change = AlterUserStmt::Change::kPassword;
    KALAM_ASSIGN_OR_RETURN(stmt.text, ParseString(cur, "a password in quotes"));
  } else if (cur.MatchKeyword("ROLE")) {
    stmt.change = AlterUserStmt::Change::kRole;
    KALAM_ASSIGN_OR_RETURN(stmt.role, ParseRoleName(cur));
  } else if (cur.MatchKeyword("EMAIL")) {
    stmt.change = AlterUserStmt::Change::kEmail;
    KALAM_ASSIGN_OR_RETURN(stmt.text, ParseString(cur, "an email in quotes"));
  } else {
    return SyntaxError("PASSWORD, ROLE or EMAIL", cur.Peek());
  }
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

Result<KalamStatement> ParseDropUser(Cursor& cur) {
  DropUserStmt stmt;
  stmt.if_exists = cur.MatchKeywords({"IF", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(std::string name, ParseUserName(cur));
  stmt.user = UserId(std::move(name));
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

}  // namespace

Result<std::string> ParseUserName(Cursor& cur) {
  const Token& user = cur.Peek();
  std::string user_id;
  if (user.kind == TokenKind::kString || user.kind == TokenKind::kQuotedIdent) {
    user_id = user.text;  // quoted user ids are kept as written (docs/sql-reference.md)
  } else if (user.kind == TokenKind::kWord || user.kind == TokenKind::kNumber) {
    user_id = ToLower(user.text);
  } else {
    return SyntaxError("a user name", user);
  }
  cur.Next();
  KALAM_RETURN_IF_ERROR(ValidateUserId(user_id));
  return user_id;
}

Result<KalamStatement> ParseUserStatement(Cursor& cur) {
  const Token& verb = cur.Next();
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("USER"));
  if (verb.IsKeyword("CREATE")) return ParseCreateUser(cur);
  if (verb.IsKeyword("ALTER")) return ParseAlterUser(cur);
  return ParseDropUser(cur);
}

}  // namespace kalam::dialect
