#include "eksim/k8s/manifest_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "manifest_builder.hpp"

namespace eksim::k8s {
namespace {

namespace fs = std::filesystem;
using scenario::SourceLocation;

bool manifest_extension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

// Every manifest file below `dir`, sorted by path so that the import order,
// and so every index in the model, is the same on every machine.
std::vector<fs::path> files_below(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw LoadError(SourceLocation{dir, 0, 0}, "cannot read directory: " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) throw LoadError(SourceLocation{dir, 0, 0}, "cannot read directory: " + ec.message());
    const fs::path& path = it->path();
    if (hidden(path)) {
      // .git, editors' backup folders and the like hold no manifests.
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && manifest_extension(path)) files.push_back(path);
  }
  if (ec) throw LoadError(SourceLocation{dir, 0, 0}, "cannot read directory: " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
  return files;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(SourceLocation{path, 0, 0}, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw LoadError(SourceLocation{path, 0, 0}, "cannot read file");
  return text.str();
}

}  // namespace

ManifestSet load_manifests(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw LoadError(SourceLocation{path, 0, 0}, "no such file or directory");
    if (fs::is_directory(status)) {
      const std::vector<fs::path> found = files_below(path);
      if (found.empty()) {
        throw LoadError(SourceLocation{path, 0, 0}, "directory holds no .yaml, .yml or .json files");
      }
      for (const fs::path& f : found) files.push_back(f.generic_string());
    } else if (fs::is_regular_file(status)) {
      files.push_back(path);
    } else {
      throw LoadError(SourceLocation{path, 0, 0}, "not a regular file or directory");
    }
  }
  // A file named directly and again through its directory is read once.
  std::set<std::string> seen;
  detail::ManifestBuilder builder;
  for (const std::string& file : files) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    if (!seen.insert(ec ? file : canonical.string()).second) continue;
    builder.add_text(read_file(file), file);
  }
  return builder.finish();
}

ManifestSet load_manifest_text(const std::string& text, const std::string& name) {
  detail::ManifestBuilder builder;
  builder.add_text(text, name);
  return builder.finish();
}

}  // namespace eksim::k8s
