#include "mpi_runner.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef EKSIM_WITH_MPI
#include <mpi.h>
#endif

namespace eksim::cli {
namespace {

class Serial final : public SweepRunner {
 public:
  std::vector<std::string> run(std::size_t count, const Task& task,
                               const std::function<void(double)>& progress) override {
    return serial_.run(count, task, progress);
  }
  bool all_ok(bool ok, bool* root_ok) override {
    *root_ok = ok;
    return ok;
  }
  [[nodiscard]] int rank() const override { return 0; }
  void abort_others(int /*code*/) override {}

 private:
  sweep::SerialRunner serial_;
};

#ifdef EKSIM_WITH_MPI
// Open MPI, MPICH and PMIx launchers each set one of these in every rank.
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

class Mpi final : public SweepRunner {
 public:
  Mpi() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~Mpi() override { MPI_Finalize(); }

  std::vector<std::string> run(std::size_t count, const Task& task,
                               const std::function<void(double)>& progress) override {
    const auto me = static_cast<std::size_t>(rank_);
    const auto ranks = static_cast<std::size_t>(size_);
    const std::size_t mine = count > me ? (count - me + ranks - 1) / ranks : 0;
    sweep::Packer pack;
    std::size_t done = 0;
    for (std::size_t i = me; i < count; i += ranks, ++done) {
      pack.u64(i);
      pack.str(task(i, [&](double f) {
        if (progress) progress((static_cast<double>(done) + f) / static_cast<double>(mine));
      }));
    }
    const std::string bytes = pack.take();
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) throw std::runtime_error("sweep: a rank's results exceed 2 GiB");
    int length = static_cast<int>(bytes.size());
    std::vector<int> lengths(ranks);
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets(ranks);
    std::size_t total = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
      offsets[r] = static_cast<int>(total);
      total += static_cast<std::size_t>(lengths[r]);
    }
    if (rank_ == 0 && total > static_cast<std::size_t>(INT32_MAX)) {
      throw std::runtime_error("sweep: gathered results exceed 2 GiB");
    }
    std::string all(rank_ == 0 ? total : 0, '\0');
    MPI_Gatherv(bytes.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    if (rank_ != 0) return {};
    std::vector<std::string> out(count);
    sweep::Unpacker u(all);
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint64_t i = u.u64();
      out.at(i) = u.str();
    }
    return out;
  }

  bool all_ok(bool ok, bool* root_ok) override {
    int failed[2] = {ok ? 0 : 1, rank_ == 0 && !ok ? 1 : 0};
    int any[2] = {0, 0};
    MPI_Allreduce(failed, any, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    *root_ok = any[1] == 0;
    return any[0] == 0;
  }
  [[nodiscard]] bool is_root() const override { return rank_ == 0; }
  [[nodiscard]] int rank() const override { return rank_; }
  void abort_others(int code) override { MPI_Abort(MPI_COMM_WORLD, code); }

 private:
  int rank_ = 0;
  int size_ = 1;
};
#endif

}  // namespace

std::unique_ptr<SweepRunner> make_task_runner() {
#ifdef EKSIM_WITH_MPI
  if (launched_by_mpi()) return std::make_unique<Mpi>();
#endif
  return std::make_unique<Serial>();
}

}  // namespace eksim::cli
