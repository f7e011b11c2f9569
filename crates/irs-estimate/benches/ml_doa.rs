//! Criterion bench of one ML DoA estimate at the default sizes (filled in below).
fn main() {}
