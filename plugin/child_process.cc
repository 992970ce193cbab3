// posix_spawnp and one poll loop over stdin, stdout and stderr: a program that fills one pipe
// while we block on another cannot deadlock us.

#include "plugin/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace haguard::plugin {
namespace {

constexpr std::size_t kMaxErr = 64 << 10;

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
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    r.error = std::strerror(rc);
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
