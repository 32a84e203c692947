//! The server's integration tests, one binary (one link of the server, not one a file): each
//! module a part of the API over real HTTP, each test on SQLite and on PostgreSQL
//! (`on_both_stores!`); the helpers they share are in `common`.

#[macro_use]
mod common;

mod admin;
mod agencies;
mod auth;
mod backup;
mod definitions;
mod demo;
mod device_keys;
mod devices;
mod fault;
mod indicators;
mod own_account;
mod phone_pull;
mod plans;
mod quarters;
mod reports;
mod retention;
mod settings;
mod shell;
mod slips;
mod small_counts;
mod sync;
mod throttle;
mod tip_offs;
mod unsent;
