#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "eksim/aws/instance_catalog.hpp"
#include "eksim/aws/instance_type.hpp"
#include "eksim/util/closest_name.hpp"

using eksim::aws::Hypervisor;
using eksim::aws::InstanceCatalog;
using eksim::aws::InstanceType;

namespace {

const InstanceCatalog& shipped_catalog() {
  static const InstanceCatalog catalog = [] {
    std::string error;
    auto loaded = InstanceCatalog::load(&error);
    if (!loaded) FAIL("cannot load the shipped instance table: " << error);
    return *loaded;
  }();
  return catalog;
}

const InstanceType& type(const char* name) {
  const InstanceType* found = shipped_catalog().find(name);
  REQUIRE(found != nullptr);
  return *found;
}

// instance-info.jsonl read with plain string search, independently of the
// CSV and of the derivation script.
std::map<std::string, std::pair<int, int>> read_instance_info() {
  std::ifstream in(std::filesystem::path(EKSIM_SOURCE_DIR) / "data" / "instance-info.jsonl");
  REQUIRE(in);
  std::map<std::string, std::pair<int, int>> out;
  std::string line;
  auto field = [&](const std::string& key) {
    const auto at = line.find("\"" + key + "\":");
    REQUIRE(at != std::string::npos);
    return line.substr(at + key.size() + 3);
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string name = field("instanceType");
    name = name.substr(1, name.find('"', 1) - 1);
    out[name] = {std::stoi(field("defaultMaxENIs")), std::stoi(field("ipv4AddressesPerInterface"))};
  }
  return out;
}

}  // namespace

TEST_CASE("the shipped table loads with every type of instance-info.jsonl", "[instances]") {
  const auto& catalog = shipped_catalog();
  const auto info = read_instance_info();
  CHECK(info.size() == 1384);  // data/README.md
  CHECK(catalog.size() == info.size());
  for (const auto& [name, limits] : info) {
    CAPTURE(name);
    const InstanceType* found = catalog.find(name);
    REQUIRE(found != nullptr);
    CHECK(found->max_enis == limits.first);
    CHECK(found->ipv4_per_eni == limits.second);
  }
  // Sorted by name, as documented.
  for (std::size_t i = 1; i < catalog.types().size(); ++i) {
    CHECK(catalog.types()[i - 1].name < catalog.types()[i].name);
  }
}

TEST_CASE("instance types carry EC2 details where moto has them", "[instances]") {
  // Figures from aws-eks-facts.md section 1.2 (karpenter's bandwidth table,
  // EC2 vCPU counts); the CSV takes them from moto, an independent source.
  const InstanceType& m5 = type("m5.large");
  CHECK(m5.vcpus == 2);
  CHECK(m5.max_enis == 3);
  CHECK(m5.ipv4_per_eni == 10);
  CHECK(m5.network_cards == 1);
  CHECK(m5.baseline_bandwidth_gbps == Approx(0.75));
  CHECK(m5.hypervisor == Hypervisor::nitro);
  CHECK(m5.bare_metal == false);
  CHECK(m5.prefix_delegation_supported() == true);
  CHECK_FALSE(m5.branch_enis.has_value());  // no branch table is shipped

  CHECK(type("t3.medium").baseline_bandwidth_gbps == Approx(0.256));
  CHECK(type("m6i.large").baseline_bandwidth_gbps == Approx(0.781));
  CHECK(type("m5.xlarge").baseline_bandwidth_gbps == Approx(1.25));
  CHECK(type("m5.4xlarge").baseline_bandwidth_gbps == Approx(5.0));
  CHECK(type("m5.24xlarge").baseline_bandwidth_gbps == Approx(25.0));

  // p5.48xlarge: 32 cards of 100 Gbps, only 2 ENIs on the default card.
  const InstanceType& p5 = type("p5.48xlarge");
  CHECK(p5.vcpus == 192);
  CHECK(p5.max_enis == 2);
  CHECK(p5.network_cards == 32);
  CHECK(p5.baseline_bandwidth_gbps == Approx(3200.0));

  // Xen types cannot use prefix delegation; bare metal can (ipamd's rule).
  CHECK(type("m1.small").hypervisor == Hypervisor::xen);
  CHECK(type("m1.small").prefix_delegation_supported() == false);
  CHECK(type("c5.metal").hypervisor == Hypervisor::unknown);
  CHECK(type("c5.metal").bare_metal == true);
  CHECK(type("c5.metal").prefix_delegation_supported() == true);

  // A type moto does not know keeps its ENI limits and nothing else.
  const InstanceType& unknown = type("bmn-sf1.metal");
  CHECK(unknown.max_enis == 15);
  CHECK(unknown.ipv4_per_eni == 50);
  CHECK_FALSE(unknown.vcpus.has_value());
  CHECK_FALSE(unknown.baseline_bandwidth_gbps.has_value());
  CHECK_FALSE(unknown.bare_metal.has_value());
  CHECK_FALSE(unknown.prefix_delegation_supported().has_value());

  int with_vcpus = 0;
  for (const auto& t : shipped_catalog().types()) with_vcpus += t.vcpus ? 1 : 0;
  CHECK(with_vcpus == 1263);  // every moto type, data/README.md
}

TEST_CASE("misspelled instance types get the closest valid name", "[instances]") {
  const auto& catalog = shipped_catalog();
  std::string error;
  CHECK(catalog.lookup("m5.large", &error) == &type("m5.large"));

  CHECK(catalog.lookup("m5.lareg", &error) == nullptr);
  CHECK(error == "unknown instance type 'm5.lareg' (did you mean 'm5.large'?)");
  CHECK(catalog.suggest("M5.LARGE") == "m5.large");
  CHECK(catalog.suggest("t3.mediun") == "t3.medium");
  CHECK(catalog.suggest("m5.larg") == "m5.large");
  CHECK(catalog.suggest("c5.2xlarg") == "c5.2xlarge");
  CHECK(catalog.suggest("p5.48xlrage") == "p5.48xlarge");

  CHECK(catalog.lookup("potato", &error) == nullptr);
  CHECK(error == "unknown instance type 'potato'");
  CHECK_FALSE(catalog.suggest("").has_value());
}

TEST_CASE("edit distance counts swaps as one edit", "[instances]") {
  using eksim::util::closest_name;
  using eksim::util::edit_distance;
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("m5.large", "m5.large") == 0);
  CHECK(edit_distance("m5.lareg", "m5.large") == 1);  // one transposition
  CHECK(edit_distance("ab", "ba") == 1);
  // Optimal string alignment does not edit a substring twice: "ca" -> "abc"
  // costs 3 here (true Damerau-Levenshtein would say 2).
  CHECK(edit_distance("ca", "abc") == 3);
  CHECK(edit_distance("M5.Large", "m5.large") == 2);
  CHECK(eksim::util::edit_distance_ignore_case("M5.Large", "m5.large") == 0);

  const std::vector<std::string> names = {"east-b", "east-a", "west-a"};
  // Ties go to the lexicographically smallest name, whatever the input order.
  CHECK(eksim::util::closest_name_in("east-c", names) == "east-a");
  CHECK(eksim::util::closest_name_in("wets-a", names) == "west-a");
  CHECK_FALSE(eksim::util::closest_name_in("north", names).has_value());
  CHECK(eksim::util::closest_name_in("north", names, 10).has_value());
  CHECK(eksim::util::did_you_mean("est-a", names) == " (did you mean 'east-a'?)");
  CHECK(eksim::util::did_you_mean("zzzzzz", names).empty());
  const std::array<const char*, 2> keys = {"instanceType", "instanceTypes"};
  CHECK(eksim::util::closest_name_in("instancetype", keys) == "instanceType");
  // A very long query is not compared character by character against short names.
  CHECK_FALSE(eksim::util::closest_name_in(std::string(100000, 'x'), names).has_value());
}

TEST_CASE("instance tables are read strictly and errors name the line", "[instances]") {
  std::string error;
  const auto ok = InstanceCatalog::parse(
      "instance_type,max_enis,ipv4_per_eni,extra_column\r\n"
      "x1.small,2,4,whatever\r\n"
      "\r\n"
      "x1.large,3,10,\r\n",
      "test.csv", &error);
  REQUIRE(ok);
  CHECK(ok->size() == 2);
  CHECK(ok->find("x1.large")->ipv4_per_eni == 10);
  CHECK_FALSE(ok->find("x1.large")->vcpus.has_value());
  CHECK(ok->find("x1.small")->hypervisor == Hypervisor::unknown);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "test.csv: empty instance-type table (no header row)"},
      {"instance_type,ipv4_per_eni\nx,4\n", "test.csv:1: header lacks the required column 'max_enis'"},
      {"instance_type,max_enis,ipv4_per_eni\nx,2\n", "test.csv:2: expected 3 fields, found 2"},
      {"instance_type,max_enis,ipv4_per_eni\nx,two,4\n", "test.csv:2: max_enis of x must be a whole number 1-4096"},
      {"instance_type,max_enis,ipv4_per_eni\nx,0,4\n", "test.csv:2: max_enis of x must be a whole number 1-4096"},
      {"instance_type,max_enis,ipv4_per_eni\nx,99999999999,4\n",
       "test.csv:2: max_enis of x must be a whole number 1-4096"},
      {"instance_type,max_enis,ipv4_per_eni\nx,2,4\nx,3,4\n",
       "test.csv:3: instance type x appears again (first on line 2)"},
      {"instance_type,max_enis,ipv4_per_eni,vcpus\nx,2,4,-2\n",
       "test.csv:2: vcpus of x must be empty or a whole number >= 1"},
      {"instance_type,max_enis,ipv4_per_eni,baseline_bandwidth_gbps\nx,2,4,1e3\n",
       "test.csv:2: baseline_bandwidth_gbps of x must be empty or a non-negative decimal number"},
      {"instance_type,max_enis,ipv4_per_eni,hypervisor\nx,2,4,kvm\n",
       "test.csv:2: hypervisor of x must be empty, 'nitro' or 'xen'"},
      {"instance_type,max_enis,ipv4_per_eni,bare_metal\nx,2,4,yes\n",
       "test.csv:2: bare_metal of x must be empty, 'true' or 'false'"},
      {"instance_type,max_enis,max_enis,ipv4_per_eni\n", "test.csv:1: column 'max_enis' appears twice in the header"},
      {"instance_type,max_enis,ipv4_per_eni\n,2,4\n", "test.csv:2: empty instance_type"},
  };
  for (const auto& [text, message] : bad) {
    CAPTURE(text);
    error.clear();
    CHECK_FALSE(InstanceCatalog::parse(text, "test.csv", &error));
    CHECK(error == message);
  }

  CHECK_FALSE(InstanceCatalog::load("/nonexistent/instance-types.csv", &error));
  CHECK(error.find("cannot open instance-type table /nonexistent/instance-types.csv") == 0);
}

TEST_CASE("a catalog built in code keeps the last entry of a name", "[instances]") {
  InstanceType a{.name = "x.large", .max_enis = 3, .ipv4_per_eni = 10};
  InstanceType b{.name = "a.large", .max_enis = 2, .ipv4_per_eni = 4};
  InstanceType a2{.name = "x.large", .max_enis = 4, .ipv4_per_eni = 15};
  const InstanceCatalog catalog({a, b, a2});
  REQUIRE(catalog.size() == 2);
  CHECK(catalog.types().front().name == "a.large");
  CHECK(catalog.find("x.large")->max_enis == 4);
  CHECK(catalog.find("nope") == nullptr);
}

TEST_CASE("the derived CSV is current with its inputs", "[instances]") {
  // The derivation script is the source of truth for instance-types.csv; this
  // catches a table edited by hand or inputs refreshed without re-running it.
  const std::filesystem::path script = std::filesystem::path(EKSIM_SOURCE_DIR) / "data" / "derive_instance_table.py";
  REQUIRE(std::filesystem::exists(script));
  if (!std::filesystem::exists("/usr/bin/python3")) {
    WARN("no /usr/bin/python3; skipping the staleness check");
    return;
  }
  const std::string command = "/usr/bin/python3 '" + script.string() + "' --check";
  CHECK(std::system(command.c_str()) == 0);
}
