#include "mikami/app/console.h"

#include <histedit.h>

#include <boost/json.hpp>
#include <optional>
#include <thread>

#include "mikami/app/local_http.h"

namespace mikami::app {
namespace {

namespace json = boost::json;
constexpr std::int64_t kEphemeral = 1 << 6;

std::string text(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const json::value* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : "";
}

// One message (callback data, edit or follow-up) as lines of text.
std::string render_message(const json::value& data, bool ephemeral_hint) {
  if (!data.is_object()) return "";
  const json::object& m = data.as_object();
  std::int64_t flags = 0;
  if (const json::value* f = m.if_contains("flags"); f && f->is_int64()) flags = f->as_int64();
  std::string out;
  if ((flags & kEphemeral) || ephemeral_hint) out += "(only you can see this)\n";
  if (const std::string content = text(data, "content"); !content.empty()) out += content + "\n";
  if (const json::value* embeds = m.if_contains("embeds"); embeds && embeds->is_array()) {
    for (const json::value& e : embeds->as_array()) {
      if (const std::string title = text(e, "title"); !title.empty()) out += "| " + title + "\n";
      if (const std::string d = text(e, "description"); !d.empty()) out += "| " + d + "\n";
      const json::value* fields = e.is_object() ? e.as_object().if_contains("fields") : nullptr;
      if (fields == nullptr || !fields->is_array()) continue;
      for (const json::value& field : fields->as_array()) {
        out += "| " + text(field, "name") + "\n";
        std::string value = text(field, "value");
        std::size_t start = 0;
        while (start < value.size()) {
          auto end = value.find('\n', start);
          if (end == std::string::npos) end = value.size();
          if (end > start) out += "|   " + value.substr(start, end - start) + "\n";
          start = end + 1;
        }
      }
    }
  }
  // Buttons as "[Previous] [Next]" (disabled ones in parentheses).
  if (const json::value* rows = m.if_contains("components"); rows && rows->is_array()) {
    for (const json::value& row : rows->as_array()) {
      const json::value* buttons =
          row.is_object() ? row.as_object().if_contains("components") : nullptr;
      if (buttons == nullptr || !buttons->is_array()) continue;
      std::string line;
      for (const json::value& b : buttons->as_array()) {
        const bool disabled = b.is_object() && b.as_object().contains("disabled") &&
                              b.at("disabled").is_bool() && b.at("disabled").as_bool();
        line += std::string(line.empty() ? "" : " ") + (disabled ? "(" : "[") + text(b, "label") +
                (disabled ? ")" : "]");
      }
      out += line + "\n";
    }
  }
  if (const json::value* choices = m.if_contains("choices"); choices && choices->is_array()) {
    out += "choices:";
    for (const json::value& c : choices->as_array()) out += " " + text(c, "name");
    out += "\n";
  }
  return out;
}

// Whether the recorded responses hold the interaction's final answer: a message (type 4),
// an update (7), choices (8) or a modal (9), or after a deferral (5, 6) an edit of the
// original or a follow-up.
bool is_final(const json::object& record) {
  const std::int64_t type = record.at("callback_type").to_number<std::int64_t>();
  if (type == 4 || type == 7 || type == 8 || type == 9) return true;
  if (type == 5 || type == 6) {
    for (const json::value& r : record.at("responses").as_array()) {
      const std::string kind = text(r, "kind");
      if (kind == "edit" || kind == "follow_up") return true;
    }
  }
  return false;
}

std::string render(const json::object& record) {
  std::string out;
  bool deferred_ephemeral = false;
  for (const json::value& r : record.at("responses").as_array()) {
    const std::string kind = text(r, "kind");
    const json::value* data = r.as_object().if_contains("data");
    if (kind == "callback") {
      const std::int64_t type = r.at("type").to_number<std::int64_t>();
      if (type == 5 || type == 6) {
        deferred_ephemeral = data && data->is_object() && data->as_object().contains("flags") &&
                             (data->at("flags").to_number<std::int64_t>() & kEphemeral);
        continue;  // "mikami is thinking...": the edit that follows is the answer
      }
      if (data) out += render_message(*data, false);
    } else if (kind == "edit" && data) {
      out += render_message(*data, deferred_ephemeral);
    } else if (kind == "follow_up" && data) {
      out += render_message(*data, false);
    } else if (kind == "delete") {
      out += "(the message was deleted)\n";
    }
  }
  return out;
}

class Session {
 public:
  Session(const ConsoleOptions& options, std::FILE* out)
      : options_(options),
        out_(out),
        http_("127.0.0.1", options.sandbox_port),
        user_(options.user) {}

  // Returns false when the line was a command that got no final answer.
  bool handle(const std::string& raw) {
    std::string line = raw;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (line.empty() || line.front() == '#') return true;
    if (line.starts_with("as ")) {
      std::string who = line.substr(3);
      if (!who.empty() && who.front() == '@') who.erase(0, 1);
      return act_as(who);
    }
    if (line == "members") return members();
    if (line == "help" || line == "?") {
      print(
          "type a command as in Discord: /ping, /help, /module disable name:economy;\n"
          "options are name:value, members @name, channels #name.\n"
          "as <member>  act as another member (see: members)    quit  leave\n");
      return true;
    }
    if (line.front() != '/') {
      print("commands start with '/' (type help)\n");
      return false;
    }
    return command(line);
  }

 private:
  void print(const std::string& text) {
    std::fputs(text.c_str(), out_);
    std::fflush(out_);
  }

  // The guild's members, or nullopt (and a message) when the sandbox cannot list them.
  std::optional<json::array> list_members() {
    auto reply = http_.request("GET", "/_sandbox/members");
    boost::system::error_code ec;
    json::value members;
    if (reply && reply->status == 200) members = json::parse(reply->body, ec);
    if (!reply || reply->status != 200 || ec || !members.is_array()) {
      print("cannot list members\n");
      return std::nullopt;
    }
    return members.as_array();
  }

  bool members() {
    auto members = list_members();
    if (!members) return false;
    std::string out;
    for (const json::value& m : *members) {
      out += "  " + text(m, "username") + " (" + text(m, "id") + ")\n";
    }
    print(out);
    return true;
  }

  // Acts as the member named `who` (a username or an id) from now on; an unknown name
  // changes nothing.
  bool act_as(const std::string& who) {
    auto members = list_members();
    if (!members) return false;
    for (const json::value& m : *members) {
      if (text(m, "username") == who || text(m, "id") == who) {
        user_ = who;
        print("now acting as " + who + "\n");
        return true;
      }
    }
    print("no member named " + who + " here (type members); still acting as " + user_ + "\n");
    return false;
  }

  bool command(const std::string& line) {
    if (!options_.interactive) print("> " + line + "\n");
    json::object body{{"line", line}, {"user", user_}, {"channel", options_.channel}};
    auto reply = http_.request("POST", "/_sandbox/interact", json::serialize(body));
    if (!reply) {
      print("error: " + reply.error().message() + "\n");
      return false;
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(reply->body, ec);
    if (ec || !parsed.is_object()) {
      print("error: the sandbox answered " + std::to_string(reply->status) + "\n");
      return false;
    }
    if (reply->status != 200) {
      print("error: " + text(parsed, "message") + "\n");
      return false;
    }
    const std::string id = text(parsed, "id");
    const auto deadline = std::chrono::steady_clock::now() + options_.reply_timeout;
    auto pause = std::chrono::milliseconds(1);
    while (std::chrono::steady_clock::now() < deadline) {
      auto record = http_.request("GET", "/_sandbox/interactions/" + id);
      if (record && record->status == 200) {
        json::value r = json::parse(record->body, ec);
        if (!ec && r.is_object() && is_final(r.as_object())) {
          print(render(r.as_object()));
          return true;
        }
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    print("error: no answer within " + std::to_string(options_.reply_timeout.count()) + " ms\n");
    return false;
  }

  const ConsoleOptions& options_;
  std::FILE* out_;
  LocalHttpClient http_;
  std::string user_;
};

const char* prompt(EditLine*) { return "mikami> "; }

int interactive(const ConsoleOptions& options, std::FILE* in, std::FILE* out) {
  Session session(options, out);
  EditLine* el = el_init("mikami", in, out, stderr);
  History* hist = history_init();
  HistEvent event;
  history(hist, &event, H_SETSIZE, 500);
  history(hist, &event, H_SETUNIQUE, 1);
  el_set(el, EL_PROMPT, prompt);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_HIST, history, hist);
  std::fputs("Mikami console against the local sandbox. Type help, /help, or quit.\n", out);
  std::fputs(("acting as " + options.user + " in #" + options.channel + "\n").c_str(), out);
  for (;;) {
    int count = 0;
    const char* line = el_gets(el, &count);
    if (line == nullptr || count <= 0) break;
    std::string text(line, static_cast<std::size_t>(count));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text == "quit" || text == "exit") break;
    if (!text.empty()) history(hist, &event, H_ENTER, text.c_str());
    session.handle(text);
  }
  history_end(hist);
  el_end(el);
  return 0;
}

}  // namespace

int run_console(const ConsoleOptions& options, std::FILE* in, std::FILE* out) {
  if (options.interactive) return interactive(options, in, out);
  Session session(options, out);
  bool all_answered = true;
  char* line = nullptr;
  std::size_t capacity = 0;
  while (getline(&line, &capacity, in) >= 0) {
    std::string text(line);
    if (text == "quit\n" || text == "exit\n" || text == "quit" || text == "exit") break;
    all_answered &= session.handle(text);
  }
  std::free(line);
  return all_answered ? 0 : 1;
}

}  // namespace mikami::app
