// A fixed-size set of small integers (endpoint class indices), one bit each.
//
// Peers, subjects and matrix rows are sets over a few thousand classes; as
// words of 64 bits, unions and differences of two of them cost C/64 steps and
// no allocation beyond the set itself.
#pragma once

#include <algorithm>
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

  // `length` members from `from` on become members `to` on.
  struct Run {
    std::size_t to = 0;
    std::size_t from = 0;
    std::size_t length = 0;
  };
  // The runs of a renumbering where new member i is old member parent[i].
  [[nodiscard]] static std::vector<Run> runs_of(const std::vector<std::uint32_t>& parent) {
    std::vector<Run> runs;
    for (std::size_t i = 0; i < parent.size(); ++i) {
      if (!runs.empty() && runs.back().to + runs.back().length == i &&
          runs.back().from + runs.back().length == parent[i]) {
        ++runs.back().length;
      } else {
        runs.push_back(Run{i, parent[i], 1});
      }
    }
    return runs;
  }
  // Carries the set over to a new numbering of `size` members (classes split
  // at new address boundaries). Runs cover 0 .. size-1 in order and never
  // move a member down (from <= to), so the words are rewritten in place from
  // the top: what a lower run still has to read lies below what was written.
  // Runs that stay put cost nothing; the rest move whole words at a time.
  void remap(std::size_t size, const std::vector<Run>& runs) {
    const std::size_t words = (size + 63) / 64;
    if (words > words_.size()) {
      words_.reserve(words);  // exactly: a few classes are added at a time
      words_.resize(words, 0);
    }
    size_ = size;
    for (auto r = runs.rbegin(); r != runs.rend(); ++r) {
      if (r->to == r->from) continue;
      const std::size_t shift = r->to - r->from;
      const std::size_t whole_from = (r->to + 63) >> 6;          // the run's lowest whole word
      for (std::size_t end = r->to + r->length; end > r->to;) {  // one past the last member to place
        const std::size_t to = std::max(r->to, (end - 1) & ~std::size_t{63});
        const std::size_t n = end - to;
        if (n == 64) {
          // Whole words, top down: word w takes the bits `shift` below it.
          const std::size_t q = shift >> 6;
          const unsigned b = shift & 63;
          for (std::size_t w = to >> 6; w + 1 > whole_from; --w) {
            words_[w] = b == 0 ? words_[w - q] : (words_[w - q] << b) | (words_[w - q - 1] >> (64 - b));
          }
          end = whole_from << 6;
          continue;
        }
        const std::uint64_t mask = (std::uint64_t{1} << n) - 1;
        const std::uint64_t bits = bits_from(r->from + (to - r->to)) & mask;
        std::uint64_t& w = words_[to >> 6];
        w = (w & ~(mask << (to & 63))) | (bits << (to & 63));
        end = to;
      }
    }
  }

 private:
  // Members from .. from+63 as the bits of one word (beyond size(): 0).
  [[nodiscard]] std::uint64_t bits_from(std::size_t from) const {
    const std::size_t wi = from >> 6;
    const std::size_t shift = from & 63;
    std::uint64_t w = words_[wi] >> shift;
    if (shift != 0 && wi + 1 < words_.size()) w |= words_[wi + 1] << (64 - shift);
    return w;
  }
  void trim() {
    if (size_ % 64 != 0 && !words_.empty()) words_.back() &= (std::uint64_t{1} << (size_ % 64)) - 1;
  }
  std::size_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

}  // namespace eksim::reach
