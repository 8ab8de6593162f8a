#include <catch2/catch.hpp>

#include "eksim/report/json_writer.hpp"

using eksim::report::json_escape;
using eksim::report::JsonWriter;

TEST_CASE("JSON output nests, escapes and prints numbers exactly", "[report]") {
  JsonWriter w;
  w.begin_object();
  w.key("name").value("a \"quoted\"\\path\n");
  w.key("n").value(std::int64_t{-3});
  w.key("big").value(std::uint64_t{18446744073709551615ULL});
  w.key("x").value(0.1);
  w.key("nan").value(std::nan(""));
  w.key("ok").value(true);
  w.key("empty").begin_array().end_array();
  w.key("pair").begin_inline_array().value(1).value(2).end_array();
  w.end_object();
  CHECK(w.str() ==
        "{\n"
        "  \"name\": \"a \\\"quoted\\\"\\\\path\\n\",\n"
        "  \"n\": -3,\n"
        "  \"big\": 18446744073709551615,\n"
        "  \"x\": 0.1,\n"
        "  \"nan\": null,\n"
        "  \"ok\": true,\n"
        "  \"empty\": [],\n"
        "  \"pair\": [1, 2]\n"
        "}");
  CHECK(json_escape(std::string("\x01", 1)) == "\"\\u0001\"");
}
