// Scenario.capacity(): the capacity planner's report, as `eksim capacity`
// computes it. Attribute names follow the keys of `eksim capacity --format json`.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "eksim/capacity/scenario_capacity.hpp"
#include "eksim/report/capacity_report.hpp"

namespace eksim::python {

void bind_capacity(py::module_& m, ScenarioClass& scenario) {
  using namespace capacity;
  py::class_<NodeGroupReport>(m, "NodeGroupCapacity", "Max pods of one node group and what binds it.")
      .def_readonly("cluster", &NodeGroupReport::cluster, "Cluster name.")
      .def_readonly("name", &NodeGroupReport::name, "Node group name.")
      .def_readonly("instance_type", &NodeGroupReport::instance_type, "EC2 instance type, e.g. 'm5.large'.")
      .def_readonly("nodes", &NodeGroupReport::nodes, "Number of nodes.")
      .def_property_readonly("max_pods", [](const NodeGroupReport& g) { return g.max_pods.kubelet_max_pods; },
                             "The kubelet's --max-pods on each node.")
      .def_property_readonly("calculated", [](const NodeGroupReport& g) { return g.max_pods.calculated; },
                             "The VPC CNI formula (pod addresses + 2) before any ceiling.")
      .def_property_readonly("bound_by", [](const NodeGroupReport& g) { return std::string(aws::to_string(g.max_pods.binding)); },
                             "What binds max pods: 'eni_ip_capacity', 'ceiling' or 'max_pods_override' style code.")
      .def_property_readonly("mode", [](const NodeGroupReport& g) { return std::string(aws::to_string(g.max_pods.layout.mode)); },
                             "Address mode in effect: secondary IPs or prefix delegation.")
      .def_property_readonly("explanation", [](const NodeGroupReport& g) { return g.max_pods.explanation(); },
                             "The arithmetic behind max_pods, in words.");

  py::class_<SubnetReport>(m, "SubnetCapacity", "Addresses of one subnet: who holds them and what is free.")
      .def_readonly("name", &SubnetReport::name, "Subnet name.")
      .def_readonly("az", &SubnetReport::az, "Availability Zone ID.")
      .def_readonly("cidr", &SubnetReport::cidr, "The subnet's CIDR block.")
      .def_readonly("usable", &SubnetReport::usable, "Addresses less the 5 AWS reserves.")
      .def_readonly("eni_primaries", &SubnetReport::eni_primaries, "Primary addresses of ENIs (nodes' own included).")
      .def_readonly("pods", &SubnetReport::assigned, "Addresses given to running pods.")
      .def_readonly("warm", &SubnetReport::warm, "Addresses ipamd holds for pods yet to come (warm pool).")
      .def_readonly("free", &SubnetReport::free, "Addresses nobody holds.")
      .def_readonly("free_prefixes", &SubnetReport::free_prefixes, "Aligned /28 blocks still free (prefix delegation).");

  py::class_<NodeReport>(m, "NodeCapacity", "One node: its pods and the addresses its ENIs hold.")
      .def_readonly("name", &NodeReport::name, "'cluster/nodegroup-i'.")
      .def_readonly("node_group", &NodeReport::node_group, "Node group name.")
      .def_readonly("az", &NodeReport::az, "Availability Zone ID.")
      .def_readonly("subnet", &NodeReport::subnet, "Subnet of the primary ENI.")
      .def_readonly("pod_subnet", &NodeReport::pod_subnet, "Subnet pod addresses come from.")
      .def_property_readonly("address", [](const NodeReport& n) { return n.address.to_string(); }, "The node's own address.")
      .def_readonly("max_pods", &NodeReport::kubelet_max_pods, "The kubelet's --max-pods.")
      .def_readonly("pods", &NodeReport::pods, "Pods bound to the node, host-network ones included.")
      .def_readonly("pods_with_address", &NodeReport::pods_with_ip, "Pods that got a VPC address.")
      .def_readonly("enis", &NodeReport::enis, "ENIs attached by ipamd.")
      .def_readonly("prefixes", &NodeReport::prefixes, "/28 prefixes held (prefix delegation).")
      .def_readonly("addresses", &NodeReport::addresses, "Pod addresses held: secondary IPs, or prefixes x 16.");

  py::class_<PendingPod>(m, "PendingPod", "A pod that cannot run, with the reason AWS or Kubernetes gives.")
      .def_readonly("workload", &PendingPod::workload, "'namespace/name' of its workload.")
      .def_readonly("replica", &PendingPod::replica, "Replica number.")
      .def_readonly("node", &PendingPod::node, "Node it was bound to; '' when not scheduled.")
      .def_property_readonly("reason", [](const PendingPod& p) { return std::string(to_string(p.reason)); },
                             "Reason code, e.g. 'InsufficientFreeAddressesInSubnet'.")
      .def_readonly("detail", &PendingPod::detail, "The reason in words.");

  py::class_<Headroom>(m, "Headroom", "How many more replicas of a workload would run.")
      .def_readonly("workload", &Headroom::workload, "'namespace/name' of the workload.")
      .def_readonly("replicas", &Headroom::replicas, "Replicas asked for now.")
      .def_readonly("more", &Headroom::more, "Further replicas that would run.")
      .def_readonly("capped", &Headroom::capped, "True when the search bound stopped the count, not a resource.")
      .def_readonly("runs_out", &Headroom::runs_out, "What stops the next replica.");

  py::class_<CapacityReport>(m, "CapacityReport",
                             "What `eksim capacity` reports: node groups, subnets, nodes, pending pods and headroom. "
                             "str() gives the CLI's text; to_pandas(table) a DataFrame of one table.")
      .def_property_readonly("node_groups", list_property(&CapacityReport::node_groups), "list[NodeGroupCapacity]")
      .def_property_readonly("subnets", list_property(&CapacityReport::subnets), "list[SubnetCapacity]")
      .def_property_readonly("nodes", list_property(&CapacityReport::nodes), "list[NodeCapacity]")
      .def_property_readonly("pending", list_property(&CapacityReport::pending), "list[PendingPod]")
      .def_property_readonly("headroom", list_property(&CapacityReport::headroom),
                             "list[Headroom]; empty when capacity(headroom=False).")
      .def("__str__", [](const CapacityReport& r) { return report::capacity_text(r); });

  scenario.def(
      "capacity",
      [](const ScenarioHandle& h, bool headroom) {
        py::gil_scoped_release release;
        PlanOptions options;
        options.headroom = headroom;
        return plan_capacity(capacity_input(h.model()), options);
      },
      py::arg("headroom") = true,
      "Plan the scenario's capacity as `eksim capacity` does: max pods per node group, subnet addresses, "
      "pods that cannot run and (unless headroom=False) how many more replicas of each workload fit.");
}

}  // namespace eksim::python
