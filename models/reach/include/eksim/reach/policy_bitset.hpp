// A fixed-size set of small integers (endpoint class indices), one bit each.
//
// Peers, subjects and matrix rows are sets over a few thousand classes; as
// words of 64 bits, unions and differences of two of them cost C/64 steps and
// no allocation beyond the set itself.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace eksim::reach {

class ClassBitset {
 public:
  ClassBitset() = default;
  explicit ClassBitset(std::size_t size) : size_(size), words_((size + 63) / 64, 0) {}

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool test(std::size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1U; }
  void set(std::size_t i) { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }
  void reset(std::size_t i) { words_[i >> 6] &= ~(std::uint64_t{1} << (i & 63)); }
  void set_all() {
    for (auto& w : words_) w = ~std::uint64_t{0};
    trim();
  }
  [[nodiscard]] bool none() const {
    for (auto w : words_) {
      if (w != 0) return false;
    }
    return true;
  }
  [[nodiscard]] std::size_t count() const {
    std::size_t n = 0;
    for (auto w : words_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  // The lowest member at or after `from`, or size() when there is none.
  [[nodiscard]] std::size_t next(std::size_t from) const {
    if (from >= size_) return size_;
    std::size_t wi = from >> 6;
    std::uint64_t w = words_[wi] & (~std::uint64_t{0} << (from & 63));
    while (true) {
      if (w != 0) return (wi << 6) + static_cast<std::size_t>(std::countr_zero(w));
      if (++wi == words_.size()) return size_;
      w = words_[wi];
    }
  }
  ClassBitset& operator|=(const ClassBitset& o) {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
    return *this;
  }
  ClassBitset& operator&=(const ClassBitset& o) {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
    return *this;
  }
  // Removes the members of `o`.
  ClassBitset& subtract(const ClassBitset& o) {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= ~o.words_[i];
    return *this;
  }
  [[nodiscard]] bool intersects(const ClassBitset& o) const {
    for (std::size_t i = 0; i < words_.size(); ++i) {
      if ((words_[i] & o.words_[i]) != 0) return true;
    }
    return false;
  }
  // Members 64*i .. 64*i+63 as the bits of one word.
  [[nodiscard]] std::uint64_t word(std::size_t i) const { return words_[i]; }
  [[nodiscard]] std::size_t bytes() const { return words_.capacity() * sizeof(std::uint64_t); }
  bool operator==(const ClassBitset&) const = default;

 private:
  void trim() {
    if (size_ % 64 != 0 && !words_.empty()) words_.back() &= (std::uint64_t{1} << (size_ % 64)) - 1;
  }
  std::size_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

}  // namespace eksim::reach
