#include "tests/support/webhook_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace haguard::test {






CertFiles make_certs(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {std::string(HAGUARD_SOURCE_DIR) + "/certs/make-certs", "--out", dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  CertFiles c;
  int rc = run_program(argv, &c.ca_bundle);
  if (rc != 0) throw std::runtime_error("certs/make-certs failed with " + std::to_string(rc));
  while (!c.ca_bundle.empty() && c.ca_bundle.back() == '\n') c.ca_bundle.pop_back();
  c.dir = dir;
  c.ca = dir + "/ca.crt";
  c.ca_key = dir + "/ca.key";
  c.cert = dir + "/tls.crt";
  c.key = dir + "/tls.key";
  return c;
}

WebhookProcess::WebhookProcess(std::vector<std::string> args, std::string ca_file)
    : args_(std::move(args)), ca_file_(std::move(ca_file)) {}

WebhookProcess::~WebhookProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

TlsClientOptions WebhookProcess::client_options() const {
  if (options_) return *options_;
  TlsClientOptions o;
  o.ca_file = ca_file_;
  return o;
}

bool WebhookProcess::start(std::string* error) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    log_file_ = make_temp_dir("haguard-webhook-log") + "/webhook.log";
    std::vector<std::string> argv = {HAGUARD_WEBHOOK_BIN, "--listen",
                                     "127.0.0.1:" + std::to_string(port_)};
    argv.insert(argv.end(), args_.begin(), args_.end());
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
      close(fd);
      std::vector<char*> cargv;
      for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
      cargv.push_back(nullptr);
      execv(cargv[0], cargv.data());
      _exit(127);
    }
    TlsClient client(port_, client_options());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!running()) break;
      HttpResult r = client.request("GET", "/readyz");
      client.close();
      if (r.status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string text = log();
    if (running()) stop(std::chrono::seconds(5));
    pid_ = -1;
    // Another process may have taken the port between free_port() and bind: try another.
    if (text.find("cannot listen") == std::string::npos) {
      if (error) *error = "haguard-webhook did not become ready; log:\n" + text;
      return false;
    }
  }
  if (error) *error = "no free port";
  return false;
}

void WebhookProcess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool WebhookProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  return true;
}

int WebhookProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

int WebhookProcess::stop(std::chrono::milliseconds timeout) {
  signal(SIGTERM);
  return wait(timeout);
}

}  // namespace haguard::test
