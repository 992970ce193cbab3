// Fuzz target: manifest_io/manifest_io.h read_manifests over YAML and JSON streams, and the round trip
// the plugin relies on (render reads objects and writes them as a YAML stream Argo CD reads back):
// when a stream reads without errors, write_yaml_stream of its objects must read again, without
// errors, as the same objects.
//
// What the property leaves out, because manifest_io documents it so:
// - `kind: *List` objects are expanded one level per read; an item that is itself a List would be
//   expanded again by the second read, so inputs whose objects are Lists are not compared.
// The typing rules (manifest_io.h) otherwise make every value the reader produces one the
// writer can write back: strings the reader would retype are quoted, numbers are finite.

#include <cmath>

#include "fuzz_check.h"
#include "manifest_io/manifest_io.h"

namespace {

using haguard::json;

bool is_list(const json& o) {
  auto kind = o.find("kind");
  auto items = o.find("items");
  return kind != o.end() && kind->is_string() && items != o.end() &&
         (items->is_array() || items->is_null()) &&
         std::string_view(kind->get_ref<const std::string&>()).ends_with("List");
}

std::string errors_of(const haguard::ReadResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e.describe() + "\n";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  haguard::ReadResult first = haguard::read_manifests(haguard::fuzz::as_text(data, size), "in.yaml");
  for (const auto& e : first.errors) (void)e.describe();
  if (!first.errors.empty()) return 0;
  std::vector<json> objects;
  for (auto& d : first.documents) {
    FUZZ_CHECK(d.object.is_object(), d.object.dump());
    if (is_list(d.object)) return 0;
    objects.push_back(std::move(d.object));
  }
  const std::string written = haguard::write_yaml_stream(objects);
  haguard::ReadResult second = haguard::read_manifests(written, "out.yaml");
  FUZZ_CHECK(second.errors.empty(), errors_of(second) + "written:\n" + written);
  FUZZ_CHECK(second.documents.size() == objects.size(),
             std::to_string(second.documents.size()) + " != " + std::to_string(objects.size()) +
                 "\nwritten:\n" + written);
  for (std::size_t i = 0; i < objects.size(); ++i)
    FUZZ_CHECK(second.documents[i].object == objects[i],
               "object " + std::to_string(i) + " read: " +
                   objects[i].dump(-1, ' ', false, json::error_handler_t::replace) +
                   "\nread back: " +
                   second.documents[i].object.dump(-1, ' ', false, json::error_handler_t::replace) +
                   "\nwritten:\n" + written);
  return 0;
}
