// LabelSelector semantics (policy-semantics.md item 8) against truth tables
// worked out by hand from the Kubernetes label-selector documentation.
#include <catch2/catch.hpp>
#include <string>

#include "eksim/k8s/label_selector.hpp"
#include "eksim/k8s/manifest_loader.hpp"

using eksim::k8s::Labels;
using eksim::k8s::LabelSelector;
using eksim::k8s::LoadError;
using eksim::k8s::SelectorOperator;
using eksim::k8s::SelectorRequirement;

namespace {

// The pod selector of a NetworkPolicy written in YAML, as the importer reads it.
LabelSelector selector_from_yaml(const std::string& selector_yaml) {
  const std::string text =
      "apiVersion: networking.k8s.io/v1\n"
      "kind: NetworkPolicy\n"
      "metadata: {name: p, namespace: ns}\n"
      "spec:\n"
      "  podSelector: " +
      selector_yaml + "\n";
  const auto set = eksim::k8s::load_manifest_text(text, "selector.yaml");
  REQUIRE(set.network_policies.size() == 1);
  return set.network_policies[0].pod_selector;
}

}  // namespace

TEST_CASE("matchLabels and matchExpressions are ANDed", "[k8s]") {
  const LabelSelector s = selector_from_yaml(
      "{matchLabels: {tier: backend}, matchExpressions: [{key: app, operator: In, values: [cart, api]}, "
      "{key: canary, operator: DoesNotExist}, {key: tier, operator: Exists}]}");
  REQUIRE(s.match_labels.size() == 1);
  REQUIRE(s.match_expressions.size() == 3);
  CHECK(s.match_expressions[0].op == SelectorOperator::In);
  CHECK(s.match_expressions[1].op == SelectorOperator::DoesNotExist);

  // Each row: labels, expected. Worked by hand, one requirement at a time.
  CHECK(s.matches(Labels{{"app", "cart"}, {"tier", "backend"}}));
  CHECK(s.matches(Labels{{"app", "api"}, {"tier", "backend"}, {"version", "v2"}}));
  CHECK_FALSE(s.matches(Labels{{"app", "cart"}, {"tier", "backend"}, {"canary", "true"}}));  // DoesNotExist fails
  CHECK_FALSE(s.matches(Labels{{"app", "cart"}, {"tier", "backend"}, {"canary", ""}}));      // even with ""
  CHECK_FALSE(s.matches(Labels{{"app", "web"}, {"tier", "backend"}}));                       // In fails
  CHECK_FALSE(s.matches(Labels{{"app", "cart"}}));                                           // no tier
  CHECK_FALSE(s.matches(Labels{{"app", "cart"}, {"tier", "frontend"}}));                     // matchLabels fails
  CHECK_FALSE(s.matches(Labels{}));
  CHECK(s.to_string() == "tier=backend,app in (cart,api),!canary,tier");
}

TEST_CASE("NotIn matches pods without the key; Exists matches an empty value", "[k8s]") {
  const SelectorRequirement not_in{"app", SelectorOperator::NotIn, {"debug", "test"}};
  CHECK(not_in.matches(Labels{}));
  CHECK(not_in.matches(Labels{{"app", "web"}}));
  CHECK_FALSE(not_in.matches(Labels{{"app", "debug"}}));
  CHECK_FALSE(not_in.matches(Labels{{"app", "test"}}));

  const SelectorRequirement exists{"canary", SelectorOperator::Exists, {}};
  CHECK(exists.matches(Labels{{"canary", ""}}));
  CHECK_FALSE(exists.matches(Labels{{"app", "canary"}}));

  const SelectorRequirement in{"env", SelectorOperator::In, {"prod"}};
  CHECK_FALSE(in.matches(Labels{}));                 // In needs the key
  CHECK_FALSE(in.matches(Labels{{"env", "Prod"}}));  // values are case-sensitive
}

TEST_CASE("an empty selector selects everything; a present key with another value does not match", "[k8s]") {
  const LabelSelector everything = selector_from_yaml("{}");
  CHECK(everything.selects_everything());
  CHECK(everything.matches(Labels{}));
  CHECK(everything.matches(Labels{{"anything", "at-all"}}));
  CHECK(everything.to_string().empty());

  const LabelSelector exact = LabelSelector::from_labels(Labels{{"app", "web"}, {"tier", "front"}});
  CHECK(exact.matches(Labels{{"app", "web"}, {"tier", "front"}, {"extra", "x"}}));
  CHECK_FALSE(exact.matches(Labels{{"app", "web"}}));
  CHECK_FALSE(exact.matches(Labels{{"app", "web"}, {"tier", "back"}}));
}

TEST_CASE("selector requirements are validated like the API server does", "[k8s]") {
  CHECK_THROWS_WITH(
      selector_from_yaml("{matchExpressions: [{key: app, operator: In}]}"),
      Catch::Contains("selector.yaml:5:") && Catch::Contains("operator In needs a non-empty 'values' list"));
  CHECK_THROWS_WITH(selector_from_yaml("{matchExpressions: [{key: app, operator: Exists, values: [x]}]}"),
                    Catch::Contains("selector.yaml:5:") && Catch::Contains("operator Exists takes no values"));
  CHECK_THROWS_WITH(selector_from_yaml("{matchExpressions: [{key: app, operator: notin, values: [x]}]}"),
                    Catch::Contains("did you mean 'NotIn'?"));
  CHECK_THROWS_WITH(selector_from_yaml("{matchLabels: {app: 'has space'}}"),
                    Catch::Contains("selector.yaml:5:") && Catch::Contains("invalid label value 'has space'"));
  CHECK_THROWS_WITH(selector_from_yaml("{matchLabels: {-app: web}}"), Catch::Contains("invalid label key '-app'"));
  CHECK_THROWS_AS(selector_from_yaml("{matchExpressions: [{operator: Exists}]}"), LoadError);
}
