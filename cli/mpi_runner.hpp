// The sweep's task runner under mpirun: tasks dealt round-robin over the
// ranks, results gathered on rank 0 in task order. Built with -DEKSIM_MPI=ON;
// make_task_runner gives a serial runner otherwise, or when the process was
// not started by an MPI launcher.
#pragma once

#include <memory>

#include "eksim/sweep/task_runner.hpp"

namespace eksim::cli {

class SweepRunner : public sweep::TaskRunner {
 public:
  // Whether every rank got here with ok; *root_ok says whether rank 0 did,
  // so other ranks print their own errors only when rank 0 has none to print.
  virtual bool all_ok(bool ok, bool* root_ok) = 0;
  [[nodiscard]] virtual int rank() const = 0;
  // After an unexpected failure mid-sweep on this rank: ends every other
  // rank at once (MPI), so none waits for results that will not come.
  virtual void abort_others(int code) = 0;
};

std::unique_ptr<SweepRunner> make_task_runner();

}  // namespace eksim::cli
