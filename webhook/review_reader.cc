#include "webhook/review_reader.h"

#include <algorithm>
#include <array>
#include <vector>

#include <simdjson.h>

#include "webhook/admission_review.h"

namespace haguard::webhook {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// Where in the review a value sits, as far as pruning cares.
enum class At { root, request, user_info, object, old_object, metadata, elsewhere, dropped };

/// The members kept of the review, its request and request.userInfo: what decode_review reads.
/// The rest of the envelope (requestKind, requestResource, options, userInfo.extra, ...) is a
/// tenth of a small review's values, and nothing reads it.
bool kept_member(At at, std::string_view key) {
  switch (at) {
    case At::root:
      return key == "apiVersion" || key == "kind" || key == "request";
    case At::request:
      return key == "uid" || key == "kind" || key == "resource" || key == "subResource" ||
             key == "operation" || key == "namespace" || key == "name" || key == "userInfo" ||
             key == "dryRun" || key == "object" || key == "oldObject";
    case At::user_info:
      return key == "username" || key == "groups";
    default:
      return true;
  }
}

/// Where the member `key` of a value at `at` sits; At::dropped for what the tree leaves out.
At member_at(At at, std::string_view key) {
  if (!kept_member(at, key)) return At::dropped;
  if (at == At::root && key == "request") return At::request;
  if (at == At::request && key == "userInfo") return At::user_info;
  if (at == At::request && key == "object") return At::object;
  if (at == At::request && key == "oldObject") return At::old_object;
  if ((at == At::object || at == At::old_object) && key == "metadata") return At::metadata;
  if (at == At::old_object || (at == At::metadata && key == "managedFields")) return At::dropped;
  return At::elsewhere;
}

/// Bodies up to this size are parsed by the thread's parser, which keeps its buffers; larger ones
/// by a parser of their own, so that one large review does not pin megabytes per thread.
constexpr std::size_t kKeptParserBytes = 64 * 1024;

/// simdjson refuses deeper documents itself, which bounds the recursion below; decode_review
/// refuses anything deeper than kMaxReviewDepth.
constexpr std::size_t kParserMaxDepth = kMaxReviewDepth + 1;

/// Thrown when a review holds more than kMaxReviewValues values; caught in read_review.
struct TooManyValues {};
/// Thrown when what is kept nests deeper than kMaxReviewDepth; caught in read_review.
struct TooDeep {};

/// Counts values against kMaxReviewValues.
class ValueBudget {
 public:
  void take() {
    if (left_ == 0) throw TooManyValues{};
    --left_;
  }

 private:
  std::size_t left_ = kMaxReviewValues;
};

/// The keys of one object, to find a repeated one: compared pairwise on the stack for the small
/// objects workloads are made of, sorted beyond.
class KeySeen {
 public:
  /// False when `key` was added before (up to kPairwise keys; see repeated()).
  bool add(std::string_view key) {
    if (n_ < kPairwise) {
      for (std::size_t i = 0; i < n_; ++i)
        if (few_[i] == key) return false;
      few_[n_++] = key;
      return true;
    }
    if (many_.empty()) many_.assign(few_.begin(), few_.end());
    many_.push_back(key);
    return true;
  }
  /// Whether a key beyond the first kPairwise repeats one.
  bool repeated() {
    if (many_.empty()) return false;
    std::sort(many_.begin(), many_.end());
    return std::adjacent_find(many_.begin(), many_.end()) != many_.end();
  }

 private:
  static constexpr std::size_t kPairwise = 16;
  std::array<std::string_view, kPairwise> few_;
  std::size_t n_ = 0;
  std::vector<std::string_view> many_;
};

/// Counts the values of a member that is not kept.
void count_values(element e, ValueBudget& budget) {
  budget.take();
  if (e.type() == element_type::OBJECT) {
    const simdjson::dom::object object = e.get_object().value_unsafe();
    for (auto field : object) count_values(field.value, budget);
  } else if (e.type() == element_type::ARRAY) {
    const simdjson::dom::array array = e.get_array().value_unsafe();
    for (element item : array) count_values(item, budget);
  }
}

/// Counts the values of `e` (at `at`, `depth` levels down; the review is 1) against the budget
/// and bounds the depth of what the review keeps (TooManyValues, TooDeep), so that nothing after
/// it walks the review again. Sets `repeated_key` when an object to be kept repeats a key, which
/// a DOM (the first) and nlohmann's tree (the last) would read differently.
void walk(element e, At at, ValueBudget& budget, std::size_t depth, bool& repeated_key) {
  budget.take();
  if (e.type() == element_type::OBJECT) {
    if (depth > kMaxReviewDepth) throw TooDeep{};
    // Not a temporary: value_unsafe() of a temporary result dangles in a range-for.
    const simdjson::dom::object object = e.get_object().value_unsafe();
    KeySeen seen;
    for (auto field : object) {
      if (!seen.add(field.key)) repeated_key = true;
      const At child = member_at(at, field.key);
      if (child == At::dropped)
        count_values(field.value, budget);
      else
        walk(field.value, child, budget, depth + 1, repeated_key);
    }
    if (seen.repeated()) repeated_key = true;
  } else if (e.type() == element_type::ARRAY) {
    if (depth > kMaxReviewDepth) throw TooDeep{};
    const simdjson::dom::array array = e.get_array().value_unsafe();
    for (element item : array) walk(item, At::elsewhere, budget, depth + 1, repeated_key);
  }
}

/// `parent[key]` when `parent` is an object holding an object there; else null.
json* object_member(json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(key);
  return it != parent.end() && it->is_object() ? &*it : nullptr;
}

/// Drops metadata.managedFields of `object` (an object's or oldObject's).
void drop_managed_fields(json* object) {
  if (json* metadata = object ? object_member(*object, "metadata") : nullptr)
    metadata->erase("managedFields");
}

/// Erases the members of `object` that kept_member does not keep at `at`.
void drop_unread(json* object, At at) {
  if (object == nullptr) return;
  for (auto it = object->begin(); it != object->end();)
    it = kept_member(at, it.key()) ? std::next(it) : object->erase(it);
}

/// Drops from a review read into a tree what walk() treats as dropped (At::dropped).
void prune(json& review) {
  if (review.is_object()) drop_unread(&review, At::root);
  json* request = object_member(review, "request");
  if (!request) return;
  drop_unread(request, At::request);
  drop_unread(object_member(*request, "userInfo"), At::user_info);
  drop_managed_fields(object_member(*request, "object"));
  json* old = object_member(*request, "oldObject");
  if (!old) return;
  for (auto it = old->begin(); it != old->end();) {
    if (it.key() == "metadata")
      ++it;
    else
      it = old->erase(it);
  }
  drop_managed_fields(old);
}

/// The thread's parser for small bodies. Held by a shared pointer so that keep_beyond_thread can
/// hand it to a review that leaves the thread.
std::shared_ptr<simdjson::dom::parser>& thread_parser() {
  thread_local std::shared_ptr<simdjson::dom::parser> parser;
  if (!parser) {
    parser = std::make_shared<simdjson::dom::parser>();
    // Sized once; should it fail, parse() allocates what it needs.
    const bool sized = parser->allocate(kKeptParserBytes, kParserMaxDepth) == simdjson::SUCCESS;
    (void)sized;
  }
  return parser;
}

}  // namespace

std::string too_many_values_error() {
  return "the review holds more than " + std::to_string(kMaxReviewValues) +
         " JSON values; no workload object is that large";
}

void keep_beyond_thread(ReadReview& read) {
  if (read.dom && !read.keep) read.keep = std::move(thread_parser());
}

ReadReview read_review(std::string_view body, ReadAs read_as) {
  ReadReview out;
  std::shared_ptr<simdjson::dom::parser> own;
  simdjson::dom::parser* parser = thread_parser().get();
  if (body.size() > kKeptParserBytes) {
    own = std::make_shared<simdjson::dom::parser>();
    if (own->allocate(body.size(), kParserMaxDepth) != simdjson::SUCCESS) {
      out.error = "the body is too large to read";
      return out;
    }
    parser = own.get();
  }
  element root;
  const simdjson::error_code error = parser->parse(body.data(), body.size(), true).get(root);
  if (error == simdjson::SUCCESS) {
    try {
      out.depth_checked = true;
      ValueBudget budget;
      bool repeated_key = false;
      walk(root, At::root, budget, 1, repeated_key);
      if (read_as == ReadAs::dom && !repeated_key) {
        out.dom = JsonNode::dom(root);
        out.keep = std::move(own);
        return out;
      }
      out.review = JsonNode::dom(root).to_json();  // a repeated key keeps its last value
      prune(out.review);
    } catch (const TooManyValues&) {
      out.error = too_many_values_error();
    } catch (const TooDeep&) {
      out.error = too_deep_error();
    }
    return out;
  }
  if (error == simdjson::DEPTH_ERROR) {
    out.error = too_deep_error();
    return out;
  }
  if (error == simdjson::MEMALLOC) {
    out.error = "the body is too large to read";
    return out;
  }
  // simdjson refuses a little that nlohmann accepts (integers beyond 64 bits, which nlohmann reads
  // as doubles): nlohmann decides what is JSON, so a body is refused exactly when it would be.
  // The same bound on values, counted as nlohmann's parser makes them.
  ValueBudget budget;
  const json::parser_callback_t count = [&budget](int, json::parse_event_t event, json&) {
    if (event == json::parse_event_t::value || event == json::parse_event_t::object_start ||
        event == json::parse_event_t::array_start)
      budget.take();
    return true;
  };
  try {
    out.review = json::parse(body, count, false);
  } catch (const TooManyValues&) {
    out.review = json();
    out.error = too_many_values_error();
    return out;
  }
  if (out.review.is_discarded()) {
    out.error = "the body is not valid JSON";
    return out;
  }
  prune(out.review);
  return out;
}

}  // namespace haguard::webhook
