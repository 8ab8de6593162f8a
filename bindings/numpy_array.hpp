// numpy arrays over C++ vectors without copying the elements: the vector is
// moved into the array's owner. (A vector that stays inside a bound result
// can be shown the same way with py::array_t(size, data, owner-object).)
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

namespace eksim::python {

namespace py = pybind11;

// Takes the vector over; numpy frees it with the array.
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))}, owned->data(),
                        free_when_done);
}

}  // namespace eksim::python
