#pragma once
// Small text helpers for what kube-apiserver accepts: warning strings, audit annotation keys,
// DNS-1123 labels, base64, JSON strings.

#include <optional>
#include <string>
#include <string_view>

namespace haguard::webhook {

inline constexpr std::size_t kMaxWarningBytes = 120;
inline constexpr std::size_t kMaxAuditKeyBytes = 63;

/// A warning kube-apiserver keeps: valid UTF-8 (bad bytes become '?'), control characters become
/// spaces, runs of spaces collapse, at most 120 bytes (so 120 characters), cut at a character
/// boundary with "..." when longer.
std::string sanitize_warning(std::string_view s);

/// Whether `s` is a warning kube-apiserver keeps (the checks sanitize_warning guarantees).
bool is_valid_warning(std::string_view s);

/// An audit annotation key: lowercase letters, digits, '-', '_' and '.', starts and ends
/// alphanumeric, at most 63 characters, never '/'. Returns "" when nothing usable remains.
std::string sanitize_audit_key(std::string_view s);
bool is_valid_audit_key(std::string_view s);

/// RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool is_dns1123_label(std::string_view s);

/// Appends `s` as a JSON string, byte for byte as nlohmann's dump writes it with invalid UTF-8
/// replaced by U+FFFD; for the rare strings that need escaping, nlohmann writes it.
void append_json_string(std::string& out, std::string_view s);

/// Standard base64 with padding (OpenSSL's EVP_EncodeBlock).
std::string base64_encode(std::string_view data);
/// Decodes standard base64 with its padding, as Go's base64.StdEncoding (whitespace ignored);
/// nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace haguard::webhook
