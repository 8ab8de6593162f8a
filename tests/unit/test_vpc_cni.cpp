#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "eksim/aws/instance_catalog.hpp"
#include "eksim/aws/ipamd_warm_pool.hpp"
#include "eksim/aws/vpc_cni_config.hpp"
#include "eksim/aws/vpc_cni_max_pods.hpp"

using eksim::aws::CniConfig;
using eksim::aws::compute_max_pods;
using eksim::aws::compute_warm_pool;
using eksim::aws::InstanceCatalog;
using eksim::aws::InstanceType;
using eksim::aws::IpMode;
using eksim::aws::MaxPodsCeiling;
using eksim::aws::MaxPodsLimit;
using eksim::aws::MaxPodsOptions;
using eksim::aws::WarmPoolLimit;
using eksim::aws::WarmPoolResult;

namespace {

const InstanceCatalog& catalog() {
  static const InstanceCatalog loaded = [] {
    std::string error;
    auto result = InstanceCatalog::load(&error);
    if (!result) FAIL("cannot load the shipped instance table: " << error);
    return *result;
  }();
  return loaded;
}

const InstanceType& type(const char* name) {
  const InstanceType* found = catalog().find(name);
  REQUIRE(found != nullptr);
  return *found;
}

CniConfig secondary() { return CniConfig{}; }

CniConfig custom_networking() {
  CniConfig config;
  config.custom_networking = true;
  return config;
}

CniConfig prefix() {
  CniConfig config;
  config.mode = IpMode::prefix_delegation;
  return config;
}

CniConfig prefix_custom() {
  CniConfig config = prefix();
  config.custom_networking = true;
  return config;
}

int max_pods(const char* name, const CniConfig& config, MaxPodsOptions options = {}) {
  return compute_max_pods(type(name), config, options).max_pods;
}

int uncapped(const char* name, const CniConfig& config) {
  return compute_max_pods(type(name), config, MaxPodsOptions{.ceiling = MaxPodsCeiling::none}).max_pods;
}

// data/eni-max-pods.txt read on its own: "<type> <max pods>" after '#' comments.
std::map<std::string, int> read_eni_max_pods() {
  std::ifstream in(std::filesystem::path(EKSIM_SOURCE_DIR) / "data" / "eni-max-pods.txt");
  REQUIRE(in);
  std::map<std::string, int> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    int pods = 0;
    REQUIRE(fields >> name >> pods);
    out[name] = pods;
  }
  return out;
}

struct PoolRow {
  int pods;
  int enis;
  int held;  // secondary IPs, or prefixes with PD
  int unused_ips;
};

void check_rows(const char* name, const CniConfig& config, const std::vector<PoolRow>& rows) {
  const bool prefix_mode = config.mode == IpMode::prefix_delegation;
  for (const auto& row : rows) {
    const WarmPoolResult pool = compute_warm_pool(type(name), config, row.pods);
    CAPTURE(name, row.pods);
    CHECK(pool.enis == row.enis);
    CHECK((prefix_mode ? pool.prefixes : pool.ips) == row.held);
    CHECK(pool.unused == row.unused_ips);
    CHECK(pool.pods_without_ip == 0);
  }
}

}  // namespace

TEST_CASE("secondary-IP max pods equal eni-max-pods.txt for every shared type", "[cni]") {
  const auto published = read_eni_max_pods();
  CHECK(published.size() == 1391);  // data/README.md
  int compared = 0;
  for (const auto& [name, pods] : published) {
    const InstanceType* found = catalog().find(name);
    if (found == nullptr) continue;  // c7i.32xlarge, f1.*, p3.*: no ENI data shipped
    CAPTURE(name);
    const auto result = compute_max_pods(*found, secondary());
    CHECK(result.max_pods == pods);
    CHECK(result.kubelet_max_pods == pods);
    CHECK(result.binding == MaxPodsLimit::eni_ip_capacity);
    ++compared;
  }
  CHECK(compared == 1384);
}

TEST_CASE("m5.large in every mode (EKS best-practices guide)", "[cni]") {
  CHECK(max_pods("m5.large", secondary()) == 29);
  CHECK(max_pods("m5.large", custom_networking()) == 20);

  const auto pd = compute_max_pods(type("m5.large"), prefix());
  CHECK(pd.calculated == 434);
  CHECK(pd.ceiling == 110);
  CHECK(pd.max_pods == 110);
  CHECK(pd.kubelet_max_pods == 110);
  CHECK(pd.binding == MaxPodsLimit::ceiling);
  CHECK(pd.explanation() == "110 (EKS ceiling 110; ENIs allow 434 = 3 ENIs x 9 prefixes x 16 + 2)");

  // The guide's 290 for PD + custom networking is the uncapped formula.
  CHECK(uncapped("m5.large", prefix_custom()) == 290);
  CHECK(max_pods("m5.large", prefix_custom()) == 110);
}

TEST_CASE("worked capacities of aws-eks-facts.md table 1.2", "[cni]") {
  struct Row {
    const char* name;
    int secondary;
    int custom;
    int prefix_uncapped;
    int prefix_capped;
  };
  const std::vector<Row> rows = {
      {"t3.medium", 17, 12, 242, 110},  // 2 vCPUs in the moto data
      {"t3.large", 35, 24, 530, 110},        {"c6g.large", 29, 20, 434, 110},
      {"m5.large", 29, 20, 434, 110},        {"m6i.large", 29, 20, 434, 110},
      {"m5.xlarge", 58, 44, 898, 110},       {"m5.2xlarge", 58, 44, 898, 110},  // 8 vCPUs
      {"m5.4xlarge", 234, 205, 3714, 110},                                      // 16 vCPUs
      {"m5.24xlarge", 737, 688, 11762, 250}, {"c5.18xlarge", 737, 688, 11762, 250},
      {"p5.48xlarge", 100, 51, 1570, 250},  // 192 vCPUs, default card only
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    CHECK(max_pods(row.name, secondary()) == row.secondary);
    CHECK(max_pods(row.name, custom_networking()) == row.custom);
    CHECK(uncapped(row.name, prefix()) == row.prefix_uncapped);
    CHECK(max_pods(row.name, prefix()) == row.prefix_capped);
  }
  // The README's c5.4xlarge: 234 secondary IPs (+2 host pods = 234 max pods).
  CHECK(max_pods("c5.4xlarge", secondary()) == 234);
}

TEST_CASE("the 110/250 ceiling follows the chosen policy", "[cni]") {
  // Managed node groups cap in every mode: m5.4xlarge (16 vCPUs) drops from 234 to 110.
  const MaxPodsOptions managed{.ceiling = MaxPodsCeiling::always};
  CHECK(max_pods("m5.4xlarge", secondary(), managed) == 110);
  CHECK(max_pods("m5.large", secondary(), managed) == 29);  // below the ceiling
  CHECK(compute_max_pods(type("m5.large"), secondary(), managed).binding == MaxPodsLimit::eni_ip_capacity);
  CHECK(max_pods("m5.24xlarge", secondary(), managed) == 250);
  CHECK(max_pods("p5.48xlarge", secondary(), managed) == 100);

  // Auto Mode: 110 whatever the vCPUs.
  const MaxPodsOptions auto_mode{.ceiling = MaxPodsCeiling::auto_mode};
  CHECK(max_pods("p5.48xlarge", prefix(), auto_mode) == 110);

  // The boundary is "more than 30 vCPUs".
  CHECK(eksim::aws::max_pods_ceiling_for_vcpus(30) == 110);
  CHECK(eksim::aws::max_pods_ceiling_for_vcpus(31) == 250);
  CHECK(max_pods("m5.4xlarge", prefix(), MaxPodsOptions{.vcpus = 30}) == 110);
  CHECK(max_pods("m5.4xlarge", prefix(), MaxPodsOptions{.vcpus = 32}) == 250);

  // Without a vCPU count the ceiling cannot be applied, and the result says so.
  const auto unknown = compute_max_pods(type("bmn-sf1.metal"), prefix());
  CHECK_FALSE(unknown.ceiling.has_value());
  CHECK(unknown.max_pods == 15 * 49 * 16 + 2);
  REQUIRE_FALSE(unknown.notes.empty());
  CHECK(std::any_of(unknown.notes.begin(), unknown.notes.end(),
                    [](const std::string& n) { return n.find("vCPU count") != std::string::npos; }));
  CHECK(max_pods("bmn-sf1.metal", prefix(), MaxPodsOptions{.vcpus = 64}) == 250);
}

TEST_CASE("an explicit maxPods override binds when it is the smallest", "[cni]") {
  const auto low = compute_max_pods(type("m5.large"), secondary(), MaxPodsOptions{.max_pods_override = 20});
  CHECK(low.max_pods == 20);
  CHECK(low.kubelet_max_pods == 20);
  CHECK(low.binding == MaxPodsLimit::max_pods_override);

  // AWS's advice for PD + custom networking on m5.large: set 110 by hand.
  const auto advised = compute_max_pods(type("m5.large"), prefix_custom(),
                                        MaxPodsOptions{.ceiling = MaxPodsCeiling::none, .max_pods_override = 110});
  CHECK(advised.max_pods == 110);
  CHECK(advised.binding == MaxPodsLimit::max_pods_override);

  // An override above what the ENIs can back: the node advertises it, but only
  // 29 pods get IPs.
  const auto high = compute_max_pods(type("m5.large"), secondary(), MaxPodsOptions{.max_pods_override = 50});
  CHECK(high.kubelet_max_pods == 50);
  CHECK(high.max_pods == 29);
  CHECK(high.binding == MaxPodsLimit::eni_ip_capacity);
  CHECK_FALSE(high.notes.empty());
}

TEST_CASE("MAX_ENI, Xen fallback and security groups for pods", "[cni]") {
  CniConfig limited;
  limited.max_eni = 2;
  CHECK(max_pods("m5.large", limited) == 2 * 9 + 2);
  limited.max_eni = 10;  // above the instance limit: ignored
  CHECK(max_pods("m5.large", limited) == 29);

  // c3.2xlarge is Xen: prefix delegation falls back to secondary IPs.
  const auto xen = compute_max_pods(type("c3.2xlarge"), prefix());
  CHECK(xen.layout.mode == IpMode::secondary_ip);
  CHECK(xen.max_pods == 4 * 14 + 2);
  CHECK_FALSE(xen.notes.empty());

  // m5.large with security groups for pods: the trunk takes the third ENI,
  // leaving 2 x 9 pod IPs, plus 9 branch ENIs (limits.go) for SG pods.
  CniConfig sgp;
  sgp.security_groups_for_pods = true;
  InstanceType m5 = type("m5.large");
  m5.branch_enis = 9;
  const auto with_trunk = compute_max_pods(m5, sgp);
  CHECK(with_trunk.layout.trunk_eni);
  CHECK(with_trunk.max_pods == 20);
  CHECK(with_trunk.branch_eni_pods == 9);

  // Branch count not supplied: the trunk still takes its slot; SG pods unknown.
  const auto unknown_branch = compute_max_pods(type("m5.large"), sgp);
  CHECK(unknown_branch.max_pods == 20);
  CHECK_FALSE(unknown_branch.branch_eni_pods.has_value());

  // Not trunk-compatible (every t type): no trunk, no slot lost.
  InstanceType t3 = type("t3.medium");
  t3.branch_enis = 0;
  const auto no_trunk = compute_max_pods(t3, sgp);
  CHECK_FALSE(no_trunk.layout.trunk_eni);
  CHECK(no_trunk.max_pods == 17);
  CHECK(no_trunk.branch_eni_pods == 0);

  // A single ENI leaves no slot for a trunk.
  const auto single = compute_max_pods(type("hpc6id.32xlarge"), sgp);
  CHECK_FALSE(single.layout.trunk_eni);
  CHECK(single.max_pods == 49 + 2);
  CHECK(single.branch_eni_pods == 0);

  // Custom networking on the same one-ENI type leaves nothing for pods.
  const auto none = compute_max_pods(type("hpc6id.32xlarge"), custom_networking());
  CHECK(none.max_pods == 2);
  CHECK_FALSE(none.notes.empty());
}

TEST_CASE("CNI settings that ipamd would silently replace are rejected", "[cni]") {
  std::string error;
  CHECK(eksim::aws::validate_cni_config(CniConfig{}, &error));
  CniConfig config;
  config.warm_ip_target = -1;
  CHECK_FALSE(eksim::aws::validate_cni_config(config, &error));
  CHECK(error.find("WARM_IP_TARGET is -1") == 0);
  config = CniConfig{};
  config.max_eni = 0;
  CHECK_FALSE(eksim::aws::validate_cni_config(config, &error));
  CHECK(error.find("MAX_ENI is 0") == 0);
  // Defaults as deployed: WARM_ENI_TARGET 1, WARM_PREFIX_TARGET 1, no IP targets.
  CHECK(CniConfig{}.effective_warm_eni_target() == 1);
  CHECK(CniConfig{}.effective_warm_prefix_target() == 1);
  CHECK_FALSE(CniConfig{}.ip_targets_defined());
  config = CniConfig{};
  config.warm_ip_target = 0;  // zero means unset to ipamd
  CHECK_FALSE(config.ip_targets_defined());
}

TEST_CASE("warm pool, secondary IPs: docs/eni-and-ip-target.md rows", "[cni]") {
  // t3.small: 3 ENIs x 3 secondary IPs. Rows of aws-eks-facts.md 1.3 first.
  check_rows("t3.small", secondary(), {{0, 1, 3, 3}, {5, 3, 9, 4}, {9, 3, 9, 0}});

  CniConfig one_one;
  one_one.warm_ip_target = 1;
  one_one.minimum_ip_target = 1;
  check_rows("t3.small", one_one, {{0, 1, 1, 1}, {5, 2, 6, 1}, {9, 3, 9, 0}});

  CniConfig two_five;
  two_five.warm_ip_target = 2;
  two_five.minimum_ip_target = 5;
  check_rows("t3.small", two_five, {{0, 2, 5, 5}, {5, 3, 7, 2}, {9, 3, 9, 0}});
  // The doc lists the 0-pod split as "2,3"; ipamd fills the primary first, so
  // the same five IPs sit as 3 + 2.
  CHECK(compute_warm_pool(type("t3.small"), two_five, 0).per_eni == std::vector<int>{3, 2});
  CHECK(compute_warm_pool(type("t3.small"), two_five, 5).per_eni == std::vector<int>{3, 3, 1});

  // p3dn.24xlarge: 15 ENIs x 49 secondary IPs.
  check_rows("p3dn.24xlarge", secondary(), {{0, 1, 49, 49}, {3, 2, 98, 95}, {95, 3, 147, 52}});
  CniConfig five_ten;
  five_ten.warm_ip_target = 5;
  five_ten.minimum_ip_target = 10;
  check_rows("p3dn.24xlarge", five_ten, {{0, 1, 10, 10}, {7, 1, 12, 5}, {15, 1, 20, 5}, {45, 2, 50, 5}});
  CHECK(compute_warm_pool(type("p3dn.24xlarge"), five_ten, 45).per_eni == std::vector<int>{49, 1});
}

TEST_CASE("warm pool, prefix delegation: docs/prefix-and-ip-target.md rows", "[cni]") {
  // t3.small: 3 ENIs x 3 prefix slots. WARM_PREFIX_TARGET=1 (aws-eks-facts.md 1.3).
  check_rows("t3.small", prefix(), {{0, 1, 1, 16}, {5, 1, 2, 27}, {16, 1, 2, 16}, {17, 1, 3, 31}, {58, 2, 5, 22}});
  CHECK(compute_warm_pool(type("t3.small"), prefix(), 58).per_eni == std::vector<int>{3, 2});

  CniConfig one_one = prefix();
  one_one.warm_ip_target = 1;
  one_one.minimum_ip_target = 1;
  check_rows("t3.small", one_one, {{0, 1, 1, 16}, {5, 1, 1, 11}, {17, 1, 2, 15}, {58, 2, 4, 6}});
  CHECK(compute_warm_pool(type("t3.small"), one_one, 58).per_eni == std::vector<int>{3, 1});

  // WARM_IP_TARGET=7, MINIMUM_IP_TARGET=20. MINIMUM 20 > 16 acts as 32, so the
  // 0-pod row holds 2 prefixes; the doc's "1 attached prefix" contradicts its
  // own "2 prefixes per ENI" column, and we follow the stated rule.
  CniConfig seven_twenty = prefix();
  seven_twenty.warm_ip_target = 7;
  seven_twenty.minimum_ip_target = 20;
  check_rows("t3.small", seven_twenty, {{0, 1, 2, 32}, {5, 1, 2, 27}, {17, 1, 2, 15}, {58, 2, 5, 22}});

  // p3dn.24xlarge (49 prefix slots per ENI): prefix counts and unused IPs as
  // in the doc. Its ENI column (2 or 3 ENIs holding "0" prefixes) contradicts
  // "a new ENI only after every prefix slot is used"; all fit on the primary.
  for (const auto& [pods, prefixes, unused] :
       std::vector<std::tuple<int, int, int>>{{0, 1, 16}, {3, 2, 29}, {95, 7, 17}}) {
    const auto pool = compute_warm_pool(type("p3dn.24xlarge"), prefix(), pods);
    CAPTURE(pods);
    CHECK(pool.prefixes == prefixes);
    CHECK(pool.unused == unused);
    CHECK(pool.enis == 1);
  }
  CniConfig five_ten = prefix();
  five_ten.warm_ip_target = 5;
  five_ten.minimum_ip_target = 10;
  for (const auto& [pods, prefixes, unused] :
       std::vector<std::tuple<int, int, int>>{{0, 1, 16}, {7, 1, 9}, {15, 2, 17}, {45, 4, 19}}) {
    const auto pool = compute_warm_pool(type("p3dn.24xlarge"), five_ten, pods);
    CAPTURE(pods);
    CHECK(pool.prefixes == prefixes);
    CHECK(pool.unused == unused);
  }
}

TEST_CASE("MINIMUM_IP_TARGET pre-scales; WARM_IP_TARGET alone doubles the pool", "[cni]") {
  // aws-eks-facts.md 1.3: at 30 pods, MIN=30 + WARM=2 holds 32 IPs, WARM=30
  // alone holds 60. m5.4xlarge (8 ENIs x 29 secondary IPs, 234 max pods) has
  // room for both without hitting an ENI limit, so the targets alone decide.
  CniConfig floor_and_warm;
  floor_and_warm.minimum_ip_target = 30;
  floor_and_warm.warm_ip_target = 2;
  const auto a = compute_warm_pool(type("m5.4xlarge"), floor_and_warm, 30);
  CHECK(a.ips == 32);
  CHECK(a.unused == 2);
  CHECK(a.per_eni == std::vector<int>{29, 3});

  CniConfig warm_only;
  warm_only.warm_ip_target = 30;
  const auto b = compute_warm_pool(type("m5.4xlarge"), warm_only, 30);
  CHECK(b.ips == 60);
  CHECK(b.unused == 30);
  CHECK(b.per_eni == std::vector<int>{29, 29, 2});

  // MINIMUM_IP_TARGET alone: warm target 0, the pool never passes the floor.
  CniConfig floor_only;
  floor_only.minimum_ip_target = 5;
  const auto starved = compute_warm_pool(type("t3.small"), floor_only, 8);
  CHECK(starved.ips == 5);
  CHECK(starved.assigned == 5);
  CHECK(starved.pods_without_ip == 3);
  CHECK(starved.limit == WarmPoolLimit::targets_met);
  CHECK_FALSE(starved.notes.empty());
}

TEST_CASE("warm pool limits: ENIs, maxPods, custom networking, trunk", "[cni]") {
  // t3.small is full at 9 pods in secondary-IP mode: the tenth waits.
  const auto full = compute_warm_pool(type("t3.small"), secondary(), 10);
  CHECK(full.ips == 9);
  CHECK(full.pods_without_ip == 1);
  CHECK(full.limit == WarmPoolLimit::eni_limit);

  // ipamd stops adding prefixes once the pool holds kubelet's maxPods: at 100
  // pods on m5.large, 7 prefixes (112 IPs) leave only 12 free, below
  // WARM_PREFIX_TARGET's 16, but 112 >= 110.
  const auto capped = compute_warm_pool(type("m5.large"), prefix(), 100, 110);
  CHECK(capped.prefixes == 7);
  CHECK(capped.limit == WarmPoolLimit::max_pods);
  CHECK(compute_warm_pool(type("m5.large"), prefix(), 100).prefixes == 8);

  // Custom networking: the primary ENI holds nothing, so the first pod-ready
  // ENI is the second one.
  const auto custom = compute_warm_pool(type("m5.large"), custom_networking(), 0);
  CHECK(custom.enis == 2);
  CHECK(custom.per_eni == std::vector<int>{0, 9});
  CHECK(custom.ips == 9);
  const auto custom_busy = compute_warm_pool(type("m5.large"), custom_networking(), 10);
  CHECK(custom_busy.per_eni == std::vector<int>{0, 9, 9});
  CHECK(custom_busy.unused == 8);
  CHECK(custom_busy.limit == WarmPoolLimit::eni_limit);

  // Security groups for pods: ipamd leaves the trunk's slot alone.
  CniConfig sgp;
  sgp.security_groups_for_pods = true;
  const auto trunk = compute_warm_pool(type("m5.large"), sgp, 15);
  CHECK(trunk.enis == 2);
  CHECK(trunk.total_enis() == 3);
  CHECK(trunk.ips == 18);

  // MAX_ENI=1 keeps everything on the primary ENI.
  CniConfig one_eni;
  one_eni.max_eni = 1;
  const auto single = compute_warm_pool(type("m5.large"), one_eni, 5);
  CHECK(single.enis == 1);
  CHECK(single.ips == 9);

  // WARM_ENI_TARGET=0: a new ENI only once the pool is empty.
  CniConfig lazy;
  lazy.warm_eni_target = 0;
  CHECK(compute_warm_pool(type("t3.small"), lazy, 0).ips == 3);
  CHECK(compute_warm_pool(type("t3.small"), lazy, 3).ips == 6);
  CHECK(compute_warm_pool(type("t3.small"), lazy, 2).ips == 3);

  // Nonsense inputs do not crash or loop.
  CHECK(compute_warm_pool(type("t3.small"), secondary(), -5).ips == 3);
  CniConfig huge;
  huge.warm_ip_target = 2147483647;
  const auto all = compute_warm_pool(type("p5.48xlarge"), huge, 2147483647);
  CHECK(all.ips == 2 * 49);
  CHECK(all.limit == WarmPoolLimit::eni_limit);
}
