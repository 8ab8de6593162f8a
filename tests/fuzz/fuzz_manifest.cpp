// libFuzzer target: the Kubernetes manifest importer. Any input must either
// import or be rejected with a LoadError; a crash, a hang, a sanitizer report
// or any other exception (a yaml-cpp exception escaping, std::out_of_range...)
// is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "eksim/k8s/manifest_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)eksim::k8s::load_manifest_text(text, "fuzz.yaml");
  } catch (const eksim::k8s::LoadError&) {
  }
  return 0;
}
