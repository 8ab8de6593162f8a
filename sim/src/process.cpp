#include "eksim/sim/process.hpp"

#include <array>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define EKSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EKSIM_ASAN 1
#endif
#endif

namespace eksim::sim::detail {

#if defined(EKSIM_ASAN)
// Under AddressSanitizer every frame goes to the global heap, so a use after
// a process ended is reported instead of hidden by reuse.
void* allocate_frame(std::size_t size) { return ::operator new(size); }
void free_frame(void* frame, std::size_t /*size*/) noexcept { ::operator delete(frame); }
#else
namespace {

// Size classes of 64 bytes up to 2 KiB; larger frames use the global heap.
constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 32;

struct FreeFrame {
  FreeFrame* next;
};

struct FramePool {
  std::array<FreeFrame*, kClasses> heads{};
  ~FramePool() {
    for (FreeFrame* head : heads) {
      while (head != nullptr) {
        FreeFrame* next = head->next;
        ::operator delete(static_cast<void*>(head));
        head = next;
      }
    }
  }
};

// Per thread: a simulator and its processes live on one thread, so no locks.
thread_local FramePool t_pool;

std::size_t size_class(std::size_t size) { return (size + kGranule - 1) / kGranule - 1; }

}  // namespace

void* allocate_frame(std::size_t size) {
  const std::size_t c = size_class(size);
  if (c >= kClasses) return ::operator new(size);
  if (FreeFrame* f = t_pool.heads[c]) {
    t_pool.heads[c] = f->next;
    return f;
  }
  return ::operator new((c + 1) * kGranule);
}

void free_frame(void* frame, std::size_t size) noexcept {
  const std::size_t c = size_class(size);
  if (c >= kClasses) {
    ::operator delete(frame);
    return;
  }
  auto* f = static_cast<FreeFrame*>(frame);
  f->next = t_pool.heads[c];
  t_pool.heads[c] = f;
}
#endif

}  // namespace eksim::sim::detail
