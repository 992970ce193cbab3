// Bounded, confined jsonnet evaluation. See jsonnet_eval.h for why no nlohmann/json appears here.
// The child reports its results to the parent over one pipe (jsonnet_eval_records.h).

#include "plugin/jsonnet_eval.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>

#include "common/file_reading.h"
#include "plugin/helm_template.h"
#include "plugin/jsonnet_eval_records.h"
#include "plugin/jsonnet_natives.h"
#include "plugin/tanka_natives.h"
#include "plugin/jsonnet_std.h"

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

namespace fs = std::filesystem;

// AddressSanitizer reserves terabytes of address space up front: an RLIMIT_AS would break it.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressLimitUsable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressLimitUsable = false;
#else
constexpr bool kAddressLimitUsable = true;
#endif
#else
constexpr bool kAddressLimitUsable = true;
#endif

constexpr int kOutOfMemoryExit = 4;  // the child's exit status when an allocation fails
constexpr std::size_t kThreadStack = std::size_t{64} << 20;  // the parser recurses natively
constexpr std::string_view kBuiltinName = "haguard.libsonnet";
constexpr const char* kBuiltinFoundHere = "<haguard>/haguard.libsonnet";

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.lexically_normal().native();
  auto s = p.lexically_normal().native();
  if (!r.empty() && r.back() == '/') r.pop_back();
  return s == r || (s.size() > r.size() && s.compare(0, r.size(), r) == 0 && s[r.size()] == '/');
}

std::string canonical_or_empty(const fs::path& p) {
  char* real = ::realpath(p.c_str(), nullptr);
  if (real == nullptr) return {};
  std::string out(real);
  std::free(real);
  return out;
}

/// The absolute directory an import is relative to.
fs::path base_dir(const JsonnetInputs& in, const std::string& base) {
  if (base.empty()) return fs::path(in.work_dir);
  fs::path b(base);
  return b.is_absolute() ? b : fs::path(in.work_dir) / b;
}

/// Finds `rel` in `dir`: "" when absent; sets `error` when present but outside the tree.
std::string find_in(const JsonnetInputs& in, const fs::path& dir, const std::string& rel,
                    std::string& error) {
  fs::path candidate = (dir / rel).lexically_normal();
  if (!within(in.root, candidate)) {
    error = "it leaves the repository tree (\"..\" past the root)";
    return {};
  }
  struct stat st {};
  if (::stat(candidate.c_str(), &st) != 0) return {};
  std::string real = canonical_or_empty(candidate);
  if (real.empty() || !within(in.root, real)) {
    error = "it resolves outside the repository tree (symbolic link)";
    return {};
  }
  if (!S_ISREG(st.st_mode)) {
    error = "it is not a regular file";
    return {};
  }
  return real;
}

char* vm_string(JsonnetVm* vm, std::string_view s) {
  char* buf = jsonnet_realloc(vm, nullptr, s.size() + 1);
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  return buf;
}

struct ImportContext {
  const JsonnetInputs* inputs;
  JsonnetVm* vm;
};

/// The 0.18 import callback: confined to the tree, relative names for readable errors.
char* import_callback(void* ctx_ptr, const char* base, const char* rel, char** found_here,
                      int* success) {
  auto* ctx = static_cast<ImportContext*>(ctx_ptr);
  const JsonnetInputs& in = *ctx->inputs;
  if (rel != nullptr && rel == kStdImport) {
    *found_here = vm_string(ctx->vm, kStdFoundHere);
    *success = 1;
    return vm_string(ctx->vm, kJsonnetStdText);
  }
  std::string error;
  std::string real = resolve_import(in, base ? base : "", rel ? rel : "", error);
  if (real.empty()) {
    *success = 0;
    return vm_string(ctx->vm, error);
  }
  if (real == kBuiltinFoundHere) {
    *found_here = vm_string(ctx->vm, kBuiltinFoundHere);
    *success = 1;
    return vm_string(ctx->vm, with_std_prefix(in.builtin_library));
  }
  std::optional<std::string> content = read_file(real);
  if (!content) {
    *success = 0;
    return vm_string(ctx->vm, "it cannot be read");
  }
  std::string shown = fs::path(real).lexically_relative(in.work_dir).native();
  if (shown.empty()) shown = real;
  *found_here = vm_string(ctx->vm, shown);
  *success = 1;
  return vm_string(ctx->vm, takes_std_prefix(real) ? with_std_prefix(*content) : *content);
}

struct Job {
  std::size_t index;
  const std::string* file;
  const JsonnetInputs* inputs;
  const JsonnetLimits* limits;
  JsonnetResult result;
};

void evaluate_one(Job& job) {
  const JsonnetInputs& in = *job.inputs;
  JsonnetResult& r = job.result;
  r.file = *job.file;
  fs::path path = fs::path(*job.file).is_absolute() ? fs::path(*job.file)
                                                     : fs::path(in.work_dir) / *job.file;
  path = path.lexically_normal();
  std::string real = canonical_or_empty(path);
  if (!within(in.root, path) || (!real.empty() && !within(in.root, real))) {
    r.error = *job.file + ": outside the repository tree";
    return;
  }
  std::string why = "cannot open: " + std::string(std::strerror(ENOENT));
  std::optional<std::string> text = real.empty() ? std::nullopt : read_file(real, &why);
  if (!text) {
    r.error = *job.file + ": " + why;
    return;
  }
  JsonnetVm* vm = jsonnet_make();
  jsonnet_max_stack(vm, job.limits->max_stack);
  jsonnet_max_trace(vm, job.limits->max_trace);
  ImportContext ctx{&in, vm};
  jsonnet_import_callback(vm, &import_callback, &ctx);
  register_std_natives(vm);
  register_tanka_natives(vm);
  HelmContext helm{&in, job.limits->max_output, vm};
  register_helm_native(vm, &helm);
  for (const auto& [k, v] : in.ext_str) jsonnet_ext_var(vm, k.c_str(), v.c_str());
  for (const auto& [k, v] : in.ext_code) jsonnet_ext_code(vm, k.c_str(), v.c_str());
  for (const auto& [k, v] : in.tla_str) jsonnet_tla_var(vm, k.c_str(), v.c_str());
  for (const auto& [k, v] : in.tla_code) jsonnet_tla_code(vm, k.c_str(), v.c_str());
  int error = 0;
  std::string shown = path.lexically_relative(in.work_dir).native();
  char* out = jsonnet_evaluate_snippet(vm, shown.c_str(), with_std_prefix(*text).c_str(), &error);
  if (error) {
    r.error = out ? out : "unknown jsonnet error";
    while (!r.error.empty() && r.error.back() == '\n') r.error.pop_back();
    explain_engine_limits(*text, r.error);
  } else {
    r.ok = true;
    r.output = out ? out : "";
  }
  jsonnet_realloc(vm, out, 0);
  jsonnet_destroy(vm);
}

void* thread_main(void* arg) {
  auto* jobs = static_cast<std::pair<std::vector<Job>*, std::atomic<std::size_t>*>*>(arg);
  for (;;) {
    std::size_t i = jobs->second->fetch_add(1);
    if (i >= jobs->first->size()) break;
    evaluate_one((*jobs->first)[i]);
  }
  return nullptr;
}

[[noreturn]] void run_child(int fd, const std::vector<std::string>& files,
                            const JsonnetInputs& inputs, const JsonnetLimits& limits) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::setpgid(0, 0);  // the parent stops programs started here (helm) with the child: one group
  struct rlimit core {0, 0};
  ::setrlimit(RLIMIT_CORE, &core);
  if (limits.max_memory > 0 && kAddressLimitUsable) {
    // The soft limit only: programs this process starts (helm, a Go program, reserves more
    // address space at start than the bound allows) raise theirs back before exec.
    struct rlimit as {};
    ::getrlimit(RLIMIT_AS, &as);
    as.rlim_cur = std::min<rlim_t>(limits.max_memory, as.rlim_max);
    ::setrlimit(RLIMIT_AS, &as);
    // An allocation past the bound ends the child with a status the parent names, rather than
    // a std::bad_alloc that libjsonnet turns into an abort.
    std::set_new_handler([] { ::_exit(kOutOfMemoryExit); });
  }
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < files.size(); ++i) jobs.push_back({i, &files[i], &inputs, &limits, {}});
  std::size_t n_threads = limits.jobs ? limits.jobs : 8;
  n_threads = std::max<std::size_t>(1, std::min(n_threads, files.size()));
  // A thread's own glibc heap grows a page at a time, one mprotect each (6,500 for the example
  // app, ~10% of its render): one evaluation allocates from the main heap, which grows by brk in
  // 128 KiB steps. Several evaluations at once keep their own heaps rather than share one lock.
  if (n_threads == 1) ::mallopt(M_ARENA_MAX, 1);
  std::atomic<std::size_t> next{0};
  std::pair<std::vector<Job>*, std::atomic<std::size_t>*> shared{&jobs, &next};
  std::vector<pthread_t> threads;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kThreadStack);
  for (std::size_t t = 0; t < n_threads; ++t) {
    pthread_t th;
    if (pthread_create(&th, &attr, &thread_main, &shared) == 0) threads.push_back(th);
  }
  if (threads.empty()) thread_main(&shared);  // no thread could start: evaluate here
  for (auto th : threads) pthread_join(th, nullptr);
  pthread_attr_destroy(&attr);

  std::size_t total = 0;
  for (const auto& j : jobs) total += j.result.output.size();
  bool ok = true;
  if (total > limits.max_output) {
    ok = write_record(fd, 2, 0,
                      "the rendered JSON is " + std::to_string(total) + " bytes, over the bound of " +
                          std::to_string(limits.max_output) + " (--max-output)");
  } else {
    for (const auto& j : jobs) {
      const auto& r = j.result;
      ok = ok && write_record(fd, r.ok ? 1 : 0, static_cast<std::uint32_t>(j.index),
                              r.ok ? r.output : r.error);
    }
  }
  std::uint8_t done = 0xFF;
  ok = ok && write_all(fd, &done, 1);
  ::close(fd);
  ::_exit(ok ? 0 : 3);
}

std::string describe_status(int status, const JsonnetLimits& limits) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == kOutOfMemoryExit)
    return "jsonnet evaluation ran out of memory: it needed more than the --max-memory bound of " +
           std::to_string(limits.max_memory >> 20) +
           " MiB (--max-memory; HAGUARD_MAX_MEMORY on the sidecar)";
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    std::string what = std::string("signal ") + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
    if (sig == SIGABRT || sig == SIGSEGV || sig == SIGKILL)
      what += "; it may have run out of memory (--max-memory) or hit a libjsonnet abort";
    return "jsonnet evaluation died: " + what;
  }
  return "jsonnet evaluation exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

std::string resolve_import(const JsonnetInputs& in, const std::string& base,
                           const std::string& rel, std::string& error) {
  if (rel.empty()) {
    error = "empty import path";
    return {};
  }
  if (rel.front() == '/') {
    error = "absolute import paths are not allowed (imports stay in the repository tree)";
    return {};
  }
  std::vector<fs::path> dirs{base_dir(in, base)};
  for (const auto& p : in.library_paths) dirs.emplace_back(p);
  for (const auto& dir : dirs) {
    std::string found = find_in(in, dir, rel, error);
    if (!error.empty()) return {};
    if (!found.empty()) return found;
  }
  if (rel == kBuiltinName && !in.builtin_library.empty()) return kBuiltinFoundHere;
  error = "no match locally or in the library path";
  return {};
}

std::string jsonnet_library_version() { return jsonnet_version(); }

JsonnetRun evaluate_jsonnet(const std::vector<std::string>& files, const JsonnetInputs& inputs,
                            const JsonnetLimits& limits) {
  JsonnetRun run;
  for (const auto& f : files) run.results.push_back({f, false, {}, {}});
  if (files.empty()) return run;

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.failure = std::string("pipe: ") + std::strerror(errno);
    return run;
  }
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    run.failure = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return run;
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], files, inputs, limits);
  }
  ::close(fds[1]);
  ::setpgid(pid, pid);  // also here: the child may not have run yet when the deadline passes

  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  const std::size_t cap = limits.max_output + (std::size_t{16} << 20);
  std::string buf;
  bool killed = false;
  char chunk[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(-pid, SIGKILL);
      killed = true;
      run.failure = "jsonnet evaluation exceeded the time bound of " +
                    std::to_string(limits.timeout.count()) + " ms (--timeout) and was stopped";
      break;
    }
    struct pollfd p {fds[0], POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    if (buf.size() > cap) {
      ::kill(-pid, SIGKILL);
      killed = true;
      run.failure = "jsonnet output exceeded the bound of " + std::to_string(limits.max_output) +
                    " bytes (--max-output)";
      break;
    }
  }
  ::close(fds[0]);
  // Whatever the child started and left behind (it died mid-call) goes with it; the group still
  // exists while the child is unreaped, so this signal cannot reach a stranger.
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed) return run;
  bool done = false;
  std::string failure;
  bool parsed = parse_records(buf, run.results, done, failure);
  if (!failure.empty()) {
    run.failure = failure;
  } else if (!parsed || !done) {
    run.failure = describe_status(status, limits);
  }
  return run;
}

}  // namespace haguard::plugin
