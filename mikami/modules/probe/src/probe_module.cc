#include <boost/json.hpp>
#include <stdexcept>
#include <thread>

#include "mikami/framework/checks.h"
#include "mikami/framework/context.h"
#include "mikami/modules/probe.h"

namespace mikami::modules {
namespace {

using framework::CommandContext;
using framework::CommandSpec;
using framework::OptionSpec;
using framework::OptionType;
using framework::Reply;

class ProbeModule final : public framework::Module {
 public:
  explicit ProbeModule(std::shared_ptr<ProbeLog> log) : log_(std::move(log)) {}
  std::string name() const override { return "probe"; }
  std::string description() const override { return "test commands"; }

  std::vector<CommandSpec> commands() const override {
    auto logged = [log = log_](std::string name, auto body) {
      return [log, name, body](CommandContext& ctx) {
        const auto started = std::chrono::steady_clock::now();
        Reply reply = body(ctx);
        std::lock_guard lock(log->mutex);
        log->runs.push_back(
            {name, ctx.user_id().to_string(), started, std::chrono::steady_clock::now()});
        return reply;
      };
    };
    CommandSpec echo;
    echo.name = "echo";
    echo.description = "Answers the text";
    OptionSpec text = framework::option(OptionType::kString, "text", "What to answer", true);
    text.min_length = 1;
    text.max_length = 20;
    OptionSpec count = framework::option(OptionType::kInteger, "count", "How many times");
    count.min_value = 1;
    count.max_value = 5;
    echo.options = {text, count};
    echo.handler = logged("echo", [](CommandContext& ctx) {
      std::string out;
      for (std::int64_t i = 0; i < ctx.integer("count").value_or(1); ++i) {
        out += (out.empty() ? "" : " ") + ctx.string("text").value_or("");
      }
      return Reply{out, "", std::nullopt};
    });

    CommandSpec slow;
    slow.name = "slow";
    slow.description = "Sleeps, then answers";
    OptionSpec ms = framework::option(OptionType::kInteger, "ms", "How long", true);
    ms.min_value = 0;
    ms.max_value = 60'000;
    slow.options = {ms};
    slow.handler = logged("slow", [](CommandContext& ctx) {
      const auto ms_value = ctx.integer("ms").value_or(0);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms_value));
      return Reply{"slept " + std::to_string(ms_value) + " ms", "", std::nullopt};
    });

    CommandSpec boom;
    boom.name = "boom";
    boom.description = "Throws";
    boom.handler = logged("boom", [](CommandContext&) -> Reply {
      throw std::runtime_error("probe failure with a secret detail");
    });

    // Not "kick": the moderation module, in the bot's list, owns /kick.
    CommandSpec nudge;
    nudge.name = "nudge";
    nudge.description = "Acts on a member";
    nudge.options = {framework::option(OptionType::kUser, "user", "The member", true)};
    nudge.default_member_permissions = framework::Permission::kKickMembers;
    nudge.bot_permissions = framework::Permission::kKickMembers;
    nudge.target_member_option = "user";
    nudge.handler = logged("nudge", [](CommandContext& ctx) {
      return Reply{"would nudge " + ctx.id("user").value_or(model::Snowflake()).to_string(), "",
                   std::nullopt};
    });

    CommandSpec daily;
    daily.name = "daily";
    daily.description = "Once a minute";
    daily.cooldown = std::chrono::seconds(60);
    daily.handler = logged("daily", [](CommandContext&) { return Reply{"claimed", "", {}}; });
    return {echo, slow, boom, nudge, daily};
  }

  // Every MESSAGE_CREATE is a run named by its content; "event 0" takes 100 ms, so a later
  // event would overtake it unless events of one guild are delivered in order.
  std::vector<framework::EventSpec> events() const override {
    framework::EventSpec message;
    message.event_name = "MESSAGE_CREATE";
    message.handler = [log = log_](const boost::json::value& data) {
      const auto started = std::chrono::steady_clock::now();
      const boost::json::value* content =
          data.is_object() ? data.as_object().if_contains("content") : nullptr;
      const std::string text =
          content != nullptr && content->is_string() ? std::string(content->as_string()) : "";
      if (text == "event 0") std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::lock_guard lock(log->mutex);
      log->runs.push_back({text, "", started, std::chrono::steady_clock::now()});
    };
    return {message};
  }

 private:
  std::shared_ptr<ProbeLog> log_;
};

}  // namespace

std::unique_ptr<framework::Module> make_probe_module(std::shared_ptr<ProbeLog> log) {
  return std::make_unique<ProbeModule>(std::move(log));
}

}  // namespace mikami::modules
