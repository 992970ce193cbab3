// Fuzz target: an AdmissionReview body through what the webhook does with it (routes.cc):
// read_review (checked against nlohmann::json::parse: the same bodies refused, the same values but
// for the members it drops), decode_review, handle_admission over the embedded default
// policy for /validate and /mutate in several environments, encode_review and the final dump.
// Nothing may throw (routes answer an exception with 400: a review that should have been judged is
// refused), validating answers never carry a patch, and a mutating patch must apply to the object
// as received. The review read where simdjson parsed it (ReadAs::dom, as the server reads it) must
// be answered as its tree is, on both endpoints.
//
// Seeds are the admission cases (tests/cases/admission/*.json); a review's "haguardCase.parent",
// when present, is used as the /scale parent, as the case runner's kube-apiserver stand-in does.

#include <chrono>
#include <string_view>

#include "fuzz_check.h"
#include "tests/webhook/expected_answer.h"
#include "tests/webhook/expected_review.h"
#include "webhook/admission_handler.h"
#include "webhook/review_reader.h"

namespace {

using haguard::webhook::json;
namespace wh = haguard::webhook;

const haguard::Engine& engine() {
  static const haguard::Engine e{haguard::default_policy()};
  return e;
}

/// The encoded answer.
json run(const wh::AdmissionRequest& request, wh::Endpoint endpoint, std::string_view env,
         const json* parent, bool lookup_failed = false) {
  wh::AdmissionInput in;
  in.endpoint = endpoint;
  in.environment = env;
  in.request = &request;
  in.engine = &engine();
  in.scale_parent = parent;
  in.parent_lookup_configured = parent != nullptr || lookup_failed;
  if (lookup_failed) in.parent_lookup_error = "timed out";
  // Fixed, so a crash replays; the cases' exemptions expire in 2026-12.
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
  wh::AdmissionOutcome out = wh::handle_admission(in, now);
  const std::string text =
      wh::encode_review(request.api_version, request.uid, out.response, out.with_patch);
  FUZZ_CHECK(text == wh::oracle::expected_answer(request.api_version, request.uid, out.response,
                                                 out.with_patch),
             text);
  json body = json::parse(text);

  const json& r = body.at("response");
  FUZZ_CHECK(r.contains("patch") == r.contains("patchType"), r.dump());
  if (endpoint == wh::Endpoint::validate) FUZZ_CHECK(!r.contains("patch"), r.dump());
  if (!r.contains("patch")) return body;
  FUZZ_CHECK(request.operation != "DELETE", r.dump());
  FUZZ_CHECK(request.object.present(), r.dump());
  try {
    (void)request.object.to_json().patch(out.response.patch);
  } catch (const json::exception& e) {
    haguard::fuzz::fail(__FILE__, __LINE__, "the patch applies to the object",
                        std::string(e.what()) + "\npatch: " + out.response.patch.dump());
  }
  return body;
}

/// read_review must agree with nlohmann's parser, which it replaced on the request path.
void check_reader(std::string_view body, const wh::ReadReview& read) {
  json want = wh::oracle::expected_review(body);
  if (want.is_discarded()) {
    FUZZ_CHECK(!read.error.empty(), "nlohmann refuses the body: " + read.review.dump());
    return;
  }
  if (!read.error.empty()) {
    FUZZ_CHECK(read.error.find("levels deep") != std::string::npos, read.error);
    return;
  }
  FUZZ_CHECK(read.review == want,
             "read_review: " + read.review.dump() + "\nnlohmann: " + want.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  wh::ReadReview read = wh::read_review(body);
  check_reader(body, read);
  {
    const wh::ReadReview dom_read = wh::read_review(body, wh::ReadAs::dom);
    FUZZ_CHECK(dom_read.error == read.error, "from the DOM: " + dom_read.error);
  }
  if (!read.error.empty()) return 0;
  json review = std::move(read.review);
  // The case's /scale parent rides beside the review, which read_review does not keep.
  json parent;
  if (body.find("\"haguardCase\"") != std::string_view::npos) {
    const json raw = json::parse(body, nullptr, false);
    if (raw.is_object())
      if (auto c = raw.find("haguardCase");
          c != raw.end() && c->is_object() && c->contains("parent"))
        parent = (*c)["parent"];
  }
  wh::DecodeResult decoded = wh::decode_review(review);
  // Read last: the review lives in the thread's parser until the next read.
  wh::ReadReview dom_read = wh::read_review(body, wh::ReadAs::dom);
  wh::DecodeResult dom_decoded = wh::decode_review(dom_read.root(), dom_read.depth_checked);
  FUZZ_CHECK(dom_decoded.error == decoded.error, "from the DOM: " + dom_decoded.error);
  if (!decoded.request) {
    FUZZ_CHECK(!decoded.error.empty(), "a rejected review says why");
    return 0;
  }
  const json* parent_ptr = parent.is_object() && !parent.empty() ? &parent : nullptr;
  for (wh::Endpoint endpoint : {wh::Endpoint::validate, wh::Endpoint::mutate})
    for (std::string_view env : {"", "production", "staging", "no-such-env"}) {
      const json tree = run(*decoded.request, endpoint, env, parent_ptr);
      const json dom = run(*dom_decoded.request, endpoint, env, parent_ptr);
      FUZZ_CHECK(dom == tree, "from the DOM: " + dom.dump() + "\nfrom the tree: " + tree.dump());
    }
  if (!wh::scale_parent_kind(*decoded.request).empty() && parent_ptr)
    run(*decoded.request, wh::Endpoint::mutate, "production", nullptr, true);
  return 0;
}
