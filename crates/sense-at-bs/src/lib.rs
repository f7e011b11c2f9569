//! Alternating optimizer for sensing at the BS (not yet implemented).
