# haguard: one image, both binaries. The webhook Deployment runs /usr/local/bin/haguard-webhook (the
# entrypoint); the Argo CD sidecar runs /var/run/argocd/argocd-cmp-server, which calls `haguard`.
#   docker build -t haguard:0.1.0 .
# Build stage: the same Debian packages as a developer machine (scripts/install-deps).
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN bash scripts/install-deps
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHAGUARD_BUILD_TESTS=OFF \
 && ninja -C /build haguard haguard-webhook \
 && install -D -m 0755 /build/plugin/haguard /out/usr/local/bin/haguard \
 && install -D -m 0755 /build/webhook/haguard-webhook /out/usr/local/bin/haguard-webhook

# Runtime stage: the shared libraries the two binaries link and nothing else (no compiler, no
# headers); libc6, libgcc-s1 and libstdc++6 come with the base image. tests/manifests checks that
# every package below exists in bookworm and that they cover what `ldd` reports for the binaries.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libyaml-cpp0.7 libjsonnet0 libsimdjson14 libssl3 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 \
 && rm -rf /var/lib/apt/lists/*
# uid 999, as Argo CD's own images: argocd-cmp-server and the repo-server share files as 999.
RUN groupadd --gid 999 haguard \
 && useradd --uid 999 --gid 999 --home-dir /home/haguard --create-home --shell /usr/sbin/nologin haguard
COPY --from=build /out/ /
# Fail the build, not the pod, when a library is missing.
RUN for b in /usr/local/bin/haguard /usr/local/bin/haguard-webhook; do \
      if ldd "$b" | grep 'not found'; then exit 1; fi; done \
 && haguard --version && haguard-webhook --version
USER 999:999
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/haguard-webhook"]
