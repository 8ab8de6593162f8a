#include "eksim/reach/aws_path.hpp"

#include <algorithm>
#include <tuple>

namespace eksim::reach {

using aws::EntityIndex;

struct AwsPathEngine::Routing {
  std::vector<Hop> hops;  // forward route, then the reply's
  std::optional<Blocked> blocked;
  // The path crossed a peering between the two ends' VPCs in one region, the
  // only cross-VPC case where security-group references match.
  bool peered_same_region = false;
};

namespace {

constexpr int kMaxRoutingSteps = 8;  // more VPC or TGW hops than this is a loop

int protocol_number(k8s::Protocol protocol) {
  switch (protocol) {
    case k8s::Protocol::Tcp:
      return aws::IpProtocol::kTcp;
    case k8s::Protocol::Udp:
      return aws::IpProtocol::kUdp;
    case k8s::Protocol::Sctp:
      return 132;
  }
  return -2;
}

// The connections among TCP, UDP and SCTP a rule or entry matches. Rules for
// other protocols (ICMP, ESP, ...) match none of them.
ConnectionSet match_set(const aws::ProtocolMatch& m) {
  const int p = m.protocol.number;
  if (p == aws::IpProtocol::kAll) return ConnectionSet::all();
  if (p == aws::IpProtocol::kTcp) return ConnectionSet::of(k8s::Protocol::Tcp, m.ports.first, m.ports.last);
  if (p == aws::IpProtocol::kUdp) return ConnectionSet::of(k8s::Protocol::Udp, m.ports.first, m.ports.last);
  if (p == protocol_number(k8s::Protocol::Sctp)) return ConnectionSet::all_of(k8s::Protocol::Sctp);
  return {};
}

bool matches(const aws::ProtocolMatch& m, k8s::Protocol protocol, std::uint16_t port) {
  if (m.protocol.is_all()) return true;
  if (m.protocol.number != protocol_number(protocol)) return false;
  return !m.protocol.has_ports() || m.ports.contains(port);
}

std::string connection_text(k8s::Protocol protocol, std::uint16_t port) {
  return std::string(k8s::to_string(protocol)) + " " + std::to_string(port);
}

std::string qualified(const aws::NetworkModel& m, EntityIndex vpc, const std::string& name) {
  return m.vpcs[vpc].name + "/" + name;
}

std::string groups_text(const aws::NetworkModel& m, const std::vector<EntityIndex>& groups) {
  std::string out;
  for (const EntityIndex g : groups) {
    if (!out.empty()) out += ", ";
    out += qualified(m, m.security_groups[g].vpc, m.security_groups[g].name);
  }
  return out.empty() ? "(no security group)" : out;
}

std::string acl_name(const aws::NetworkModel& m, EntityIndex acl) {
  return qualified(m, m.network_acls[acl].vpc, m.network_acls[acl].name);
}

std::string destination_text(const aws::NetworkModel& m, const aws::RouteDestination& d) {
  if (d.kind == aws::RouteDestination::Kind::cidr) return d.cidr.to_string();
  return "prefix list " + m.prefix_lists[d.prefix_list].name;
}

std::string target_text(const aws::NetworkModel& m, const aws::Route& r) {
  switch (r.target) {
    case aws::RouteTargetKind::local:
      return "local";
    case aws::RouteTargetKind::internet_gateway:
      return "internet-gateway " + m.internet_gateways[r.target_index].name;
    case aws::RouteTargetKind::nat_gateway:
      return "nat-gateway " + m.nat_gateways[r.target_index].name;
    case aws::RouteTargetKind::peering:
      return "peering " + m.peerings[r.target_index].name;
    case aws::RouteTargetKind::transit_gateway:
      return "transit-gateway " + m.transit_gateways[r.target_index].name;
    case aws::RouteTargetKind::blackhole:
      return "blackhole";
  }
  return "?";
}

const std::vector<net::Cidr>* expand(const aws::NetworkModel& m, const aws::RouteDestination& d,
                                     std::vector<net::Cidr>& one) {
  if (d.kind == aws::RouteDestination::Kind::prefix_list) return &m.prefix_lists[d.prefix_list].cidrs;
  one.assign(1, d.cidr);
  return &one;
}

bool peer_in(const aws::NetworkModel& m, const aws::SecurityGroupPeer& peer, net::Ipv4Address address) {
  if (peer.kind == aws::SecurityGroupPeer::Kind::cidr) return peer.cidr.contains(address);
  if (peer.kind == aws::SecurityGroupPeer::Kind::prefix_list) {
    const auto& cidrs = m.prefix_lists[peer.index].cidrs;
    return std::any_of(cidrs.begin(), cidrs.end(), [&](const net::Cidr& c) { return c.contains(address); });
  }
  return false;
}

// Whether a rule's peer covers the other end of the connection. A
// security-group peer covers ENIs carrying the group, seen over the VPC or a
// same-region peering (AWS resolves references nowhere else: not through a
// transit gateway, a NAT gateway or the internet).
bool peer_matches(const aws::NetworkModel& m, const aws::SecurityGroupPeer& peer, const AwsEndpoint& self,
                  const AwsEndpoint& other, bool peered_same_region) {
  if (peer.kind != aws::SecurityGroupPeer::Kind::security_group) return peer_in(m, peer, other.address);
  if (other.is_external() || self.is_external()) return false;
  if (std::find(other.security_groups.begin(), other.security_groups.end(), peer.index) ==
      other.security_groups.end()) {
    return false;
  }
  return *other.vpc == *self.vpc || peered_same_region;
}

enum class Direction { ingress, egress };

// What one set of groups allows toward (egress) or from (ingress) `other`.
ConnectionSet sg_allows(const aws::NetworkModel& m, const std::vector<EntityIndex>& groups, Direction dir,
                        const AwsEndpoint& self, const AwsEndpoint& other, bool peered) {
  ConnectionSet out;
  for (const EntityIndex g : groups) {
    const auto& sg = m.security_groups[g];
    for (const auto& rule : dir == Direction::egress ? sg.egress : sg.ingress) {
      if (peer_matches(m, rule.peer, self, other, peered)) out |= match_set(rule.match);
      if (out.is_all()) return out;
    }
  }
  return out;
}

// The first rule of `groups` allowing the connection: "egress rule 2", or
// "east/nodes egress rule 2" when the set has several groups.
std::optional<std::string> sg_allowing_rule(const aws::NetworkModel& m, const std::vector<EntityIndex>& groups,
                                            Direction dir, const AwsEndpoint& self, const AwsEndpoint& other,
                                            bool peered, k8s::Protocol protocol, std::uint16_t port) {
  for (const EntityIndex g : groups) {
    const auto& sg = m.security_groups[g];
    const auto& rules = dir == Direction::egress ? sg.egress : sg.ingress;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (peer_matches(m, rules[i].peer, self, other, peered) && matches(rules[i].match, protocol, port)) {
        // The hop already names the set; name the group only when there are several.
        const std::string group = groups.size() > 1 ? qualified(m, sg.vpc, sg.name) + " " : std::string();
        return group + (dir == Direction::egress ? "egress rule " : "ingress rule ") + std::to_string(i + 1);
      }
    }
  }
  return std::nullopt;
}

// Network ACL, first match in rule-number order, implicit deny at the end:
// the connections allowed toward or from `peer`.
ConnectionSet acl_allows(const std::vector<aws::NetworkAclEntry>& entries, net::Ipv4Address peer) {
  ConnectionSet remaining = ConnectionSet::all();
  ConnectionSet allowed;
  for (const auto& e : entries) {
    if (!e.cidr.contains(peer)) continue;
    const ConnectionSet hit = match_set(e.match) & remaining;
    if (hit.empty()) continue;
    if (e.action == aws::NaclAction::allow) allowed |= hit;
    remaining -= hit;
    if (remaining.empty()) break;
  }
  return allowed;
}

// The entry deciding one packet, or nullptr for the implicit deny.
const aws::NetworkAclEntry* acl_decision(const std::vector<aws::NetworkAclEntry>& entries, net::Ipv4Address peer,
                                         k8s::Protocol protocol, std::uint16_t port) {
  for (const auto& e : entries) {
    if (e.cidr.contains(peer) && matches(e.match, protocol, port)) return &e;
  }
  return nullptr;
}

// Replies go to the client's ephemeral ports, any of which the client may
// have picked, so the whole range must pass. Returns nothing when it does,
// else the deciding entry (nullptr: the implicit deny) and the first port it drops.
struct ReturnDenial {
  const aws::NetworkAclEntry* entry = nullptr;
  PortSpan ports;  // the first run of ephemeral ports it drops
};
std::optional<ReturnDenial> acl_return_denial(const std::vector<aws::NetworkAclEntry>& entries, net::Ipv4Address peer,
                                              k8s::Protocol protocol, const AwsPathOptions& o) {
  ConnectionSet remaining = ConnectionSet::of(protocol, o.ephemeral_first, o.ephemeral_last);
  for (const auto& e : entries) {
    if (!e.cidr.contains(peer)) continue;
    const ConnectionSet hit = match_set(e.match) & remaining;
    if (hit.empty()) continue;
    if (e.action == aws::NaclAction::deny) return ReturnDenial{&e, hit.ports(protocol).front()};
    remaining -= hit;
    if (remaining.empty()) return std::nullopt;
  }
  if (remaining.empty()) return std::nullopt;
  return ReturnDenial{nullptr, remaining.ports(protocol).front()};
}

std::string rule_text(const aws::NetworkAclEntry* e) {
  return e == nullptr ? "implicit deny" : "rule " + std::to_string(e->rule_number);
}

std::string endpoint_text(const AwsEndpoint& e) {
  const std::string address = e.address.to_string();
  return e.name.empty() || e.name == address ? address : e.name + " (" + address + ")";
}

std::string span_text(k8s::Protocol protocol, PortSpan s) {
  return std::string(k8s::to_string(protocol)) + " " + std::to_string(s.first) +
         (s.last == s.first ? std::string() : "-" + std::to_string(s.last));
}

}  // namespace

AwsEndpoint AwsEndpoint::eni(const aws::NetworkModel& model, EntityIndex subnet, net::Ipv4Address address,
                             std::vector<EntityIndex> groups, std::string name) {
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  AwsEndpoint e;
  e.vpc = model.subnets.at(subnet).vpc;
  e.subnet = subnet;
  e.address = address;
  e.security_groups = std::move(groups);
  e.name = std::move(name);
  return e;
}

AwsEndpoint AwsEndpoint::external(net::Ipv4Address address, std::string name) {
  AwsEndpoint e;
  e.address = address;
  e.name = std::move(name);
  return e;
}

std::size_t LocationKey::hash() const {
  std::size_t h = external ? 0x51ed27 : 0x2545f491;
  auto mix = [&h](std::size_t v) { h = (h ^ v) * 0x100000001b3ULL; };
  mix(subnet);
  mix(address_class);
  for (const EntityIndex g : security_groups) mix(g + 0x10000);
  mix(0xffff);
  for (const EntityIndex g : also_security_groups) mix(g + 0x20000);
  return h;
}

AwsPathEngine::AwsPathEngine(const aws::NetworkModel& model, AwsPathOptions options)
    : model_(model), options_(options) {
  std::vector<net::Cidr> one;
  std::vector<net::Cidr> all_cidrs;
  // VPC route tables: longest prefix first; for one prefix a CIDR route
  // before a prefix-list route (AWS: the more specific route wins; with equal
  // prefixes, the route to the CIDR block takes priority over the prefix list).
  route_lpm_.resize(model.route_tables.size());
  for (std::size_t t = 0; t < model.route_tables.size(); ++t) {
    std::vector<std::tuple<int, int, std::uint32_t, LpmEntry>> sorted;
    const auto& routes = model.route_tables[t].routes;
    for (std::uint32_t r = 0; r < routes.size(); ++r) {
      const bool from_list = routes[r].destination.kind == aws::RouteDestination::Kind::prefix_list;
      for (const net::Cidr& c : *expand(model, routes[r].destination, one)) {
        sorted.emplace_back(-c.prefix_length(), from_list ? 1 : 0, r, LpmEntry{c, r});
        all_cidrs.push_back(c);
      }
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
             std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    });
    for (auto& s : sorted) route_lpm_[t].push_back(std::get<3>(s));
  }
  // TGW route tables: longest prefix first; for one prefix static CIDR
  // routes, then static prefix-list routes, then propagated routes (the TGW
  // route evaluation order AWS documents).
  tgw_lpm_.resize(model.transit_gateways.size());
  for (std::size_t g = 0; g < model.transit_gateways.size(); ++g) {
    const auto& tgw = model.transit_gateways[g];
    tgw_lpm_[g].resize(tgw.route_tables.size());
    for (std::size_t t = 0; t < tgw.route_tables.size(); ++t) {
      const auto& table = tgw.route_tables[t];
      std::vector<std::tuple<int, int, std::uint32_t, TgwEntry>> sorted;
      std::uint32_t order = 0;
      for (std::uint32_t r = 0; r < table.routes.size(); ++r) {
        const auto& route = table.routes[r];
        const bool from_list = route.destination.kind == aws::RouteDestination::Kind::prefix_list;
        for (const net::Cidr& c : *expand(model, route.destination, one)) {
          sorted.emplace_back(-c.prefix_length(), from_list ? 1 : 0, order++,
                              TgwEntry{c, true, route.blackhole, route.attachment, r});
          all_cidrs.push_back(c);
        }
      }
      for (const EntityIndex a : table.propagations) {
        for (const net::Cidr& c : model.vpcs[tgw.attachments[a].vpc].cidrs) {
          sorted.emplace_back(-c.prefix_length(), 2, order++, TgwEntry{c, false, false, a, 0});
        }
      }
      std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
               std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
      });
      for (auto& s : sorted) tgw_lpm_[g][t].push_back(std::get<3>(s));
    }
  }
  // Every other CIDR an address can be tested against, for address classes.
  for (const auto& v : model.vpcs) all_cidrs.insert(all_cidrs.end(), v.cidrs.begin(), v.cidrs.end());
  for (const auto& s : model.subnets) all_cidrs.push_back(s.cidr);
  for (const auto& pl : model.prefix_lists) all_cidrs.insert(all_cidrs.end(), pl.cidrs.begin(), pl.cidrs.end());
  for (const auto& acl : model.network_acls) {
    for (const auto& e : acl.ingress) all_cidrs.push_back(e.cidr);
    for (const auto& e : acl.egress) all_cidrs.push_back(e.cidr);
  }
  for (const auto& sg : model.security_groups) {
    for (const auto* rules : {&sg.ingress, &sg.egress}) {
      for (const auto& r : *rules) {
        if (r.peer.kind == aws::SecurityGroupPeer::Kind::cidr) all_cidrs.push_back(r.peer.cidr);
      }
    }
  }
  boundaries_.push_back(0);
  for (const net::Cidr& c : all_cidrs) {
    boundaries_.push_back(c.first().value());
    if (c.last().value() != 0xffffffffU) boundaries_.push_back(c.last().value() + 1);
  }
  std::sort(boundaries_.begin(), boundaries_.end());
  boundaries_.erase(std::unique(boundaries_.begin(), boundaries_.end()), boundaries_.end());
}

std::uint32_t AwsPathEngine::address_class(net::Ipv4Address address) const {
  const auto it = std::upper_bound(boundaries_.begin(), boundaries_.end(), address.value());
  return static_cast<std::uint32_t>(it - boundaries_.begin() - 1);
}

LocationKey AwsPathEngine::location_key(const AwsEndpoint& e) const {
  LocationKey k;
  k.external = e.is_external();
  k.subnet = e.is_external() ? 0 : e.subnet;
  k.address_class = address_class(e.address);
  // Sorted here too, so endpoints built by hand with the groups in another
  // order share a key.
  k.security_groups = e.security_groups;
  k.also_security_groups = e.also_security_groups;
  std::sort(k.security_groups.begin(), k.security_groups.end());
  std::sort(k.also_security_groups.begin(), k.also_security_groups.end());
  return k;
}

namespace {

// Where a packet is while routing: the VPC, the route table in force, the AZ
// it is in (for the Transit Gateway's AZ rule) and the subnet it left from.
struct Position {
  EntityIndex vpc = 0;
  EntityIndex route_table = 0;
  EntityIndex az = 0;
  EntityIndex subnet = 0;
};

enum class Exit { delivered, internet };

struct Walk {
  std::vector<Hop> hops;
  std::optional<Blocked> blocked;
  std::optional<Exit> exit;
  std::optional<EntityIndex> peering;  // the peering crossed, if any
  bool via_nat = false;
  bool first_table_failed = false;  // blocked at the starting route table
  bool direct_to_internet = false;  // the starting route table sent it to an internet gateway
};

}  // namespace

// The route a packet takes from `start` to `dst`'s address, through route
// tables, peerings, transit gateways and gateways.
static Walk walk(const aws::NetworkModel& m, const std::vector<std::vector<AwsPathEngine::LpmEntry>>& lpm,
                 const std::vector<std::vector<std::vector<AwsPathEngine::TgwEntry>>>& tgw_lpm, Position at,
                 const AwsEndpoint& dst) {
  Walk w;
  const net::Ipv4Address addr = dst.address;
  const std::string addr_text = endpoint_text(dst);
  for (int step = 0; step < kMaxRoutingSteps; ++step) {
    const auto& table = m.route_tables[at.route_table];
    const std::string table_name = "route-table " + qualified(m, table.vpc, table.name);
    auto block = [&](reach::Reason reason, std::string component, std::string rule, std::string message) {
      w.blocked = Blocked{reason, std::move(component), std::move(rule), std::move(message)};
      w.first_table_failed = step == 0;
      return w;
    };
    const auto& entries = lpm[at.route_table];
    const auto hit = std::find_if(entries.begin(), entries.end(),
                                  [&](const AwsPathEngine::LpmEntry& e) { return e.cidr.contains(addr); });
    if (hit == entries.end()) {
      w.hops.push_back({"route-table", qualified(m, table.vpc, table.name), "no route matches " + addr.to_string()});
      return block(Reason::NO_ROUTE, table_name, "",
                   "no route in " + qualified(m, table.vpc, table.name) + " matches " + addr_text +
                       "; add a route for it to a peering, transit gateway or gateway");
    }
    const aws::Route& route = table.routes[hit->route];
    const std::string dest = destination_text(m, route.destination);
    const std::string rule = "route " + dest;
    std::string detail = dest;
    if (route.destination.kind == aws::RouteDestination::Kind::prefix_list)
      detail += " (" + hit->cidr.to_string() + ")";
    w.hops.push_back({"route-table", qualified(m, table.vpc, table.name), detail + " -> " + target_text(m, route)});
    const bool dst_here = !dst.is_external() && *dst.vpc == at.vpc;
    switch (route.target) {
      case aws::RouteTargetKind::local:
        if (dst_here) {
          w.exit = Exit::delivered;
          return w;
        }
        return block(Reason::NO_ROUTE, table_name, rule,
                     addr_text + " lies in VPC " + m.vpcs[at.vpc].name + "'s own block, but " +
                         (dst.is_external() ? std::string("no ENI of the VPC holds it")
                                            : "the destination is in VPC " + m.vpcs[*dst.vpc].name) +
                         "; overlapping address space cannot be routed");
      case aws::RouteTargetKind::blackhole:
        return block(Reason::BLACKHOLE_ROUTE, table_name, rule,
                     "route " + dest + " in " + qualified(m, table.vpc, table.name) +
                         " is a blackhole (its target is gone); traffic to " + addr_text +
                         " is dropped. Point the route at a live target or remove it");
      case aws::RouteTargetKind::internet_gateway: {
        const auto& igw = m.internet_gateways[route.target_index];
        if (dst.is_external()) {
          w.hops.push_back({"internet-gateway", igw.name, "to the internet"});
          w.exit = Exit::internet;
          w.direct_to_internet = step == 0;
          return w;
        }
        return block(Reason::NO_ROUTE, table_name, rule,
                     "the route sends " + addr_text + ", a private address of VPC " + m.vpcs[*dst.vpc].name +
                         ", to internet gateway " + igw.name +
                         "; private addresses are not reachable over the internet");
      }
      case aws::RouteTargetKind::nat_gateway: {
        const auto& nat = m.nat_gateways[route.target_index];
        const auto& nat_subnet = m.subnets[nat.subnet];
        w.via_nat = true;
        w.hops.push_back({"nat-gateway", nat.name,
                          std::string(nat.is_public ? "public" : "private") + " NAT in subnet " + nat_subnet.name});
        if (dst.is_external() && !nat.is_public) {
          w.blocked = Blocked{Reason::NO_INTERNET_ROUTE, "nat-gateway " + nat.name, "",
                              "private NAT gateway " + nat.name + " cannot reach the internet address " + addr_text +
                                  "; use a public NAT gateway (on-premises paths are not modelled)"};
          return w;
        }
        if (dst.is_external()) {
          // A public NAT gateway sends the translated packet by its own
          // subnet's route table, which must lead to the internet gateway.
          const auto& nat_table = m.route_tables[nat_subnet.route_table];
          const auto& ne = lpm[nat_subnet.route_table];
          const auto nh = std::find_if(ne.begin(), ne.end(),
                                       [&](const AwsPathEngine::LpmEntry& e) { return e.cidr.contains(addr); });
          const std::string nat_table_name = qualified(m, nat_table.vpc, nat_table.name);
          if (nh == ne.end() || nat_table.routes[nh->route].target != aws::RouteTargetKind::internet_gateway) {
            w.hops.push_back({"route-table", nat_table_name,
                              nh == ne.end() ? "no route matches " + addr.to_string()
                                             : destination_text(m, nat_table.routes[nh->route].destination) + " -> " +
                                                   target_text(m, nat_table.routes[nh->route])});
            w.blocked =
                Blocked{Reason::NO_INTERNET_ROUTE, "route-table " + nat_table_name,
                        nh == ne.end() ? "" : "route " + destination_text(m, nat_table.routes[nh->route].destination),
                        "NAT gateway " + nat.name + "'s subnet " + nat_subnet.name + " uses route table " +
                            nat_table_name + ", which does not send " + addr_text +
                            " to an internet gateway; add 0.0.0.0/0 -> the VPC's internet gateway there"};
            return w;
          }
          const auto& nat_route = nat_table.routes[nh->route];
          w.hops.push_back({"route-table", nat_table_name,
                            destination_text(m, nat_route.destination) + " -> " + target_text(m, nat_route)});
          w.hops.push_back({"internet-gateway", m.internet_gateways[nat_route.target_index].name, "to the internet"});
          w.exit = Exit::internet;
          return w;
        }
        // Toward a private address: on by the NAT gateway's subnet's routes
        // (source translation is not modelled for private destinations).
        at = Position{nat_subnet.vpc, nat_subnet.route_table, nat_subnet.az, nat.subnet};
        continue;
      }
      case aws::RouteTargetKind::peering: {
        const auto& pcx = m.peerings[route.target_index];
        const EntityIndex peer = pcx.peer_of(at.vpc);
        if (dst.is_external() || *dst.vpc != peer) {
          w.hops.push_back({"peering", pcx.name, "leads to VPC " + m.vpcs[peer].name});
          return block(Reason::PEERING_NOT_TRANSITIVE, "peering " + pcx.name, rule,
                       addr_text + " is not in VPC " + m.vpcs[peer].name + ", the other side of peering " + pcx.name +
                           "; peering is not transitive (VPC " + m.vpcs[peer].name +
                           " never forwards it), so peer the two VPCs directly or use a transit gateway");
        }
        w.hops.push_back({"peering", pcx.name, "into VPC " + m.vpcs[peer].name});
        w.peering = route.target_index;
        w.exit = Exit::delivered;
        return w;
      }
      case aws::RouteTargetKind::transit_gateway: {
        const EntityIndex g = route.target_index;
        const auto& tgw = m.transit_gateways[g];
        const auto att = tgw.attachment_for_vpc(at.vpc);
        if (!att) {
          return block(Reason::NO_ROUTE, table_name, rule,
                       "VPC " + m.vpcs[at.vpc].name + " is not attached to transit gateway " + tgw.name);
        }
        const auto& a = tgw.attachments[*att];
        const std::string att_name = tgw.name + "/" + a.name;
        // AWS: resources in an AZ where the attachment has no subnet cannot
        // reach the transit gateway. The AZ is the one of the subnet the
        // packet leaves from.
        const bool az_present =
            std::any_of(a.subnets.begin(), a.subnets.end(), [&](EntityIndex s) { return m.subnets[s].az == at.az; });
        const std::string az_name = m.availability_zones[at.az].name;
        if (!az_present) {
          w.hops.push_back({"transit-gateway-attachment", att_name, "no subnet in " + az_name});
          w.blocked = Blocked{Reason::TGW_AZ_NOT_PRESENT, "transit-gateway-attachment " + att_name, "",
                              "attachment " + att_name + " has no subnet in " + az_name + ", where subnet " +
                                  m.subnets[at.subnet].name + " is, so its traffic cannot enter transit gateway " +
                                  tgw.name + "; add a subnet of " + az_name + " to the attachment"};
          return w;
        }
        if (!a.route_table) {
          w.hops.push_back({"transit-gateway-attachment", att_name, "associated with no route table"});
          w.blocked = Blocked{Reason::TGW_NOT_ASSOCIATED, "transit-gateway-attachment " + att_name, "",
                              "attachment " + att_name +
                                  " is associated with no transit gateway route table, so the transit gateway drops "
                                  "its traffic (propagating routes is not association); associate it with a table"};
          return w;
        }
        const auto& tt = tgw.route_tables[*a.route_table];
        const std::string tt_name = tgw.name + "/" + tt.name;
        w.hops.push_back({"transit-gateway", tgw.name,
                          "from attachment " + a.name + " in " + az_name + ", associated with route table " + tt.name});
        const auto& te = tgw_lpm[g][*a.route_table];
        const auto th =
            std::find_if(te.begin(), te.end(), [&](const AwsPathEngine::TgwEntry& e) { return e.cidr.contains(addr); });
        if (th == te.end()) {
          w.hops.push_back({"transit-gateway-route-table", tt_name, "no route matches " + addr.to_string()});
          w.blocked =
              Blocked{Reason::TGW_NO_ROUTE, "transit-gateway-route-table " + tt_name, "",
                      "no static or propagated route in " + tt_name + " matches " + addr_text +
                          "; propagate the destination's attachment into " + tt.name + " or add a static route"};
          return w;
        }
        const std::string tdest =
            th->is_static ? destination_text(m, tt.routes[th->route].destination) : th->cidr.to_string();
        if (th->blackhole) {
          w.hops.push_back({"transit-gateway-route-table", tt_name, tdest + " -> blackhole"});
          w.blocked =
              Blocked{Reason::TGW_BLACKHOLE, "transit-gateway-route-table " + tt_name, "route " + tdest,
                      "route " + tdest + " in " + tt_name + " is a blackhole; traffic to " + addr_text + " is dropped"};
          return w;
        }
        const auto& b = tgw.attachments[th->attachment];
        w.hops.push_back({"transit-gateway-route-table", tt_name,
                          tdest + " -> attachment " + b.name + (th->is_static ? " (static)" : " (propagated)")});
        // The TGW keeps traffic in the AZ it arrived in when the target
        // attachment has a subnet there, else uses one of its subnets.
        EntityIndex entry = b.subnets.front();
        for (const EntityIndex s : b.subnets) {
          if (m.subnets[s].az == at.az) entry = s;
        }
        w.hops.push_back({"transit-gateway-attachment", tgw.name + "/" + b.name,
                          "into VPC " + m.vpcs[b.vpc].name + " through subnet " + m.subnets[entry].name});
        if (!dst.is_external() && *dst.vpc == b.vpc) {
          w.exit = Exit::delivered;
          return w;
        }
        at = Position{b.vpc, m.subnets[entry].route_table, m.subnets[entry].az, entry};
        continue;
      }
    }
  }
  w.blocked = Blocked{
      Reason::NO_ROUTE,
      "route-table " + qualified(m, m.route_tables[at.route_table].vpc, m.route_tables[at.route_table].name), "",
      "routing toward " + addr_text + " loops through more than " + std::to_string(kMaxRoutingSteps) +
          " VPCs and gateways"};
  return w;
}

AwsPathEngine::Routing AwsPathEngine::route(const AwsEndpoint& src, const AwsEndpoint& dst) const {
  const aws::NetworkModel& m = model_;
  Routing r;
  auto start = [&](const AwsEndpoint& e) {
    const auto& s = m.subnets[e.subnet];
    return Position{s.vpc, s.route_table, s.az, e.subnet};
  };
  auto reply_hops = [](Walk& w) {
    for (Hop& h : w.hops) h.detail = "reply: " + h.detail;
  };
  if (src.is_external() && dst.is_external()) {
    r.blocked = Blocked{Reason::NO_ROUTE, "", "", "neither end is in a VPC"};
    return r;
  }
  if (src.is_external()) {
    // From the internet: in through the VPC's internet gateway (the ENI's
    // public address is assumed), replies straight back out through it.
    const auto& vpc = m.vpcs[*dst.vpc];
    if (!vpc.internet_gateway) {
      r.blocked = Blocked{Reason::NO_INTERNET_ROUTE, "vpc " + vpc.name, "",
                          "VPC " + vpc.name + " has no internet gateway, so " + endpoint_text(src) + " cannot reach " +
                              endpoint_text(dst)};
      return r;
    }
    r.hops.push_back({"internet-gateway", m.internet_gateways[*vpc.internet_gateway].name,
                      "from the internet to " + endpoint_text(dst)});
    Walk back = walk(m, route_lpm_, tgw_lpm_, start(dst), src);
    reply_hops(back);
    r.hops.insert(r.hops.end(), back.hops.begin(), back.hops.end());
    if (back.blocked) {
      r.blocked = back.blocked;
      r.blocked->message = "the reply cannot leave: " + r.blocked->message;
    } else if (!back.direct_to_internet) {
      const auto& table = m.route_tables[m.subnets[dst.subnet].route_table];
      r.blocked = Blocked{Reason::NO_INTERNET_ROUTE, "route-table " + qualified(m, table.vpc, table.name), "",
                          "replies to " + endpoint_text(src) + " do not go straight back to the internet gateway (" +
                              "they leave through a NAT gateway or another VPC), so the connection fails; the "
                              "subnet of " +
                              endpoint_text(dst) + " needs a route to the internet gateway"};
    }
    return r;
  }
  Walk fwd = walk(m, route_lpm_, tgw_lpm_, start(src), dst);
  r.hops = std::move(fwd.hops);
  if (fwd.blocked) {
    r.blocked = fwd.blocked;
    return r;
  }
  if (fwd.peering) {
    const auto& pcx = m.peerings[*fwd.peering];
    r.peered_same_region = m.vpcs[pcx.requester_vpc].region == m.vpcs[pcx.accepter_vpc].region;
  }
  if (dst.is_external()) return r;  // replies come back through the gateway's own state
  Walk back = walk(m, route_lpm_, tgw_lpm_, start(dst), src);
  reply_hops(back);
  r.hops.insert(r.hops.end(), back.hops.begin(), back.hops.end());
  if (back.blocked) {
    r.blocked = back.blocked;
    if (fwd.peering && back.first_table_failed) {
      const auto& pcx = m.peerings[*fwd.peering];
      r.blocked->reason = Reason::PEERING_NO_RETURN_ROUTE;
      r.blocked->message = "the reply to " + endpoint_text(src) + " has no way back over peering " + pcx.name + ": " +
                           r.blocked->message;
    } else {
      r.blocked->message = "the reply cannot return: " + r.blocked->message;
    }
  }
  return r;
}

Verdict AwsPathEngine::trace(const AwsEndpoint& src, const AwsEndpoint& dst, k8s::Protocol protocol,
                             std::uint16_t port) const {
  const aws::NetworkModel& m = model_;
  const Routing routing = route(src, dst);
  const bool same_subnet = !src.is_external() && !dst.is_external() && src.subnet == dst.subnet;
  const std::string conn = connection_text(protocol, port);
  Verdict v;
  // A security-group set on `self` toward or from `other`; every set of the
  // ENI must allow (see AwsEndpoint::also_security_groups).
  auto groups_pass = [&](const AwsEndpoint& self, const AwsEndpoint& other, Direction dir) {
    const bool out = dir == Direction::egress;
    const std::string way = out ? "egress" : "ingress";
    for (const auto* groups : {&self.security_groups, &self.also_security_groups}) {
      if (groups == &self.also_security_groups && groups->empty()) continue;
      const std::string names = groups_text(m, *groups);
      const auto rule = sg_allowing_rule(m, *groups, dir, self, other, routing.peered_same_region, protocol, port);
      if (!rule) {
        v.path.push_back({"security-group", names, "no " + way + " rule allows " + conn});
        v.blocked = Blocked{out ? Reason::SG_EGRESS_DENY : Reason::SG_INGRESS_DENY, "security-group " + names, "",
                            "no " + way + " rule of " + names + " allows " + conn + (out ? " to " : " from ") +
                                endpoint_text(other) + "; add an " + way + " rule for it"};
        return false;
      }
      v.path.push_back({"security-group", names, *rule + " allows " + conn + (out ? " out" : " in")});
    }
    return true;
  };
  // The network ACL of `self`'s subnet toward or from `other`.
  auto acl_passes = [&](const AwsEndpoint& self, const AwsEndpoint& other, Direction dir) {
    const bool out = dir == Direction::egress;
    const std::string way = out ? "egress" : "ingress";
    const EntityIndex acl = m.subnets[self.subnet].network_acl;
    const auto& entries = out ? m.network_acls[acl].egress : m.network_acls[acl].ingress;
    const auto* e = acl_decision(entries, other.address, protocol, port);
    if (e == nullptr || e->action == aws::NaclAction::deny) {
      v.path.push_back({"network-acl", acl_name(m, acl), way + " " + rule_text(e) + " denies " + conn});
      v.blocked = Blocked{out ? Reason::NACL_EGRESS_DENY : Reason::NACL_INGRESS_DENY, "network-acl " + acl_name(m, acl),
                          rule_text(e),
                          "network ACL " + acl_name(m, acl) + " (" + (out ? "outbound, " : "inbound, ") + rule_text(e) +
                              ") drops " + conn + (out ? " to " : " from ") + endpoint_text(other) +
                              "; allow it with a lower-numbered " + way + " rule"};
      return false;
    }
    v.path.push_back({"network-acl", acl_name(m, acl), way + " " + rule_text(e) + " allows " + conn});
    return true;
  };

  // 1. The source's security groups, outbound.
  if (!src.is_external() && !groups_pass(src, dst, Direction::egress)) return v;
  // 2. The source subnet's network ACL, outbound (none within one subnet).
  if (!src.is_external() && !same_subnet && !acl_passes(src, dst, Direction::egress)) return v;
  // 3. Routing there and back.
  v.path.insert(v.path.end(), routing.hops.begin(), routing.hops.end());
  if (routing.blocked) {
    v.blocked = routing.blocked;
    return v;
  }
  // 4. The destination subnet's network ACL, inbound.
  if (!dst.is_external() && !same_subnet && !acl_passes(dst, src, Direction::ingress)) return v;
  // 5. The destination's security groups, inbound.
  if (!dst.is_external() && !groups_pass(dst, src, Direction::ingress)) return v;
  // 6. Replies: network ACLs are stateless, so the reply to the client's
  // ephemeral ports must pass the destination's ACL outbound and the source's inbound.
  const std::string eph = std::to_string(options_.ephemeral_first) + "-" + std::to_string(options_.ephemeral_last);
  auto check_return = [&](EntityIndex acl, bool outbound, net::Ipv4Address peer) -> bool {
    const auto& entries = outbound ? m.network_acls[acl].egress : m.network_acls[acl].ingress;
    const auto denial = acl_return_denial(entries, peer, protocol, options_);
    const std::string dir = outbound ? "egress" : "ingress";
    if (denial) {
      v.path.push_back(
          {"network-acl", acl_name(m, acl),
           "reply: " + dir + " " + rule_text(denial->entry) + " drops " + span_text(protocol, denial->ports)});
      v.blocked = Blocked{Reason::NACL_RETURN_DENY, "network-acl " + acl_name(m, acl), rule_text(denial->entry),
                          "network ACL " + acl_name(m, acl) + " (" + (outbound ? "outbound" : "inbound") + ", " +
                              rule_text(denial->entry) + ") drops replies from port " + std::to_string(port) +
                              " to the client's ephemeral ports (" + span_text(protocol, denial->ports) + " of " + eph +
                              "); network ACLs are stateless, so allow " + eph + " (or 1024-65535) " + dir};
      return false;
    }
    v.path.push_back({"network-acl", acl_name(m, acl),
                      "reply: " + dir + " allows " + std::string(k8s::to_string(protocol)) + " " + eph});
    return true;
  };
  if (!same_subnet) {
    if (!dst.is_external() && !check_return(m.subnets[dst.subnet].network_acl, true, src.address)) return v;
    if (!src.is_external() && !check_return(m.subnets[src.subnet].network_acl, false, dst.address)) return v;
  }
  return v;
}

ConnectionSet AwsPathEngine::allowed(const AwsEndpoint& src, const AwsEndpoint& dst) const {
  const aws::NetworkModel& m = model_;
  const Routing routing = route(src, dst);
  if (routing.blocked) return {};
  const bool same_subnet = !src.is_external() && !dst.is_external() && src.subnet == dst.subnet;
  ConnectionSet out = ConnectionSet::all();
  if (!src.is_external()) {
    out &= sg_allows(m, src.security_groups, Direction::egress, src, dst, routing.peered_same_region);
    if (!src.also_security_groups.empty()) {
      out &= sg_allows(m, src.also_security_groups, Direction::egress, src, dst, routing.peered_same_region);
    }
    if (!same_subnet) out &= acl_allows(m.network_acls[m.subnets[src.subnet].network_acl].egress, dst.address);
  }
  if (!dst.is_external()) {
    if (!same_subnet) out &= acl_allows(m.network_acls[m.subnets[dst.subnet].network_acl].ingress, src.address);
    out &= sg_allows(m, dst.security_groups, Direction::ingress, dst, src, routing.peered_same_region);
    if (!dst.also_security_groups.empty()) {
      out &= sg_allows(m, dst.also_security_groups, Direction::ingress, dst, src, routing.peered_same_region);
    }
  }
  if (!same_subnet && !out.empty()) {
    // Replies depend on the protocol only: ACL ports are the reply's
    // destination port, the client's ephemeral port, whatever the service port.
    for (const k8s::Protocol p : {k8s::Protocol::Tcp, k8s::Protocol::Udp, k8s::Protocol::Sctp}) {
      if (out.ports(p).empty()) continue;
      const bool back_out =
          dst.is_external() ||
          !acl_return_denial(m.network_acls[m.subnets[dst.subnet].network_acl].egress, src.address, p, options_);
      const bool back_in =
          src.is_external() ||
          !acl_return_denial(m.network_acls[m.subnets[src.subnet].network_acl].ingress, dst.address, p, options_);
      if (!back_out || !back_in) out -= ConnectionSet::all_of(p);
    }
  }
  return out;
}

const ConnectionSet& AwsPathEngine::allowed_cached(const AwsEndpoint& src, const AwsEndpoint& dst) {
  auto key = std::pair(location_key(src), location_key(dst));
  const auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(std::move(key), allowed(src, dst)).first->second;
}

}  // namespace eksim::reach
