#include <gtest/gtest.h>

#include "policies/image_name.h"

namespace haguard {
namespace {

TEST(ImageName, BaseNameWithoutRegistryTagOrDigest) {
  EXPECT_EQ(image_base_name("docker.io/library/postgres:16"), "postgres");
  EXPECT_EQ(image_base_name("postgres"), "postgres");
  EXPECT_EQ(image_base_name("redis:alpine"), "redis");
  EXPECT_EQ(image_base_name("registry.local:5000/bitnami/redis"), "redis");
  EXPECT_EQ(image_base_name("registry.local:5000/bitnami/redis:7.2@sha256:abcd"), "redis");
  EXPECT_EQ(image_base_name("quay.io/minio/minio@sha256:0123"), "minio");
  EXPECT_EQ(image_base_name("public.ecr.aws/docker/library/redis:8.10.1-alpine"), "redis");
  EXPECT_EQ(image_base_name("ghcr.io/example/postgres-exporter:1"), "postgres-exporter");
  EXPECT_EQ(image_base_name("Docker.io/Library/Valkey:8"), "valkey");
  EXPECT_EQ(image_base_name(""), "");
}

}  // namespace
}  // namespace haguard
