#include "eksim/dns/dns_system.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "eksim/dns/name_expansion.hpp"
#include "eksim/dns/vpc_resolver_zones.hpp"

namespace eksim::dns {

constexpr std::size_t kNoRecord = static_cast<std::size_t>(-1);

std::string_view to_string(LookupStatus status) {
  switch (status) {
    case LookupStatus::Resolved:
      return "resolved";
    case LookupStatus::NxDomain:
      return "NXDOMAIN";
    case LookupStatus::NoData:
      return "NODATA";
    case LookupStatus::Timeout:
      return "timeout";
  }
  return "?";
}

struct DnsSystem::Replica {
  std::uint32_t pod;
  sim::Resource server;
  DnsCache cache;
  std::uint64_t queries = 0;
  Replica(sim::Simulator& sim, std::uint32_t p, const CacheSettings& c, std::uint64_t key)
      : pod(p), server(sim, 1), cache(c, key) {}
};

struct DnsSystem::NodeCache {
  DnsCache cluster;
  DnsCache other;
  std::uint64_t queries = 0;
};

// A client's wait for the replies of one try: up to two queries (A, AAAA).
struct DnsSystem::Slot {
  std::uint32_t generation = 0;
  int needed = 0;
  int got = 0;
  bool waiting = false;
  bool done[2] = {false, false};
  std::optional<Answer> answers[2];
  std::coroutine_handle<> waiter;
  sim::EventHandle timeout{};
};

struct DnsSystem::SlotWait {
  DnsSystem& sys;
  std::uint32_t slot;
  sim::Time deadline;
  [[nodiscard]] bool await_ready() const noexcept {
    const Slot& s = sys.slots_[slot];
    return s.got == s.needed;
  }
  void await_suspend(std::coroutine_handle<> h) {
    Slot& s = sys.slots_[slot];
    s.waiter = h;
    s.waiting = true;
    s.timeout = sys.sim_.resume_cancellable_at(deadline, h);
  }
  void await_resume() noexcept { sys.slots_[slot].waiting = false; }
};

// What one try brought back: up to two answers, by position.
struct DnsSystem::Exchange {
  std::array<std::optional<Answer>, 2> answers;
  int got = 0;
};

// The outcome of asking one name: an answer per type, or a timeout.
struct DnsSystem::Candidate {
  bool timed_out = false;
  std::vector<Answer> answers;
  int queries = 0;
};

DnsSystem::DnsSystem(sim::Simulator& sim, const DnsWorld& world, DnsTuning tuning, std::uint64_t seed)
    : sim_(sim),
      world_(world),
      tuning_(tuning),
      coredns_service_(sim::Time::ns(static_cast<std::int64_t>(std::llround(1e9 / tuning.coredns_qps)))),
      pick_(seed, 0, "dns/kube-dns", "replica") {
  if (tuning.coredns_qps <= 0) throw std::invalid_argument("CoreDNS queries per second must be positive");
  replicas_of_.resize(world.clusters.size());
  for (std::uint32_t c = 0; c < world.clusters.size(); ++c) {
    zones_.emplace_back(world, c);
    for (std::uint32_t p : world.clusters[c].coredns_pods) {
      replicas_of_[c].push_back(static_cast<std::uint32_t>(replicas_.size()));
      replicas_.emplace_back(sim, p, tuning.coredns_cache,
                             sim::stream_key(seed, 0, "dns/" + world.pod_name(p), "cache-eviction"));
    }
  }
  node_caches_.resize(world.nodes.size());
  for (std::uint32_t n = 0; n < world.nodes.size(); ++n) {
    if (!world.clusters[world.nodes[n].cluster].node_local_cache) continue;
    const std::string& name = world.nodes[n].name;
    node_caches_[n] = std::make_unique<NodeCache>(
        NodeCache{DnsCache(tuning.node_local_cluster_cache, sim::stream_key(seed, 0, "dns/node-local/" + name, "c")),
                  DnsCache(tuning.node_local_other_cache, sim::stream_key(seed, 0, "dns/node-local/" + name, "o"))});
  }
  // One bucket per ENI that may send to the resolver.
  std::unordered_map<std::string, std::uint32_t> bucket_of;
  auto bucket = [&](const std::string& eni) {
    const auto [it, fresh] = bucket_of.emplace(eni, static_cast<std::uint32_t>(buckets_.size()));
    if (fresh) {
      buckets_.emplace_back(tuning.resolver_pps, tuning.resolver_burst);
      bucket_names_.push_back(eni);
    }
    return it->second;
  };
  for (const WorldNode& n : world.nodes) node_bucket_.push_back(bucket(n.primary_eni));
  for (const WorldPod& p : world.pods) {
    pod_bucket_.push_back(bucket(p.host_network ? world.nodes[p.node].primary_eni : p.eni));
  }
}

DnsSystem::~DnsSystem() = default;

ResolvConf DnsSystem::resolv_conf(std::uint32_t pod) const {
  const WorldPod& p = world_.pods.at(pod);
  const WorldCluster& c = world_.clusters[p.cluster];
  const WorldVpc& vpc = world_.vpcs[c.vpc];
  NodeResolver node{c.dns_service_ip, c.domain, vpc.resolver(), ec2_domain(vpc.region)};
  return pod_resolv_conf(p.dns_policy, p.host_network, p.dns_config, p.namespace_name, node);
}

sim::Time DnsSystem::one_way(std::uint32_t from_node, std::uint32_t to_node) const {
  if (from_node == to_node) return tuning_.same_node;
  return world_.nodes[from_node].az == world_.nodes[to_node].az ? tuning_.same_az : tuning_.cross_az;
}

std::uint32_t DnsSystem::open_slot(int needed) {
  std::uint32_t i = 0;
  if (!free_slots_.empty()) {
    i = free_slots_.back();
    free_slots_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[i];
  s.needed = needed;
  s.got = 0;
  s.done[0] = s.done[1] = false;
  s.answers[0].reset();
  s.answers[1].reset();
  return i;
}

void DnsSystem::close_slot(std::uint32_t slot) {
  // A new generation makes replies still on their way to this try land nowhere.
  ++slots_[slot].generation;
  free_slots_.push_back(slot);
}

void DnsSystem::deliver(std::uint32_t slot, std::uint32_t generation, int index, std::optional<Answer> answer) {
  Slot& s = slots_[slot];
  if (s.generation != generation || s.done[index]) return;
  s.done[index] = true;
  s.answers[index] = std::move(answer);
  ++s.got;
  if (s.got == s.needed && s.waiting) {
    s.waiting = false;
    sim_.cancel(s.timeout);
    sim_.resume_at(sim_.now(), s.waiter);
  }
}

sim::Task<LookupResult> DnsSystem::lookup(std::uint32_t pod, std::string name, LookupFamily family) {
  LookupResult result;
  result.started = sim_.now();
  const ResolvConf conf = resolv_conf(pod);
  std::vector<RecordType> types;
  if (family != LookupFamily::AAAA) types.push_back(RecordType::A);
  if (family != LookupFamily::A) types.push_back(RecordType::AAAA);
  bool any_nodata = false;
  result.status = LookupStatus::NxDomain;
  for (const std::string& candidate : candidate_names(name, conf)) {
    Candidate c = co_await ask(pod, conf, candidate, types);
    result.queries += c.queries;
    if (c.timed_out) {
      // glibc's res_search stops at a timeout (TRY_AGAIN without SERVFAIL).
      result.status = LookupStatus::Timeout;
      break;
    }
    for (const Answer& a : c.answers) {
      if (!a.note.empty() && std::find(result.notes.begin(), result.notes.end(), a.note) == result.notes.end()) {
        result.notes.push_back(a.note);
      }
      if (a.nodata()) any_nodata = true;
    }
    const auto hit = std::find_if(c.answers.begin(), c.answers.end(), [](const Answer& a) { return a.positive(); });
    if (hit != c.answers.end()) {
      result.status = LookupStatus::Resolved;
      result.answered_name = candidate;
      result.addresses = hit->addresses;
      result.cnames = hit->cnames;
      break;
    }
  }
  if (result.status == LookupStatus::NxDomain && any_nodata) result.status = LookupStatus::NoData;
  result.finished = sim_.now();
  co_return result;
}

sim::Task<DnsSystem::Exchange> DnsSystem::exchange(std::uint32_t pod, net::Ipv4Address server, std::string name,
                                                   std::vector<RecordType> types, int attempt, sim::Time deadline) {
  const std::uint32_t slot = open_slot(static_cast<int>(types.size()));
  const std::uint32_t generation = slots_[slot].generation;
  for (std::size_t k = 0; k < types.size(); ++k) {
    sim::spawn(sim_, serve(slot, generation, static_cast<int>(k), pod, server, name, types[k], attempt));
  }
  co_await SlotWait{*this, slot, deadline};
  Exchange e;
  Slot& s = slots_[slot];
  for (std::size_t k = 0; k < types.size(); ++k) e.answers[k] = std::move(s.answers[k]);
  e.got = s.got;
  close_slot(slot);
  co_return e;
}

sim::Task<DnsSystem::Candidate> DnsSystem::ask(std::uint32_t pod, const ResolvConf& conf, const std::string& name,
                                               const std::vector<RecordType>& types) {
  Candidate out;
  // Parallel: both queries in one try; single-request: one try each in turn.
  std::vector<std::vector<std::size_t>> groups;
  if (conf.single_request) {
    for (std::size_t i = 0; i < types.size(); ++i) groups.push_back({i});
  } else {
    groups.emplace_back();
    for (std::size_t i = 0; i < types.size(); ++i) groups.back().push_back(i);
  }
  out.answers.resize(types.size());
  const auto nscount = static_cast<std::int64_t>(conf.nameservers.size());
  for (const auto& group : groups) {
    std::vector<RecordType> asked;
    for (std::size_t i : group) asked.push_back(types[i]);
    bool answered = false;
    for (int attempt = 0; attempt < conf.attempts && !answered; ++attempt) {
      for (std::int64_t ns = 0; ns < nscount && !answered; ++ns) {
        const net::Ipv4Address server = conf.nameservers[static_cast<std::size_t>(ns)];
        // glibc send_dg, in whole seconds: (retrans << ns), divided by
        // nscount after the first server, at least 1.
        std::int64_t seconds = (conf.timeout.count() / 1'000'000'000) << ns;
        if (ns > 0) seconds /= nscount;
        const sim::Time wait = sim::Time::s(std::max<std::int64_t>(1, seconds));
        out.queries += static_cast<int>(asked.size());
        Exchange e = co_await exchange(pod, server, name, asked, attempt + 1, sim_.now() + wait);
        if (e.got == static_cast<int>(asked.size())) {
          for (std::size_t k = 0; k < group.size(); ++k) out.answers[group[k]] = std::move(*e.answers[k]);
          answered = true;
          break;
        }
        if (asked.size() != 2 || e.got != 1) continue;  // nothing came back: the next server or try
        // One of the two answers came back. glibc blames the server for
        // mishandling two queries at once: it repeats the try at once with the
        // queries one after the other (RES_SNGLKUP), then once more on a new
        // socket (RES_SNGLKUPREOP), each in a fresh window, and after that
        // settles for the one answer it has (res_send.c send_dg).
        for (int round = 0; round < 2 && !answered; ++round) {
          const sim::Time deadline = sim_.now() + wait;
          out.queries += 1;
          // Named, not braced in the call: g++ 12 rejects an initializer list
          // inside a co_await expression.
          std::vector<RecordType> one{asked[0]};
          Exchange first = co_await exchange(pod, server, name, one, attempt + 1, deadline);
          if (first.got == 0) break;  // no answer at all: the next server or try
          out.queries += 1;
          one = {asked[1]};
          Exchange second = co_await exchange(pod, server, name, one, attempt + 1, deadline);
          if (second.got == 1 || round == 1) {
            out.answers[group[0]] = std::move(*first.answers[0]);
            // The missing second answer counts as empty (NODATA).
            out.answers[group[1]] =
                second.got == 1 ? std::move(*second.answers[0]) : Answer{Rcode::NoError, {}, {}, 0, "", ""};
            answered = true;
          }
        }
      }
    }
    if (!answered) {
      out.timed_out = true;
      co_return out;
    }
  }
  co_return out;
}

sim::Task<> DnsSystem::serve(std::uint32_t slot, std::uint32_t generation, int index, std::uint32_t pod,
                             net::Ipv4Address server, std::string name, RecordType type, int attempt) {
  const WorldPod& p = world_.pods[pod];
  const WorldCluster& cluster = world_.clusters[p.cluster];
  const WorldVpc& vpc = world_.vpcs[cluster.vpc];
  std::size_t rec = kNoRecord;
  if (trace_ != nullptr) {
    rec = trace_->size();
    QueryRecord r;
    r.name = name;
    r.type = type;
    r.attempt = attempt;
    r.sent = sim_.now();
    trace_->push_back(std::move(r));
  }
  std::optional<Answer> answer;
  const auto link_local_resolver = net::Ipv4Address::from_octets(169, 254, 169, 253);
  if (server == cluster.dns_service_ip) {
    if (node_caches_[p.node] != nullptr) {
      if (auto* r = record(rec))
        r->server = server.to_string() + " (kube-dns) -> node-local-dns on " + world_.nodes[p.node].name;
      answer = co_await via_node_local(pod, name, type, rec);
    } else {
      if (auto* r = record(rec)) r->server = server.to_string() + " (kube-dns)";
      answer = co_await via_coredns(p.cluster, p.node, name, type, rec);
    }
  } else if (server == vpc.resolver() || server == link_local_resolver) {
    if (auto* r = record(rec))
      r->server = server.to_string() + " (VPC resolver, from " + bucket_names_[pod_bucket_[pod]] + ")";
    answer = co_await via_resolver(pod_bucket_[pod], cluster.vpc, name, type, rec);
  } else {
    if (auto* r = record(rec)) {
      r->server = server.to_string();
      r->note = "eksim models no DNS server at " + server.to_string() + ": the query goes unanswered";
    }
  }
  if (auto* r = record(rec)) {
    if (answer) {
      r->answered = sim_.now();
      if (answer->positive()) {
        r->outcome.clear();
        for (const auto& a : answer->addresses) r->outcome += (r->outcome.empty() ? "" : ",") + a.to_string();
      } else {
        r->outcome = answer->nodata() ? "NODATA" : "NXDOMAIN";
      }
      if (!answer->cnames.empty()) {
        std::string chain;
        for (const auto& c : answer->cnames) chain += " -> " + c;
        r->outcome = "CNAME" + chain + (r->outcome.empty() ? "" : " " + r->outcome);
      }
      if (!answer->note.empty()) r->note = answer->note;
      const Slot& s = slots_[slot];
      r->too_late = s.generation != generation;
    } else if (r->outcome.empty()) {
      r->outcome = "no answer";
    }
  }
  if (answer) deliver(slot, generation, index, std::move(answer));
}

sim::Task<std::optional<Answer>> DnsSystem::via_node_local(std::uint32_t pod, const std::string& name, RecordType type,
                                                           std::size_t rec) {
  const WorldPod& p = world_.pods[pod];
  const WorldCluster& cluster = world_.clusters[p.cluster];
  NodeCache& cache = *node_caches_[p.node];
  ++cache.queries;
  co_await sim_.sleep(tuning_.same_node);
  const bool cluster_name = zones_[p.cluster].covers(name);
  DnsCache& store = cluster_name ? cache.cluster : cache.other;
  if (auto hit = store.lookup(name, type, sim_.now())) {
    if (auto* r = record(rec)) r->path = "node-local cache hit";
    co_await sim_.sleep(tuning_.same_node);
    co_return hit;
  }
  if (auto* r = record(rec)) r->path = "node-local cache miss";
  std::optional<Answer> answer;
  if (cluster_name) {
    // force_tcp to kube-dns-upstream: a kept-open connection, so no handshake
    // per query and no loss (docs/dns.md).
    if (auto* r = record(rec)) r->path += " -> tcp";
    answer = co_await via_coredns(p.cluster, p.node, name, type, rec);
  } else {
    if (auto* r = record(rec)) r->path += " -> VPC resolver from " + bucket_names_[node_bucket_[p.node]];
    answer = co_await via_resolver(node_bucket_[p.node], cluster.vpc, name, type, rec);
  }
  if (answer) {
    store.insert(name, type, *answer, sim_.now());
    co_await sim_.sleep(tuning_.same_node);
  }
  co_return answer;
}

sim::Task<std::optional<Answer>> DnsSystem::via_coredns(std::uint32_t cluster, std::uint32_t from_node,
                                                        const std::string& name, RecordType type, std::size_t rec) {
  const auto& mine = replicas_of_[cluster];
  if (mine.empty()) {
    if (auto* r = record(rec)) r->note = "no CoreDNS replica runs in cluster " + world_.clusters[cluster].name;
    co_return std::nullopt;
  }
  const std::uint32_t index = mine[pick_.uniform_below(mine.size())];
  Replica& replica = replicas_[index];
  const sim::Time hop = one_way(from_node, world_.pods[replica.pod].node);
  if (auto* r = record(rec)) r->path += std::string(r->path.empty() ? "" : " -> ") + world_.pod_name(replica.pod);
  co_await sim_.sleep(hop);
  ++replica.queries;
  {
    auto slot = co_await replica.server.acquire();
    co_await sim_.sleep(coredns_service_);
  }
  std::optional<Answer> answer = co_await coredns_resolve(index, name, type, rec, 0);
  if (answer) co_await sim_.sleep(hop);
  co_return answer;
}

sim::Task<std::optional<Answer>> DnsSystem::coredns_resolve(std::uint32_t index, std::string name, RecordType type,
                                                            std::size_t rec, int depth) {
  Replica& replica = replicas_[index];
  const std::uint32_t cluster = world_.pods[replica.pod].cluster;
  const char* what = depth == 0 ? "" : " (CNAME target)";
  if (auto hit = replica.cache.lookup(name, type, sim_.now())) {
    if (auto* r = record(rec)) r->path += std::string(" cache hit") + what;
    co_return hit;
  }
  if (auto* r = record(rec)) r->path += std::string(" cache miss") + what;
  std::optional<Answer> answer;
  const ClusterZone& zone = zones_[cluster];
  if (zone.covers(name)) {
    Answer a = zone.answer(name, type);
    if (auto* r = record(rec)) r->path += ", kubernetes plugin";
    if (!a.cnames.empty() && depth < 8) {
      // ExternalName: CoreDNS looks the target up through its own plugins.
      auto target = co_await coredns_resolve(index, a.cnames.front(), type, rec, depth + 1);
      if (!target) co_return std::nullopt;
      a.rcode = target->rcode;
      a.addresses = target->addresses;
      a.cnames.insert(a.cnames.end(), target->cnames.begin(), target->cnames.end());
      a.ttl_seconds = std::min(a.ttl_seconds, target->ttl_seconds);
      if (!target->note.empty()) a.note = target->note;
    }
    answer = std::move(a);
  } else {
    const std::uint32_t vpc = world_.clusters[cluster].vpc;
    if (auto* r = record(rec)) r->path += ", forward -> VPC resolver from " + bucket_names_[pod_bucket_[replica.pod]];
    answer = co_await via_resolver(pod_bucket_[replica.pod], vpc, name, type, rec);
    // A dropped forward is not retried here: the client's timeout governs
    // (docs/dns.md).
    if (!answer) co_return std::nullopt;
  }
  replica.cache.insert(name, type, *answer, sim_.now());
  co_return answer;
}

sim::Task<std::optional<Answer>> DnsSystem::via_resolver(std::uint32_t bucket, std::uint32_t vpc,
                                                         const std::string& name, RecordType type, std::size_t rec) {
  if (!buckets_[bucket].take(sim_.now())) {
    if (auto* r = record(rec)) {
      r->outcome = "dropped at " + bucket_names_[bucket] + " (over " + std::to_string(tuning_.resolver_pps) +
                   " packets/s to the VPC resolver)";
    }
    co_return std::nullopt;
  }
  co_await sim_.sleep(tuning_.resolver_round_trip);
  co_return vpc_resolver_answer(world_, vpc, name, type);
}

std::vector<EniCounters> DnsSystem::resolver_counters() const {
  std::vector<EniCounters> out;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i].passed() + buckets_[i].dropped() == 0) continue;
    out.push_back({bucket_names_[i], buckets_[i].passed(), buckets_[i].dropped()});
  }
  return out;
}

std::vector<ServerCounters> DnsSystem::coredns_counters() const {
  std::vector<ServerCounters> out;
  for (const Replica& r : replicas_) {
    out.push_back({world_.pod_name(r.pod), r.queries, r.cache.stats(), r.server.waits()});
  }
  return out;
}

std::vector<ServerCounters> DnsSystem::node_local_counters() const {
  std::vector<ServerCounters> out;
  for (std::size_t n = 0; n < node_caches_.size(); ++n) {
    if (node_caches_[n] == nullptr) continue;
    const NodeCache& c = *node_caches_[n];
    CacheStats s = c.cluster.stats();
    s.hits += c.other.stats().hits;
    s.misses += c.other.stats().misses;
    s.evictions += c.other.stats().evictions;
    out.push_back({"node-local-dns on " + world_.nodes[n].name, c.queries, s, 0});
  }
  return out;
}

}  // namespace eksim::dns
