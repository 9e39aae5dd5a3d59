#include "dorkgen/output.h"

#include "core/json_string.h"
#include "dorkgen/csv.h"

namespace dorkgen {

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "lines") return OutputFormat::kLines;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  return std::nullopt;
}

std::string_view to_string(OutputFormat format) {
  switch (format) {
    case OutputFormat::kLines:
      return "lines";
    case OutputFormat::kJsonl:
      return "jsonl";
    case OutputFormat::kCsv:
      return "csv";
  }
  return "lines";
}

std::string_view output_header(OutputFormat format) {
  return format == OutputFormat::kCsv ? "query,type,template,values\n" : "";
}

namespace {

void append_values_object(std::string& out, const Plan& plan, std::uint32_t t,
                          const std::uint32_t* values) {
  const PlanTemplate& entry = plan.templates()[t];
  const std::vector<Slot>& slots = entry.source.parsed.slots();
  out.push_back('{');
  for (std::size_t s = 0; s < slots.size(); ++s) {
    if (s) out.push_back(',');
    core::append_json_string(out, slots[s].name);
    out.push_back(':');
    core::append_json_string(out, plan.value(entry.slot_pool[s], values[s]));
  }
  out.push_back('}');
}

}  // namespace

void append_record(std::string& out, OutputFormat format, const Plan& plan, std::uint32_t t,
                   const std::uint32_t* values, std::string_view query) {
  const PlanTemplate& entry = plan.templates()[t];
  switch (format) {
    case OutputFormat::kLines:
      out += query;
      out.push_back('\n');
      return;
    case OutputFormat::kJsonl:
      out += "{\"query\":";
      core::append_json_string(out, query);
      out += ",\"type\":";
      core::append_json_string(out, entry.source.query_type);
      out += ",\"template\":";
      core::append_json_string(out, entry.source.parsed.text());
      out += ",\"values\":";
      append_values_object(out, plan, t, values);
      out += "}\n";
      return;
    case OutputFormat::kCsv: {
      append_csv_field(out, query);
      out.push_back(',');
      append_csv_field(out, entry.source.query_type);
      out.push_back(',');
      append_csv_field(out, entry.source.parsed.text());
      out.push_back(',');
      std::string object;
      append_values_object(object, plan, t, values);
      append_csv_field(out, object);
      out.push_back('\n');
      return;
    }
  }
}

core::Result<AtomicFileSink> AtomicFileSink::open(const std::filesystem::path& target) {
  auto writer = core::AtomicFileWriter::open(target);
  if (!writer) return core::fail(writer.error());
  return AtomicFileSink(std::move(*writer));
}

}  // namespace dorkgen
