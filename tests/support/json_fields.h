#pragma once

#include <string>

namespace kalam::testing {

// The string value of the first `"key":"..."` in a JSON text (escapes kept as written), or
// empty when there is none. Enough for asserting on the flat bodies of the auth routes.
inline std::string JsonString(const std::string& body, const std::string& key) {
  const std::string marker = "\"" + key + "\":\"";
  const size_t at = body.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  size_t end = start;
  while (end < body.size() && body[end] != '"') end += body[end] == '\\' ? 2 : 1;
  return body.substr(start, end - start);
}

// Whether a Set-Cookie header value ("name=value; attributes") sets cookie `name`; if so, its
// value goes to `*value`.
inline bool CookieValue(const std::string& set_cookie, const std::string& name, std::string* value) {
  if (set_cookie.rfind(name + "=", 0) != 0) return false;
  const size_t end = set_cookie.find(';');
  *value = set_cookie.substr(name.size() + 1, end == std::string::npos ? std::string::npos : end - name.size() - 1);
  return true;
}

}  // namespace kalam::testing
