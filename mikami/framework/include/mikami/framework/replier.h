// How the pipeline answers interactions. The bot's is ResponderReplier, over the
// InteractionResponder (which keeps Discord's 3 s deadline, deferring for slow handlers);
// tests may count answers instead.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mikami/interaction_responder.h"
#include "mikami/model/interaction.h"

namespace mikami::framework {

// Callback types the pipeline sends (Discord's numbers).
enum class AnswerType : int {
  kMessage = 4,        // CHANNEL_MESSAGE_WITH_SOURCE
  kUpdateMessage = 7,  // a component's message, updated
  kAutocomplete = 8,   // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
};

struct Answer {
  AnswerType type = AnswerType::kMessage;
  std::string data_json;  // the callback's "data" object
};

class Replier {
 public:
  virtual ~Replier() = default;
  // Called on receipt, before anything else, on the shard's thread: must not block.
  // `ephemeral`: the visibility the command declares, which a deferral must already have
  // (Discord keeps the deferral's visibility for the message that later edits it).
  virtual void received(const model::Interaction& interaction, bool ephemeral) = 0;
  // Sends the answer; `done(ok, error)` runs once, on any thread.
  virtual void answer(const model::Interaction& interaction, Answer answer,
                      std::function<void(bool ok, std::string error)> done) = 0;
};

// Over an InteractionResponder, which must outlive it.
class ResponderReplier final : public Replier {
 public:
  explicit ResponderReplier(InteractionResponder& responder) : responder_(responder) {}
  void received(const model::Interaction& interaction, bool ephemeral) override;
  void answer(const model::Interaction& interaction, Answer answer,
              std::function<void(bool ok, std::string error)> done) override;

 private:
  InteractionResponder& responder_;
};

}  // namespace mikami::framework
