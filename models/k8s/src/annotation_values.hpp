// The value formats of the AWS controllers' annotations (annotation values are
// always strings): Go booleans, comma-separated lists and k=v maps.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "object_reader.hpp"

namespace eksim::k8s::detail {

// Go's strconv.ParseBool, which both AWS controllers use.
bool read_go_bool(const Reader& r, const Field& field);
// Blanks and tabs around `s` removed.
std::string trim(std::string_view s);
// "a, b,,c" -> {a, b, c}: the controllers' stringList (empty items dropped).
std::vector<std::string> split_commas(std::string_view s);
// The controllers' stringMap "k1=v1,k2=v2", in order; a part without '=' or
// with an empty key fails at `field`.
std::vector<std::pair<std::string, std::string>> read_key_value_pairs(const Reader& r, const Field& field);

}  // namespace eksim::k8s::detail
