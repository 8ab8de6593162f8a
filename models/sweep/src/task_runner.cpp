#include "eksim/sweep/task_runner.hpp"

#include <cstring>
#include <stdexcept>

namespace eksim::sweep {

std::vector<std::string> SerialRunner::run(std::size_t count, const Task& task,
                                           const std::function<void(double)>& progress) {
  std::vector<std::string> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = task(i, [&](double f) {
      if (progress) progress((static_cast<double>(i) + f) / static_cast<double>(count));
    });
    if (progress) progress(static_cast<double>(i + 1) / static_cast<double>(count));
  }
  return out;
}

void Packer::u64(std::uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }

void Packer::f64(double v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }

void Packer::str(const std::string& s) {
  u64(s.size());
  out_ += s;
}

void Unpacker::need(std::size_t n) const {
  if (bytes_.size() - at_ < n) throw std::runtime_error("sweep: truncated task result");
}

std::uint64_t Unpacker::u64() {
  need(sizeof(std::uint64_t));
  std::uint64_t v = 0;
  std::memcpy(&v, bytes_.data() + at_, sizeof v);
  at_ += sizeof v;
  return v;
}

double Unpacker::f64() {
  need(sizeof(double));
  double v = 0;
  std::memcpy(&v, bytes_.data() + at_, sizeof v);
  at_ += sizeof v;
  return v;
}

std::string Unpacker::str() {
  const std::uint64_t n = u64();
  need(n);
  std::string s = bytes_.substr(at_, n);
  at_ += n;
  return s;
}

}  // namespace eksim::sweep
