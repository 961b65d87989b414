#include "kalam/auth/auth_service.h"

#include "kalam/auth/base64.h"
#include "kalam/auth/password_hasher.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"

namespace kalam::auth {
namespace {

constexpr std::string_view kInvalid = "Invalid credentials";

AuthError Invalid() { return AuthError{AuthFailure::kInvalidCredentials, std::string(kInvalid)}; }

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

namespace {

AuthSettings WithSecret(AuthSettings settings) {
  // Embedded use without a configured secret: tokens live as long as the process.
  if (settings.jwt_secret.empty()) settings.jwt_secret = GenerateJwtSecret();
  return settings;
}

}  // namespace

AuthService::AuthService(UserRepository& users, AuthSettings settings)
    : users_(users),
      settings_(WithSecret(std::move(settings))),
      cache_(settings_.jwt_secret, settings_.basic_cache_ttl_secs),
      ip_rate_(settings_.max_auth_requests_per_ip_per_sec) {}

const std::string& AuthService::DummyHash() {
  std::call_once(dummy_once_, [this] {
    auto dummy = auth::HashPassword("timing-equaliser", settings_.bcrypt_cost);
    if (dummy.ok()) dummy_hash_ = std::move(dummy).value();
  });
  return dummy_hash_;
}

bool AuthService::Verify(std::string_view password, std::string_view hash) {
  verifications_.fetch_add(1, std::memory_order_relaxed);
  return VerifyPassword(password, hash);
}

std::optional<AuthService::BasicCredential> AuthService::DecodeBasic(std::string_view authorization) {
  std::string_view encoded = authorization.substr(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  auto decoded = Base64Decode(encoded);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredential{std::move(*decoded), colon};
}

namespace {

// A name that cannot belong to any user is refused without bcrypt; the rule is public, so
// the cheap answer tells nothing.
bool PlausibleCredential(std::string_view user, std::string_view password) {
  return !user.empty() && user.size() <= 128 && password.size() <= 256 && ValidateUserId(user).ok();
}

AuthError RateLimited() { return AuthError{AuthFailure::kRateLimited, "Too many authentication attempts"}; }

}  // namespace

std::optional<AuthError> AuthService::Charge(std::string_view user, std::string_view password, PasswordRoute route,
                                             std::string_view peer_ip, int64_t now_us, bool* cached) {
  *cached = route == PasswordRoute::kBasic && cache_.Lookup(user, password, now_us);
  if (*cached || !PlausibleCredential(user, password)) return std::nullopt;
  if (!ip_rate_.Allow(peer_ip, now_us)) return RateLimited();
  return std::nullopt;
}

std::optional<AuthError> AuthService::AdmitHeader(std::string_view authorization, std::string_view peer_ip,
                                                  int64_t now_us, bool* needs_password_check) {
  if (needs_password_check != nullptr) *needs_password_check = false;
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  if (!StartsWithIgnoreCase(authorization, "Basic ")) return std::nullopt;
  auto credential = DecodeBasic(authorization);
  if (!credential) return std::nullopt;
  bool cached = false;
  auto refused = Charge(credential->user(), credential->password(), PasswordRoute::kBasic, peer_ip, now_us, &cached);
  if (needs_password_check != nullptr) *needs_password_check = !cached;
  return refused;
}

std::optional<AuthError> AuthService::AdmitPassword(std::string_view user, std::string_view password,
                                                    PasswordRoute route, std::string_view peer_ip, int64_t now_us) {
  bool cached = false;
  return Charge(user, password, route, peer_ip, now_us, &cached);
}

AuthOutcome AuthService::AuthenticateHeader(std::string_view authorization, std::string_view peer_ip,
                                            int64_t now_us, RateCharge charge) {
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  if (authorization.empty()) return AuthError{AuthFailure::kMissing, "Authentication required"};
  if (StartsWithIgnoreCase(authorization, "Bearer ")) {
    return AuthenticateToken(authorization.substr(7), TokenType::kAccess, now_us);
  }
  if (StartsWithIgnoreCase(authorization, "Basic ")) {
    auto credential = DecodeBasic(authorization);
    if (!credential) return Invalid();
    return AuthenticatePassword(credential->user(), credential->password(), peer_ip, now_us, charge);
  }
  return Invalid();
}

AuthOutcome AuthService::AuthenticatePassword(std::string_view user, std::string_view password,
                                              std::string_view peer_ip, int64_t now_us, RateCharge charge) {
  return VerifyStoredPassword(user, password, peer_ip, now_us, PasswordRoute::kBasic, charge);
}

AuthOutcome AuthService::Login(std::string_view user, std::string_view password, std::string_view peer_ip,
                               int64_t now_us, RateCharge charge) {
  return VerifyStoredPassword(user, password, peer_ip, now_us, PasswordRoute::kLogin, charge);
}

AuthOutcome AuthService::VerifyStoredPassword(std::string_view user, std::string_view password,
                                              std::string_view peer_ip, int64_t now_us, PasswordRoute route,
                                              RateCharge charge) {
  // Counted before anything else is looked at: the rate is what keeps bcrypt affordable.
  bool cached = false;
  if (charge == RateCharge::kCharge) {
    if (auto refused = Charge(user, password, route, peer_ip, now_us, &cached)) return *refused;
  } else {
    cached = route == PasswordRoute::kBasic && cache_.Lookup(user, password, now_us);
  }
  if (!PlausibleCredential(user, password)) return Invalid();
  const bool record_login = route == PasswordRoute::kLogin;
  const UserId id{std::string(user)};
  auto loaded = users_.Get(id);
  // Accounts that cannot log in answer exactly like a wrong password, at the same bcrypt cost,
  // so neither the answer nor its timing tells which ids exist.
  auto refuse_like_a_wrong_password = [&]() -> AuthOutcome {
    Verify(password, DummyHash());
    return Invalid();
  };
  if (!loaded.ok() || !loaded->has_value()) return refuse_like_a_wrong_password();
  UserRecord record = std::move(**loaded);
  if (record.deleted() || record.auth_type == AuthType::kOAuth) return refuse_like_a_wrong_password();
  if (record.password_hash.empty()) {
    if (record_login && record.id.str() == kRootUser) {
      return AuthError{AuthFailure::kSetupRequired, "Server setup required: root has no password"};
    }
    return refuse_like_a_wrong_password();
  }
  const Identity identity{record.id, record.role, record.email, record.credentials_changed_at_us};
  auto locked_answer = [&]() -> AuthOutcome {
    return AuthError{AuthFailure::kAccountLocked, AccountLockedMessage(MinutesLeft(record, now_us))};
  };
  // The cache vouches only for the password: a lock set since then still applies.
  if (cached) return IsLocked(record, now_us) ? locked_answer() : identity;
  const uint64_t epoch = cache_.epoch();
  const bool verified = Verify(password, record.password_hash);
  std::lock_guard lock(user_update_mu_);
  // Re-read: the counters may have moved while bcrypt ran.
  auto fresh = users_.Get(id);
  if (fresh.ok() && fresh->has_value()) record = std::move(**fresh);
  if (IsLocked(record, now_us)) {
    // Only someone who knows the password learns that the account is locked; failures while
    // locked neither count nor extend the lock.
    return verified ? locked_answer() : Invalid();
  }
  if (!verified) {
    const LockoutDecision decision = OnFailure(record, now_us, settings_.max_failed_logins, settings_.lockout_minutes);
    record.failed_login_attempts = decision.failed_login_attempts;
    record.locked_until_us = decision.locked_until_us;
    (void)users_.Put(record);
    return Invalid();
  }
  if (record.failed_login_attempts != 0 || record.locked_until_us != 0 || record_login) {
    record.failed_login_attempts = 0;
    record.locked_until_us = 0;
    if (record_login) record.last_login_at_us = now_us;
    (void)users_.Put(record);
  }
  if (route == PasswordRoute::kBasic) cache_.Remember(user, password, now_us, epoch);
  return identity;
}

AuthOutcome AuthService::AuthenticateToken(std::string_view token, TokenType expected, int64_t now_us) {
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  JwtVerifyResult verified = VerifyJwt(token, settings_.jwt_secret, now_us / 1'000'000, expected);
  if (!verified.ok()) {
    if (verified.error() == JwtError::kExpired) return AuthError{AuthFailure::kTokenExpired, "Token expired"};
    return Invalid();
  }
  return CheckUserForToken(verified.claims());
}

AuthOutcome AuthService::CheckUserForToken(const JwtClaims& claims) const {
  if (!ValidateUserId(claims.sub).ok()) return Invalid();
  auto loaded = users_.Get(UserId(claims.sub));
  if (!loaded.ok() || !loaded->has_value()) return Invalid();
  const UserRecord& record = **loaded;
  if (record.deleted() || RoleName(record.role) != claims.role) return Invalid();
  // Stale: issued before the last credential change. Our tokens name the change they were
  // issued after (exact, whatever the clock); others are compared by `iat` in whole seconds.
  if (claims.credentials_changed_at_us) {
    if (*claims.credentials_changed_at_us != record.credentials_changed_at_us) return Invalid();
  } else if (claims.iat < record.credentials_changed_at_us / 1'000'000) {
    return Invalid();
  }
  return Identity{record.id, record.role, record.email, record.credentials_changed_at_us};
}

Result<TokenPair> AuthService::IssueTokens(const Identity& identity, int64_t now_us) const {
  const int64_t now_s = now_us / 1'000'000;
  JwtClaims claims;
  claims.sub = identity.user.str();
  claims.role = std::string(RoleName(identity.role));
  claims.email = identity.email;
  claims.iat = now_s;
  claims.credentials_changed_at_us = identity.credentials_changed_at_us;
  TokenPair pair;
  claims.exp = pair.access_expires_at_s = now_s + settings_.jwt_expiry_hours * 3600;
  claims.token_type = TokenType::kAccess;
  pair.access_token = SignJwt(claims, settings_.jwt_secret);
  claims.exp = pair.refresh_expires_at_s = now_s + settings_.jwt_expiry_hours * 3600 * 7;
  claims.token_type = TokenType::kRefresh;
  pair.refresh_token = SignJwt(claims, settings_.jwt_secret);
  return pair;
}

void AuthService::ForgetUser(const UserId& user) { cache_.ForgetUser(user.str()); }

Result<std::string> AuthService::HashPassword(std::string_view password) const {
  return auth::HashPassword(password, settings_.bcrypt_cost);
}

Status AuthService::ApplyRootPassword(std::string_view password) {
  const UserId root{std::string(kRootUser)};
  std::lock_guard lock(user_update_mu_);
  KALAM_ASSIGN_OR_RETURN(auto loaded, users_.Get(root));
  if (!loaded) return Status::Internal("root user missing");
  UserRecord record = std::move(*loaded);
  if (!record.password_hash.empty() && Verify(password, record.password_hash)) return Status::Ok();
  // Rotating root's password is a credential change; the first password is not.
  const bool rotated = !record.password_hash.empty();
  KALAM_ASSIGN_OR_RETURN(record.password_hash, auth::HashPassword(password, settings_.bcrypt_cost));
  record.updated_at_us = NowMicros();
  if (rotated) record.credentials_changed_at_us = record.updated_at_us;
  KALAM_RETURN_IF_ERROR(users_.Put(record));
  cache_.ForgetUser(root.str());
  return Status::Ok();
}

Result<UserRecord> AuthService::CompleteSetup(const UserId& admin, std::string_view admin_password,
                                              std::optional<std::string> email, std::string_view root_password,
                                              int64_t now_us) {
  // bcrypt runs before the lock so that logins are not held up by it.
  KALAM_ASSIGN_OR_RETURN(std::string root_hash, auth::HashPassword(root_password, settings_.bcrypt_cost));
  KALAM_ASSIGN_OR_RETURN(std::string admin_hash, auth::HashPassword(admin_password, settings_.bcrypt_cost));
  std::lock_guard lock(user_update_mu_);
  const UserId root_id{std::string(kRootUser)};
  KALAM_ASSIGN_OR_RETURN(auto root, users_.Get(root_id));
  if (!root) return Status::Internal("root user missing");
  if (!root->password_hash.empty()) return Status::InvalidOperation("Server is already configured");
  KALAM_ASSIGN_OR_RETURN(auto existing, users_.Get(admin));
  if (existing && !existing->deleted()) return Status::AlreadyExists("User '" + admin.str() + "' already exists");

  // Root's first password is not a credential change (no token of root can exist yet).
  root->password_hash = std::move(root_hash);
  root->updated_at_us = now_us;
  KALAM_RETURN_IF_ERROR(users_.Put(*root));

  UserRecord record;
  record.id = admin;
  record.password_hash = std::move(admin_hash);
  record.role = Role::kDba;
  record.email = std::move(email);
  record.auth_type = AuthType::kPassword;
  record.created_at_us = record.updated_at_us = record.credentials_changed_at_us = now_us;
  KALAM_RETURN_IF_ERROR(users_.Put(record));
  cache_.ForgetUser(root_id.str());
  cache_.ForgetUser(admin.str());
  return record;
}

Result<std::optional<UserRecord>> AuthService::FindUser(const UserId& user) const { return users_.Get(user); }

Result<bool> AuthService::RootHasPassword() const {
  KALAM_ASSIGN_OR_RETURN(auto loaded, users_.Get(UserId(std::string(kRootUser))));
  return loaded.has_value() && !loaded->password_hash.empty();
}

}  // namespace kalam::auth
