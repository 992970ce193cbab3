// List expansion and the checks every read document goes through (documents.h).

#include "manifest_io/documents.h"

namespace haguard::manifest_io {

std::string too_deep_message() {
  return "nested more than " + std::to_string(kMaxDepth) + " levels deep";
}

void add_document(json&& doc, int line, const std::vector<int>& item_lines, std::size_t index,
                  std::string_view file, const SourceSpan& span, std::string_view items_pointer,
                  const ReadOptions& options, ReadResult& out) {
  if (doc.is_null()) return;  // empty document
  auto error = [&](int l, std::string msg) {
    out.errors.push_back(ManifestError{std::string(file), index, l, std::move(msg)});
  };
  if (!doc.is_object()) {
    error(line, std::string("document is not a mapping (found ") + doc.type_name() + ")");
    return;
  }
  auto kind = doc.find("kind");
  auto items = doc.find("items");
  bool is_list = options.expand_lists && kind != doc.end() && kind->is_string() &&
                 items != doc.end() && (items->is_array() || items->is_null()) &&
                 std::string_view(kind->get_ref<const std::string&>()).ends_with("List");
  if (!is_list) {
    out.documents.push_back(Document{std::string(file), index, line, std::move(doc), span});
    return;
  }
  if (items->is_null()) return;
  std::size_t i = 0;
  for (json& item : *items) {
    int item_line = i < item_lines.size() ? item_lines[i] : line;
    if (item.is_object()) {
      SourceSpan item_span = span;
      item_span.prefix = std::string(items_pointer) + '/' + std::to_string(i);
      out.documents.push_back(
          Document{std::string(file), index, item_line, std::move(item), std::move(item_span)});
    } else if (!item.is_null())
      error(item_line, "List item " + std::to_string(i) + " is not a mapping (found " +
                           item.type_name() + ")");
    ++i;
  }
}

}  // namespace haguard::manifest_io
