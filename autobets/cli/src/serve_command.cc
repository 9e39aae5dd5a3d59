// `autobets serve`: the HTTP API until SIGTERM or SIGINT, which drain it.
#include <csignal>
#include <iostream>

#include "autobets/api_keys.h"
#include "autobets/engine.h"
#include "autobets/http_server.h"
#include "autobets/open_store.h"
#include "autobets/service.h"
#include "cli.h"

namespace autobets::cli {

int run_serve(const Options& options, const ServerOptions& server_options) {
  // Every thread started from here on inherits the mask, so only sigwait sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = open_store(options.db);
  if (!store) return report_error(store.error());
  auto keys = open_key_store(options.db);
  if (!keys) return report_error(keys.error());
  EngineOptions engine_options;
  // Closed-loop HTTP clients (a request, its answer, the next): without a short wait the
  // requests answered by one commit may miss the next one (docs/http-api.md, Benchmark).
  engine_options.gather_window = std::chrono::microseconds(options.commit_gather_us);
  auto engine = Engine::open(**store, engine_options);
  if (!engine) return report_error(engine.error());
  Service service(**store, engine->get());
  auto server = HttpServer::start(service, **keys, server_options);
  if (!server) return report_error(server.error());
  std::cout << "autobets: serving " << display_db(options.db) << " on http://"
            << server_options.listen.substr(0, server_options.listen.rfind(':')) << ":"
            << (*server)->port() << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  std::cerr << "autobets: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": draining connections\n";
  (*server)->drain();
  server->reset();
  engine->reset();  // every accepted request is durable (or failed) after this
  std::cerr << "autobets: stopped\n";
  return kExitOk;
}

}  // namespace autobets::cli
