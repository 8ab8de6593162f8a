// Dense indices that tie the network model's entities together.
//
// Relations between entities (a subnet's VPC, a route's NAT gateway) are
// indices into the NetworkModel's vectors, never pointers, so the model can be
// copied, compared and serialised as plain data and a reachability or capacity
// engine can keep per-entity state in parallel vectors.
#pragma once

#include <cstdint>

namespace eksim::aws {

using EntityIndex = std::uint32_t;

}  // namespace eksim::aws
