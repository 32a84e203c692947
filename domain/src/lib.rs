//! The pure domain core shared by the phone (wasm) and the server: record kinds, validation,
//! client codes. No I/O, no web or database crates, so it compiles and tests in seconds.
