#include "tests/support/kube_stand_in.h"

#include <fstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace haguard::test {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct KubeStandIn::Impl {
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
};

KubeStandIn::KubeStandIn(const std::string& cert_file, const std::string& key_file,
                         std::string token)
    : impl_(std::make_unique<Impl>()), token_(std::move(token)) {
  impl_->tls.use_certificate_chain_file(cert_file);
  impl_->tls.use_private_key_file(key_file, ssl::context::pem);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

KubeStandIn::~KubeStandIn() {
  stop_ = true;
  // Wake the blocking accept with a connection of our own.
  beast::error_code ec;
  tcp::socket s(impl_->ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  thread_.join();
}

void KubeStandIn::put(const nlohmann::json& object) {
  std::string kind = object.value("kind", "");
  std::string resource = kind == "StatefulSet" ? "statefulsets"
                         : kind == "Rollout"    ? "rollouts"
                                                : "deployments";
  std::string path = std::string(kind == "Rollout" ? "/apis/argoproj.io/v1alpha1" : "/apis/apps/v1") +
                     "/namespaces/" +
                     object["metadata"].value("namespace", "default") + "/" + resource + "/" +
                     object["metadata"].value("name", "");
  std::lock_guard lock(mu_);
  objects_[path] = object.dump();
}

void KubeStandIn::serve() {
  while (!stop_) {
    beast::error_code ec;
    tcp::socket socket(impl_->ioc);
    impl_->acceptor.accept(socket, ec);
    if (stop_) return;
    if (ec) continue;
    beast::ssl_stream<tcp::socket> stream(std::move(socket), impl_->tls);
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) continue;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) continue;
    ++requests_;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    if (req[http::field::authorization] != "Bearer " + token_) {
      res.result(http::status::unauthorized);
      res.body() = R"({"kind":"Status","code":401})";
    } else {
      std::lock_guard lock(mu_);
      auto it = objects_.find(std::string(req.target()));
      if (it == objects_.end()) {
        res.result(http::status::not_found);
        res.body() = R"({"kind":"Status","code":404})";
      } else {
        res.body() = it->second;
      }
    }
    res.keep_alive(false);
    res.prepare_payload();
    http::write(stream, res, ec);
    stream.shutdown(ec);
  }
}

std::string KubeStandIn::write_kubeconfig(const std::string& dir, const std::string& ca_file,
                                          const std::string& server_name) const {
  std::string path = dir + "/kubeconfig";
  std::ofstream out(path);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: stand-in\n"
      << "clusters:\n- name: stand-in\n  cluster:\n    server: https://127.0.0.1:" << port_ << "\n"
      << "    certificate-authority: " << ca_file << "\n"
      << "    tls-server-name: " << server_name << "\n"
      << "contexts:\n- name: stand-in\n  context:\n    cluster: stand-in\n    user: webhook\n"
      << "users:\n- name: webhook\n  user:\n    token: " << token_ << "\n";
  return path;
}

}  // namespace haguard::test
