#include "webhook/body_gate.h"

#include <algorithm>
#include <utility>

namespace haguard::webhook {

BodyGate::Ticket& BodyGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    reset();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

void BodyGate::Ticket::reset() {
  if (BodyGate* gate = std::exchange(gate_, nullptr)) gate->release();
}

BodyGate::BodyGate(std::size_t slots) : free_(std::max<std::size_t>(1, slots)) {}

void BodyGate::acquire(std::function<void(Ticket)> grant) {
  {
    std::lock_guard lock(mu_);
    if (free_ == 0) {
      waiters_.push_back(std::move(grant));
      return;
    }
    --free_;
  }
  grant(Ticket(this));
}

void BodyGate::release() {
  std::function<void(Ticket)> next;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) {
      ++free_;
      return;
    }
    // The slot passes straight to the first waiter.
    next = std::move(waiters_.front());
    waiters_.pop_front();
  }
  next(Ticket(this));
}

void BodyGate::clear_waiters() {
  std::deque<std::function<void(Ticket)>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(waiters_);
  }
  // Destroyed outside the lock: a waiter may hold the last reference to a session.
}

std::size_t BodyGate::free_slots() const {
  std::lock_guard lock(mu_);
  return free_;
}

std::size_t BodyGate::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace haguard::webhook
