// fork/exec and one poll loop over stdin, stdout and stderr: a program that fills one pipe
// while we block on another cannot deadlock us.

#include "plugin/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace haguard::plugin {
namespace {

constexpr std::size_t kMaxErr = 64 << 10;

/// `name` as execvp would find it: itself when it holds a '/', else the first executable file of
/// that name in a PATH directory. "" with `error` set when there is none.
std::string find_program(const std::string& name, std::string& error) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t b = 0; b <= dirs.size();) {
    std::size_t e = dirs.find(':', b);
    if (e == std::string::npos) e = dirs.size();
    std::string dir = dirs.substr(b, e - b);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    b = e + 1;
  }
  error = "not found on PATH";
  return {};
}

/// fork and exec with the pipes as stdin, stdout and stderr. The child raises its soft
/// address-space limit back to the hard one first: the evaluation bounds itself with a soft
/// limit, and a Go program cannot even start under one its size. exec's errno comes back over a
/// close-on-exec pipe. -1 with `error` set on failure.
pid_t spawn(const std::string& path, const std::vector<std::string>& argv, int in, int out, int err,
            std::string& error) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args[0] = const_cast<char*>(path.c_str());
  args.push_back(nullptr);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec: the parent may have other threads.
    struct rlimit as {};
    if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != as.rlim_max) {
      as.rlim_cur = as.rlim_max;
      ::setrlimit(RLIMIT_AS, &as);
    }
    const int from[3] = {in, out, err};
    for (int i = 0; i < 3; ++i) {
      if (from[i] == i)
        ::fcntl(i, F_SETFD, 0);
      else
        ::dup2(from[i], i);
    }
    ::execve(args[0], args.data(), environ);
    int e = errno;
    ssize_t ignored = ::write(report[1], &e, sizeof e);
    (void)ignored;
    ::_exit(127);
  }
  ::close(report[1]);
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    ::close(report[0]);
    return -1;
  }
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == sizeof exec_errno) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    error = std::strerror(exec_errno);
    return -1;
  }
  return pid;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::size_t max_output) {
  ProcessResult r;
  // A program that exits before reading all its input must not kill us with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return r;
  }
  std::string error;
  std::string path = find_program(argv[0], error);
  pid_t pid = path.empty() ? -1 : spawn(path, argv, in[0], out[1], err[1], error);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    r.error = error;
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return r;
  }
  r.started = true;
  int fds[3] = {in[1], out[0], err[0]};
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  if (input.empty()) close_fd(fds[0]);
  char buf[1 << 16];
  while (fds[1] >= 0 || fds[2] >= 0) {
    pollfd p[3];
    int n = 0;
    int which[3];
    if (fds[0] >= 0) p[n] = {fds[0], POLLOUT, 0}, which[n++] = 0;
    if (fds[1] >= 0) p[n] = {fds[1], POLLIN, 0}, which[n++] = 1;
    if (fds[2] >= 0) p[n] = {fds[2], POLLIN, 0}, which[n++] = 2;
    if (::poll(p, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < n; ++k) {
      if (p[k].revents == 0) continue;
      int w = which[k];
      if (w == 0) {
        ssize_t m = ::write(fds[0], input.data() + written, input.size() - written);
        if (m > 0) written += static_cast<std::size_t>(m);
        if ((m < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) close_fd(fds[0]);
        continue;
      }
      ssize_t m = ::read(fds[w], buf, sizeof buf);
      if (m < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (m <= 0) {
        close_fd(fds[w]);
        continue;
      }
      std::string& into = w == 1 ? r.out : r.err;
      std::size_t cap = w == 1 ? max_output : kMaxErr;
      std::size_t take = std::min(static_cast<std::size_t>(m), cap - std::min(cap, into.size()));
      into.append(buf, take);
      if (w == 1 && take < static_cast<std::size_t>(m) && !r.output_cut) {
        r.output_cut = true;
        ::kill(pid, SIGKILL);
      }
    }
  }
  for (int& fd : fds) close_fd(fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace haguard::plugin
