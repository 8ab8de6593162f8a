// Where a sweep's tasks run: in this process, or spread over MPI ranks
// (cli/mpi_runner). A task's result is bytes, so every runner hands the
// root the same results whatever ran them, in task order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace eksim::sweep {

class TaskRunner {
 public:
  TaskRunner() = default;
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;
  virtual ~TaskRunner() = default;
  // Runs tasks 0..count-1; on the root returns every result by task index,
  // elsewhere an empty vector. `progress` gets the fraction of this
  // process's share done, `within` of the running task included.
  using Task = std::function<std::string(std::size_t index, const std::function<void(double)>& within)>;
  virtual std::vector<std::string> run(std::size_t count, const Task& task,
                                       const std::function<void(double)>& progress) = 0;
  [[nodiscard]] virtual bool is_root() const { return true; }
};

class SerialRunner final : public TaskRunner {
 public:
  std::vector<std::string> run(std::size_t count, const Task& task,
                               const std::function<void(double)>& progress) override;
};

// Fixed-layout bytes for task results: numbers in this machine's byte
// order (MPI hosts of one sweep share an architecture).
class Packer {
 public:
  void u64(std::uint64_t v);
  void f64(double v);
  void str(const std::string& s);
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Unpacker {
 public:
  explicit Unpacker(const std::string& bytes) : bytes_(bytes) {}
  std::uint64_t u64();
  double f64();
  std::string str();

 private:
  void need(std::size_t n) const;
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace eksim::sweep
