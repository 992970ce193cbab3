// Input naming and reading for `haguard check`. Names are computed lexically first (no file system
// access, symlinks inside the tree kept as written); a path that leaves the root lexically is tried
// again with symlinks resolved, for a root or a path written through a symlinked directory.

#include "plugin/check_inputs.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/file_reading.h"

namespace haguard::plugin {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

/// `path` relative to `root` when inside it, else empty.
fs::path inside(const fs::path& path, const fs::path& root) {
  fs::path rel = path.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return {};
  return rel;
}

bool is_manifest_file(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

InputNamer::InputNamer(const fs::path& root) : root_(absolute_normal(root)) {}

std::string InputNamer::name(const std::string& path) const {
  if (path == kStdinName) return std::string(kStdinName);
  const fs::path abs = absolute_normal(path);
  fs::path rel = inside(abs, root_);
  if (rel.empty()) {
    std::error_code ec1, ec2;
    const fs::path real = fs::weakly_canonical(abs, ec1),
                   real_root = fs::weakly_canonical(root_, ec2);
    if (!ec1 && !ec2) rel = inside(real, real_root);
  }
  if (rel.empty() || rel == ".") return abs.generic_string();
  std::string name = rel.generic_string();
  if (name.ends_with('/')) name.pop_back();  // "dir/" (lexically_normal keeps a trailing slash)
  return name == kStdinName ? "./" + name : name;
}

CheckInputs expand_inputs(const std::vector<std::string>& args, const InputNamer& namer) {
  CheckInputs out;
  std::map<std::string, std::size_t> seen;  // name -> index in out.files
  auto add = [&](const std::string& path, std::string name, std::vector<std::size_t>& mine) {
    auto [it, fresh] = seen.emplace(name, out.files.size());
    if (fresh) out.files.push_back(InputFile{path, std::move(name), {}, false});
    mine.push_back(it->second);
  };
  for (const std::string& arg : args) {
    out.arguments.push_back(namer.name(arg));
    std::vector<std::size_t>& mine = out.argument_files.emplace_back();
    std::error_code ec;
    if (arg == kStdinName || !fs::is_directory(arg, ec)) {
      add(arg, out.arguments.back(), mine);
      continue;
    }
    std::vector<std::pair<std::string, std::string>> found;  // name, path
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_regular_file(type_ec) && is_manifest_file(it->path()))
        found.emplace_back(namer.name(it->path().string()), it->path().string());
    }
    if (ec)
      out.errors.push_back(
          ManifestError{out.arguments.back(), 0, 0, "cannot walk directory: " + ec.message()});
    std::sort(found.begin(), found.end());
    for (auto& [name, path] : found) add(path, std::move(name), mine);
  }
  return out;
}

void read_inputs(CheckInputs& inputs) {
  for (InputFile& f : inputs.files) {
    std::string error;
    std::optional<std::string> text =
        f.path == kStdinName ? read_stream(stdin, &error) : read_file(f.path, &error);
    if (text) {
      f.text = std::move(*text);
    } else {
      f.unreadable = true;
      inputs.errors.push_back(ManifestError{f.name, 0, 0, error});
    }
  }
}

}  // namespace haguard::plugin
