// Quoting user text inside error messages, for every loader and parser.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace eksim::util {

// Quotes `text` for an error message. Long input is cut and control bytes are
// escaped, so a fuzzer's or a careless paste's garbage cannot flood or corrupt
// the terminal that shows the message.
inline std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 64;
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  const std::string_view shown = text.size() <= kMax ? text : text.substr(0, kMax);
  for (const char ch : shown) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  if (shown.size() < text.size()) out += "...";
  out.push_back('\'');
  return out;
}

// Joins message parts by appending. Plain `"text" + std::string` chains trip a
// g++ 12 false positive at -O3 (-Wrestrict, GCC bug 105329) that -Werror turns
// into a build failure.
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts) out.append(part);
  return out;
}

}  // namespace eksim::util
