// BodyGate: tickets up to its slots, waiters granted in order as tickets come back, from any
// thread.
#include "webhook/body_gate.h"

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

using Ticket = BodyGate::Ticket;

TEST(BodyGate, GrantsAtOnceUpToItsSlotsThenInOrder) {
  BodyGate gate(2);
  std::map<int, Ticket> held;  // by waiter; a grant may come while another ticket is given back
  std::vector<int> granted;
  for (int i = 0; i < 5; ++i)
    gate.acquire([&, i](Ticket t) {
      granted.push_back(i);
      held.emplace(i, std::move(t));
    });
  EXPECT_EQ(granted, (std::vector<int>{0, 1}));
  EXPECT_EQ(gate.free_slots(), 0u);
  EXPECT_EQ(gate.waiting(), 3u);

  held.at(0).reset();  // passes straight to the first waiter
  EXPECT_EQ(granted, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(held.at(0));
  EXPECT_EQ(gate.free_slots(), 0u);
  EXPECT_EQ(gate.waiting(), 2u);

  held.at(2).reset();
  held.at(1).reset();
  EXPECT_EQ(granted, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(gate.waiting(), 0u);
  EXPECT_EQ(gate.free_slots(), 0u);
  held.at(3).reset();
  held.at(4).reset();
  EXPECT_EQ(gate.free_slots(), 2u);
}

TEST(BodyGate, MovedTicketsGiveBackOnce) {
  BodyGate gate(1);
  Ticket kept;
  gate.acquire([&](Ticket t) { kept = std::move(t); });
  ASSERT_TRUE(kept);
  Ticket moved(std::move(kept));
  EXPECT_FALSE(kept);
  kept.reset();  // an empty ticket gives nothing back
  EXPECT_EQ(gate.free_slots(), 0u);
  Ticket assigned;
  assigned = std::move(moved);
  assigned = std::move(assigned);  // self-move keeps it
  EXPECT_EQ(gate.free_slots(), 0u);
  assigned.reset();
  EXPECT_EQ(gate.free_slots(), 1u);
}

TEST(BodyGate, ZeroSlotsMeansOne) {
  BodyGate gate(0);
  bool granted = false;
  gate.acquire([&](Ticket) { granted = true; });  // the ticket goes back at once
  EXPECT_TRUE(granted);
  EXPECT_EQ(gate.free_slots(), 1u);
}

TEST(BodyGate, ClearedWaitersAreNeverGranted) {
  BodyGate gate(1);
  Ticket held;
  gate.acquire([&](Ticket t) { held = std::move(t); });
  bool late = false;
  gate.acquire([&](Ticket) { late = true; });
  gate.clear_waiters();
  held.reset();
  EXPECT_FALSE(late);
  EXPECT_EQ(gate.free_slots(), 1u);
}

TEST(BodyGate, NeverMoreHoldersThanSlotsAcrossThreads) {
  BodyGate gate(3);
  std::atomic<int> holding{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  constexpr int kThreads = 8, kEach = 2000;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        std::atomic<bool> got{false};
        Ticket mine;
        gate.acquire([&](Ticket ticket) {
          int now = ++holding;
          int prev = most.load();
          while (now > prev && !most.compare_exchange_weak(prev, now)) {
          }
          mine = std::move(ticket);
          got = true;
        });
        while (!got) std::this_thread::yield();
        --holding;
        mine.reset();
        ++done;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kThreads * kEach);
  EXPECT_LE(most.load(), 3);
  EXPECT_EQ(gate.free_slots(), 3u);
}

}  // namespace
}  // namespace haguard::webhook
