#include "mikami/framework/replier.h"

namespace mikami::framework {

void ResponderReplier::received(const model::Interaction& interaction, bool ephemeral) {
  // An id or token the responder refuses is answered by nobody; the pipeline logs it
  // when its own answer is refused. Both enums carry Discord's numbers.
  (void)responder_.received(InteractionCreate{
      interaction.id.to_string(), interaction.token, interaction.application_id.to_string(),
      static_cast<mikami::InteractionType>(static_cast<int>(interaction.type)),
      ephemeral ? Visibility::kEphemeral : Visibility::kPublic});
}

void ResponderReplier::answer(const model::Interaction& interaction, Answer answer,
                              std::function<void(bool ok, std::string error)> done) {
  InteractionResponse response;
  response.type = static_cast<CallbackType>(static_cast<int>(answer.type));
  response.data_json = std::move(answer.data_json);
  responder_.respond(interaction.id.to_string(), std::move(response),
                     [done = std::move(done)](ResponderResult result) {
                       done(result.ok(), result.ok() ? std::string() : result.message);
                     });
}

}  // namespace mikami::framework
