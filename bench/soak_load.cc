// soak_load: a fixed-rate HTTPS load generator for the haguard webhook soak (bench/soak.sh).
//
// Sends AdmissionReviews from tests/cases/admission (the cases for the embedded policy without a
// Kubernetes API) to /validate/production and /mutate/production, alternately, at a fixed rate
// over keep-alive TLS connections. Open loop: each request has a scheduled time, and its latency
// counts from then, so a slow server shows as latency, not as a lower rate. Every 10 s it samples
// the webhook's resident memory (/proc/<pid>/status VmRSS); every minute it prints requests,
// errors and latency p50/p99/max; at the end, a summary. An error is a connection or TLS failure,
// a status other than 200, an answer without the request's uid, or no answer within 10 s.
//
//   soak_load --port P --ca CA.crt --pid PID --cases DIR [--rate 300] [--duration 600]
//             [--connections 8] [--warmup 60]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct Options {
  unsigned short port = 8443;
  std::string ca, cases, server_name = "haguard.haguard.svc";
  long pid = 0;
  double rate = 300;
  int duration = 600;
  int connections = 8;
  int warmup = 60;
};

struct Review {
  std::string target, body, uid;
};

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void expand_times(json& j) {
  static const std::regex re(R"(^\$\{NOW([+-])(\d+)h\}$)");
  if (j.is_string()) {
    std::smatch m;
    const std::string s = j.get<std::string>();
    if (std::regex_match(s, m, re)) {
      auto hours = std::chrono::hours(std::stoi(m[2]));
      auto now = std::chrono::system_clock::now();
      j = rfc3339(m[1] == "+" ? now + hours : now - hours);
    }
  } else if (j.is_structured()) {
    for (auto& v : j) expand_times(v);
  }
}

/// The cases the embedded policy answers without a Kubernetes API, for both endpoints.
std::vector<Review> load_reviews(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Review> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    json c = json::parse(in, nullptr, false);
    if (c.is_discarded() || !c.contains("haguardCase")) continue;
    const json meta = c["haguardCase"];
    if (meta.contains("policy") || meta.value("kube_api", false)) continue;
    c.erase("haguardCase");
    expand_times(c);
    const std::string uid = c["request"].value("uid", "");
    for (const char* target : {"/validate/production?timeout=10s", "/mutate/production?timeout=10s"})
      out.push_back({target, c.dump(), uid});
  }
  return out;
}

long rss_kib(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

struct Minute {
  std::vector<double> ms;
  long errors = 0;
};

struct Stats {
  std::vector<Minute> minutes;
  Clock::time_point start;
  long sent = 0, answered = 0, errors = 0, reconnects = 0;
  std::string first_error;
  Minute& at(Clock::time_point t) {
    auto m = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(t - start).count());
    if (minutes.size() <= m) minutes.resize(m + 1);
    return minutes[m];
  }
  void error(Clock::time_point t, const std::string& what) {
    ++errors;
    ++at(t).errors;
    if (first_error.empty()) first_error = what;
  }
};

struct Job {
  const Review* review;
  Clock::time_point scheduled;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, ssl::context& tls, const Options& o, Stats& stats)
      : ioc_(ioc), tls_(tls), options_(o), stats_(stats) {}

  void enqueue(Job job) {
    queue_.push_back(job);
    pump();
  }
  std::size_t backlog() const { return queue_.size() + (busy_ ? 1 : 0); }

 private:
  void pump() {
    if (busy_ || queue_.empty()) return;
    busy_ = true;
    if (!stream_) return connect();
    send();
  }

  void connect() {
    stream_.emplace(ioc_, tls_);
    SSL_set_tlsext_host_name(stream_->native_handle(), options_.server_name.c_str());
    SSL_set1_host(stream_->native_handle(), options_.server_name.c_str());
    auto& layer = beast::get_lowest_layer(*stream_);
    layer.expires_after(std::chrono::seconds(10));
    layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), options_.port),
                        [self = shared_from_this()](beast::error_code ec) {
                          if (ec) return self->fail("connect: " + ec.message());
                          self->stream_->async_handshake(
                              ssl::stream_base::client, [self](beast::error_code ec2) {
                                if (ec2) return self->fail("handshake: " + ec2.message());
                                self->send();
                              });
                        });
  }

  void send() {
    const Job& job = queue_.front();
    req_ = {};
    req_.method(http::verb::post);
    req_.target(job.review->target);
    req_.version(11);
    req_.set(http::field::host, options_.server_name);
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    req_.body() = job.review->body;
    req_.prepare_payload();
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    ++stats_.sent;
    beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(10));
    http::async_write(*stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("write: " + ec.message());
      http::async_read(self->stream_.value(), self->buffer_, *self->parser_,
                       [self](beast::error_code ec2, std::size_t) {
                         if (ec2) return self->fail("read: " + ec2.message());
                         self->done();
                       });
    });
  }

  void done() {
    const Job job = queue_.front();
    queue_.pop_front();
    busy_ = false;
    auto now = Clock::now();
    auto& res = parser_->get();
    const std::string uid = "\"uid\":\"" + job.review->uid + "\"";
    if (res.result_int() != 200) {
      stats_.error(now, "HTTP " + std::to_string(res.result_int()) + ": " + res.body().substr(0, 200));
    } else if (res.body().find(uid) == std::string::npos) {
      stats_.error(now, "answer without the uid: " + res.body().substr(0, 200));
    } else {
      ++stats_.answered;
      stats_.at(now).ms.push_back(std::chrono::duration<double, std::milli>(now - job.scheduled).count());
    }
    if (!res.keep_alive()) stream_.reset();
    pump();
  }

  void fail(const std::string& what) {
    auto now = Clock::now();
    stats_.error(now, what);
    if (!queue_.empty()) queue_.pop_front();
    stream_.reset();
    buffer_.clear();
    busy_ = false;
    ++stats_.reconnects;
    pump();
  }

  net::io_context& ioc_;
  ssl::context& tls_;
  const Options& options_;
  Stats& stats_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::deque<Job> queue_;
  bool busy_ = false;
};

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--ca") o.ca = v;
    else if (k == "--cases") o.cases = v;
    else if (k == "--pid") o.pid = std::stol(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--duration") o.duration = std::stoi(v);
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--warmup") o.warmup = std::stoi(v);
    else if (k == "--server-name") o.server_name = v;
    else return false;
  }
  return argc % 2 == 1 && !o.ca.empty() && !o.cases.empty() && o.pid > 0 && o.rate > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: soak_load --port P --ca CA.crt --pid PID --cases DIR [--rate 300] "
                 "[--duration 600] [--connections 8] [--warmup 60]\n");
    return 2;
  }
  const std::vector<Review> reviews = load_reviews(o.cases);
  if (reviews.empty()) {
    std::fprintf(stderr, "soak_load: no cases in %s\n", o.cases.c_str());
    return 2;
  }
  net::io_context ioc(1);
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_peer);
  tls.load_verify_file(o.ca);
  Stats stats;
  stats.start = Clock::now();
  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < o.connections; ++i)
    conns.push_back(std::make_shared<Connection>(ioc, tls, o, stats));

  std::printf("soak: %zu reviews (%zu cases x /validate,/mutate), %.0f req/s, %d s, %d connections, "
              "webhook pid %ld\n",
              reviews.size(), reviews.size() / 2, o.rate, o.duration, o.connections, o.pid);
  std::fflush(stdout);

  struct RssSample {
    int second;
    long kib;
  };
  std::vector<RssSample> rss{{0, rss_kib(o.pid)}};
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / o.rate));
  const auto end = stats.start + std::chrono::seconds(o.duration);
  Clock::time_point next = stats.start;
  long scheduled = 0;
  std::size_t printed_minutes = 0;
  auto print_minute = [&](std::size_t m) {
    Minute& mm = stats.minutes[m];
    std::vector<double> v = mm.ms;
    long rss_now = rss.back().kib;
    std::printf("minute %2zu: %6zu answered, %ld errors, p50 %6.2f ms, p99 %7.2f ms, max %7.2f ms, "
                "RSS %ld KiB\n",
                m + 1, v.size(), mm.errors, percentile(v, 0.5), percentile(v, 0.99),
                v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()), rss_now);
    std::fflush(stdout);
  };

  net::steady_timer tick(ioc), sample(ioc);
  std::function<void()> on_tick = [&] {
    auto now = Clock::now();
    while (next <= now && next < end) {
      // Round robin over the connections, skipping one with a backlog when another is free.
      std::size_t best = static_cast<std::size_t>(scheduled) % conns.size();
      for (std::size_t k = 0; k < conns.size(); ++k) {
        std::size_t i = (static_cast<std::size_t>(scheduled) + k) % conns.size();
        if (conns[i]->backlog() < conns[best]->backlog()) best = i;
      }
      conns[best]->enqueue({&reviews[static_cast<std::size_t>(scheduled) % reviews.size()], next});
      ++scheduled;
      next += period;
    }
    if (next >= end) return;
    tick.expires_at(next);
    tick.async_wait([&](beast::error_code) { on_tick(); });
  };
  std::function<void()> on_sample = [&] {
    auto now = Clock::now();
    int second = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(now - stats.start).count());
    rss.push_back({second, rss_kib(o.pid)});
    // Print each minute once the next one has begun.
    std::size_t current = static_cast<std::size_t>(second / 60);
    while (printed_minutes < current && printed_minutes < stats.minutes.size()) print_minute(printed_minutes++);
    if (now >= end + std::chrono::seconds(10)) return;
    sample.expires_at(stats.start + std::chrono::seconds(second / 10 * 10 + 10));
    sample.async_wait([&](beast::error_code) { on_sample(); });
  };
  on_tick();
  sample.expires_after(std::chrono::seconds(10));
  sample.async_wait([&](beast::error_code) { on_sample(); });
  ioc.run();  // returns when the last answer came and the last sample was taken
  while (printed_minutes < stats.minutes.size()) print_minute(printed_minutes++);

  // Summary: RSS after warm-up against the end; p99 per minute; totals.
  long warm = -1, last = rss.back().kib, peak = 0;
  for (const auto& s : rss) {
    if (warm < 0 && s.second >= o.warmup) warm = s.kib;
    peak = std::max(peak, s.kib);
  }
  std::vector<double> p99s;
  std::vector<double> all;
  for (auto& m : stats.minutes) {
    std::vector<double> v = m.ms;
    if (!v.empty()) p99s.push_back(percentile(v, 0.99));
    all.insert(all.end(), m.ms.begin(), m.ms.end());
  }
  const double growth = warm > 0 ? 100.0 * static_cast<double>(last - warm) / static_cast<double>(warm) : 0;
  std::printf("\nRSS samples (s: KiB):");
  for (std::size_t i = 0; i < rss.size(); ++i)
    std::printf("%s %d: %ld", i % 8 == 0 ? "\n " : ",", rss[i].second, rss[i].kib);
  std::printf("\n\n| figure | value |\n|---|---|\n");
  std::printf("| requests scheduled / sent / answered | %ld / %ld / %ld |\n", scheduled, stats.sent,
              stats.answered);
  std::printf("| achieved rate | %.1f req/s |\n",
              static_cast<double>(stats.answered) / static_cast<double>(o.duration));
  std::printf("| errors | %ld%s%s |\n", stats.errors, stats.first_error.empty() ? "" : " (first: ",
              stats.first_error.empty() ? "" : (stats.first_error + ")").c_str());
  std::printf("| reconnects | %ld |\n", stats.reconnects);
  std::printf("| latency p50 / p99 / max, whole run | %.2f / %.2f / %.2f ms |\n", percentile(all, 0.5),
              percentile(all, 0.99), all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()));
  if (!p99s.empty())
    std::printf("| p99 per minute, min-max | %.2f-%.2f ms |\n", *std::min_element(p99s.begin(), p99s.end()),
                *std::max_element(p99s.begin(), p99s.end()));
  std::printf("| RSS start / after warm-up (%d s) / end / peak | %ld / %ld / %ld / %ld KiB |\n", o.warmup,
              rss.front().kib, warm, last, peak);
  std::printf("| RSS growth after warm-up | %+.1f%% |\n", growth);
  const bool pass = stats.errors == 0 && growth < 10.0 && stats.answered == scheduled;
  std::printf("\nsoak: %s (targets: zero errors, RSS growth < 10%% after warm-up)\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
