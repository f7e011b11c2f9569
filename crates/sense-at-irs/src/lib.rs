//! Alternating optimizer for sensing at the IRSs (not yet implemented).
