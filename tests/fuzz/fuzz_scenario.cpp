// libFuzzer target: the scenario loader. Any input must either load or be
// rejected with a LoadError; a crash, a sanitizer report or any other
// exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "eksim/scenario/load_error.hpp"
#include "eksim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // Manifest paths stay unread: an input naming "/" must not walk the disk
    // (fuzz_manifest covers the manifest importer).
    (void)eksim::scenario::load_scenario_text(text, "fuzz.yaml", eksim::scenario::ReferencedFiles::ignore);
  } catch (const eksim::scenario::LoadError&) {
  }
  return 0;
}
