//! Criterion benches of the closed-form and generic FIMs (placeholder, filled below).
fn main() {}
