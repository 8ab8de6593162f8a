#include "eksim/report/reach_report.hpp"

#include <map>

#include "eksim/report/json_writer.hpp"

namespace eksim::report {
namespace {

std::string pair_connections(const reach::ReachPair& p) {
  std::string text = p.allowed.empty() ? std::string() : p.allowed.to_string();
  if (!p.partial.empty()) text += std::string(text.empty() ? "" : " ") + "(some pods: " + p.partial.to_string() + ")";
  return text;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// json_escape quotes and escapes, which is also what Graphviz wants.
std::string dot_id(const std::string& s) { return json_escape(s); }

void verdict_json(JsonWriter& w, const reach::Verdict& v) {
  w.key("allowed").value(v.allowed());
  w.key("path").begin_array();
  for (const reach::Hop& h : v.path) {
    w.begin_object().key("kind").value(h.kind).key("component").value(h.component).key("detail").value(h.detail);
    w.end_object();
  }
  w.end_array();
  if (v.blocked) {
    w.key("blocked").begin_object();
    w.key("reason").value(reach::to_string(v.blocked->reason));
    w.key("component").value(v.blocked->component);
    w.key("rule").value(v.blocked->rule);
    w.key("message").value(v.blocked->message);
    w.end_object();
  }
}

void answer_json(JsonWriter& w, const reach::ConnectionAnswer& a) {
  w.key("from").value(a.from).key("to").value(a.to).key("port").value(a.port);
  w.key("allowed").value(a.all_allowed());
  w.key("cases").begin_array();
  for (const auto& c : a.cases) {
    w.begin_object().key("fromPod").value(c.from_pod).key("toPod").value(c.to_pod);
    w.key("podPairs").value(static_cast<std::uint64_t>(c.pairs));
    verdict_json(w, c.verdict);
    w.end_object();
  }
  w.end_array();
}

std::string outcome_word(const reach::ConnectionAnswer& a) {
  if (a.all_allowed()) return "ALLOWED";
  if (a.none_allowed()) return "BLOCKED";
  return "PARTLY ALLOWED";
}

}  // namespace

std::string reach_text(const std::vector<reach::ReachPair>& pairs) {
  std::string out;
  for (const auto& p : pairs) out += p.from + " => " + p.to + " : " + pair_connections(p) + "\n";
  return out;
}

std::string reach_json(const std::vector<reach::ReachPair>& pairs, const std::vector<reach::ReachWarning>& warnings) {
  JsonWriter w;
  w.begin_object().key("pairs").begin_array();
  for (const auto& p : pairs) {
    w.begin_object().key("from").value(p.from).key("to").value(p.to);
    w.key("connections").value(p.allowed.empty() ? std::string() : p.allowed.to_string());
    w.key("someConnections").value(p.partial.empty() ? std::string() : p.partial.to_string());
    w.end_object();
  }
  w.end_array().key("warnings").begin_array();
  for (const auto& x : warnings) w.begin_object().key("where").value(x.where).key("message").value(x.message).end_object();
  w.end_array().end_object();
  return w.str() + "\n";
}

std::string reach_csv(const std::vector<reach::ReachPair>& pairs) {
  std::string out = "from,to,connections,some_connections\n";
  for (const auto& p : pairs) {
    out += csv_field(p.from) + "," + csv_field(p.to) + "," +
           csv_field(p.allowed.empty() ? std::string() : p.allowed.to_string()) + "," +
           csv_field(p.partial.empty() ? std::string() : p.partial.to_string()) + "\n";
  }
  return out;
}

std::string reach_dot(const std::vector<reach::ReachPair>& pairs) {
  std::map<std::string, bool> peers;  // name -> external
  for (const auto& p : pairs) {
    peers[p.from] = p.from.ends_with("[External]");
    peers[p.to] = p.to.ends_with("[External]");
  }
  std::string out = "digraph reach {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (const auto& [name, external] : peers) {
    out += "  " + dot_id(name) + (external ? " [shape=ellipse, style=dashed]" : "") + ";\n";
  }
  for (const auto& p : pairs) {
    out += "  " + dot_id(p.from) + " -> " + dot_id(p.to) + " [label=" + dot_id(pair_connections(p)) +
           (p.allowed.empty() ? ", style=dashed" : "") + "];\n";
  }
  return out + "}\n";
}

std::string warnings_text(const std::vector<reach::ReachWarning>& warnings) {
  std::string out;
  for (const auto& w : warnings) out += "warning: " + w.where + ": " + w.message + "\n";
  return out;
}

std::string explain_text(const reach::ConnectionAnswer& a) {
  std::string out = a.from + " => " + a.to + " " + a.port + ": " + outcome_word(a) + "\n";
  for (const auto& c : a.cases) {
    out += "\n  " + c.from_pod + " -> " + c.to_pod;
    if (c.pairs > 1) out += " (and " + std::to_string(c.pairs - 1) + " more pod pairs alike)";
    out += ": " + std::string(c.verdict.allowed() ? "allowed" : "blocked") + "\n";
    int step = 1;
    for (const auto& h : c.verdict.path) {
      out += "    " + std::to_string(step++) + ". " + h.kind + " " + h.component + ": " + h.detail + "\n";
    }
    if (c.verdict.blocked) {
      const auto& b = *c.verdict.blocked;
      out += "    blocked: " + std::string(reach::to_string(b.reason)) + " at " + b.component;
      if (!b.rule.empty()) out += ", " + b.rule;
      out += "\n    " + b.message + "\n";
    }
  }
  return out;
}

std::string explain_json(const reach::ConnectionAnswer& a) {
  JsonWriter w;
  w.begin_object();
  answer_json(w, a);
  w.end_object();
  return w.str() + "\n";
}

std::string check_text(const std::vector<CheckOutcome>& outcomes, const std::vector<LatencyCheck>& latency) {
  std::string out;
  std::size_t failed = 0;
  for (const auto& o : outcomes) {
    if (o.passed) {
      out += "ok    " + o.answer.from + " => " + o.answer.to + " " + o.answer.port + ": " + outcome_word(o.answer) + "\n";
      continue;
    }
    ++failed;
    out += "FAIL  " + o.where + ": " + o.answer.from + " => " + o.answer.to + " " + o.answer.port + ": expected " +
           (o.expected_allowed ? "ALLOWED" : "BLOCKED") + ", got " + outcome_word(o.answer) + "\n";
    std::string why = explain_text(o.answer);
    // Indent the explanation under the failure, without its title line.
    for (std::size_t start = why.find('\n') + 1; start < why.size();) {
      const auto end = why.find('\n', start);
      const std::string line = why.substr(start, end - start);
      if (!line.empty()) out += "    " + line + "\n";
      start = end + 1;
    }
  }
  if (!outcomes.empty()) {
    out += std::to_string(outcomes.size() - failed) + " of " + std::to_string(outcomes.size()) +
           " reachability expectations hold\n";
  }
  if (latency.empty()) return out;
  std::size_t latency_failed = 0;
  for (const auto& l : latency) {
    if (l.passed) {
      out += "ok    flow " + l.flow + ": " + l.detail + "\n";
    } else {
      ++latency_failed;
      out += "FAIL  " + l.where + ": flow " + l.flow + ": " + l.detail + "\n";
    }
  }
  out += std::to_string(latency.size() - latency_failed) + " of " + std::to_string(latency.size()) +
         " latency expectations hold\n";
  return out;
}

std::string check_json(const std::vector<CheckOutcome>& outcomes, const std::vector<LatencyCheck>& latency) {
  JsonWriter w;
  w.begin_object().key("expectations").begin_array();
  for (const auto& o : outcomes) {
    w.begin_object().key("where").value(o.where).key("expectedAllowed").value(o.expected_allowed);
    w.key("passed").value(o.passed);
    answer_json(w, o.answer);
    w.end_object();
  }
  w.end_array();
  if (!latency.empty()) {
    w.key("latency").begin_array();
    for (const auto& l : latency) {
      w.begin_object().key("where").value(l.where).key("flow").value(l.flow);
      w.key("passed").value(l.passed).key("detail").value(l.detail).end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.str() + "\n";
}

std::vector<PairChange> diff_pairs(const std::vector<reach::ReachPair>& a, const std::vector<reach::ReachPair>& b) {
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> all;
  const std::string none = "No Connections";
  for (const auto& p : a) all[{p.from, p.to}] = {pair_connections(p), none};
  for (const auto& p : b) {
    auto [it, fresh] = all.try_emplace({p.from, p.to}, none, none);
    it->second.second = pair_connections(p);
  }
  std::vector<PairChange> out;
  for (const auto& [key, texts] : all) {
    if (texts.first != texts.second) out.push_back({key.first, key.second, texts.first, texts.second});
  }
  return out;
}

std::string diff_text(const std::vector<PairChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    out += c.from + " => " + c.to + " : " + c.before + "  ->  " + c.after + "\n";
  }
  out += std::to_string(changes.size()) + (changes.size() == 1 ? " pair differs\n" : " pairs differ\n");
  return out;
}

std::string diff_json(const std::vector<PairChange>& changes) {
  JsonWriter w;
  w.begin_object().key("changes").begin_array();
  for (const auto& c : changes) {
    w.begin_object().key("from").value(c.from).key("to").value(c.to).key("before").value(c.before);
    w.key("after").value(c.after).end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace eksim::report
