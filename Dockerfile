# haguard: one image, both binaries. The webhook Deployment runs /usr/local/bin/haguard-webhook (the
# entrypoint); the Argo CD sidecar runs /var/run/argocd/argocd-cmp-server, which calls `haguard`.
# Build it with scripts/build-image (it passes the version and git revision; it also builds with
# podman where there is no Docker), or by hand:
#   docker build --build-arg HAGUARD_REVISION=$(git rev-parse HEAD) -t haguard:0.1.0 .
# DEBIAN_IMAGE is the build stage's base: public Debian bookworm unless told otherwise (a local
# image made by debootstrap, say); the runtime stage starts from nothing.
ARG DEBIAN_IMAGE=debian:bookworm

# Build stage: the Debian packages that build the two binaries (scripts/install-deps --product).
FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN bash scripts/install-deps --product \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY . .
ARG HAGUARD_VERSION=0.1.0
ARG HAGUARD_REVISION=unknown
# The labels' version must be the binaries' (CMakeLists.txt's project version): checked here.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHAGUARD_BUILD_TESTS=OFF \
      -DHAGUARD_REVISION="${HAGUARD_REVISION}" \
 && ninja -C /build haguard haguard-webhook \
 && /build/plugin/haguard --version | grep -Fx "haguard ${HAGUARD_VERSION} (revision ${HAGUARD_REVISION})" \
 && bash scripts/image-root /build /rootfs \
 && chroot /rootfs /usr/local/bin/haguard-webhook --version \
 && chroot /rootfs /usr/local/bin/haguard --version

# Runtime stage: what scripts/image-root laid out, and nothing else.
FROM scratch
ARG HAGUARD_VERSION=0.1.0
ARG HAGUARD_REVISION=unknown
ARG HAGUARD_SOURCE=https://git.example.com/platform/haguard
ARG HAGUARD_LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="haguard" \
      org.opencontainers.image.description="DALP high-availability admission webhook and Argo CD plugin" \
      org.opencontainers.image.source="${HAGUARD_SOURCE}" \
      org.opencontainers.image.version="${HAGUARD_VERSION}" \
      org.opencontainers.image.revision="${HAGUARD_REVISION}" \
      org.opencontainers.image.licenses="${HAGUARD_LICENSES}"
COPY --from=build /rootfs/ /
# argocd-cmp-server runs `haguard` by name.
ENV PATH=/usr/local/bin
USER 999:999
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/haguard-webhook"]
