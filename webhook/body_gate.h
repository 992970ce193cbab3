#pragma once
// Bounds how many large request bodies are read and judged at once. Each 1 MiB review costs its
// body plus a parse tree many times its size while it is judged, and only as many can be judged
// as there are I/O threads: 32 such reviews arriving together held ~60 MiB when all were read at
// once. A session whose body is large (or of unknown length) takes a ticket before reading it and
// gives it back once the answer is made; until a ticket is free the body waits in the kernel's
// socket buffer. Small bodies never wait.

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace haguard::webhook {

class BodyGate {
 public:
  /// A slot held: given back when destroyed (or reset()).
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { reset(); }
    void reset();
    explicit operator bool() const { return gate_ != nullptr; }

   private:
    friend class BodyGate;
    explicit Ticket(BodyGate* gate) : gate_(gate) {}
    BodyGate* gate_ = nullptr;
  };

  /// `slots` tickets (at least one).
  explicit BodyGate(std::size_t slots);
  BodyGate(const BodyGate&) = delete;
  BodyGate& operator=(const BodyGate&) = delete;

  /// Calls `grant` with a ticket: at once (on the calling thread) when one is free, else from the
  /// thread that gives one back, in the order the waiters came. `grant` must not block; it
  /// typically posts to the waiting connection's executor.
  void acquire(std::function<void(Ticket)> grant);

  /// Drops every waiter without granting (server shutdown).
  void clear_waiters();

  std::size_t free_slots() const;
  std::size_t waiting() const;

 private:
  void release();

  mutable std::mutex mu_;
  std::size_t free_;
  std::deque<std::function<void(Ticket)>> waiters_;
};

}  // namespace haguard::webhook
