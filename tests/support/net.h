#pragma once
// Loopback networking for tests.

namespace haguard::test {

/// A loopback TCP port nobody listens on right now.
unsigned short free_port();

}  // namespace haguard::test
