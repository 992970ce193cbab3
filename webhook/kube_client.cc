#include "webhook/kube_client.h"

#include <cstdlib>
#include <filesystem>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <yaml-cpp/yaml.h>

#include "common/file_reading.h"
#include "webhook/text.h"

namespace haguard::webhook {

namespace ssl = boost::asio::ssl;

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Splits "https://host:port" into host and port.
bool split_server(std::string server, KubeConfig& c, std::string& error) {
  const std::string scheme = "https://";
  if (server.compare(0, scheme.size(), scheme) != 0) {
    error = "the API server must be https://: " + server;
    return false;
  }
  server = server.substr(scheme.size());
  if (auto slash = server.find('/'); slash != std::string::npos) server.resize(slash);
  if (!server.empty() && server.front() == '[') {
    auto close = server.find(']');
    if (close == std::string::npos) {
      error = "bad server address " + server;
      return false;
    }
    c.host = server.substr(1, close - 1);
    if (close + 1 < server.size() && server[close + 1] == ':') c.port = server.substr(close + 2);
  } else if (auto colon = server.rfind(':'); colon != std::string::npos) {
    c.host = server.substr(0, colon);
    c.port = server.substr(colon + 1);
  } else {
    c.host = server;
  }
  return true;
}

/// A kubeconfig value given inline (`<key>-data`, base64) or as a file relative to the config.
std::optional<std::string> inline_or_file(const YAML::Node& node, const std::string& key,
                                          const std::filesystem::path& dir, std::string& error) {
  if (auto data = node[key + "-data"]) {
    auto decoded = base64_decode(data.as<std::string>());
    if (!decoded) error = key + "-data is not base64";
    return decoded;
  }
  if (auto file = node[key]) {
    std::filesystem::path p = file.as<std::string>();
    if (p.is_relative()) p = dir / p;
    auto text = read_file(p.string());
    if (!text) error = "cannot read " + p.string();
    return text;
  }
  return std::string();
}

YAML::Node named(const YAML::Node& list, const std::string& name, const char* field) {
  if (list && list.IsSequence())
    for (const auto& item : list)
      if (item["name"] && item["name"].as<std::string>() == name) return item[field];
  return YAML::Node();
}

KubeConfigResult in_cluster() {
  KubeConfig c;
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host) return {std::nullopt, "KUBERNETES_SERVICE_HOST is not set (not in a pod?)"};
  c.host = host;
  if (port && *port) c.port = port;
  c.server_name = "kubernetes.default.svc";
  auto ca = read_file(std::string(kServiceAccountDir) + "/ca.crt");
  if (!ca) return {std::nullopt, std::string("cannot read ") + kServiceAccountDir + "/ca.crt"};
  c.ca_pem = *ca;
  c.token_file = std::string(kServiceAccountDir) + "/token";
  return {c, {}};
}

}  // namespace

KubeConfigResult load_kube_config(const std::string& spec) {
  if (spec == "in-cluster") return in_cluster();
  KubeConfig c;
  std::string error;
  try {
    YAML::Node root = YAML::LoadFile(spec);
    std::filesystem::path dir = std::filesystem::path(spec).parent_path();
    std::string context_name = root["current-context"] ? root["current-context"].as<std::string>() : "";
    YAML::Node context = named(root["contexts"], context_name, "context");
    if (!context.IsMap()) return {std::nullopt, spec + ": no context '" + context_name + "'"};
    std::string cluster_name = context["cluster"] ? context["cluster"].as<std::string>() : "";
    std::string user_name = context["user"] ? context["user"].as<std::string>() : "";
    YAML::Node cluster = named(root["clusters"], cluster_name, "cluster");
    if (!cluster.IsMap() || !cluster["server"]) return {std::nullopt, spec + ": no cluster server"};
    if (!split_server(cluster["server"].as<std::string>(), c, error))
      return {std::nullopt, spec + ": " + error};
    c.server_name = cluster["tls-server-name"] ? cluster["tls-server-name"].as<std::string>() : "";
    c.insecure = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
    auto ca = inline_or_file(cluster, "certificate-authority", dir, error);
    if (!ca) return {std::nullopt, spec + ": " + error};
    c.ca_pem = *ca;
    YAML::Node user = named(root["users"], user_name, "user");
    if (user.IsMap()) {
      if (user["token"]) c.token = user["token"].as<std::string>();
      if (user["tokenFile"]) {
        std::filesystem::path p = user["tokenFile"].as<std::string>();
        c.token_file = (p.is_relative() ? dir / p : p).string();
      }
      auto cert = inline_or_file(user, "client-certificate", dir, error);
      auto key = inline_or_file(user, "client-key", dir, error);
      if (!cert || !key) return {std::nullopt, spec + ": " + error};
      c.client_cert_pem = *cert;
      c.client_key_pem = *key;
    }
  } catch (const YAML::Exception& e) {
    return {std::nullopt, spec + ": " + e.what()};
  }
  return {c, {}};
}

struct KubeClient::Impl {
  KubeConfig config;
  std::chrono::milliseconds ttl;
  ssl::context tls{ssl::context::tls_client};
  std::mutex mu;
  struct Entry {
    std::chrono::steady_clock::time_point expires;
    ParentResult result;
  };
  std::map<std::string, Entry> cache;

  ParentResult fetch(const std::string& target, std::chrono::milliseconds timeout);
};

KubeClient::KubeClient(KubeConfig config, std::chrono::milliseconds ttl)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->ttl = ttl;
  auto& c = impl_->config;
  auto& tls = impl_->tls;
  tls.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                  ssl::context::no_tlsv1_1);
  if (c.insecure) {
    tls.set_verify_mode(ssl::verify_none);
  } else {
    tls.set_verify_mode(ssl::verify_peer);
    if (!c.ca_pem.empty()) tls.add_certificate_authority(net::buffer(c.ca_pem));
    else tls.set_default_verify_paths();
  }
  if (!c.client_cert_pem.empty() && !c.client_key_pem.empty()) {
    tls.use_certificate_chain(net::buffer(c.client_cert_pem));
    tls.use_private_key(net::buffer(c.client_key_pem), ssl::context::pem);
  }
}

KubeClient::~KubeClient() = default;

namespace {

std::string parent_target(std::string_view kind, std::string_view ns, std::string_view name) {
  std::string target = kind == "Rollout" ? "/apis/argoproj.io/v1alpha1/namespaces/"
                                         : "/apis/apps/v1/namespaces/";
  const std::string_view resource = kind == "StatefulSet" ? "statefulsets"
                                    : kind == "Rollout"    ? "rollouts"
                                                           : "deployments";
  target.append(ns).append("/").append(resource).append("/").append(name);
  return target;
}

}  // namespace

std::optional<ParentResult> KubeClient::cached_parent(std::string_view kind, std::string_view ns,
                                                      std::string_view name) {
  const std::string target = parent_target(kind, ns, name);
  std::lock_guard lock(impl_->mu);
  auto it = impl_->cache.find(target);
  if (it == impl_->cache.end() || it->second.expires <= std::chrono::steady_clock::now())
    return std::nullopt;
  ParentResult r = it->second.result;
  r.cached = true;
  return r;
}

ParentResult KubeClient::get_parent(std::string_view kind, std::string_view ns,
                                    std::string_view name, std::chrono::milliseconds timeout) {
  if (auto hit = cached_parent(kind, ns, name)) return std::move(*hit);
  const std::string target = parent_target(kind, ns, name);
  const auto now = std::chrono::steady_clock::now();
  ParentResult r = impl_->fetch(target, timeout);
  if (r.error.empty()) {
    std::lock_guard lock(impl_->mu);
    if (impl_->cache.size() > 1024) impl_->cache.clear();
    impl_->cache[target] = {now + impl_->ttl, r};
  }
  return r;
}

ParentResult KubeClient::Impl::fetch(const std::string& target, std::chrono::milliseconds timeout) {
  ParentResult result;
  std::string token = config.token;
  if (!config.token_file.empty()) {
    auto t = read_file(config.token_file);
    if (!t) {
      result.error = "cannot read the token " + config.token_file;
      return result;
    }
    token = *t;
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  }
  // A private io_context gives the blocking call a real deadline through tcp_stream's expiry.
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  const std::string verify_name = config.server_name.empty() ? config.host : config.server_name;
  SSL* ssl_handle = stream.native_handle();
  boost::system::error_code ec, not_ip;
  net::ip::make_address(verify_name, not_ip);
  if (not_ip) {
    SSL_set_tlsext_host_name(ssl_handle, verify_name.c_str());
    SSL_set1_host(ssl_handle, verify_name.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), verify_name.c_str());
  }
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, config.host);
  req.set(http::field::accept, "application/json");
  req.set(http::field::user_agent, "haguard-webhook");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  std::string stage = "resolve";
  tcp::resolver resolver(ioc);
  beast::get_lowest_layer(stream).expires_after(timeout);
  resolver.async_resolve(config.host, config.port, [&](beast::error_code e, tcp::resolver::results_type eps) {
    if (e) return void(ec = e);
    stage = "connect";
    beast::get_lowest_layer(stream).async_connect(eps, [&](beast::error_code e2, auto) {
      if (e2) return void(ec = e2);
      stage = "TLS handshake";
      stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e3) {
        if (e3) return void(ec = e3);
        stage = "write";
        http::async_write(stream, req, [&](beast::error_code e4, std::size_t) {
          if (e4) return void(ec = e4);
          stage = "read";
          http::async_read(stream, buffer, parser, [&](beast::error_code e5, std::size_t) {
            if (e5) return void(ec = e5);
            stage = "done";
            beast::get_lowest_layer(stream).close();
          });
        });
      });
    });
  });
  // The resolver is not covered by the stream's expiry: run with the same bound overall.
  ioc.run_for(timeout + std::chrono::milliseconds(50));
  if (ec) {
    result.error = stage + ": " + ec.message();
    return result;
  }
  if (stage != "done") {
    result.error = stage + " timed out after " + std::to_string(timeout.count()) + "ms";
    return result;
  }
  auto& res = parser.get();
  if (res.result() == http::status::not_found) {
    result.not_found = true;
    return result;
  }
  if (res.result() != http::status::ok) {
    result.error = "GET " + target + ": HTTP " + std::to_string(res.result_int());
    return result;
  }
  auto parsed = nlohmann::json::parse(res.body(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    result.error = "GET " + target + ": not a JSON object";
    return result;
  }
  result.object = std::move(parsed);
  return result;
}

}  // namespace haguard::webhook
