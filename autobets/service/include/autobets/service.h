// The operations AutoBets offers its front ends (the `autobets` command line and the HTTP
// API), with who may do what. Front ends parse, authenticate and render; everything else
// (scope checks, request building, paging, the engine and store calls) happens here once.
//
// Scopes of a caller (docs/http-api.md, "Scopes"):
//   play     acts for one user only: that user's wagers, transfers from that user, balance,
//            history, seeds.
//   service  a trusted backend (the bot) acting for any user: wagers, transfers, balances,
//            history, records and verification of anyone; not deposits, withdrawals,
//            credits, and not other users' seeds.
//   admin    everything service may, plus deposits, withdrawals, credits and anyone's seeds.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/model.h"
#include "autobets/store.h"
#include "core/status.h"

namespace autobets {

enum class Scope : std::uint8_t { kPlay = 1, kService = 2, kAdmin = 3 };
std::string_view to_string(Scope scope);  // "play", "service", "admin"
std::optional<Scope> parse_scope(std::string_view text);

// Who is asking. `user` is set for (and only for) the play scope.
struct Caller {
  Scope scope = Scope::kPlay;
  std::string user;

  // The operator at the console: the command line acts with admin rights.
  static Caller console() { return {Scope::kAdmin, ""}; }
};

// Why an operation was refused before (or instead of) reaching the engine. Business
// rejections of money-moving requests are not errors: they are Replies with a ReplyCode.
struct ServiceError {
  enum class Kind : std::uint8_t {
    kForbidden,     // the caller's scope does not allow it
    kUnknownUser,   // the user has no account
    kNotFound,      // no such record (or not of the kind asked for)
    kInvalidInput,  // the request itself is wrong
    kUnavailable,   // the store or engine is temporarily unable; retrying may succeed
    kFailed,        // any other operating error
  };
  Kind kind = Kind::kFailed;
  std::string message;

  bool retryable() const { return kind == Kind::kUnavailable; }
  static ServiceError from(const core::Error& error);
};
std::string_view to_string(ServiceError::Kind kind);  // stable: "forbidden", "unknown_user", ...

template <class T>
using ServiceResult = std::expected<T, ServiceError>;

struct HistoryPage {
  std::vector<LedgerRecord> records;  // newest first
  Seq next_before = 0;                // pass as `before` for the next page; 0: no more
};

struct SeedsView {
  Store::Snapshot snapshot;          // active seed, next nonce, the next seed's commitment
  std::vector<SeedRecord> revealed;  // rotated-out seeds, with their server seeds
};

struct RotatedSeeds {
  SeedRecord revealed;       // the seed rotated out, with its server seed
  Store::Snapshot snapshot;  // the account after the rotation
};

// Thread safe: any number of front-end threads may call at once. `store` (and `engine` when
// given) must outlive the service. Without an engine the money-moving and seed-changing
// operations fail with kUnavailable (the command line opens one only for those).
class Service {
 public:
  Service(Store& store, Engine* engine) : store_(store), engine_(engine) {}

  // Money. Each returns the refusal (and does not call `done`) when the caller may not, or
  // submits to the engine, which calls `done` exactly once (docs: engine.h, Completion).
  std::optional<ServiceError> submit_wager(const Caller& caller, WagerRequest request,
                                           Completion done);
  // kDeposit, kWithdrawal, kCredit: admin only.
  std::optional<ServiceError> submit_transfer(const Caller& caller, TransferRequest request,
                                              Completion done);
  // Between users; a play caller may only send from its own user.
  std::optional<ServiceError> submit_transfer(const Caller& caller, UserTransfer request,
                                              Completion done);
  // Blocking forms.
  ServiceResult<Reply> wager(const Caller& caller, WagerRequest request);
  ServiceResult<Reply> transfer(const Caller& caller, TransferRequest request);
  ServiceResult<Reply> transfer(const Caller& caller, UserTransfer request);

  // Reads.
  ServiceResult<Account> balance(const Caller& caller, std::string_view user);
  // Up to `limit` (>= 1) records of `user` older than seq `before` (0: the newest).
  ServiceResult<HistoryPage> history(const Caller& caller, std::string_view user, std::size_t limit,
                                     Seq before);
  // Ledger record `seq`; a play caller only sees its own user's. With `wager_only`, a
  // record that is not a wager is kNotFound.
  ServiceResult<LedgerRecord> record(const Caller& caller, Seq seq, bool wager_only);
  // Re-derives wager `seq` (0: every wager, admin only).
  ServiceResult<VerifyReport> verify(const Caller& caller, Seq seq);

  // Seeds: a play caller for its own user, admin for anyone.
  ServiceResult<SeedsView> seeds(const Caller& caller, std::string_view user);
  // Reveals the active server seed and activates the published next one with `client_seed`
  // (or a random one).
  ServiceResult<RotatedSeeds> rotate_seed(const Caller& caller, std::string_view user,
                                          std::optional<std::string> client_seed);

  Store& store() { return store_; }

 private:
  ServiceResult<Store::Snapshot> existing(std::string_view user);

  Store& store_;
  Engine* engine_;
};

// Whether `caller` may act for `user` (wagers, transfers from, reads).
bool may_act_for(const Caller& caller, std::string_view user);
// Whether `caller` may see and change the seeds of `user`.
bool may_manage_seeds(const Caller& caller, std::string_view user);

}  // namespace autobets
