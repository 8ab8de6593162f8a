#include "eksim/dns/dns_cache.hpp"

#include <algorithm>

namespace eksim::dns {

DnsCache::DnsCache(CacheSettings settings, std::uint64_t random_key) : settings_(settings), random_(random_key) {}

const std::string& DnsCache::key(std::string_view name, RecordType type) {
  key_.assign(name);
  key_ += '/';
  key_ += to_string(type);
  return key_;
}

sim::Time DnsCache::keep_for(const Answer& answer) const {
  const std::int64_t max_ttl = answer.positive() ? settings_.success_max_ttl : settings_.denial_max_ttl;
  // `cache 30` never stretches a record's own TTL above itself, except up to
  // the minimum TTL (5 s by default).
  const std::int64_t ttl = std::clamp(answer.ttl_seconds, settings_.min_ttl, std::max(settings_.min_ttl, max_ttl));
  return sim::Time::s(ttl);
}

std::optional<Answer> DnsCache::lookup(std::string_view name, RecordType type, sim::Time now) {
  const std::string& k = key(name, type);
  if (auto it = success_.find(k); it != success_.end()) {
    if (now < it->second.expires) {
      ++stats_.hits;
      return it->second.answer;
    }
    erase_success(it);
  } else if (auto d = denial_.find(k); d != denial_.end()) {
    if (now < d->second.expires) {
      ++stats_.hits;
      denial_lru_.splice(denial_lru_.begin(), denial_lru_, d->second.lru);
      return d->second.answer;
    }
    denial_lru_.erase(d->second.lru);
    denial_.erase(d);
  }
  ++stats_.misses;
  return std::nullopt;
}

void DnsCache::erase_success(Store::iterator it) {
  // Swap-remove from the key list so random eviction stays O(1).
  const std::size_t slot = it->second.slot;
  if (slot + 1 != success_keys_.size()) {
    success_keys_[slot] = std::move(success_keys_.back());
    success_.find(success_keys_[slot])->second.slot = slot;
  }
  success_keys_.pop_back();
  success_.erase(it);
}

void DnsCache::insert(std::string_view name, RecordType type, const Answer& answer, sim::Time now) {
  const std::string k = key(name, type);
  const sim::Time expires = now + keep_for(answer);
  if (answer.positive()) {
    if (auto d = denial_.find(k); d != denial_.end()) {
      denial_lru_.erase(d->second.lru);
      denial_.erase(d);
    }
    if (auto it = success_.find(k); it != success_.end()) {
      it->second.answer = answer;
      it->second.expires = expires;
      return;
    }
    if (settings_.success_capacity == 0) return;
    if (success_.size() >= settings_.success_capacity) {
      erase_success(success_.find(success_keys_[random_.uniform_below(success_keys_.size())]));
      ++stats_.evictions;
    }
    success_keys_.push_back(k);
    success_.emplace(k, Entry{answer, expires, success_keys_.size() - 1, {}});
    return;
  }
  if (auto s = success_.find(k); s != success_.end()) erase_success(s);
  if (auto it = denial_.find(k); it != denial_.end()) {
    it->second.answer = answer;
    it->second.expires = expires;
    denial_lru_.splice(denial_lru_.begin(), denial_lru_, it->second.lru);
    return;
  }
  if (settings_.denial_capacity == 0) return;
  if (denial_.size() >= settings_.denial_capacity) {
    denial_.erase(denial_lru_.back());
    denial_lru_.pop_back();
    ++stats_.evictions;
  }
  denial_lru_.push_front(k);
  denial_.emplace(k, Entry{answer, expires, 0, denial_lru_.begin()});
}

}  // namespace eksim::dns
