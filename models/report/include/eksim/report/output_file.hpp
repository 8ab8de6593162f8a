// Writes a file so that readers see either the old content or the whole new
// content, never a half-written file: write to a temporary name beside the
// target, then rename over it (atomic within one file system).
#pragma once

#include <string>

namespace eksim::report {

// Throws std::runtime_error naming the path on any failure; the temporary
// file is removed in that case.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace eksim::report
