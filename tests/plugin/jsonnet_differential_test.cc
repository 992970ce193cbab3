// haguard's jsonnet evaluation against go-jsonnet (Argo CD's and Tanka's engine), program by
// program: every file in tests/jsonnet_reference/corpus/ must render byte for byte as the
// reference `jsonnet` renders it; those named *error* must fail in both. Files in exceptions/ are
// the documented differences: their first line, `// haguard-error: TEXT`, is what haguard's error
// must say, and go-jsonnet must succeed on them (else the exception is stale).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "plugin/jsonnet_eval.h"
#include "tests/plugin/render_harness.h"

namespace fs = std::filesystem;
using haguard::plugin::evaluate_jsonnet;
using haguard::plugin::JsonnetInputs;
using haguard::plugin::JsonnetLimits;

namespace {

const std::string kReference = HAGUARD_JSONNET_REFERENCE;
const std::string kTankaReference = HAGUARD_TANKA_REFERENCE;
const fs::path kDir = fs::path(HAGUARD_SOURCE_DIR) / "tests/jsonnet_reference";

std::vector<std::string> programs(const std::string& sub) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kDir / sub))
    if (e.path().extension() == ".jsonnet") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

haguard::test::ProcResult reference(const fs::path& dir, const std::string& file,
                                    const std::string& binary = kReference) {
  return haguard::test::run_process({binary, file}, {"PATH=/usr/bin:/bin"}, dir.string());
}

haguard::plugin::JsonnetResult haguard_eval(const fs::path& dir, const std::string& file) {
  JsonnetInputs in;
  in.root = dir.string();
  in.work_dir = dir.string();
  JsonnetLimits limits;
  limits.timeout = std::chrono::milliseconds(60'000);
  auto run = evaluate_jsonnet({file}, in, limits);
  EXPECT_EQ(run.failure, "") << file;
  return run.results.at(0);
}

std::string name_of(const testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class Corpus : public testing::TestWithParam<std::string> {};

TEST_P(Corpus, RendersAsGoJsonnet) {
  ASSERT_TRUE(fs::exists(kReference)) << "go-jsonnet reference missing: " << kReference;
  const fs::path dir = kDir / "corpus";
  std::string file = GetParam() + ".jsonnet";
  auto want = reference(dir, file);
  auto got = haguard_eval(dir, file);
  // A program named *error* is one go-jsonnet refuses; every other one it must render, so that a
  // typo in the corpus cannot pass as "both fail".
  bool expect_error = GetParam().find("error") != std::string::npos;
  ASSERT_EQ(want.exit_code != 0, expect_error)
      << file << ": go-jsonnet " << (expect_error ? "renders it" : "fails: " + want.err);
  if (want.exit_code != 0) {
    EXPECT_FALSE(got.ok) << file << ": go-jsonnet fails (" << want.err << ") but haguard renders:\n"
                         << got.output;
    if (GetParam().rfind("parse_yaml_error", 0) == 0) {
      EXPECT_NE(got.error.find("std.parseYaml: failed to parse YAML: "), std::string::npos)
          << file << ": " << got.error;
    }
    return;
  }
  ASSERT_TRUE(got.ok) << file << ": haguard fails: " << got.error;
  EXPECT_EQ(got.output, want.out) << file;
}

INSTANTIATE_TEST_SUITE_P(Jsonnet, Corpus, testing::ValuesIn(programs("corpus")), name_of);

class Exceptions : public testing::TestWithParam<std::string> {};

TEST_P(Exceptions, FailWithTheDocumentedMessage) {
  ASSERT_TRUE(fs::exists(kReference)) << "go-jsonnet reference missing: " << kReference;
  const fs::path dir = kDir / "exceptions";
  std::string file = GetParam() + ".jsonnet";
  std::ifstream f(dir / file);
  std::string first;
  std::getline(f, first);
  const std::string tag = "// haguard-error: ";
  ASSERT_EQ(first.rfind(tag, 0), 0u) << file << " must start with " << tag;
  auto want = reference(dir, file);
  EXPECT_EQ(want.exit_code, 0) << file
                               << ": go-jsonnet fails too, the exception is stale: " << want.err;
  auto got = haguard_eval(dir, file);
  ASSERT_FALSE(got.ok) << file << ": haguard renders:\n" << got.output;
  EXPECT_NE(got.error.find(first.substr(tag.size())), std::string::npos)
      << file << ": haguard's error: " << got.error;
}

INSTANTIATE_TEST_SUITE_P(Jsonnet, Exceptions, testing::ValuesIn(programs("exceptions")), name_of);

// Tanka's native functions against Tanka's own Go code (tests/jsonnet_reference/tanka): every
// file in tanka_corpus/ renders byte for byte alike; those named *error* fail in both, and
// haguard's error names the native and the file, line and column of its call.
class TankaCorpus : public testing::TestWithParam<std::string> {};

TEST_P(TankaCorpus, RendersAsTanka) {
  ASSERT_TRUE(fs::exists(kTankaReference)) << "Tanka reference missing: " << kTankaReference;
  const fs::path dir = kDir / "tanka_corpus";
  std::string file = GetParam() + ".jsonnet";
  auto want = reference(dir, file, kTankaReference);
  auto got = haguard_eval(dir, file);
  bool expect_error = GetParam().find("error") != std::string::npos;
  ASSERT_EQ(want.exit_code != 0, expect_error)
      << file << ": Tanka " << (expect_error ? "renders it" : "fails: " + want.err);
  if (expect_error) {
    ASSERT_FALSE(got.ok) << file << ": Tanka fails (" << want.err << ") but haguard renders:\n"
                         << got.output;
    EXPECT_NE(got.error.find("std.native('"), std::string::npos) << got.error;
    EXPECT_NE(got.error.find(file + ":1:"), std::string::npos) << "no call site: " << got.error;
    return;
  }
  ASSERT_TRUE(got.ok) << file << ": haguard fails: " << got.error;
  EXPECT_EQ(got.output, want.out) << file;
}

INSTANTIATE_TEST_SUITE_P(Tanka, TankaCorpus, testing::ValuesIn(programs("tanka_corpus")), name_of);

}  // namespace
