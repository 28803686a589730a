//! The integration tests: one crate, one module per area, so the binary and
//! its dependencies are linked once. Most tests drive the real `pipec` binary
//! on real files; helpers: `common` (paths, compiling, snapshots),
//! `run_common` (a folder with a pipeline and `pipec run` on it),
//! `durable_common` (the same with the state store), `schedule_fake_market`
//! (a hand-written market for the schedule tests).

mod common;
mod durable_common;
mod run_common;

mod bad_error_messages;
mod calendar_file;
mod calendar_file_rules;
mod calendar_month_view;
mod calendar_reference;
mod calendar_rules;
mod check_big_file;
mod check_json;
mod check_snapshots;
mod cli_calendar;
mod cli_next;
mod cli_overnight;
mod cron_oracle;
mod cron_parse;
mod cron_reference;
mod daemon_cli;
mod daemon_week;
mod dashboard;
mod diagnostic_codes;
mod dst_transitions;
mod fmt_cli;
mod fmt_fixtures;
mod fmt_proptest;
mod front_end_never_panics;
mod graph_cli;
mod graph_snapshots;
mod health_cli;
mod ir_snapshots;
mod market_overnight;
mod market_state_transitions;
mod nesting_limits;
mod notifications;
mod plan_hash;
mod resume_kill;
mod resume_rules;
mod run_cli;
mod run_examples;
mod run_fan_out;
mod run_key_claims;
mod run_library;
mod run_market_state;
mod run_no_state;
mod run_policies;
mod run_process;
mod run_process_tree;
mod run_schedule;
mod run_secrets;
mod scale_out;
mod schedule_analysis;
mod schedule_at;
mod schedule_day_set;
mod schedule_every;
mod schedule_fake_market;
mod schedule_serde;
mod schedule_session_relative;
mod schedule_xnys;
mod service_api;
mod store_errors;
mod store_records;
mod templates;
