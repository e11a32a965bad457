// The /api/v1 endpoints whose data comes from other subsystems through the
// providers of server/api/providers.h, shaped as Prometheus 2.42 answers:
//
//   GET      /api/v1/targets           state=active|dropped|any
//   GET      /api/v1/targets/metadata  match_target, metric, limit
//   GET      /api/v1/metadata          metric, limit
//   GET      /api/v1/rules             type=alert|record, rule_name[], rule_group[],
//                                      file[], exclude_alerts
//   GET      /api/v1/alerts
//   GET      /api/v1/alertmanagers
//
// A null provider reads as one with nothing to report.
//
// Thread-safety: handlers may run concurrently; providers must allow it.
#pragma once

#include "server/api/providers.h"
#include "server/http_message.h"

namespace pharos::server {

Response HandleTargets(TargetsProvider* targets, const Request& req);
Response HandleTargetsMetadata(TargetsProvider* targets, const Request& req);
Response HandleMetadata(TargetsProvider* targets, const Request& req);
Response HandleRules(RulesProvider* rules, const Request& req);
Response HandleAlerts(RulesProvider* rules, const Request& req);
Response HandleAlertmanagers(AlertmanagersProvider* alertmanagers, const Request& req);

}  // namespace pharos::server
