#include "eksim/aws/instance_catalog.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "eksim/util/closest_name.hpp"

namespace eksim::aws {

namespace {

// Far above any EC2 type (24 ENIs, 64 addresses per ENI, 192 vCPUs today); a
// larger value is a corrupt table. The same bound keeps resolve_eni_layout's
// products in int range.
constexpr int kMaxPlausible = 4096;

void fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(separator, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out);
  return result.ec == std::errc() && result.ptr == end;
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out, std::chars_format::fixed);
  return result.ec == std::errc() && result.ptr == end && out >= 0.0;
}

// Column positions found in the header; -1 when a column is absent.
struct Columns {
  int name = -1;
  int max_enis = -1;
  int ipv4_per_eni = -1;
  int vcpus = -1;
  int network_cards = -1;
  int baseline = -1;
  int peak = -1;
  int hypervisor = -1;
  int bare_metal = -1;
};

}  // namespace

InstanceCatalog::InstanceCatalog(std::vector<InstanceType> types) {
  // A stable sort keeps input order among equal names, so "last one wins" is
  // simply the last of each run.
  std::stable_sort(types.begin(), types.end(),
                   [](const InstanceType& a, const InstanceType& b) { return a.name < b.name; });
  for (auto& type : types) {
    if (!types_.empty() && types_.back().name == type.name) {
      types_.back() = std::move(type);
    } else {
      types_.push_back(std::move(type));
    }
  }
}

std::filesystem::path InstanceCatalog::default_path() {
  return std::filesystem::path(EKSIM_DATA_DIR) / "instance-types.csv";
}

std::optional<InstanceCatalog> InstanceCatalog::load(std::string* error) { return load(default_path(), error); }

std::optional<InstanceCatalog> InstanceCatalog::load(const std::filesystem::path& csv_path, std::string* error) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) {
    fail(error, "cannot open instance-type table " + csv_path.string() +
                    " (regenerate it with data/derive_instance_table.py, or pass another path)");
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    fail(error, "cannot read instance-type table " + csv_path.string());
    return std::nullopt;
  }
  return parse(buffer.str(), csv_path.string(), error);
}

std::optional<InstanceCatalog> InstanceCatalog::parse(std::string_view csv_text, std::string_view source,
                                                      std::string* error) {
  const std::string where(source);
  std::vector<InstanceType> types;
  std::unordered_map<std::string, std::size_t> first_line;  // name -> line, to report duplicates
  Columns columns;
  std::size_t column_count = 0;
  bool have_header = false;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < csv_text.size()) {
    std::size_t end = csv_text.find('\n', pos);
    if (end == std::string_view::npos) end = csv_text.size();
    std::string_view line = csv_text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto fields = split(line, ',');
    const std::string at = where + ":" + std::to_string(line_number) + ": ";

    if (!have_header) {
      have_header = true;
      column_count = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto index = static_cast<int>(i);
        const std::string_view field = fields[i];
        int* slot = field == "instance_type"             ? &columns.name
                    : field == "max_enis"                ? &columns.max_enis
                    : field == "ipv4_per_eni"            ? &columns.ipv4_per_eni
                    : field == "vcpus"                   ? &columns.vcpus
                    : field == "network_cards"           ? &columns.network_cards
                    : field == "baseline_bandwidth_gbps" ? &columns.baseline
                    : field == "peak_bandwidth_gbps"     ? &columns.peak
                    : field == "hypervisor"              ? &columns.hypervisor
                    : field == "bare_metal"              ? &columns.bare_metal
                                                         : nullptr;
        if (slot == nullptr) continue;  // a column this version does not use
        if (*slot != -1) {
          fail(error, at + "column '" + std::string(field) + "' appears twice in the header");
          return std::nullopt;
        }
        *slot = index;
      }
      for (const auto& [column, name] :
           {std::pair{columns.name, "instance_type"}, std::pair{columns.max_enis, "max_enis"},
            std::pair{columns.ipv4_per_eni, "ipv4_per_eni"}}) {
        if (column == -1) {
          fail(error, at + "header lacks the required column '" + name + "'");
          return std::nullopt;
        }
      }
      continue;
    }

    if (fields.size() != column_count) {
      fail(error, at + "expected " + std::to_string(column_count) + " fields, found " + std::to_string(fields.size()));
      return std::nullopt;
    }
    auto field = [&](int column) { return column < 0 ? std::string_view() : fields[static_cast<std::size_t>(column)]; };
    InstanceType type;
    type.name = std::string(field(columns.name));
    if (type.name.empty()) {
      fail(error, at + "empty instance_type");
      return std::nullopt;
    }
    // "<file>:<line>: <column> of <type> must be ...": one shape for every field error.
    auto reject = [&](std::string_view column, std::string_view expectation) {
      std::string message = at;
      message.append(column).append(" of ").append(type.name).append(" must be ").append(expectation);
      fail(error, std::move(message));
    };
    const std::string whole_number = "a whole number 1-" + std::to_string(kMaxPlausible);
    if (!parse_int(field(columns.max_enis), type.max_enis) || type.max_enis < 1 || type.max_enis > kMaxPlausible) {
      reject("max_enis", whole_number);
      return std::nullopt;
    }
    if (!parse_int(field(columns.ipv4_per_eni), type.ipv4_per_eni) || type.ipv4_per_eni < 1 ||
        type.ipv4_per_eni > kMaxPlausible) {
      reject("ipv4_per_eni", whole_number);
      return std::nullopt;
    }
    for (const auto& [column, target, name] :
         {std::tuple{columns.vcpus, &type.vcpus, "vcpus"},
          std::tuple{columns.network_cards, &type.network_cards, "network_cards"}}) {
      const std::string_view text = field(column);
      if (text.empty()) continue;
      int value = 0;
      if (!parse_int(text, value) || value < 1) {
        reject(name, "empty or a whole number >= 1");
        return std::nullopt;
      }
      *target = value;
    }
    for (const auto& [column, target, name] :
         {std::tuple{columns.baseline, &type.baseline_bandwidth_gbps, "baseline_bandwidth_gbps"},
          std::tuple{columns.peak, &type.peak_bandwidth_gbps, "peak_bandwidth_gbps"}}) {
      const std::string_view text = field(column);
      if (text.empty()) continue;
      double value = 0.0;
      if (!parse_double(text, value)) {
        reject(name, "empty or a non-negative decimal number");
        return std::nullopt;
      }
      *target = value;
    }
    const std::string_view hypervisor = field(columns.hypervisor);
    if (hypervisor == "nitro") {
      type.hypervisor = Hypervisor::nitro;
    } else if (hypervisor == "xen") {
      type.hypervisor = Hypervisor::xen;
    } else if (!hypervisor.empty()) {
      reject("hypervisor", "empty, 'nitro' or 'xen'");
      return std::nullopt;
    }
    const std::string_view bare_metal = field(columns.bare_metal);
    if (bare_metal == "true") {
      type.bare_metal = true;
    } else if (bare_metal == "false") {
      type.bare_metal = false;
    } else if (!bare_metal.empty()) {
      reject("bare_metal", "empty, 'true' or 'false'");
      return std::nullopt;
    }
    const auto [seen, inserted] = first_line.emplace(type.name, line_number);
    if (!inserted) {
      fail(error,
           at + "instance type " + type.name + " appears again (first on line " + std::to_string(seen->second) + ")");
      return std::nullopt;
    }
    types.push_back(std::move(type));
  }
  if (!have_header) {
    fail(error, where + ": empty instance-type table (no header row)");
    return std::nullopt;
  }
  return InstanceCatalog(std::move(types));
}

const InstanceType* InstanceCatalog::find(std::string_view name) const {
  const auto it = std::lower_bound(types_.begin(), types_.end(), name,
                                   [](const InstanceType& type, std::string_view key) { return type.name < key; });
  if (it == types_.end() || it->name != name) return nullptr;
  return &*it;
}

std::optional<std::string> InstanceCatalog::suggest(std::string_view name) const {
  std::vector<std::string_view> names;
  names.reserve(types_.size());
  for (const auto& type : types_) names.emplace_back(type.name);
  return util::closest_name(name, names);
}

const InstanceType* InstanceCatalog::lookup(std::string_view name, std::string* error) const {
  if (const InstanceType* type = find(name)) return type;
  std::string message = "unknown instance type '" + std::string(name) + "'";
  if (const auto best = suggest(name)) message += " (did you mean '" + *best + "'?)";
  fail(error, std::move(message));
  return nullptr;
}

}  // namespace eksim::aws
