#include "autobets/service.h"

#include <algorithm>
#include <future>
#include <memory>

#include "autobets/fairness.h"

namespace autobets {
namespace {

ServiceError forbidden(const Caller& caller, std::string_view what) {
  std::string who = caller.scope == Scope::kPlay
                        ? "a play key for '" + caller.user + "'"
                        : "a " + std::string(to_string(caller.scope)) + " key";
  return {ServiceError::Kind::kForbidden, who + " may not " + std::string(what)};
}

ServiceError no_engine() {
  return {ServiceError::Kind::kUnavailable, "this service was opened read-only"};
}

// Runs an asynchronous submit and waits for its completion.
template <class Submit>
ServiceResult<Reply> wait_for(Submit&& submit) {
  auto promise = std::make_shared<std::promise<Reply>>();
  auto future = promise->get_future();
  if (auto refused = submit([promise](Reply reply) { promise->set_value(std::move(reply)); })) {
    return std::unexpected(std::move(*refused));
  }
  return future.get();
}

}  // namespace

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::kPlay:
      return "play";
    case Scope::kService:
      return "service";
    case Scope::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Scope> parse_scope(std::string_view text) {
  for (Scope scope : {Scope::kPlay, Scope::kService, Scope::kAdmin}) {
    if (text == to_string(scope)) return scope;
  }
  return std::nullopt;
}

std::string_view to_string(ServiceError::Kind kind) {
  switch (kind) {
    case ServiceError::Kind::kForbidden:
      return "forbidden";
    case ServiceError::Kind::kUnknownUser:
      return "unknown_user";
    case ServiceError::Kind::kNotFound:
      return "not_found";
    case ServiceError::Kind::kInvalidInput:
      return "invalid_input";
    case ServiceError::Kind::kUnavailable:
      return "unavailable";
    case ServiceError::Kind::kFailed:
      return "failed";
  }
  return "failed";
}

ServiceError ServiceError::from(const core::Error& error) {
  switch (error.code()) {
    case core::ErrorCode::kInvalidArgument:
      return {Kind::kInvalidInput, error.message()};
    case core::ErrorCode::kNotFound:
      return {Kind::kNotFound, error.message()};
    case core::ErrorCode::kUnavailable:
    case core::ErrorCode::kIo:
      return {Kind::kUnavailable, error.message()};
    default:
      return {Kind::kFailed, error.message()};
  }
}

bool may_act_for(const Caller& caller, std::string_view user) {
  return caller.scope != Scope::kPlay || caller.user == user;
}

bool may_manage_seeds(const Caller& caller, std::string_view user) {
  return caller.scope == Scope::kAdmin || (caller.scope == Scope::kPlay && caller.user == user);
}

std::optional<ServiceError> Service::submit_wager(const Caller& caller, WagerRequest request,
                                                  Completion done) {
  if (!may_act_for(caller, request.user)) {
    return forbidden(caller, "wager for '" + request.user + "'");
  }
  if (!engine_) return no_engine();
  engine_->submit_wager(std::move(request), std::move(done));
  return std::nullopt;
}

std::optional<ServiceError> Service::submit_transfer(const Caller& caller, TransferRequest request,
                                                     Completion done) {
  if (caller.scope != Scope::kAdmin) {
    return forbidden(caller, "make a " + std::string(to_string(request.kind)));
  }
  if (!engine_) return no_engine();
  engine_->submit_transfer(std::move(request), std::move(done));
  return std::nullopt;
}

std::optional<ServiceError> Service::submit_transfer(const Caller& caller, UserTransfer request,
                                                     Completion done) {
  if (!may_act_for(caller, request.from)) {
    return forbidden(caller, "transfer from '" + request.from + "'");
  }
  if (!engine_) return no_engine();
  engine_->submit_transfer(std::move(request), std::move(done));
  return std::nullopt;
}

ServiceResult<Reply> Service::wager(const Caller& caller, WagerRequest request) {
  return wait_for(
      [&](Completion done) { return submit_wager(caller, std::move(request), std::move(done)); });
}

ServiceResult<Reply> Service::transfer(const Caller& caller, TransferRequest request) {
  return wait_for([&](Completion done) {
    return submit_transfer(caller, std::move(request), std::move(done));
  });
}

ServiceResult<Reply> Service::transfer(const Caller& caller, UserTransfer request) {
  return wait_for([&](Completion done) {
    return submit_transfer(caller, std::move(request), std::move(done));
  });
}

ServiceResult<Store::Snapshot> Service::existing(std::string_view user) {
  auto snapshot = store_.load(user);
  if (!snapshot) return std::unexpected(ServiceError::from(snapshot.error()));
  if (!snapshot->has_value()) {
    return std::unexpected(
        ServiceError{ServiceError::Kind::kUnknownUser, "unknown user '" + std::string(user) + "'"});
  }
  return std::move(**snapshot);
}

ServiceResult<Account> Service::balance(const Caller& caller, std::string_view user) {
  if (!may_act_for(caller, user)) {
    return std::unexpected(forbidden(caller, "read the balance of '" + std::string(user) + "'"));
  }
  auto snapshot = existing(user);
  if (!snapshot) return std::unexpected(std::move(snapshot).error());
  return snapshot->account;
}

ServiceResult<HistoryPage> Service::history(const Caller& caller, std::string_view user,
                                            std::size_t limit, Seq before) {
  CORE_CHECK(limit >= 1);
  if (!may_act_for(caller, user)) {
    return std::unexpected(forbidden(caller, "read the history of '" + std::string(user) + "'"));
  }
  auto snapshot = existing(user);
  if (!snapshot) return std::unexpected(std::move(snapshot).error());
  // Store::history returns a user's newest records; a page older than `before` is found by
  // asking for more until enough lie below it or the history ends. The user's records are
  // in seq order (each is chained to the previous one), so a cursor is a seq.
  HistoryPage page;
  for (std::size_t fetch = limit + 1;; fetch *= 2) {
    auto records = store_.history(user, fetch);
    if (!records) return std::unexpected(ServiceError::from(records.error()));
    page.records.clear();
    for (auto& record : *records) {
      if (before == 0 || record.seq < before) page.records.push_back(std::move(record));
    }
    bool exhausted = records->size() < fetch;
    if (page.records.size() > limit || exhausted) break;
  }
  if (page.records.size() > limit) {
    page.records.resize(limit);
    page.next_before = page.records.back().seq;
  }
  return page;
}

ServiceResult<LedgerRecord> Service::record(const Caller& caller, Seq seq, bool wager_only) {
  auto found = store_.record(seq);
  if (!found) return std::unexpected(ServiceError::from(found.error()));
  // A play caller learns nothing of other users' records, not even that they exist.
  if (!found->has_value() || !may_act_for(caller, (*found)->user)) {
    return std::unexpected(ServiceError{ServiceError::Kind::kNotFound,
                                        "no ledger record with seq " + std::to_string(seq)});
  }
  if (wager_only && (*found)->kind != RecordKind::kWager) {
    return std::unexpected(ServiceError{ServiceError::Kind::kNotFound,
                                        "ledger record " + std::to_string(seq) + " is a " +
                                            std::string(to_string((*found)->kind)) +
                                            ", not a wager"});
  }
  return std::move(**found);
}

ServiceResult<VerifyReport> Service::verify(const Caller& caller, Seq seq) {
  if (seq == 0 && caller.scope != Scope::kAdmin) {
    return std::unexpected(forbidden(caller, "verify every wager"));
  }
  if (seq != 0) {
    if (auto found = record(caller, seq, true); !found) {
      return std::unexpected(std::move(found).error());
    }
  }
  auto report = autobets::verify(store_, OpenSslHasher::instance(), seq);
  if (!report) return std::unexpected(ServiceError::from(report.error()));
  return std::move(*report);
}

ServiceResult<SeedsView> Service::seeds(const Caller& caller, std::string_view user) {
  if (!may_manage_seeds(caller, user)) {
    return std::unexpected(forbidden(caller, "see the seeds of '" + std::string(user) + "'"));
  }
  auto snapshot = existing(user);
  if (!snapshot) return std::unexpected(std::move(snapshot).error());
  auto all = store_.seeds(user);
  if (!all) return std::unexpected(ServiceError::from(all.error()));
  SeedsView view{std::move(*snapshot), {}};
  for (auto& seed : *all) {
    if (seed.revealed_at_us) view.revealed.push_back(std::move(seed));
  }
  return view;
}

ServiceResult<RotatedSeeds> Service::rotate_seed(const Caller& caller, std::string_view user,
                                                 std::optional<std::string> client_seed) {
  if (!may_manage_seeds(caller, user)) {
    return std::unexpected(forbidden(caller, "rotate the seeds of '" + std::string(user) + "'"));
  }
  if (!engine_) return std::unexpected(no_engine());
  if (auto known = existing(user); !known) return std::unexpected(std::move(known).error());
  auto revealed = engine_->rotate_seed(user, std::move(client_seed));
  if (!revealed) return std::unexpected(ServiceError::from(revealed.error()));
  auto snapshot = existing(user);
  if (!snapshot) return std::unexpected(std::move(snapshot).error());
  return RotatedSeeds{std::move(*revealed), std::move(*snapshot)};
}

}  // namespace autobets
