#include "eksim/scenario/network_loader.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eksim/aws/ip_protocol.hpp"
#include "eksim/aws/port_range.hpp"
#include "eksim/aws/vpc_cidr_rules.hpp"
#include "eksim/net/cidr.hpp"
#include "eksim/util/closest_name.hpp"
#include "eksim/util/quote.hpp"

namespace eksim::scenario {
namespace {

using aws::EntityIndex;

// AWS's hard maxima (the adjustable quotas' ceilings); a scenario beyond them
// describes something no account can build.
constexpr std::size_t kMaxRoutesPerTable = 1000;
constexpr std::size_t kMaxNaclEntriesPerDirection = 40;
constexpr std::size_t kMaxSecurityGroupRulesPerDirection = 1000;

EntityIndex next_index(std::size_t size) { return static_cast<EntityIndex>(size); }

// "subnet 'east-a'" when the map names itself, else just "subnet": used for
// messages about a map before its name has been validated.
std::string label(std::string_view kind, const YAML::Node& map) {
  std::string s(kind);
  if (map.IsMap()) {
    const YAML::Node name = map["name"];
    // A missing key is an invalid node in yaml-cpp, whose type queries throw.
    if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty()) s += " " + util::quote(name.Scalar());
  }
  return s;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// The names of one kind within one scope (the document, a VPC, a transit
// gateway), with where each was declared so a duplicate names both places.
class Names {
 public:
  Names(std::string kind, std::string scope) : kind_(std::move(kind)), scope_(std::move(scope)) {}

  void add(const YamlReader& r, const YAML::Node& node, const std::string& name, EntityIndex index) {
    const auto [it, fresh] = entries_.try_emplace(name, Entry{index, r.at(node).str()});
    if (!fresh) {
      r.fail(node,
             kind_ + " " + util::quote(name) + " is defined twice" + scope_ + " (first at " + it->second.where + ")");
    }
  }
  [[nodiscard]] std::optional<EntityIndex> find(const std::string& name) const {
    const auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second.index;
  }
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }
  [[nodiscard]] const std::string& kind() const { return kind_; }
  // Reads a name at `node` and returns its index, or fails naming the closest declared name.
  EntityIndex resolve(const YamlReader& r, const YAML::Node& node, const std::string& context) const {
    const std::string name = r.string(node, context + ": " + kind_);
    if (const auto found = find(name)) return *found;
    std::string message = context + ": unknown " + kind_ + " " + util::quote(name);
    if (entries_.empty()) {
      message += " (no " + kind_ + " is declared" + scope_ + ")";
    } else {
      message += util::did_you_mean(name, names());
    }
    r.fail(node, message);
  }

 private:
  struct Entry {
    EntityIndex index;
    std::string where;
  };
  std::string kind_;
  std::string scope_;  // " in VPC 'east'", or empty for document-wide names
  std::map<std::string, Entry> entries_;
};

// Per-VPC names and the declarations later passes come back to.
struct VpcScope {
  YAML::Node node;
  std::string label;  // "VPC 'east'"
  Names route_tables;
  Names security_groups;
  Names network_acls;
  std::vector<std::pair<YAML::Node, EntityIndex>> declared_security_groups;
};

class NetworkLoader {
 public:
  NetworkLoader(const YamlReader& r, aws::NetworkModel& m) : r_(r), m_(m) {}

  void load(const YAML::Node& root) {
    m_ = aws::NetworkModel{};
    if (const YAML::Node regions = root["regions"]) load_regions(regions);
    if (const YAML::Node lists = root["prefixLists"]) load_prefix_lists(lists);
    if (const YAML::Node vpcs = root["vpcs"]) {
      r_.expect_sequence(vpcs, "vpcs");
      for (const YAML::Node& v : vpcs) load_vpc(v);
    }
    if (const YAML::Node peerings = root["peerings"]) load_peerings(peerings);
    if (const YAML::Node tgws = root["transitGateways"]) load_transit_gateways(tgws);
    // Route tables may target peerings and transit gateways declared after
    // the VPC, and security groups may reference groups of a peered VPC
    // declared later, so these come once every name is known.
    for (EntityIndex v = 0; v < m_.vpcs.size(); ++v) load_route_tables(v);
    for (EntityIndex v = 0; v < m_.vpcs.size(); ++v) declare_security_groups(v);
    for (EntityIndex v = 0; v < m_.vpcs.size(); ++v) load_security_group_rules(v);
    for (EntityIndex v = 0; v < m_.vpcs.size(); ++v) load_network_acls(v);
  }

 private:
  // ---- small typed readers -------------------------------------------------

  std::string where(const YAML::Node& node) const { return r_.at(node).str(); }

  std::string name_of(const YAML::Node& map, const std::string& context) const {
    return r_.string(r_.required(map, "name", context), context + ": name");
  }

  // The list under `key`, or an empty sequence when the key is absent.
  YAML::Node list(const YAML::Node& map, const char* key, const std::string& context) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return YAML::Node(YAML::NodeType::Sequence);
    r_.expect_sequence(n, context + ": " + key);
    return n;
  }

  net::Cidr cidr(const YAML::Node& node, const std::string& context) const {
    if (!node.IsScalar()) r_.fail(node, context + ": expected a CIDR block such as 10.0.0.0/16");
    std::string error;
    const auto parsed = net::parse_cidr(node.Scalar(), &error);
    if (!parsed) r_.fail(node, context + ": " + error);
    return *parsed;
  }

  std::string text(const YAML::Node& node, const std::string& context) const {
    if (!node.IsScalar()) r_.fail(node, context + ": expected text");
    return node.Scalar();
  }

  // Which one of `keys` the map holds; fails when it holds none or several.
  std::string one_of(const YAML::Node& map, std::initializer_list<const char*> keys, const std::string& context,
                     const std::string& what) const {
    std::string found;
    for (const char* key : keys) {
      if (!map[key].IsDefined()) continue;
      if (!found.empty()) {
        r_.fail(map[key], context + ": both " + found + " and " + key + " are given; " + what + " takes exactly one");
      }
      found = key;
    }
    if (found.empty()) {
      std::string options;
      for (const char* key : keys) options += (options.empty() ? "" : ", ") + std::string(key);
      r_.fail(map, context + ": " + what + " is missing; give one of " + options);
    }
    return found;
  }

  EntityIndex region_for(const YAML::Node& map, const std::string& context) const {
    if (const YAML::Node n = map["region"]) return regions_.resolve(r_, n, context);
    if (m_.regions.size() == 1) return 0;
    if (m_.regions.empty()) {
      r_.fail(map, context +
                       ": no region is declared; add one with its Availability Zones, e.g. "
                       "regions: {us-east-1: {azs: [use1-az1, use1-az2]}}");
    }
    r_.fail(map, context + ": give its region; the scenario declares several (" + join_names(regions_.names()) + ")");
  }

  // A subnet of `vpc` named at `node`, suggesting the VPC's own subnets.
  EntityIndex subnet_in_vpc(const YAML::Node& node, EntityIndex vpc, const std::string& context) const {
    const std::string name = r_.string(node, context + ": subnet");
    const auto found = subnets_.find(name);
    if (!found) {
      std::vector<std::string> own;
      for (const EntityIndex s : m_.vpcs[vpc].subnets) own.push_back(m_.subnets[s].name);
      const std::string hint =
          own.empty() ? " (VPC " + util::quote(m_.vpcs[vpc].name) + " has no subnets)" : util::did_you_mean(name, own);
      r_.fail(node, context + ": unknown subnet " + util::quote(name) + hint);
    }
    if (m_.subnets[*found].vpc != vpc) {
      r_.fail(node, context + ": subnet " + util::quote(name) + " is in VPC " +
                        util::quote(m_.vpcs[m_.subnets[*found].vpc].name) + ", not in VPC " +
                        util::quote(m_.vpcs[vpc].name));
    }
    return *found;
  }

  // A protocol with its ports (TCP/UDP) or type and code (ICMP), as both
  // security-group rules and network-ACL entries take them.
  aws::ProtocolMatch protocol_match(const YAML::Node& map, const std::string& context) const {
    aws::ProtocolMatch match;
    const YAML::Node proto = r_.required(map, "protocol", context);
    if (!proto.IsScalar()) r_.fail(proto, context + ": protocol: expected tcp, udp, icmp, all, -1 or 0-255");
    std::string error;
    const auto protocol = aws::parse_ip_protocol(proto.Scalar(), &error);
    if (!protocol) r_.fail(proto, context + ": " + error);
    match.protocol = *protocol;
    const YAML::Node ports = map["ports"];
    const YAML::Node icmp_type = map["icmpType"];
    const YAML::Node icmp_code = map["icmpCode"];
    const std::string name = match.protocol.to_string();
    if (match.protocol.has_ports()) {
      if (!ports) {
        r_.fail(map, context + ": " + name + " needs ports, e.g. ports: 443 or ports: 1024-65535 (0-65535 for all)");
      }
      if (!ports.IsScalar())
        r_.fail(ports, context + ": ports: expected a port such as 443 or a range such as 1024-65535");
      const auto range = aws::parse_port_range(ports.Scalar(), &error);
      if (!range) r_.fail(ports, context + ": " + error);
      match.ports = *range;
    } else if (ports) {
      r_.fail(ports, context + ": ports apply to tcp and udp only; protocol " + name +
                         (match.protocol.is_icmp() ? " takes icmpType and icmpCode" : " covers the whole protocol"));
    }
    for (const YAML::Node& n : {icmp_type, icmp_code}) {
      if (n && !match.protocol.is_icmp()) {
        r_.fail(n, context + ": icmpType and icmpCode apply to protocol icmp only, not " + name);
      }
    }
    if (icmp_type) match.icmp_type = static_cast<int>(r_.integer(icmp_type, context + ": icmpType", -1, 255));
    if (icmp_code) {
      match.icmp_code = static_cast<int>(r_.integer(icmp_code, context + ": icmpCode", -1, 255));
      if (match.icmp_type == aws::ProtocolMatch::kAnyIcmp && match.icmp_code != aws::ProtocolMatch::kAnyIcmp) {
        r_.fail(icmp_code, context + ": icmpCode needs an icmpType (a code only means something within its type)");
      }
    }
    return match;
  }

  EntityIndex prefix_list_in_region(const YAML::Node& node, EntityIndex region, const std::string& context) const {
    const EntityIndex p = prefix_lists_.resolve(r_, node, context);
    if (m_.prefix_lists[p].region != region) {
      r_.fail(node, context + ": prefix list " + util::quote(m_.prefix_lists[p].name) + " is in region " +
                        util::quote(m_.regions[m_.prefix_lists[p].region].name) +
                        "; prefix lists are regional and this is in " + util::quote(m_.regions[region].name));
    }
    return p;
  }

  // A route's destination, refusing a second route to the same one in its table.
  aws::RouteDestination destination(const YAML::Node& route, EntityIndex region, const std::string& context,
                                    std::map<std::string, std::string>& seen) const {
    const std::string key = one_of(route, {"destination", "destinationPrefixList"}, context, "a route's destination");
    const YAML::Node node = route[key];
    aws::RouteDestination d;
    std::string shown;
    if (key == "destination") {
      d = aws::RouteDestination::of(cidr(node, context + ": destination"));
      shown = "destination " + d.cidr.to_string();
    } else {
      d = aws::RouteDestination::of_prefix_list(prefix_list_in_region(node, region, context));
      shown = "destination prefix list " + util::quote(m_.prefix_lists[d.prefix_list].name);
    }
    const auto [it, fresh] = seen.try_emplace(shown, where(node));
    if (!fresh) {
      r_.fail(node, context + ": " + shown + " appears twice (first at " + it->second +
                        "); a route table holds one route per destination");
    }
    return d;
  }

  // ---- regions and prefix lists --------------------------------------------

  void load_regions(const YAML::Node& regions) {
    r_.expect_map(regions, "regions");
    for (const auto& kv : regions) {
      const YAML::Node& key = kv.first;
      const std::string name = r_.string(key, "regions: region name");
      const EntityIndex index = next_index(m_.regions.size());
      regions_.add(r_, key, name, index);
      const std::string context = "region " + util::quote(name);
      aws::Region region{name, {}, where(key)};
      const YAML::Node& body = kv.second;
      r_.check_keys(body, {"azs"}, context);
      const YAML::Node azs = r_.required(body, "azs", context);
      r_.expect_sequence(azs, context + ": azs");
      if (azs.size() == 0) r_.fail(azs, context + ": azs: list at least one Availability Zone");
      for (const YAML::Node& az : azs) {
        const std::string az_name = r_.string(az, context + ": Availability Zone");
        const EntityIndex az_index = next_index(m_.availability_zones.size());
        azs_.add(r_, az, az_name, az_index);
        m_.availability_zones.push_back(aws::AvailabilityZone{az_name, index, where(az)});
        region.azs.push_back(az_index);
      }
      m_.regions.push_back(std::move(region));
    }
  }

  void load_prefix_lists(const YAML::Node& lists) {
    r_.expect_sequence(lists, "prefixLists");
    for (const YAML::Node& p : lists) {
      std::string context = label("prefix list", p);
      r_.check_keys(p, {"name", "region", "cidrs"}, context);
      const std::string name = name_of(p, context);
      const EntityIndex index = next_index(m_.prefix_lists.size());
      prefix_lists_.add(r_, p["name"], name, index);
      context = "prefix list " + util::quote(name);
      aws::PrefixList list{name, region_for(p, context), {}, where(p)};
      const YAML::Node cidrs = r_.required(p, "cidrs", context);
      r_.expect_sequence(cidrs, context + ": cidrs");
      if (cidrs.size() == 0) r_.fail(cidrs, context + ": cidrs: list at least one CIDR block");
      std::map<net::Cidr, std::string> seen;
      for (const YAML::Node& c : cidrs) {
        const net::Cidr block = cidr(c, context);
        const auto [it, fresh] = seen.try_emplace(block, where(c));
        if (!fresh)
          r_.fail(c, context + ": entry " + block.to_string() + " is listed twice (first at " + it->second + ")");
        list.cidrs.push_back(block);
      }
      m_.prefix_lists.push_back(std::move(list));
    }
  }

  // ---- VPCs: blocks, subnets, gateways -------------------------------------

  void load_vpc(const YAML::Node& v) {
    std::string context = label("VPC", v);
    r_.check_keys(v,
                  {"name", "region", "cidrs", "subnets", "routeTables", "internetGateway", "natGateways",
                   "securityGroups", "networkAcls"},
                  context);
    const std::string name = name_of(v, context);
    const EntityIndex vi = next_index(m_.vpcs.size());
    vpcs_.add(r_, v["name"], name, vi);
    context = "VPC " + util::quote(name);
    aws::Vpc vpc;
    vpc.name = name;
    vpc.where = where(v);
    vpc.region = region_for(v, context);

    const YAML::Node cidrs = r_.required(v, "cidrs", context);
    r_.expect_sequence(cidrs, context + ": cidrs");
    if (cidrs.size() == 0) r_.fail(cidrs, context + ": cidrs: list the primary block first, e.g. [10.0.0.0/16]");
    if (cidrs.size() > aws::kMaxVpcCidrBlocks) {
      r_.fail(cidrs[aws::kMaxVpcCidrBlocks], context + ": AWS allows at most " +
                                                 std::to_string(aws::kMaxVpcCidrBlocks) +
                                                 " IPv4 CIDR blocks per VPC (the default quota is 5)");
    }
    std::vector<std::string> block_where;
    for (const YAML::Node& c : cidrs) {
      const net::Cidr block = cidr(c, context);
      if (const std::string problem = aws::vpc_block_problem(block); !problem.empty()) {
        r_.fail(c, context + ": " + problem);
      }
      for (std::size_t j = 0; j < vpc.cidrs.size(); ++j) {
        if (vpc.cidrs[j].overlaps(block)) {
          r_.fail(c, context + ": block " + block.to_string() + " overlaps the VPC's block " +
                         vpc.cidrs[j].to_string() + " (at " + block_where[j] + ")");
        }
      }
      if (!vpc.cidrs.empty()) {
        if (const std::string problem = aws::secondary_block_problem(vpc.cidrs.front(), block); !problem.empty()) {
          r_.fail(c, context + ": " + problem);
        }
      }
      vpc.cidrs.push_back(block);
      block_where.push_back(where(c));
    }
    m_.vpcs.push_back(std::move(vpc));
    scopes_.push_back(VpcScope{v,
                               context,
                               Names("route table", " in " + context),
                               Names("security group", " in " + context),
                               Names("network ACL", " in " + context),
                               {}});

    for (const YAML::Node& s : list(v, "subnets", context)) load_subnet(s, vi);

    if (const YAML::Node igw = v["internetGateway"]) {
      const std::string igw_name = r_.string(igw, context + ": internetGateway (the gateway's name)");
      const EntityIndex index = next_index(m_.internet_gateways.size());
      internet_gateways_.add(r_, igw, igw_name, index);
      m_.internet_gateways.push_back(aws::InternetGateway{igw_name, vi, where(igw)});
      m_.vpcs[vi].internet_gateway = index;
    }

    for (const YAML::Node& n : list(v, "natGateways", context)) load_nat_gateway(n, vi);
  }

  void load_subnet(const YAML::Node& s, EntityIndex vi) {
    std::string context = label("subnet", s);
    r_.check_keys(s, {"name", "az", "cidr"}, context);
    const std::string name = name_of(s, context);
    const EntityIndex si = next_index(m_.subnets.size());
    subnets_.add(r_, s["name"], name, si);
    context = "subnet " + util::quote(name);
    const aws::Vpc& vpc = m_.vpcs[vi];
    const aws::Region& region = m_.regions[vpc.region];

    aws::Subnet subnet;
    subnet.name = name;
    subnet.vpc = vi;
    subnet.where = where(s);

    const YAML::Node az = r_.required(s, "az", context);
    const std::string az_name = r_.string(az, context + ": az");
    const auto az_index = azs_.find(az_name);
    if (!az_index) {
      std::vector<std::string> zones;
      for (const EntityIndex a : region.azs) zones.push_back(m_.availability_zones[a].name);
      r_.fail(az, context + ": unknown Availability Zone " + util::quote(az_name) + util::did_you_mean(az_name, zones) +
                      "; region " + util::quote(region.name) + " declares " + join_names(zones));
    }
    if (m_.availability_zones[*az_index].region != vpc.region) {
      r_.fail(az, context + ": Availability Zone " + util::quote(az_name) + " is in region " +
                      util::quote(m_.regions[m_.availability_zones[*az_index].region].name) + ", but VPC " +
                      util::quote(vpc.name) + " is in region " + util::quote(region.name));
    }
    subnet.az = *az_index;

    const YAML::Node block = r_.required(s, "cidr", context);
    subnet.cidr = cidr(block, context);
    if (const std::string problem = aws::subnet_block_problem(subnet.cidr); !problem.empty()) {
      r_.fail(block, context + ": " + problem);
    }
    const bool inside =
        std::any_of(vpc.cidrs.begin(), vpc.cidrs.end(), [&](const net::Cidr& c) { return c.contains(subnet.cidr); });
    if (!inside) {
      std::vector<std::string> blocks;
      for (const net::Cidr& c : vpc.cidrs) blocks.push_back(c.to_string());
      r_.fail(block, context + ": " + subnet.cidr.to_string() + " is not inside any block of VPC " +
                         util::quote(vpc.name) + " (" + join_names(blocks) + ")");
    }
    for (const EntityIndex other : vpc.subnets) {
      const aws::Subnet& o = m_.subnets[other];
      if (o.cidr.overlaps(subnet.cidr)) {
        r_.fail(block, context + ": " + subnet.cidr.to_string() + " overlaps subnet " + util::quote(o.name) + " (" +
                           o.cidr.to_string() + ", at " + o.where + ")");
      }
    }
    m_.subnets.push_back(std::move(subnet));
    m_.vpcs[vi].subnets.push_back(si);
    route_association_.emplace_back();
    acl_association_.emplace_back();
  }

  void load_nat_gateway(const YAML::Node& n, EntityIndex vi) {
    std::string context = label("NAT gateway", n);
    r_.check_keys(n, {"name", "subnet", "connectivity"}, context);
    const std::string name = name_of(n, context);
    const EntityIndex index = next_index(m_.nat_gateways.size());
    nat_gateways_.add(r_, n["name"], name, index);
    context = "NAT gateway " + util::quote(name);
    aws::NatGateway nat;
    nat.name = name;
    nat.vpc = vi;
    nat.where = where(n);
    nat.subnet = subnet_in_vpc(r_.required(n, "subnet", context), vi, context);
    if (const YAML::Node c = n["connectivity"]) {
      const std::string value = r_.string(c, context + ": connectivity");
      if (value != "public" && value != "private") {
        r_.fail(c, context + ": connectivity must be public or private, not " + util::quote(value) +
                       util::did_you_mean(value, std::vector<std::string>{"public", "private"}));
      }
      nat.is_public = value == "public";
    }
    if (nat.is_public && !m_.vpcs[vi].internet_gateway) {
      r_.fail(n, context + ": a public NAT gateway needs an internet gateway in VPC " + util::quote(m_.vpcs[vi].name) +
                     " (add internetGateway to the VPC, or set connectivity: private)");
    }
    m_.nat_gateways.push_back(std::move(nat));
    m_.vpcs[vi].nat_gateways.push_back(index);
  }

  // ---- peering and transit gateways ----------------------------------------

  void load_peerings(const YAML::Node& peerings) {
    r_.expect_sequence(peerings, "peerings");
    for (const YAML::Node& p : peerings) {
      std::string context = label("peering", p);
      r_.check_keys(p, {"name", "requester", "accepter"}, context);
      const std::string name = name_of(p, context);
      const EntityIndex index = next_index(m_.peerings.size());
      peerings_.add(r_, p["name"], name, index);
      context = "peering " + util::quote(name);
      const EntityIndex requester = vpcs_.resolve(r_, r_.required(p, "requester", context), context + ": requester");
      const YAML::Node accepter_node = r_.required(p, "accepter", context);
      const EntityIndex accepter = vpcs_.resolve(r_, accepter_node, context + ": accepter");
      const aws::Vpc& a = m_.vpcs[requester];
      const aws::Vpc& b = m_.vpcs[accepter];
      if (requester == accepter) r_.fail(accepter_node, context + ": a VPC cannot peer with itself");
      if (const auto existing = m_.peering_between(requester, accepter)) {
        r_.fail(accepter_node, context + ": VPCs " + util::quote(a.name) + " and " + util::quote(b.name) +
                                   " are already peered by " + util::quote(m_.peerings[*existing].name) + " (at " +
                                   m_.peerings[*existing].where +
                                   "); AWS allows one peering connection per pair of VPCs");
      }
      for (const net::Cidr& x : a.cidrs) {
        for (const net::Cidr& y : b.cidrs) {
          if (x.overlaps(y)) {
            r_.fail(accepter_node, context + ": VPC " + util::quote(a.name) + " block " + x.to_string() +
                                       " overlaps VPC " + util::quote(b.name) + " block " + y.to_string() +
                                       "; AWS cannot peer VPCs whose CIDR blocks overlap, secondary blocks included");
          }
        }
      }
      m_.peerings.push_back(aws::PeeringConnection{name, requester, accepter, where(p)});
    }
  }

  void load_transit_gateways(const YAML::Node& tgws) {
    r_.expect_sequence(tgws, "transitGateways");
    for (const YAML::Node& t : tgws) {
      std::string context = label("transit gateway", t);
      r_.check_keys(t, {"name", "region", "attachments", "routeTables"}, context);
      const std::string name = name_of(t, context);
      const EntityIndex index = next_index(m_.transit_gateways.size());
      transit_gateways_.add(r_, t["name"], name, index);
      context = "transit gateway " + util::quote(name);
      aws::TransitGateway tgw;
      tgw.name = name;
      tgw.where = where(t);
      tgw.region = region_for(t, context);

      Names attachments("attachment", " in " + context);
      for (const YAML::Node& a : list(t, "attachments", context)) load_attachment(a, tgw, attachments, context);

      if (const YAML::Node tables = t["routeTables"]) {
        r_.expect_sequence(tables, context + ": routeTables");
        Names table_names("route table", " in " + context);
        std::vector<std::string> association_where(tgw.attachments.size());
        for (const YAML::Node& rt : tables) {
          load_tgw_route_table(rt, tgw, attachments, table_names, association_where, context);
        }
      } else {
        // AWS's defaults (DefaultRouteTableAssociation and ...Propagation
        // enabled): one table that every attachment uses and feeds.
        aws::TransitGatewayRouteTable table;
        table.name = "default";
        table.implicit = true;
        table.where = tgw.where;
        for (EntityIndex a = 0; a < tgw.attachments.size(); ++a) {
          table.propagations.push_back(a);
          tgw.attachments[a].route_table = 0;
        }
        tgw.route_tables.push_back(std::move(table));
      }
      m_.transit_gateways.push_back(std::move(tgw));
    }
  }

  void load_attachment(const YAML::Node& a, aws::TransitGateway& tgw, Names& names, const std::string& tgw_context) {
    std::string context = tgw_context + " " + label("attachment", a);
    r_.check_keys(a, {"name", "vpc", "subnets"}, context);
    const YAML::Node vpc_node = r_.required(a, "vpc", context);
    aws::TransitGatewayAttachment attachment;
    attachment.vpc = vpcs_.resolve(r_, vpc_node, context + ": vpc");
    const aws::Vpc& vpc = m_.vpcs[attachment.vpc];
    attachment.name = a["name"] ? r_.string(a["name"], context + ": name") : vpc.name;
    attachment.where = where(a);
    const EntityIndex index = next_index(tgw.attachments.size());
    names.add(r_, a["name"] ? a["name"] : vpc_node, attachment.name, index);
    context = tgw_context + " attachment " + util::quote(attachment.name);
    if (vpc.region != tgw.region) {
      r_.fail(vpc_node, context + ": VPC " + util::quote(vpc.name) + " is in region " +
                            util::quote(m_.regions[vpc.region].name) + " and the transit gateway in " +
                            util::quote(m_.regions[tgw.region].name) +
                            "; a VPC attaches only to a transit gateway of its own region");
    }
    if (const auto existing = tgw.attachment_for_vpc(attachment.vpc)) {
      r_.fail(vpc_node, context + ": VPC " + util::quote(vpc.name) + " is already attached by attachment " +
                            util::quote(tgw.attachments[*existing].name) + " (at " + tgw.attachments[*existing].where +
                            "); AWS allows one attachment per VPC and transit gateway");
    }
    const YAML::Node subnets = r_.required(a, "subnets", context);
    r_.expect_sequence(subnets, context + ": subnets");
    if (subnets.size() == 0) {
      r_.fail(subnets, context + ": subnets: list one subnet in each Availability Zone the attachment serves");
    }
    for (const YAML::Node& s : subnets) {
      const EntityIndex si = subnet_in_vpc(s, attachment.vpc, context);
      for (const EntityIndex earlier : attachment.subnets) {
        if (earlier == si) r_.fail(s, context + ": subnet " + util::quote(m_.subnets[si].name) + " is listed twice");
        if (m_.subnets[earlier].az == m_.subnets[si].az) {
          r_.fail(s, context + ": subnets " + util::quote(m_.subnets[earlier].name) + " and " +
                         util::quote(m_.subnets[si].name) + " are both in Availability Zone " +
                         util::quote(m_.availability_zones[m_.subnets[si].az].name) +
                         "; an attachment takes at most one subnet per Availability Zone");
        }
      }
      attachment.subnets.push_back(si);
    }
    tgw.attachments.push_back(std::move(attachment));
  }

  void load_tgw_route_table(const YAML::Node& rt, aws::TransitGateway& tgw, const Names& attachments,
                            Names& table_names, std::vector<std::string>& association_where,
                            const std::string& tgw_context) {
    std::string context = tgw_context + " " + label("route table", rt);
    r_.check_keys(rt, {"name", "associations", "propagations", "routes"}, context);
    aws::TransitGatewayRouteTable table;
    table.name = name_of(rt, context);
    table.where = where(rt);
    const EntityIndex index = next_index(tgw.route_tables.size());
    table_names.add(r_, rt["name"], table.name, index);
    context = tgw_context + " route table " + util::quote(table.name);

    for (const YAML::Node& n : list(rt, "associations", context)) {
      const EntityIndex a = attachments.resolve(r_, n, context + ": associations");
      aws::TransitGatewayAttachment& attachment = tgw.attachments[a];
      if (attachment.route_table) {
        r_.fail(n, context + ": attachment " + util::quote(attachment.name) +
                       " is already associated with route table " +
                       util::quote(tgw.route_tables[*attachment.route_table].name) + " (at " + association_where[a] +
                       "); an attachment is associated with at most one route table");
      }
      attachment.route_table = index;
      association_where[a] = where(n);
    }
    std::map<EntityIndex, std::string> propagated;
    for (const YAML::Node& n : list(rt, "propagations", context)) {
      const EntityIndex a = attachments.resolve(r_, n, context + ": propagations");
      const auto [it, fresh] = propagated.try_emplace(a, where(n));
      if (!fresh) {
        r_.fail(n, context + ": attachment " + util::quote(tgw.attachments[a].name) +
                       " is listed twice in propagations (first at " + it->second + ")");
      }
      table.propagations.push_back(a);
    }
    std::map<std::string, std::string> seen;
    for (const YAML::Node& n : list(rt, "routes", context)) {
      const std::string route_context = context + " route";
      r_.check_keys(n, {"destination", "destinationPrefixList", "attachment", "blackhole"}, route_context);
      aws::TransitGatewayRoute route;
      route.where = where(n);
      const std::string target = one_of(n, {"attachment", "blackhole"}, route_context, "a route's target");
      route.destination = destination(n, tgw.region, route_context, seen);
      if (target == "attachment") {
        route.attachment = attachments.resolve(r_, n["attachment"], route_context);
      } else {
        route.blackhole = r_.boolean(n["blackhole"], route_context + ": blackhole");
        if (!route.blackhole)
          r_.fail(n["blackhole"], route_context + ": blackhole: false is not a target; give attachment");
      }
      table.routes.push_back(std::move(route));
    }
    tgw.route_tables.push_back(std::move(table));
  }

  // ---- route tables --------------------------------------------------------

  void load_route_tables(EntityIndex vi) {
    VpcScope& scope = scopes_[vi];
    const YAML::Node tables = list(scope.node, "routeTables", scope.label);
    std::optional<EntityIndex> main;
    std::string main_where;
    std::optional<YAML::Node> named_main;  // a declared table called "main" that is not the main table
    for (const YAML::Node& t : tables) {
      std::string context = label("route table", t) + " (" + scope.label + ")";
      r_.check_keys(t, {"name", "main", "subnets", "routes"}, context);
      aws::RouteTable table;
      table.name = name_of(t, context);
      table.vpc = vi;
      table.where = where(t);
      const EntityIndex index = next_index(m_.route_tables.size());
      scope.route_tables.add(r_, t["name"], table.name, index);
      context = "route table " + util::quote(table.name) + " (" + scope.label + ")";
      if (const YAML::Node m = t["main"]) table.main = r_.boolean(m, context + ": main");
      if (table.main) {
        if (main) {
          r_.fail(t["main"], context + ": " + scope.label + " already has a main route table, " +
                                 util::quote(m_.route_tables[*main].name) + " (at " + main_where + ")");
        }
        main = index;
        main_where = where(t);
      } else if (table.name == "main") {
        named_main = t["name"];
      }
      for (const YAML::Node& s : list(t, "subnets", context)) {
        const EntityIndex si = subnet_in_vpc(s, vi, context);
        if (!route_association_[si].empty()) {
          r_.fail(s, context + ": subnet " + util::quote(m_.subnets[si].name) +
                         " is already associated with route table " +
                         util::quote(m_.route_tables[m_.subnets[si].route_table].name) + " (at " +
                         route_association_[si] + "); a subnet uses exactly one route table");
        }
        route_association_[si] = where(s);
        m_.subnets[si].route_table = index;
        m_.subnets[si].route_table_explicit = true;
      }
      add_local_routes(table);
      const YAML::Node routes = list(t, "routes", context);
      if (routes.size() > kMaxRoutesPerTable) {
        r_.fail(routes[kMaxRoutesPerTable], context + ": AWS allows at most " + std::to_string(kMaxRoutesPerTable) +
                                                " routes per route table (the default quota is 50)");
      }
      std::map<std::string, std::string> seen;
      for (const YAML::Node& r : routes) table.routes.push_back(route(r, vi, context, seen));
      m_.route_tables.push_back(std::move(table));
      m_.vpcs[vi].route_tables.push_back(index);
    }
    if (!main) {
      if (named_main) {
        r_.fail(*named_main, "route table 'main' (" + scope.label +
                                 "): the VPC has no main route table, and the one AWS would create is called 'main'; "
                                 "mark this table main: true or rename it");
      }
      // AWS creates every VPC with a main route table holding only the local routes.
      aws::RouteTable table;
      table.name = "main";
      table.vpc = vi;
      table.main = true;
      table.implicit = true;
      table.where = m_.vpcs[vi].where;
      add_local_routes(table);
      main = next_index(m_.route_tables.size());
      scope.route_tables.add(r_, scope.node, table.name, *main);
      m_.route_tables.push_back(std::move(table));
      m_.vpcs[vi].route_tables.push_back(*main);
    }
    m_.vpcs[vi].main_route_table = *main;
    for (const EntityIndex si : m_.vpcs[vi].subnets) {
      if (!m_.subnets[si].route_table_explicit) m_.subnets[si].route_table = *main;
    }
  }

  void add_local_routes(aws::RouteTable& table) const {
    for (const net::Cidr& block : m_.vpcs[table.vpc].cidrs) {
      table.routes.push_back(aws::Route{aws::RouteDestination::of(block), aws::RouteTargetKind::local, 0, {}});
    }
  }

  aws::Route route(const YAML::Node& n, EntityIndex vi, const std::string& table_context,
                   std::map<std::string, std::string>& seen) const {
    const aws::Vpc& vpc = m_.vpcs[vi];
    r_.check_keys(n,
                  {"destination", "destinationPrefixList", "internetGateway", "natGateway", "peering", "transitGateway",
                   "blackhole"},
                  table_context + " route");
    aws::Route route;
    route.where = where(n);
    const std::string target = one_of(n, {"internetGateway", "natGateway", "peering", "transitGateway", "blackhole"},
                                      table_context, "a route's target");
    const YAML::Node t = n[target];
    // Destination first, so a doubled destination is reported as such.
    route.destination = destination(n, vpc.region, table_context, seen);

    if (target == "internetGateway") {
      route.target = aws::RouteTargetKind::internet_gateway;
      route.target_index = in_this_vpc(internet_gateways_, m_.internet_gateways, t, vi, table_context);
    } else if (target == "natGateway") {
      route.target = aws::RouteTargetKind::nat_gateway;
      route.target_index = in_this_vpc(nat_gateways_, m_.nat_gateways, t, vi, table_context);
    } else if (target == "peering") {
      route.target = aws::RouteTargetKind::peering;
      route.target_index = peerings_.resolve(r_, t, table_context);
      const aws::PeeringConnection& p = m_.peerings[route.target_index];
      if (!p.connects(vi)) {
        r_.fail(t, table_context + ": peering " + util::quote(p.name) + " connects VPCs " +
                       util::quote(m_.vpcs[p.requester_vpc].name) + " and " +
                       util::quote(m_.vpcs[p.accepter_vpc].name) + ", not " + util::quote(vpc.name));
      }
    } else if (target == "transitGateway") {
      route.target = aws::RouteTargetKind::transit_gateway;
      route.target_index = transit_gateways_.resolve(r_, t, table_context);
      const aws::TransitGateway& tgw = m_.transit_gateways[route.target_index];
      if (!tgw.attachment_for_vpc(vi)) {
        r_.fail(t, table_context + ": transit gateway " + util::quote(tgw.name) + " has no attachment in VPC " +
                       util::quote(vpc.name) + "; attach the VPC before routing to it");
      }
    } else {
      route.target = aws::RouteTargetKind::blackhole;
      if (!r_.boolean(t, table_context + ": blackhole")) {
        r_.fail(t, table_context + ": blackhole: false is not a target; give a gateway, peering or transit gateway");
      }
    }

    if (route.destination.kind == aws::RouteDestination::Kind::cidr) {
      check_vpc_route_destination(n[std::string("destination")], route, vi, table_context);
    }
    return route;
  }

  // Destinations AWS refuses in a VPC route table, beyond duplicates.
  void check_vpc_route_destination(const YAML::Node& node, const aws::Route& route, EntityIndex vi,
                                   const std::string& context) const {
    const net::Cidr& d = route.destination.cidr;
    static const net::Cidr kReservedServices =
        net::Cidr::containing(net::Ipv4Address::from_octets(169, 254, 168, 0), 22);
    if (kReservedServices.contains(d)) {
      r_.fail(node, context + ": destination " + d.to_string() +
                        " is inside 169.254.168.0/22, which AWS reserves for its own services");
    }
    for (const net::Cidr& block : m_.vpcs[vi].cidrs) {
      if (block == d) {
        r_.fail(node, context + ": destination " + d.to_string() + " is a block of VPC " +
                          util::quote(m_.vpcs[vi].name) + ", which its local route already covers");
      }
      if (!block.contains(d)) continue;
      // More specific than the local route: AWS takes it only for a whole
      // subnet of the VPC sent to a middlebox (of which this model has the NAT gateway).
      const bool whole_subnet = std::any_of(m_.vpcs[vi].subnets.begin(), m_.vpcs[vi].subnets.end(),
                                            [&](EntityIndex s) { return m_.subnets[s].cidr == d; });
      if (route.target != aws::RouteTargetKind::nat_gateway || !whole_subnet) {
        r_.fail(node, context + ": destination " + d.to_string() + " is inside the VPC block " + block.to_string() +
                          "; a route more specific than the local route must match a whole subnet of the VPC and "
                          "target a NAT gateway");
      }
    }
  }

  // A gateway of `vpc` named at `node`: unknown names suggest the VPC's own
  // gateways, and a gateway of another VPC is refused by name.
  template <typename Entities>
  EntityIndex in_this_vpc(const Names& names, const Entities& entities, const YAML::Node& node, EntityIndex vpc,
                          const std::string& context) const {
    const std::string name = r_.string(node, context + ": " + names.kind());
    const auto found = names.find(name);
    if (!found) {
      std::vector<std::string> own;
      for (const auto& e : entities) {
        if (e.vpc == vpc) own.push_back(e.name);
      }
      std::string message = context + ": unknown " + names.kind() + " " + util::quote(name);
      if (own.empty()) {
        message += " (VPC " + util::quote(m_.vpcs[vpc].name) + " has none)";
      } else {
        message += util::did_you_mean(name, own);
      }
      r_.fail(node, message);
    }
    if (entities[*found].vpc != vpc) {
      r_.fail(node, context + ": " + names.kind() + " " + util::quote(name) + " belongs to VPC " +
                        util::quote(m_.vpcs[entities[*found].vpc].name) + "; a route can only target one of VPC " +
                        util::quote(m_.vpcs[vpc].name));
    }
    return *found;
  }

  // ---- security groups -----------------------------------------------------

  void declare_security_groups(EntityIndex vi) {
    VpcScope& scope = scopes_[vi];
    bool has_default = false;
    for (const YAML::Node& g : list(scope.node, "securityGroups", scope.label)) {
      std::string context = label("security group", g) + " (" + scope.label + ")";
      r_.check_keys(g, {"name", "description", "ingress", "egress"}, context);
      aws::SecurityGroup group;
      group.name = name_of(g, context);
      group.vpc = vi;
      group.where = where(g);
      context = "security group " + util::quote(group.name) + " (" + scope.label + ")";
      if (group.name.find('/') != std::string::npos) {
        r_.fail(g["name"], context +
                               ": a security group name cannot contain '/', which separates VPC and group in "
                               "references such as west/db");
      }
      if (group.name.rfind("sg-", 0) == 0) r_.fail(g["name"], context + ": AWS refuses group names starting with sg-");
      if (const YAML::Node d = g["description"]) group.description = text(d, context + ": description");
      group.is_default = group.name == "default";
      has_default = has_default || group.is_default;
      const EntityIndex index = next_index(m_.security_groups.size());
      scope.security_groups.add(r_, g["name"], group.name, index);
      scope.declared_security_groups.emplace_back(g, index);
      if (group.is_default) m_.vpcs[vi].default_security_group = index;
      m_.security_groups.push_back(std::move(group));
      m_.vpcs[vi].security_groups.push_back(index);
    }
    if (!has_default) {
      aws::SecurityGroup group;
      group.name = "default";
      group.vpc = vi;
      group.description = "default VPC security group";
      group.is_default = true;
      group.implicit = true;
      group.where = m_.vpcs[vi].where;
      const EntityIndex index = next_index(m_.security_groups.size());
      group.ingress = default_ingress(index);
      group.egress = {allow_all_egress()};
      scope.security_groups.add(r_, scope.node, group.name, index);
      m_.security_groups.push_back(std::move(group));
      m_.vpcs[vi].security_groups.push_back(index);
      m_.vpcs[vi].default_security_group = index;
    }
  }

  // The default group's own rule: all traffic from members of the group.
  static std::vector<aws::SecurityGroupRule> default_ingress(EntityIndex group) {
    aws::SecurityGroupRule rule;
    rule.peer = aws::SecurityGroupPeer{aws::SecurityGroupPeer::Kind::security_group, {}, group};
    return {rule};
  }

  // The egress rule AWS gives every new group: all traffic to 0.0.0.0/0.
  static aws::SecurityGroupRule allow_all_egress() {
    aws::SecurityGroupRule rule;
    rule.peer = aws::SecurityGroupPeer{aws::SecurityGroupPeer::Kind::cidr, net::Cidr{}, 0};
    return rule;
  }

  void load_security_group_rules(EntityIndex vi) {
    for (const auto& [g, index] : scopes_[vi].declared_security_groups) {
      const std::string context =
          "security group " + util::quote(m_.security_groups[index].name) + " (" + scopes_[vi].label + ")";
      // An omitted direction keeps the rules AWS creates the group with.
      std::vector<aws::SecurityGroupRule> ingress =
          m_.security_groups[index].is_default ? default_ingress(index) : std::vector<aws::SecurityGroupRule>{};
      std::vector<aws::SecurityGroupRule> egress = {allow_all_egress()};
      if (g["ingress"]) ingress = security_group_rules(g["ingress"], vi, context + " ingress rule", "source");
      if (g["egress"]) egress = security_group_rules(g["egress"], vi, context + " egress rule", "destination");
      m_.security_groups[index].ingress = std::move(ingress);
      m_.security_groups[index].egress = std::move(egress);
    }
  }

  std::vector<aws::SecurityGroupRule> security_group_rules(const YAML::Node& rules, EntityIndex vi,
                                                           const std::string& context, const char* peer_role) const {
    r_.expect_sequence(rules, context + "s");
    if (rules.size() > kMaxSecurityGroupRulesPerDirection) {
      r_.fail(rules[kMaxSecurityGroupRulesPerDirection],
              context + "s: AWS allows at most " + std::to_string(kMaxSecurityGroupRulesPerDirection) +
                  " rules per direction in a security group (the default quota is 60)");
    }
    std::vector<aws::SecurityGroupRule> out;
    for (const YAML::Node& n : rules) {
      r_.check_keys(n,
                    {"protocol", "ports", "icmpType", "icmpCode", "cidr", "prefixList", "securityGroup", "description"},
                    context);
      aws::SecurityGroupRule rule;
      rule.where = where(n);
      rule.match = protocol_match(n, context);
      const std::string key =
          one_of(n, {"cidr", "prefixList", "securityGroup"}, context, std::string("the ") + peer_role);
      const YAML::Node peer = n[key];
      if (key == "cidr") {
        rule.peer = aws::SecurityGroupPeer{aws::SecurityGroupPeer::Kind::cidr, cidr(peer, context), 0};
      } else if (key == "prefixList") {
        rule.peer = aws::SecurityGroupPeer{
            aws::SecurityGroupPeer::Kind::prefix_list, {}, prefix_list_in_region(peer, m_.vpcs[vi].region, context)};
      } else {
        rule.peer = aws::SecurityGroupPeer{
            aws::SecurityGroupPeer::Kind::security_group, {}, security_group_reference(peer, vi, context)};
      }
      if (const YAML::Node d = n["description"]) rule.description = text(d, context + ": description");
      out.push_back(std::move(rule));
    }
    return out;
  }

  // "web" names a group of the rule's own VPC; "west/db" a group of VPC west,
  // which must be the same VPC or a same-region peer (AWS resolves group
  // references across peering, but not across inter-Region peering).
  EntityIndex security_group_reference(const YAML::Node& node, EntityIndex vi, const std::string& context) const {
    const std::string reference = r_.string(node, context + ": securityGroup");
    const std::size_t slash = reference.find('/');
    EntityIndex target_vpc = vi;
    std::string group = reference;
    if (slash != std::string::npos) {
      const std::string vpc_name = reference.substr(0, slash);
      group = reference.substr(slash + 1);
      const auto found = vpcs_.find(vpc_name);
      if (!found) {
        r_.fail(node, context + ": security group " + util::quote(reference) + " names unknown VPC " +
                          util::quote(vpc_name) + util::did_you_mean(vpc_name, vpcs_.names()));
      }
      target_vpc = *found;
    }
    const aws::Vpc& own = m_.vpcs[vi];
    const aws::Vpc& other = m_.vpcs[target_vpc];
    if (target_vpc != vi) {
      const auto peering = m_.peering_between(vi, target_vpc);
      if (!peering) {
        r_.fail(node, context + ": security group " + util::quote(reference) + " is in VPC " + util::quote(other.name) +
                          ", which is not peered with VPC " + util::quote(own.name) +
                          "; AWS resolves group references only within a VPC or across a VPC peering connection");
      }
      if (other.region != own.region) {
        r_.fail(node, context + ": security group " + util::quote(reference) + " is across peering " +
                          util::quote(m_.peerings[*peering].name) + ", which joins regions " +
                          util::quote(m_.regions[own.region].name) + " and " +
                          util::quote(m_.regions[other.region].name) +
                          "; AWS does not resolve group references across inter-Region peering (use a CIDR)");
      }
    }
    const Names& groups = scopes_[target_vpc].security_groups;
    const auto found = groups.find(group);
    if (!found) {
      r_.fail(node, context + ": unknown security group " + util::quote(group) + " in VPC " + util::quote(other.name) +
                        util::did_you_mean(group, groups.names()));
    }
    return *found;
  }

  // ---- network ACLs --------------------------------------------------------

  void load_network_acls(EntityIndex vi) {
    VpcScope& scope = scopes_[vi];
    bool has_default = false;
    for (const YAML::Node& a : list(scope.node, "networkAcls", scope.label)) {
      std::string context = label("network ACL", a) + " (" + scope.label + ")";
      r_.check_keys(a, {"name", "subnets", "ingress", "egress"}, context);
      aws::NetworkAcl acl;
      acl.name = name_of(a, context);
      acl.vpc = vi;
      acl.where = where(a);
      acl.is_default = acl.name == "default";
      has_default = has_default || acl.is_default;
      const EntityIndex index = next_index(m_.network_acls.size());
      scope.network_acls.add(r_, a["name"], acl.name, index);
      context = "network ACL " + util::quote(acl.name) + " (" + scope.label + ")";
      for (const YAML::Node& s : list(a, "subnets", context)) {
        const EntityIndex si = subnet_in_vpc(s, vi, context);
        if (!acl_association_[si].empty()) {
          r_.fail(s, context + ": subnet " + util::quote(m_.subnets[si].name) +
                         " is already associated with network ACL " +
                         util::quote(m_.network_acls[m_.subnets[si].network_acl].name) + " (at " +
                         acl_association_[si] + "); a subnet uses exactly one network ACL");
        }
        acl_association_[si] = where(s);
        m_.subnets[si].network_acl = index;
        m_.subnets[si].network_acl_explicit = true;
      }
      // An omitted direction keeps what AWS creates: allow-all entries in the
      // default ACL, nothing (so the final deny) in a custom one.
      acl.ingress = a["ingress"] ? nacl_entries(a["ingress"], context + " ingress rule")
                                 : (acl.is_default ? allow_all_entries() : std::vector<aws::NetworkAclEntry>{});
      acl.egress = a["egress"] ? nacl_entries(a["egress"], context + " egress rule")
                               : (acl.is_default ? allow_all_entries() : std::vector<aws::NetworkAclEntry>{});
      if (acl.is_default) m_.vpcs[vi].default_network_acl = index;
      m_.network_acls.push_back(std::move(acl));
      m_.vpcs[vi].network_acls.push_back(index);
    }
    if (!has_default) {
      aws::NetworkAcl acl;
      acl.name = "default";
      acl.vpc = vi;
      acl.is_default = true;
      acl.implicit = true;
      acl.where = m_.vpcs[vi].where;
      acl.ingress = allow_all_entries();
      acl.egress = allow_all_entries();
      const EntityIndex index = next_index(m_.network_acls.size());
      scope.network_acls.add(r_, scope.node, acl.name, index);
      m_.network_acls.push_back(std::move(acl));
      m_.vpcs[vi].network_acls.push_back(index);
      m_.vpcs[vi].default_network_acl = index;
    }
    for (const EntityIndex si : m_.vpcs[vi].subnets) {
      if (!m_.subnets[si].network_acl_explicit) m_.subnets[si].network_acl = m_.vpcs[vi].default_network_acl;
    }
  }

  // Rule 100 of a default ACL: all traffic, everywhere, allowed.
  static std::vector<aws::NetworkAclEntry> allow_all_entries() {
    aws::NetworkAclEntry entry;
    entry.rule_number = 100;
    entry.action = aws::NaclAction::allow;
    return {entry};
  }

  std::vector<aws::NetworkAclEntry> nacl_entries(const YAML::Node& entries, const std::string& context) const {
    r_.expect_sequence(entries, context + "s");
    if (entries.size() > kMaxNaclEntriesPerDirection) {
      r_.fail(entries[kMaxNaclEntriesPerDirection],
              context + "s: AWS allows at most " + std::to_string(kMaxNaclEntriesPerDirection) +
                  " rules per direction in a network ACL (the default quota is 20)");
    }
    std::vector<aws::NetworkAclEntry> out;
    std::map<int, std::string> numbers;
    for (const YAML::Node& n : entries) {
      r_.check_keys(n, {"rule", "protocol", "ports", "icmpType", "icmpCode", "cidr", "action"}, context);
      aws::NetworkAclEntry entry;
      entry.where = where(n);
      const YAML::Node number = r_.required(n, "rule", context);
      entry.rule_number = static_cast<int>(r_.integer(number, context + " number", aws::NetworkAclEntry::kMinRuleNumber,
                                                      aws::NetworkAclEntry::kMaxRuleNumber));
      const std::string numbered = context + " " + std::to_string(entry.rule_number);
      const auto [it, fresh] = numbers.try_emplace(entry.rule_number, where(number));
      if (!fresh) {
        r_.fail(number, context + " number " + std::to_string(entry.rule_number) + " is used twice (first at " +
                            it->second + "); rule numbers are unique per direction");
      }
      entry.match = protocol_match(n, numbered);
      entry.cidr = cidr(r_.required(n, "cidr", numbered), numbered);
      const YAML::Node action = r_.required(n, "action", numbered);
      const std::string value = r_.string(action, numbered + ": action");
      if (value != "allow" && value != "deny") {
        r_.fail(action, numbered + ": action must be allow or deny, not " + util::quote(value) +
                            util::did_you_mean(value, std::vector<std::string>{"allow", "deny"}));
      }
      entry.action = value == "allow" ? aws::NaclAction::allow : aws::NaclAction::deny;
      out.push_back(std::move(entry));
    }
    std::sort(out.begin(), out.end(), [](const aws::NetworkAclEntry& a, const aws::NetworkAclEntry& b) {
      return a.rule_number < b.rule_number;
    });
    return out;
  }

  const YamlReader& r_;
  aws::NetworkModel& m_;
  Names regions_{"region", ""};
  Names azs_{"Availability Zone", ""};
  Names prefix_lists_{"prefix list", ""};
  Names vpcs_{"VPC", ""};
  Names subnets_{"subnet", ""};
  Names internet_gateways_{"internet gateway", ""};
  Names nat_gateways_{"NAT gateway", ""};
  Names peerings_{"peering", ""};
  Names transit_gateways_{"transit gateway", ""};
  std::vector<VpcScope> scopes_;
  // Per subnet: where its explicit route-table / network-ACL association was
  // declared, empty while it has none.
  std::vector<std::string> route_association_;
  std::vector<std::string> acl_association_;
};

}  // namespace

void load_network(const YamlReader& r, const YAML::Node& root, aws::NetworkModel& out) {
  NetworkLoader(r, out).load(root);
}

}  // namespace eksim::scenario
