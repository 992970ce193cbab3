#pragma once
// Reads an AdmissionReview body into the JSON the webhook judges. simdjson parses and validates
// the text (nlohmann's own parser took a fifth of the CPU of a small review and half of a 1 MiB
// one); a nlohmann::json tree of it, when one is made, holds only what the webhook reads:
// - of the review, apiVersion, kind and request; of the request, what decode_review reads (uid,
//   kind, resource, subResource, operation, namespace, name, userInfo's username and groups,
//   dryRun, object, oldObject). requestKind, requestResource, options, userInfo.extra and the
//   like were a tenth of the values of a small review, and nothing read them.
// - request.oldObject keeps nothing but its metadata: the engine reads the old annotations
//   (exemption changes), the handler the old deletionTimestamp and name, and an UPDATE's
//   oldObject is as large as its object.
// - neither object keeps metadata.managedFields, often a third of a real object: no rule reads
//   it, no fix writes it, so a patch computed without it applies to the object with it.
// With ReadAs::dom, what the server asks for, no tree is built at all: the review is decoded and
// judged where simdjson parsed it (building and freeing a nlohmann tree of it was ~40% of the CPU
// of a small review), and the engine reads the object into a tree only to fix it. One walk of
// the DOM counts and bounds every value, what the tree leaves out too, so both reads refuse alike.

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policies/json_node.h"

namespace haguard::webhook {

/// JSON values a review body may hold, counted whether kept or not. Each costs 16 bytes
/// to ~100 (an object member with its key) in the tree the webhook judges: the bound keeps one
/// review under ~50 MiB however its bytes are spent (16 MiB of `[0,0,...]` would be 8M values and
/// ~350 MiB). Real workload objects hold ~40 values per KiB (the 1 MiB benchmark review: 28k),
/// and kube-apiserver refuses objects over ~3 MiB.
inline constexpr std::size_t kMaxReviewValues = 500'000;

struct ReadReview {
  nlohmann::json review;  ///< the tree, unless `dom` is set; discarded when `error` is set
  std::string error;      ///< why the body is not JSON a review can be read from (HTTP 400)
  /// Nothing kept nests deeper than kMaxReviewDepth: decode_review need not walk it again.
  bool depth_checked = false;
  /// With ReadAs::dom: the review where simdjson parsed it. Valid while this ReadReview lives
  /// and, for a body up to 64 KiB (parsed by the thread's parser), until the next read_review on
  /// this thread.
  haguard::JsonNode dom;
  std::shared_ptr<const void> keep;  ///< the parser of a larger body, when `dom` is in it

  /// What decode_review reads: the DOM when there is one, else the tree.
  haguard::JsonNode root() const { return dom ? dom : haguard::JsonNode(review); }
};

/// How read_review gives the review: as a nlohmann tree, or left in the DOM simdjson parsed.
/// A review in which an object repeats a key is always read into the tree, which keeps the last
/// value as nlohmann's parser does (a DOM finds the first).
enum class ReadAs { tree, dom };

/// Parses `body`. Accepts exactly the JSON nlohmann::json::parse accepts, and gives the same
/// values, but for the members dropped above, arrays and objects kept that nest more than
/// kMaxReviewDepth levels deep (refused with too_deep_error(), as decode_review would; the parser
/// refuses a dropped member one level deeper), and bodies of more than kMaxReviewValues values
/// (refused, HTTP 400).
ReadReview read_review(std::string_view body, ReadAs read_as = ReadAs::tree);

/// Makes `read`'s DOM outlive the next read_review on this thread, for a review finished on
/// another thread: a DOM in the thread's parser takes that parser along (the thread makes a new
/// one when it next reads). Call it on the thread that read the review.
void keep_beyond_thread(ReadReview& read);

/// Why a review of more than kMaxReviewValues values is refused.
std::string too_many_values_error();

}  // namespace haguard::webhook
