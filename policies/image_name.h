#pragma once
#include <string>
#include <string_view>

namespace haguard {

/// The base name of a container image reference: the last path component without tag or digest.
/// "docker.io/library/postgres:16" -> "postgres"; "reg:5000/bitnami/redis@sha256:..." -> "redis".
std::string image_base_name(std::string_view image);

}  // namespace haguard
