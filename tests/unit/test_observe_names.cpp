// Names eksim derives the way real components do, checked against published
// test vectors and names seen on real clusters.
#include <catch2/catch.hpp>

#include <string>

#include "eksim/observe/kube_proxy_nat.hpp"
#include "eksim/observe/node_view.hpp"
#include "eksim/util/digest.hpp"

using namespace eksim;

TEST_CASE("SHA-1, SHA-256 and base32 match their standards' test vectors", "[observe]") {
  // FIPS 180-4 examples ("abc", and the two-block 448-bit message).
  CHECK(util::hex(util::sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(util::hex(util::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(util::hex(util::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(util::hex(util::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4648 section 10.
  const auto b32 = [](const std::string& s) {
    return util::base32(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  CHECK(b32("") == "");
  CHECK(b32("f") == "MY======");
  CHECK(b32("fo") == "MZXQ====");
  CHECK(b32("foo") == "MZXW6===");
  CHECK(b32("foob") == "MZXW6YQ=");
  CHECK(b32("fooba") == "MZXW6YTB");
  CHECK(b32("foobar") == "MZXW6YTBOI======");
}

TEST_CASE("kube-proxy chain names match those on real clusters", "[observe]") {
  // Every cluster has these: kube-dns and the API server's Service, as
  // `iptables-save -t nat` lists them on any kube-proxy in iptables mode.
  CHECK(observe::service_chain("kube-system/kube-dns:dns", "udp") == "KUBE-SVC-TCOU7JCQXEZGVUNU");
  CHECK(observe::service_chain("kube-system/kube-dns:dns-tcp", "tcp") == "KUBE-SVC-ERIFXISQEP7F7OF4");
  CHECK(observe::service_chain("kube-system/kube-dns:metrics", "tcp") == "KUBE-SVC-JD5MR3NA4I4DYORP");
  CHECK(observe::service_chain("default/kubernetes:https", "tcp") == "KUBE-SVC-NPX46M4PTMTKRN6Y");
  // Endpoint chains from a published dump of a node (kube-dns pods at
  // 172.30.67.252 and 172.30.35.22, the API server at 172.30.47.189).
  CHECK(observe::endpoint_chain("kube-system/kube-dns:dns", "udp", "172.30.67.252:53") == "KUBE-SEP-2ZRLULZUW5ZRJPDH");
  CHECK(observe::endpoint_chain("kube-system/kube-dns:dns", "udp", "172.30.35.22:53") == "KUBE-SEP-W7Z2VQWXN5OBAHCZ");
  CHECK(observe::endpoint_chain("kube-system/kube-dns:metrics", "tcp", "172.30.67.252:9153") ==
        "KUBE-SEP-7X6AO62GIOXV3FVU");
  CHECK(observe::endpoint_chain("default/kubernetes:https", "tcp", "172.30.47.189:443") ==
        "KUBE-SEP-GQ5ILYDZNB4UO27Z");
  // kube-proxy's own unit test fixture (proxier_test.go).
  CHECK(observe::service_chain("ns1/svc1:p80", "tcp") == "KUBE-SVC-XPGD46QRK7WJZT7O");
  CHECK(observe::endpoint_chain("ns1/svc1:p80", "tcp", "10.180.0.1:80") == "KUBE-SEP-SXIVWICOYRO3J4NJ");
}

TEST_CASE("statistic probabilities print as iptables-save shows them", "[observe]") {
  CHECK(observe::statistic_probability(2) == "0.50000000000");
  CHECK(observe::statistic_probability(3) == "0.33333333349");
  CHECK(observe::statistic_probability(4) == "0.25000000000");
}

TEST_CASE("the nat table of a published node is reproduced line for line", "[observe]") {
  // kube-dns with two endpoints, as on the node of the published dump.
  observe::NatServicePort dns;
  dns.service = "kube-system/kube-dns";
  dns.port_name = "dns";
  dns.protocol = k8s::Protocol::Udp;
  dns.cluster_ip = net::Ipv4Address::from_octets(100, 64, 0, 10);
  dns.port = 53;
  dns.endpoints = {{net::Ipv4Address::from_octets(172, 30, 67, 252), 53, false},
                   {net::Ipv4Address::from_octets(172, 30, 35, 22), 53, true}};
  observe::CniSnat snat;
  snat.vpc_cidrs = {*net::Cidr::make(net::Ipv4Address::from_octets(172, 30, 0, 0), 16)};
  snat.node_address = net::Ipv4Address::from_octets(172, 30, 47, 189);
  const std::string nat = observe::iptables_save_nat({dns}, snat);
  for (const char* line : {
           "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
           "-A POSTROUTING -m comment --comment \"AWS SNAT CHAIN\" -j AWS-SNAT-CHAIN-0",
           "-A AWS-SNAT-CHAIN-0 ! -d 172.30.0.0/16 -m comment --comment \"AWS SNAT CHAIN\" -j AWS-SNAT-CHAIN-1",
           "-A AWS-SNAT-CHAIN-1 ! -o vlan+ -m comment --comment \"AWS, SNAT\" -m addrtype ! --dst-type LOCAL -j SNAT "
           "--to-source 172.30.47.189 --random-fully",
           "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
           "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
           "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
           "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE "
           "--random-fully",
           "-A KUBE-SEP-2ZRLULZUW5ZRJPDH -s 172.30.67.252/32 -m comment --comment \"kube-system/kube-dns:dns\" -j "
           "KUBE-MARK-MASQ",
           "-A KUBE-SEP-2ZRLULZUW5ZRJPDH -p udp -m comment --comment \"kube-system/kube-dns:dns\" -m udp -j DNAT "
           "--to-destination 172.30.67.252:53",
           "-A KUBE-SERVICES -d 100.64.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp "
           "--dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU",
           "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in "
           "this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
           "-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment \"kube-system/kube-dns:dns -> 172.30.35.22:53\" -m "
           "statistic --mode random --probability 0.50000000000 -j KUBE-SEP-W7Z2VQWXN5OBAHCZ",
           "-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment \"kube-system/kube-dns:dns -> 172.30.67.252:53\" -j "
           "KUBE-SEP-2ZRLULZUW5ZRJPDH",
       }) {
    INFO(line);
    CHECK(nat.find(std::string(line) + "\n") != std::string::npos);
  }
  // The KUBE-SVC rules come in the dump's order: 172.30.35.22 before 172.30.67.252.
  CHECK(nat.find("-> 172.30.35.22:53") < nat.find("-> 172.30.67.252:53\" -j"));
  CHECK(nat.rfind("COMMIT\n") == nat.size() - 7);
}

TEST_CASE("a NodePort Service gets KUBE-NODEPORTS and KUBE-EXT rules; one without endpoints none", "[observe]") {
  observe::NatServicePort web;
  web.service = "shop/web";
  web.protocol = k8s::Protocol::Tcp;
  web.cluster_ip = net::Ipv4Address::from_octets(172, 20, 1, 2);
  web.port = 80;
  web.node_port = 30080;
  web.endpoints = {{net::Ipv4Address::from_octets(10, 0, 0, 7), 8080, true}};
  observe::NatServicePort empty = web;
  empty.service = "shop/empty";
  empty.node_port = 0;
  empty.endpoints.clear();
  const std::string nat = observe::iptables_save_nat({web, empty}, {});
  const std::string ext = observe::external_chain("shop/web", "tcp");
  CHECK(nat.find("-A KUBE-NODEPORTS -p tcp -m comment --comment \"shop/web\" -m tcp --dport 30080 -j " + ext + "\n") !=
        std::string::npos);
  CHECK(nat.find("-A " + ext + " -m comment --comment \"masquerade traffic for shop/web external destinations\" -j "
                 "KUBE-MARK-MASQ\n") != std::string::npos);
  CHECK(nat.find("-A " + ext + " -j " + observe::service_chain("shop/web", "tcp") + "\n") != std::string::npos);
  CHECK(nat.find("shop/empty cluster IP") == std::string::npos);
  CHECK(nat.find("# shop/empty has no endpoints") != std::string::npos);
}

TEST_CASE("VPC CNI host veth names: eni + 11 hex digits of sha1(namespace.pod)", "[observe]") {
  // sha1("default.nginx") = c440f455693b69cd... (Python's hashlib).
  CHECK(observe::host_veth_name("default", "nginx") == "enic440f455693");
  CHECK(observe::host_veth_name("web", "cart-0") != observe::host_veth_name("web", "cart-1"));
}
