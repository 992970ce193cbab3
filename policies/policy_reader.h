#pragma once
// Strict reading of HAPolicy YAML: every wrong type, unknown key or bad value throws an error
// that names the source, line, column and key path ("p.yaml:8:20: spec.rules.probes.enforcement:
// unknown enforcement ..."). The loader reads the policy with it; each rule reads its own
// `parameters` with it.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "policies/outcome.h"

namespace haguard {

/// Thrown by PolicyReader; what() is the whole "<source>:<line>:<col>: <path>: <problem>" line.
struct PolicyLoadFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Reads values out of the policy's YAML nodes. `path` arguments are the key path of the node
/// ("spec.rules.min-replicas.parameters.minimum"), said in errors.
class PolicyReader {
 public:
  explicit PolicyReader(std::string_view source) : source_(source) {}

  /// Throws the error for the node `at`: its line and column, the key path and the problem.
  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& what) const;

  void expect_map(const YAML::Node& n, const std::string& path) const;
  /// Requires a mapping and rejects keys not in `allowed`.
  void only_keys(const YAML::Node& n, const std::string& path,
                 std::initializer_list<std::string_view> allowed) const;

  /// Any scalar, empty included.
  std::string scalar(const YAML::Node& n, const std::string& path) const;
  /// A non-empty scalar.
  std::string string(const YAML::Node& n, const std::string& path) const;
  bool boolean(const YAML::Node& n, const std::string& path) const;
  std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                       std::int64_t max) const;
  /// A list of non-empty strings.
  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) const;
  Enforcement enforcement(const YAML::Node& n, const std::string& path) const;
  /// A Go duration as Kubernetes writes them ("720h", "1h30m", "90s"); "0" is zero.
  std::chrono::seconds duration(const YAML::Node& n, const std::string& path) const;
  /// A "group/Kind" reference to a resource, like apps/Deployment or postgresql.cnpg.io/Cluster.
  std::string group_kind(const YAML::Node& n, const std::string& path) const;

  /// `path` + "." + `key` ("" + key at the top).
  static std::string join(const std::string& path, const std::string& key);
  /// `path` + "[i]".
  static std::string at(const std::string& path, std::size_t i);

 private:
  std::string_view source_;
};

}  // namespace haguard
