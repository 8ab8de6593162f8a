#include "eksim/observe/flow_log.hpp"

#include <algorithm>
#include <tuple>

namespace eksim::observe {

std::string flow_log_header() {
  return "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
         "log-status\n";
}

void append_flow_log(std::string& out, const FlowLogRecord& r) {
  out += "2 ";
  out += r.account_id.empty() ? "-" : r.account_id;
  out += ' ';
  out += r.interface_id.empty() ? "-" : r.interface_id;
  if (r.log_status == FlowLogStatus::Ok) {
    out += ' ' + r.srcaddr.to_string() + ' ' + r.dstaddr.to_string() + ' ' + std::to_string(r.srcport) + ' ' +
           std::to_string(r.dstport) + ' ' + std::to_string(r.protocol) + ' ' + std::to_string(r.packets) + ' ' +
           std::to_string(r.bytes);
  } else {
    out += " - - - - - - -";
  }
  out += ' ' + std::to_string(r.start) + ' ' + std::to_string(r.end) + ' ';
  switch (r.log_status) {
    case FlowLogStatus::Ok:
      out += r.action == FlowAction::Accept ? "ACCEPT OK\n" : "REJECT OK\n";
      break;
    case FlowLogStatus::NoData:
      out += "- NODATA\n";
      break;
    case FlowLogStatus::SkipData:
      out += "- SKIPDATA\n";
      break;
  }
}

FlowLogAggregator::FlowLogAggregator(std::string account_id, std::int64_t epoch_unix, std::int64_t window_seconds)
    : account_id_(std::move(account_id)), epoch_unix_(epoch_unix), window_seconds_(std::max<std::int64_t>(1, window_seconds)) {}

std::uint32_t FlowLogAggregator::interface(std::string_view eni_id) {
  const auto [it, added] = interface_index_.emplace(std::string(eni_id), static_cast<std::uint32_t>(interfaces_.size()));
  if (added) interfaces_.emplace_back(eni_id);
  return it->second;
}

std::size_t FlowLogAggregator::KeyHash::operator()(const Key& k) const {
  // splitmix64-style mixing of the packed fields.
  auto mix = [](std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  };
  std::uint64_t h = static_cast<std::uint64_t>(k.window);
  h = mix(h, (std::uint64_t{k.src} << 32) | k.dst);
  h = mix(h, (std::uint64_t{k.srcport} << 48) | (std::uint64_t{k.dstport} << 32) | (std::uint64_t{k.protocol} << 24) |
                 (std::uint64_t{static_cast<std::uint8_t>(k.action)} << 23) | k.interface);
  return static_cast<std::size_t>(h);
}

void FlowLogAggregator::add(std::uint32_t interface, const Packets& f, sim::Time at, std::uint64_t packets,
                            std::uint64_t bytes) {
  // Floor division: simulated time is never negative, but keep windows right if it were.
  const std::int64_t ns = at.count();
  const std::int64_t second = epoch_unix_ + (ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000));
  const std::int64_t from_epoch = second - epoch_unix_;
  const std::int64_t window = from_epoch >= 0 ? from_epoch / window_seconds_
                                              : -((-from_epoch + window_seconds_ - 1) / window_seconds_);
  Totals& t = flows_[Key{window, interface, f.src.value(), f.dst.value(), f.srcport, f.dstport, f.protocol, f.action}];
  if (t.packets == 0) t.first = t.last = second;
  t.packets += packets;
  t.bytes += bytes;
  t.first = std::min(t.first, second);
  t.last = std::max(t.last, second);
}

std::vector<FlowLogRecord> FlowLogAggregator::records() const {
  std::vector<const std::pair<const Key, Totals>*> order;
  order.reserve(flows_.size());
  for (const auto& entry : flows_) order.push_back(&entry);
  auto rank = [&](const std::pair<const Key, Totals>* e) {
    const Key& k = e->first;
    return std::tie(k.window, interfaces_[k.interface], k.src, k.dst, k.srcport, k.dstport, k.protocol, k.action);
  };
  std::sort(order.begin(), order.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
  std::vector<FlowLogRecord> out;
  out.reserve(order.size());
  for (const auto* e : order) {
    const Key& k = e->first;
    out.push_back({account_id_, interfaces_[k.interface], net::Ipv4Address(k.src), net::Ipv4Address(k.dst), k.srcport,
                   k.dstport, k.protocol, e->second.packets, e->second.bytes, e->second.first, e->second.last,
                   k.action, FlowLogStatus::Ok});
  }
  return out;
}

std::string FlowLogAggregator::text() const {
  std::string out = flow_log_header();
  for (const FlowLogRecord& r : records()) append_flow_log(out, r);
  return out;
}

}  // namespace eksim::observe
