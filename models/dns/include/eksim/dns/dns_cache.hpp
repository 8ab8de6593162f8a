// CoreDNS's `cache` plugin (also what NodeLocal DNSCache runs): positive and
// denial answers in two stores of fixed capacity, each entry kept for its TTL
// clamped to [min TTL, max TTL]. Defaults of `cache 30`: max TTL 30 s for both,
// min TTL 5 s, 9,984 entries each (256 shards x 39); a full success store
// evicts a random entry, a full denial store its least recently used one.
// Source: coredns/coredns plugin/cache/README.md (aws-eks-facts.md 2.5).
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eksim/dns/dns_answer.hpp"
#include "eksim/dns/dns_world.hpp"
#include "eksim/sim/random.hpp"
#include "eksim/sim/time.hpp"

namespace eksim::dns {

struct CacheSettings {
  std::size_t success_capacity = 9'984;
  std::size_t denial_capacity = 9'984;
  std::int64_t success_max_ttl = 30;  // seconds: `cache 30`
  std::int64_t denial_max_ttl = 30;
  std::int64_t min_ttl = 5;
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
};

class DnsCache {
 public:
  DnsCache(CacheSettings settings, std::uint64_t random_key);
  // The cached answer if one is live at `now`; counts a hit or a miss.
  std::optional<Answer> lookup(std::string_view name, RecordType type, sim::Time now);
  // Stores `answer` for its clamped TTL from `now`.
  void insert(std::string_view name, RecordType type, const Answer& answer, sim::Time now);
  // How long an answer with this TTL stays, after clamping.
  [[nodiscard]] sim::Time keep_for(const Answer& answer) const;
  [[nodiscard]] const CacheStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t size() const { return success_.size() + denial_.size(); }

 private:
  struct Entry {
    Answer answer;
    sim::Time expires;
    std::size_t slot = 0;                    // success: index in success_keys_
    std::list<std::string>::iterator lru{};  // denial: position in the LRU list
  };
  using Store = std::unordered_map<std::string, Entry>;
  // The store key "name/TYPE", built in a reused buffer so a lookup does not allocate.
  const std::string& key(std::string_view name, RecordType type);
  void erase_success(Store::iterator it);

  CacheSettings settings_;
  Store success_;
  Store denial_;
  std::vector<std::string> success_keys_;  // for random eviction
  std::list<std::string> denial_lru_;      // front: most recent
  sim::RandomStream random_;
  CacheStats stats_;
  std::string key_;
};

}  // namespace eksim::dns
