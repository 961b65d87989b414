#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kalam::auth {

// Base64 of RFC 4648: the standard alphabet with `=` padding (§4, used by HTTP Basic) and the
// URL-safe alphabet without padding (§5, used by JWT). Decoders are strict and return
// std::nullopt for any character outside the alphabet (whitespace included), a bad length, bad
// padding, or non-zero unused bits in the last character, so every byte string has exactly one
// accepted encoding. Pure functions; thread-safe.

std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view data);
// Padding (`=`) is rejected.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace kalam::auth
